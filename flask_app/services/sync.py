"""One manager's agenda sync: the unit of work a cron sweep, a push notification or a task
queue runs.

1. list the calendar's changes (sync token; a full list after Google's 410);
2. find the manager's one-on-ones and their meetings in the window (pure);
3. per pair: make sure the running doc exists, is shared and attached; bring its sections in
   line with the calendar in one batch written at the revision it was read at.

Every step can crash and rerun: docs are found again by their Drive appProperties, sections by
their named ranges, so a rerun never makes a second doc or section.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from ..adapters.calendar import CalendarAdapter, attached_docs, marked_doc, to_domain, trim
from ..adapters.docs import DocsAdapter, empty_document
from ..adapters.drive import DriveAdapter
from ..domain.agenda import AgendaContext, AgendaTemplate
from ..domain.detection import DetectionSettings
from ..domain.pair_doc import Written, compose, header_model
from ..domain.people import Directory
from ..domain.planning import PairMeetings, find_pairs
from ..domain.snapshot import DocSnapshot
from ..errors import Conflict, GoogleApiError, NotFound, PermissionDenied, SyncTokenExpired
from .gather import Gatherer
from .store import ManagerState, MeetingRecord, PairRecord, Store

log = logging.getLogger(__name__)
PAIR_PROPERTY = "coachPair"
WRITE_ATTEMPTS = 5
LOOKBACK = timedelta(days=7)


@dataclass
class SyncResult:
    """What one manager's sync did (counts only: no names of people, no note text)."""

    manager: str
    full_sync: bool = False
    pairs: int = 0
    docs_created: int = 0
    docs_reused: int = 0
    attached: int = 0
    sections_added: int = 0
    sections_redated: int = 0
    sections_removed: int = 0
    sections_kept: int = 0
    meetings_gathered: int = 0
    not_filled: int = 0
    plan_entries: int = 0
    items_carried: int = 0
    problems: list[str] = field(default_factory=list)


def pair_marker(manager: str, report: str) -> str:
    """The appProperties value that marks a pair's doc in Drive."""
    return hashlib.sha256(f"{manager.lower()}|{report.lower()}".encode()).hexdigest()[:32]


def doc_url(doc_id: str) -> str:
    return f"https://docs.google.com/document/d/{doc_id}/edit"


@dataclass
class AgendaSync:
    """Runs manager syncs against a Workspace with the given collaborators."""

    store: Store
    workspace: object  # adapters.workspace.Workspace: .service(api, user)
    directory: Directory
    template: AgendaTemplate
    lookahead: timedelta = timedelta(days=14)
    detection: DetectionSettings = DetectionSettings()
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    gatherer: Gatherer | None = None
    write_agendas: bool = True

    def run(self, manager: str) -> SyncResult:
        result = SyncResult(manager)
        state = self.store.manager(manager) or ManagerState(manager)
        calendar = CalendarAdapter(self.workspace.service("calendar", manager))
        try:
            changes, token = calendar.changes(state.sync_token)
        except SyncTokenExpired:
            log.info("sync token expired for a manager; running a full sync")
            state.events = {}
            changes, token = calendar.changes(None)
        result.full_sync = state.sync_token is None or not state.events
        for event in changes:
            if event.get("status") == "cancelled" and not event.get("recurringEventId"):
                state.events.pop(event["id"], None)
            else:
                state.events[event["id"]] = trim(event)
        now = self.clock()
        pairs, _ = find_pairs([to_domain(e) for e in state.events.values()], manager,
                              self.directory, self.detection, now - LOOKBACK,
                              now + self.lookahead)
        result.pairs = len(pairs)
        services = _Services(self.workspace, manager)
        for pair in pairs:
            try:
                self._pair(pair, state, calendar, services, now, result)
            except GoogleApiError as error:
                result.problems.append(f"{error.method}: {error.status} {error.reason}")
                log.warning("pair sync failed: %s %s", error.method, error.status)
        state.sync_token = token
        state.synced_at = now
        self.store.save_manager(state)
        return result

    def _pair(self, pair: PairMeetings, state: ManagerState, calendar: CalendarAdapter,
              services: "_Services", now: datetime, result: SyncResult) -> None:
        record = self.store.pair(pair.manager, pair.report) or PairRecord(pair.manager, pair.report)
        if self.write_agendas:
            self._agendas(pair, state, calendar, services, now, result, record)
        if self.gatherer is not None and record.doc_id is not None:
            known = {r.occurrence: r for r in self.store.meetings(record.key)}
            counts = self.gatherer.gather(pair, record, known, services.docs, now,
                                          services.seen.get(record.doc_id))
            result.meetings_gathered += counts.gathered
            result.not_filled += counts.not_filled
            result.plan_entries += counts.plan_entries
            result.items_carried += counts.carried

    def _agendas(self, pair: PairMeetings, state: ManagerState, calendar: CalendarAdapter,
                 services: "_Services", now: datetime, result: SyncResult,
                 record: PairRecord) -> None:
        """Doc found or made, shared and attached; sections in line with the calendar."""
        meetings = {m.key: m for m in pair.meetings}
        known = {r.occurrence: r for r in self.store.meetings(record.key)}
        until = now + self.lookahead
        upcoming = pair.upcoming(now, until)
        insert = [m for m in upcoming
                  if m.key not in known or known[m.key].status != "scheduled"]
        redate = [(known[key], m) for key, m in meetings.items()
                  if key in known and known[key].status == "scheduled" and not m.cancelled
                  and known[key].start != m.start and m.end > now]
        active = {key for key, m in meetings.items() if not m.cancelled}
        remove = [r for key, r in known.items()
                  if r.status == "scheduled" and key not in active and now <= r.start < until]
        if record.doc_id is None and not upcoming:
            return
        events = {event_id: state.events[event_id] for event_id in pair.event_ids}
        if record.doc_id is None:
            self._find_or_create_doc(record, events, services, result)
        if pair.report not in record.shared_with:
            self._share(record, pair.report, services, result)
        for event_id, event in events.items():
            if record.doc_id in attached_docs(event) or marked_doc(event) == record.doc_id:
                continue
            organizer = event.get("organizer", {}).get("email", pair.manager).lower()
            # Only an event's organiser may add attachments: act as them (for instance the
            # report, when a scheduling tool made the event in their calendar).
            owner = calendar if organizer == pair.manager else CalendarAdapter(
                self.workspace.service("calendar", organizer))
            try:
                state.events[event_id] = trim(owner.attach_doc(
                    event, record.doc_id, doc_url(record.doc_id), "One-on-one notes"))
                result.attached += 1
            except (PermissionDenied, NotFound):
                result.problems.append("cannot attach the doc: the event's organiser is not "
                                       "in the organisation")
            record.attached_to = sorted(set(record.attached_to) | {event_id})
            self.store.save_pair(record)
        if insert or redate or remove:
            try:
                self._write_sections(record, pair, known, insert, redate, remove, services,
                                     result)
            except NotFound:
                self._forget_doc(record, known, result)

    def _forget_doc(self, record: PairRecord, known: dict[str, MeetingRecord],
                    result: SyncResult) -> None:
        """The pair doc was deleted: start over with a new one on the next sync."""
        record.doc_id, record.shared_with, record.attached_to = None, [], []
        self.store.save_pair(record)
        for meeting in known.values():
            if meeting.status == "scheduled":
                meeting.status = "removed"
                self.store.save_meeting(meeting)
        result.problems.append("the pair doc was deleted; a new one is made on the next sync")

    def _find_or_create_doc(self, record: PairRecord, events: dict[str, dict],
                            services: "_Services", result: SyncResult) -> None:
        """The pair's doc: the one this service marked on the events, else a Google Doc
        already attached (the manager's notes, "Take meeting notes"), else the one Drive
        finds by its appProperties (made by a run that crashed), else a new one."""
        marked = [marked_doc(e) for e in events.values() if marked_doc(e)]
        attached = [f for e in events.values() for f in attached_docs(e) if f not in marked]
        for file_id in dict.fromkeys(marked + attached):
            try:
                services.docs.get(file_id)
            except (NotFound, PermissionDenied):
                continue  # deleted, or not the manager's to write in
            record.doc_id = file_id
            result.docs_reused += file_id not in marked
            break
        if record.doc_id is None:
            marker = pair_marker(record.manager, record.report)
            found = services.drive.find_doc(PAIR_PROPERTY, marker)
            if found is None:
                manager = self.directory.get(record.manager)
                report = self.directory.get(record.report)
                name = (f"One-on-ones · {manager.name if manager else record.manager} & "
                        f"{report.name if report else record.report}")
                found = services.drive.create_doc(name, {PAIR_PROPERTY: marker})
                services.fresh.add(found["id"])
                result.docs_created += 1
            record.doc_id = found["id"]
        self.store.save_pair(record)

    def _share(self, record: PairRecord, report: str, services: "_Services",
               result: SyncResult) -> None:
        try:
            services.drive.share(record.doc_id, report)
        except PermissionDenied:
            result.problems.append("cannot share the pair doc with the report")
            return
        record.shared_with = sorted(set(record.shared_with) | {report})
        self.store.save_pair(record)

    def _write_sections(self, record: PairRecord, pair: PairMeetings,
                        known: dict[str, MeetingRecord], insert, redate, remove,
                        services: "_Services", result: SyncResult) -> None:
        manager = self.directory.get(pair.manager)
        report = self.directory.get(pair.report)
        manager_name = manager.name if manager else pair.manager
        report_name = report.name if report else pair.report

        def render(meeting, items):
            return self.template.render(AgendaContext(manager_name, report_name,
                                                      meeting.start.date(), items))

        written = {k: Written(r.occurrence, r.range_name, r.start, r.title, r.content_hash)
                   for k, r in known.items() if r.status == "scheduled"}
        for attempt in range(WRITE_ATTEMPTS):
            # A doc created in this sync is known to be empty: no need to read it first.
            fresh = attempt == 0 and record.doc_id in services.fresh
            doc = empty_document(record.doc_id) if fresh else services.docs.get(record.doc_id)
            outcome = compose(doc, written, insert=insert,
                              redate=[(written[r.occurrence], m) for r, m in redate],
                              remove=[written[r.occurrence] for r in remove], render=render,
                              header=header_model(manager_name, report_name))
            if not outcome.requests:
                services.seen[record.doc_id] = (doc, False)
                break
            try:
                services.docs.write(record.doc_id, outcome.requests, doc.revision_id)
                services.seen[record.doc_id] = (doc, True)
                break
            except Conflict:
                log.info("pair doc changed while writing; reading it again (attempt %d)",
                         attempt + 1)
        else:
            result.problems.append("the pair doc kept changing; will try again next sync")
            return
        new_keys = {m.key for m in insert}
        for w in outcome.written + outcome.adopted:
            previous = known.get(w.occurrence)
            self.store.save_meeting(MeetingRecord(
                record.key, w.occurrence, w.range_name, w.start, w.title, w.content_hash,
                gathered_at=previous.gathered_at if previous else None,
                filled=previous.filled if previous else None,
                answers=previous.answers if previous else 0))
            if w.occurrence in new_keys:
                result.sections_added += 1
            else:
                result.sections_redated += 1
        for key in outcome.removed:
            known[key].status = "removed"
            self.store.save_meeting(known[key])
            result.sections_removed += 1
        for key in outcome.kept:
            known[key].status = "cancelled"
            self.store.save_meeting(known[key])
            result.sections_kept += 1


class _Services:
    """Docs and Drive clients for one user, built when first needed."""

    def __init__(self, workspace, user: str):
        self._workspace, self._user = workspace, user
        self._docs = self._drive = None
        self.fresh: set[str] = set()  # docs created in this sync
        # docs read in this sync: (snapshot, written to since)
        self.seen: dict[str, tuple[DocSnapshot, bool]] = {}

    @property
    def docs(self) -> DocsAdapter:
        if self._docs is None:
            self._docs = DocsAdapter(self._workspace.service("docs", self._user))
        return self._docs

    @property
    def drive(self) -> DriveAdapter:
        if self._drive is None:
            self._drive = DriveAdapter(self._workspace.service("drive", self._user))
        return self._drive
