"""The audit log: every write the service makes to someone's calendar or docs — what kind,
which file, when, as whom and for which manager's sync — never what was written.

:class:`AuditedWorkspace` wraps the Workspace port, so every service writes through it without
knowing; a write is recorded once Google answered it. The manager a write is for is the one
whose sync (or side panel) is running (:data:`acting_for`).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from ..domain.events import CalendarEvent, DocLink, Invitation
from ..domain.records import AuditEntry
from ..ports import Clock, Store, Workspace

acting_for: ContextVar[str] = ContextVar("acting_for", default="")


@contextmanager
def for_manager(manager: str) -> Iterator[None]:
    """Writes inside are recorded as made for ``manager``."""
    token = acting_for.set(manager.lower())
    try:
        yield
    finally:
        acting_for.reset(token)


class _Recorder:
    def __init__(self, store: Store, clock: Clock, actor: str):
        self._store, self._clock, self._actor = store, clock, actor.lower()

    def __call__(self, kind: str, file_id: str) -> None:
        self._store.record(AuditEntry(self._clock.now(), self._actor, kind, file_id,
                                      acting_for.get()))


class AuditedWorkspace:
    """The Workspace port, recording each write in the store's audit log."""

    def __init__(self, workspace: Workspace, store: Store, clock: Clock):
        self._workspace, self._store, self._clock = workspace, store, clock

    def __getattr__(self, name: str):  # directory(), members() and whatever only reads
        return getattr(self._workspace, name)

    def _recorder(self, user: str) -> _Recorder:
        return _Recorder(self._store, self._clock, user)

    def calendar(self, user: str):
        return _Calendar(self._workspace.calendar(user), self._recorder(user))

    def docs(self, user: str, **options):
        return _Docs(self._workspace.docs(user, **options), self._recorder(user))

    def drive(self, user: str):
        return _Drive(self._workspace.drive(user), self._recorder(user))


class _Wrapped:
    def __init__(self, port, record: _Recorder):
        self._port, self._record = port, record

    def __getattr__(self, name: str):
        return getattr(self._port, name)


class _Calendar(_Wrapped):
    def attach_doc(self, event: CalendarEvent, doc: DocLink) -> CalendarEvent:
        found = self._port.attach_doc(event, doc)
        self._record("calendar.attach_doc", event.id)
        return found

    def invite(self, invitation: Invitation) -> tuple[CalendarEvent, bool]:
        found, made = self._port.invite(invitation)
        if made:
            self._record("calendar.invite", invitation.event_id)
        return found, made

    def set_guests(self, event_id: str, guests: tuple[str, ...]) -> CalendarEvent:
        found = self._port.set_guests(event_id, guests)
        self._record("calendar.set_guests", event_id)
        return found


class _Docs(_Wrapped):
    def write(self, document_id: str, requests: list[dict], revision_id: str) -> str:
        revision = self._port.write(document_id, requests, revision_id)
        self._record("docs.write", document_id)
        return revision


class _Drive(_Wrapped):
    def create_doc(self, name: str, app_properties: dict[str, str]):
        found = self._port.create_doc(name, app_properties)
        self._record("drive.create_doc", found.id)
        return found

    def share(self, file_id: str, email: str, role: str = "writer") -> None:
        self._port.share(file_id, email, role)
        self._record("drive.share", file_id)

    def unshare(self, file_id: str, permission_id: str) -> None:
        self._port.unshare(file_id, permission_id)
        self._record("drive.unshare", file_id)

    def trash(self, file_id: str) -> None:
        self._port.trash(file_id)
        self._record("drive.trash", file_id)
