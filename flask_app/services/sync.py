"""One manager's sync: the unit of work a cron sweep, a push notification or a task runs.

1. take the manager's lease (a second run at the same time waits, then flags the lease and
   skips: the run holding it reads the calendar once more before it lets go);
2. list the calendar's changes (sync token; a full list after Google's 410);
3. find the manager's one-on-ones and their meetings in the window (pure);
4. per pair: the running doc found or made, shared and attached; its sections brought in line
   with the calendar in one batch written at the revision it was read at; ended meetings
   gathered into the report's development plan. Each pair's records are saved together.

Every step can crash and rerun: docs are found again by their Drive appProperties, sections by
their named ranges, plan entries by theirs, so a rerun never makes a second doc, section or
entry. A pair that fails is reported and the others go on; a manager whose calendar cannot be
read is reported and the pass goes on with the next manager.
"""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..domain.agenda import AgendaTemplate
from ..domain.detection import DetectionSettings
from ..domain.events import CalendarEvent
from ..domain.locales import DEFAULT_LANGUAGE
from ..domain.pairs import PairMeetings, find_pairs
from ..domain.people import Directory
from ..domain.records import ManagerState, MeetingRecord, PairRecord
from ..domain.schedule import HORIZON
from ..domain.snapshot import DocSnapshot
from ..errors import GoogleApiError, RateLimited, SyncTokenExpired
from ..ports import Clock, Docs, Drive, Store, Workspace
from . import pair_docs
from .audit import for_manager
from .pair_cycle import sync_pair

log = logging.getLogger(__name__)
LOOKBACK = timedelta(days=35)  # meetings that ended this long ago may still need gathering
ROUNDS = 3  # calendar reads in one sync at most, when changes keep coming in during it


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
    failed: str | None = None  # the manager could not be synced: why ("method: status reason")
    skipped: str | None = None  # not synced this time, and why (another sync was running)
    # Google rate-limited some call: try again after this many seconds (None: not limited)
    retry_after: float | None = None
    rounds: int = 0  # calendar reads: another is run when a change comes in during one
    again: bool = False  # a change came in during the last round: it wants another sync


def _note_limit(result: SyncResult, error: GoogleApiError) -> None:
    if isinstance(error, RateLimited):
        result.retry_after = max(result.retry_after or 0, error.retry_after or 0) or 30.0


@dataclass(frozen=True)
class SyncSettings:
    agenda_days_before: timedelta = timedelta(days=7)  # a first meeting's agenda, or after a gap
    grace: timedelta = timedelta(minutes=30)  # after a meeting ends, before it is gathered
    detection: DetectionSettings = DetectionSettings()
    template: str = "one-on-one"
    unit_templates: dict = field(default_factory=dict)  # org unit -> template, HR's defaults
    reuse_docs: bool = False  # HR lets the service write into docs it did not make
    plans_by_manager: bool = False  # the opt-in mode: only the manager authorised the service
    opt_out_url: str = ""  # the link in every doc's header that stops the coach
    default_language: str = DEFAULT_LANGUAGE
    lease: timedelta = timedelta(minutes=10)
    lease_waits: int = 10  # tries, one second apart, before a second run skips
    write_attempts: int = 5


@dataclass(frozen=True)
class Focus:
    """A sync of one pair that someone asked for from the add-on: its agenda now (even if the
    meeting is more than a week away; an ended meeting is gathered first), or its notes now
    (every meeting that has begun counts as ended)."""

    report: str
    agenda_now: bool = False
    gather_now: bool = False


@dataclass
class Run:
    """One manager's sync in progress: the ports acting as them and what this run read."""

    manager: str
    workspace: Workspace
    store: Store
    directory: Directory
    now: datetime
    result: SyncResult
    time_zone: str = ""  # the manager's calendar's zone
    focus: Focus | None = None
    reuse_docs: bool = False
    plans_by_manager: bool = False
    # docs read in this run: (snapshot, whether this run wrote to it since)
    seen: dict[str, tuple[DocSnapshot, bool]] = field(default_factory=dict)
    _docs: Docs | None = None
    _drive: Drive | None = None

    @property
    def docs(self) -> Docs:
        if self._docs is None:
            self._docs = self.workspace.docs(self.manager, any_doc=self.reuse_docs)
        return self._docs

    @property
    def drive(self) -> Drive:
        if self._drive is None:
            self._drive = self.workspace.drive(self.manager)
        return self._drive

    def name(self, email: str) -> str:
        person = self.directory.get(email)
        return person.name if person else email


@dataclass
class ManagerSync:
    """Runs manager syncs with the given collaborators."""

    workspace: Workspace
    store: Store
    clock: Clock
    templates: dict[str, AgendaTemplate]
    settings: SyncSettings = SyncSettings()
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
    sleep: object = time.sleep

    def run(self, manager: str, directory: Directory, *, write_agendas: bool = True,
            gather: bool = True, focus: Focus | None = None) -> SyncResult:
        manager = manager.lower()
        result = SyncResult(manager)
        if manager in {o.email for o in self.store.opt_outs()}:
            result.skipped = "opted out"
            return result
        lease = f"sync:{manager}"
        if not self._take(lease):
            result.skipped = "another sync of this manager is running (it will look again)"
            return result
        try:
            with for_manager(manager):
                for round_ in range(1, ROUNDS + 1):
                    result.rounds = round_
                    self._sync(manager, directory, result, write_agendas, gather, focus)
                    if (result.failed or result.retry_after is not None or round_ == ROUNDS
                            or not self.store.lease_flagged(lease, self.owner)):
                        break
                    self._renew(lease)
        finally:
            result.again = self.store.release_lease(lease, self.owner)
        return result

    def ask_again(self, manager: str) -> bool:
        """Flag a running sync of ``manager`` to read the calendar once more before it ends;
        False when none runs."""
        return self.store.flag_lease(f"sync:{manager.lower()}", self.clock.now())

    def _take(self, lease: str) -> bool:
        """Take the manager's lease, waiting ``lease_waits`` seconds at most; when another sync
        still holds it, flag it instead: that sync reads the calendar once more before it ends
        (a change it may have missed is not lost)."""
        for attempt in range(self.settings.lease_waits + 1):
            if self._renew(lease):
                return True
            if attempt < self.settings.lease_waits:
                self.sleep(1)
        for _ in range(3):  # it may let go between the two calls: then take it after all
            if self.store.flag_lease(lease, self.clock.now()):
                return False
            if self._renew(lease):
                return True
        return False

    def _renew(self, lease: str) -> bool:
        now = self.clock.now()
        return self.store.take_lease(lease, self.owner, now + self.settings.lease, now)

    def _sync(self, manager: str, directory: Directory, result: SyncResult,
              write_agendas: bool, gather: bool, focus: Focus | None) -> None:
        state = self.store.manager(manager) or ManagerState(manager)
        try:
            events, token, full = self._changes(manager, state)
        except GoogleApiError as error:
            result.failed = error.summary
            _note_limit(result, error)
            state.failure = error.summary
            self.store.save_manager(state)
            log.warning("calendar of a manager could not be read: %s", error.summary)
            return
        result.full_sync = result.full_sync or full
        state.events = events
        now = self.clock.now()
        run = Run(manager, self.workspace, self.store, directory, now, result, state.time_zone,
                  focus=focus, reuse_docs=self.settings.reuse_docs,
                  plans_by_manager=self.settings.plans_by_manager)
        marks = {mark.event_id: mark for mark in self.store.marks()}
        found = find_pairs(list(events.values()), manager, directory, self.settings.detection,
                           now - LOOKBACK, now + HORIZON, marks)
        stopped = {o.email for o in self.store.opt_outs()}
        pairs = [p for p in found.pairs if (focus is None or p.report == focus.report.lower())
                 and p.report not in stopped]
        result.pairs = len(pairs)
        result.problems += found.problems
        for pair in pairs:
            try:
                self._pair(run, pair, state, full, write_agendas, gather)
            except GoogleApiError as error:
                result.problems.append(error.summary)
                _note_limit(result, error)
                log.warning("pair sync failed: %s", error.summary)
        state.sync_token, state.synced_at, state.failure = token, now, None
        self.store.save_manager(state)

    def _changes(self, manager: str, state: ManagerState
                 ) -> tuple[dict[str, CalendarEvent], str, bool]:
        """The manager's events after this round of changes, the next token, and whether this
        was a full sync (no token, or Google's 410: everything known is checked again)."""
        calendar = self.workspace.calendar(manager)
        events = dict(state.events) if state.sync_token else {}
        full = state.sync_token is None
        try:
            changes = calendar.changes(state.sync_token)
        except SyncTokenExpired:
            log.info("sync token expired for a manager; running a full sync")
            events, full = {}, True
            changes = calendar.changes(None)
        state.time_zone = changes.time_zone or state.time_zone
        token = changes.token
        for event in changes.events:
            if event.status == "cancelled" and not event.recurring_event_id:
                events.pop(event.id, None)
            else:
                events[event.id] = event
        return events, token, full

    def _pair(self, run: Run, pair: PairMeetings, state: ManagerState, full: bool,
              write_agendas: bool, gather: bool) -> None:
        record = self.store.pair(pair.manager, pair.report) or PairRecord(pair.manager,
                                                                          pair.report)
        known = {r.occurrence: r for r in self.store.meetings(record.key)}
        events = {event_id: state.events[event_id] for event_id in pair.event_ids}
        changed: list[MeetingRecord] = []
        try:
            if write_agendas and full and record.doc_id:
                pair_docs.verify(run, record, known)
                changed += list(known.values())
            changed += sync_pair(run, pair, record, known, events, self.settings,
                                 self.templates, write_agendas=write_agendas, gather=gather)
        finally:
            state.events.update(events)
            with self.store.transaction():
                self.store.save_pair(record)
                for meeting in {m.occurrence: m for m in changed}.values():
                    self.store.save_meeting(meeting)
