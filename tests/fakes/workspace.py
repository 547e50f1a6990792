"""The Workspace port in memory: calendars, Drive files, Docs documents and the directory.

Documents are the sandbox's own model of a Google Doc (applied in-process, without HTTPS), so
the fake holds tables, footnotes and named ranges exactly as the sandbox — and Google — do.
Faults are a queue: ``fake.fail("docs.write", error)`` makes the next such call raise it
(``applied=True``: after doing the work, like a lost answer); ``fake.after("docs.get", fn)``
runs ``fn`` right after a call (a person typing between the service's read and its write).
"""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from flask_app.adapters.google.docs import snapshot
from flask_app.domain.events import (GOOGLE_DOC, Attachment, Attendee, CalendarEvent, Changes,
                                     Channel, DocLink)
from flask_app.domain.occurrences import expand
from flask_app.domain.people import Directory
from flask_app.domain.workspace import DriveFile, Permission
from flask_app.errors import (Conflict, GoogleApiError, NotFound, PermissionDenied,
                              SyncTokenExpired)
from workspace_sandbox.docs import blocks
from workspace_sandbox.docs.document import Document, DocsRequestError
from workspace_sandbox.docs.markdown import markdown

EPOCH = datetime(2026, 11, 30, 6, tzinfo=timezone.utc)


@dataclass
class _File:
    id: str
    name: str
    owner: str
    created: datetime
    app_properties: dict[str, str]
    permissions: dict[str, str] = field(default_factory=dict)  # email -> role
    trashed: bool = False


@dataclass
class _Fault:
    error: GoogleApiError
    applied: bool


class FakeGoogle:
    """The state every fake port shares: one organisation's Google Workspace."""

    def __init__(self, directory: Directory):
        self.people = directory
        self.zones = {p.email: p.time_zone for p in directory if p.time_zone}
        self.groups: dict[str, frozenset[str]] = {}
        self.events: dict[str, CalendarEvent] = {}
        self.versions: dict[str, int] = {}  # event id -> change number
        self.cancelled: dict[str, CalendarEvent] = {}
        self.channels: dict[str, tuple[str, str, str]] = {}  # id -> (user, address, token)
        self.files: dict[str, _File] = {}
        self.documents: dict[str, Document] = {}
        self.revisions: Counter = Counter()
        self.calls: Counter = Counter()
        self.expired_tokens = False
        self._faults: dict[str, list[_Fault]] = {}
        self._after: dict[str, list] = {}
        self._ids = itertools.count(1)
        self._change = itertools.count(1)
        self._clock = itertools.count()

    # --- steering ------------------------------------------------------------------------------
    def fail(self, method: str, error: GoogleApiError, *, applied: bool = False,
             times: int = 1) -> None:
        self._faults.setdefault(method, []).extend(_Fault(error, applied) for _ in range(times))

    def after(self, method: str, callback) -> None:
        self._after.setdefault(method, []).append(callback)

    def _call(self, method: str, work):
        self.calls[method] += 1
        fault = self._faults.get(method, []).pop(0) if self._faults.get(method) else None
        if fault and not fault.error.method:
            fault.error.method = method
        if fault and not fault.applied:
            raise fault.error
        result = work()
        for callback in self._after.pop(method, []):
            callback()
        if fault:
            raise fault.error
        return result

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):04d}"

    # --- a person's calendar and docs ----------------------------------------------------------
    def put_event(self, event: CalendarEvent) -> CalendarEvent:
        """A person creates or changes an event (every guest's calendar shows it)."""
        self.events[event.id] = event
        self.versions[event.id] = next(self._change)
        return event

    def cancel_event(self, event_id: str) -> None:
        event = self.events.pop(event_id)
        self.cancelled[event_id] = replace(event, status="cancelled")
        self.versions[event_id] = next(self._change)

    def person_edits(self, document_id: str, requests: list[dict]) -> None:
        """A person changes a document in the Docs editor (a new revision)."""
        self.documents[document_id].apply(requests)
        self.revisions[document_id] += 1

    def person_ticks(self, document_id: str, paragraph_start: int) -> None:
        """A person ticks a checklist box (the Docs API will not say so)."""
        self.documents[document_id].set_checked(paragraph_start)
        self.revisions[document_id] += 1

    def visible(self, user: str, file_id: str) -> _File:
        found = self.files.get(file_id)  # a file in the trash is still there, as in Drive
        if found is None or (found.owner != user and user not in found.permissions):
            raise NotFound(404, "notFound", f"File not found: {file_id}.")
        return found

    def now(self) -> datetime:
        return EPOCH + timedelta(seconds=next(self._clock))


class FakeWorkspace:
    """The Workspace port over a :class:`FakeGoogle`."""

    def __init__(self, google: FakeGoogle):
        self.google = google

    def directory(self) -> Directory:
        return self.google._call("directory.list", lambda: self.google.people)

    def members(self, group: str) -> frozenset[str]:
        def work():
            if group.lower() not in self.google.groups:
                raise NotFound(404, "notFound", "Resource Not Found: groupKey")
            return self.google.groups[group.lower()]
        return self.google._call("directory.members", work)

    def calendar(self, user: str) -> FakeCalendar:
        return FakeCalendar(self.google, user.lower())

    def docs(self, user: str, *, any_doc: bool = False) -> FakeDocs:
        return FakeDocs(self.google, user.lower(), any_doc)

    def drive(self, user: str) -> FakeDrive:
        return FakeDrive(self.google, user.lower())


def _guest(event: CalendarEvent, user: str) -> bool:
    return event.organizer_email == user or any(a.email == user for a in event.attendees)


class FakeCalendar:
    def __init__(self, google: FakeGoogle, user: str):
        self.google, self.user = google, user

    def changes(self, sync_token):
        def work():
            if sync_token and self.google.expired_tokens:
                raise SyncTokenExpired(410, "fullSyncRequired", "Sync token is no longer valid")
            since = int(sync_token) if sync_token else 0
            found = [e for e in self.google.events.values() if _guest(e, self.user)
                     and self.google.versions[e.id] > since]
            if sync_token:
                found += [e for e in self.google.cancelled.values() if _guest(e, self.user)
                          and self.google.versions[e.id] > since]
            return Changes(found, str(max(self.google.versions.values(), default=0)),
                           self.google.zones.get(self.user, "UTC"))
        return self.google._call("calendar.changes", work)

    def time_zone(self):
        return self.google._call("calendar.time_zone",
                                 lambda: self.google.zones.get(self.user, "UTC"))

    def event(self, event_id):
        def work():
            found = self.google.events.get(event_id)
            if found is None and "_" in event_id:
                series = self.google.events.get(event_id.rsplit("_", 1)[0])
                if series is not None and series.recurrence:
                    found = self._instance(series, event_id)
            if found is None or not _guest(found, self.user):
                raise NotFound(404, "notFound", "Not Found")
            return found
        return self.google._call("calendar.event", work)

    def _instance(self, series: CalendarEvent, event_id: str) -> CalendarEvent | None:
        edited = [e for e in self.google.events.values() if e.recurring_event_id == series.id]
        if any(e.id == event_id for e in edited):
            return next(e for e in edited if e.id == event_id)
        window = (series.start - timedelta(days=1), series.start + timedelta(days=800))
        for o in expand(series, edited, *window):
            if o.event_id == event_id and not o.cancelled:
                return replace(series, id=o.event_id, start=o.start, end=o.end, recurrence=(),
                               recurring=False, recurring_event_id=series.id,
                               original_start=o.original_start)
        return None

    def between(self, start, end):
        def work():
            mine = [e for e in self.google.events.values() if _guest(e, self.user)]
            series = [e for e in mine if not e.recurring_event_id]
            found = []
            for event in series:
                exceptions = [e for e in mine if e.recurring_event_id == event.id]
                found += [replace(event, id=o.event_id, start=o.start, end=o.end,
                                  recurring_event_id=event.id if event.recurrence else None)
                          for o in expand(event, exceptions, start, end) if not o.cancelled]
            return sorted(found, key=lambda e: e.start)
        return self.google._call("calendar.between", work)

    def attach_doc(self, event: CalendarEvent, doc: DocLink) -> CalendarEvent:
        def work():
            current = self.google.events.get(event.id)
            if current is None:
                raise NotFound(404, "notFound", "Not Found")
            if current.organizer_email != self.user:
                raise PermissionDenied(403, "forbidden", "Only the organizer may attach files.")
            kept = tuple(a for a in current.attachments
                         if a.file_id not in (doc.file_id, current.marked_doc))
            attachment = Attachment(doc.file_id, doc.url, doc.title, GOOGLE_DOC)
            return self.google.put_event(replace(current, attachments=kept + (attachment,),
                                                 marked_doc=doc.file_id))
        return self.google._call("calendar.attach_doc", work)

    def free_busy(self, emails, start, end):
        def work():
            found = {}
            for email in emails:
                if email not in self.google.people:
                    continue
                busy = [e for e in FakeCalendar(self.google, email).between(start, end)
                        if e.event_type == "default" and not e.all_day]
                found[email] = sorted((max(e.start, start), min(e.end, end)) for e in busy)
            return found
        return self.google._call("calendar.free_busy", work)

    def invite(self, invitation):
        def work():
            if invitation.event_id in self.google.events:
                return self.google.events[invitation.event_id], False
            attachments = (() if invitation.doc is None else (Attachment(
                invitation.doc.file_id, invitation.doc.url, invitation.doc.title, GOOGLE_DOC),))
            event = CalendarEvent(
                invitation.event_id, invitation.summary, invitation.start, invitation.end,
                organizer_email=self.user, attachments=attachments,
                attendees=tuple(Attendee(g) for g in invitation.guests),
                marked_doc=invitation.doc.file_id if invitation.doc else None,
                time_zone=invitation.time_zone)
            return self.google.put_event(event), True
        return self.google._call("calendar.invite", work)

    def watch(self, address, channel_id, token, ttl_seconds):
        def work():
            channel = Channel(channel_id, f"res-{self.user}",
                              self.google.now() + timedelta(seconds=ttl_seconds))
            self.google.channels[channel_id] = (self.user, address, token)
            return channel
        return self.google._call("calendar.watch", work)

    def stop_channel(self, channel_id, resource_id):
        return self.google._call("calendar.stop_channel",
                                 lambda: self.google.channels.pop(channel_id, None) and None)

    def set_guests(self, event_id, guests):
        def work():
            current = self.google.events.get(event_id)
            if current is None or current.organizer_email != self.user:
                raise NotFound(404, "notFound", "Not Found")
            kept = {a.email: a for a in current.attendees}
            return self.google.put_event(replace(
                current, attendees=tuple(kept.get(g, Attendee(g)) for g in guests)))
        return self.google._call("calendar.set_guests", work)


class FakeDocs:
    """Docs as one person; without ``any_doc`` (drive.file alone) only the docs the service
    made as that person, as Google's drive.file scope allows."""

    def __init__(self, google: FakeGoogle, user: str, any_doc: bool = False):
        self.google, self.user, self.any_doc = google, user, any_doc

    def _file(self, document_id: str) -> _File:
        found = self.google.visible(self.user, document_id)
        if not self.any_doc and found.owner != self.user:
            raise NotFound(404, "notFound", "Requested entity was not found.")
        return found

    def get(self, document_id: str):
        def work():
            self._file(document_id)
            data = self.google.documents[document_id].to_json()
            data["revisionId"] = str(self.google.revisions[document_id])
            return snapshot(data)
        return self.google._call("docs.get", work)

    def write(self, document_id: str, requests: list[dict], revision_id: str) -> str:
        def work():
            found = self._file(document_id)
            if found.owner != self.user and found.permissions[self.user] not in ("writer",):
                raise PermissionDenied(403, "forbidden", "The caller does not have permission")
            if revision_id != str(self.google.revisions[document_id]):
                raise Conflict(400, "failedPrecondition", "The required revision ID does not "
                               "match the latest revision of the document.")
            try:  # all or nothing, as Google applies a batch
                self.google.documents[document_id].apply(requests)
            except DocsRequestError as error:
                raise GoogleApiError(400, "badRequest", error.message) from None
            self.google.revisions[document_id] += 1
            return str(self.google.revisions[document_id])
        return self.google._call("docs.write", work)


class FakeDrive:
    def __init__(self, google: FakeGoogle, user: str):
        self.google, self.user = google, user

    def find_docs(self, key, value):
        def work():
            found = [f for f in self.google.files.values() if not f.trashed
                     and f.app_properties.get(key) == value
                     and (f.owner == self.user or self.user in f.permissions)]
            return [DriveFile(f.id, f.name, f.created, dict(f.app_properties))
                    for f in sorted(found, key=lambda f: f.created)]
        return self.google._call("drive.find_docs", work)

    def create_doc(self, name, app_properties):
        def work():
            file_id = self.google.new_id("doc")
            made = _File(file_id, name, self.user, self.google.now(), dict(app_properties))
            self.google.files[file_id] = made
            self.google.documents[file_id] = Document.new(file_id, name)
            return DriveFile(file_id, name, made.created, dict(app_properties))
        return self.google._call("drive.create_doc", work)

    def share(self, file_id, email, role="writer"):
        def work():
            found = self.google.visible(self.user, file_id)
            if email.lower() != found.owner:
                found.permissions[email.lower()] = role
        return self.google._call("drive.share", work)

    def permissions(self, file_id):
        def work():
            found = self.google.visible(self.user, file_id)
            return [Permission(f"p-{found.owner}", found.owner, "owner")] + [
                Permission(f"p-{email}", email, role) for email, role in found.permissions.items()]
        return self.google._call("drive.permissions", work)

    def unshare(self, file_id, permission_id):
        def work():
            found = self.google.visible(self.user, file_id)
            found.permissions.pop(permission_id.removeprefix("p-"), None)
        return self.google._call("drive.unshare", work)

    def export_markdown(self, file_id):
        def work():
            self.google.visible(self.user, file_id)
            return markdown(blocks.read(self.google.documents[file_id]))
        return self.google._call("drive.export_markdown", work)

    def trash(self, file_id):
        def work():
            self.google.visible(self.user, file_id).trashed = True
        return self.google._call("drive.trash", work)
