"""Quarterly peer-coaching cohorts: planned from the enabled managers, adjusted by HR, sent.

A quarter's plan is kept in the store from the first time it is planned, so that HR's moves
and ``send`` use what was previewed; planning again brings it up to date (a manager newly
enabled joins the smallest cohort that keeps the rules, one who left or opted out is removed)
without re-forming it. Each cohort's session is put in the first weeks of the quarter at the
time most of its members can make (free/busy, read as the organiser).

Sending is safe to repeat: the event has an id derived from the quarter and the cohort (a
second insert answers 409 and the event is read instead), the agenda doc is found by its mark
in Drive, its agenda written once (guarded by the doc's revision, so nobody's text is
overwritten), and a membership change patches the event's guests and the doc's sharing.
"""
from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from ..domain.cohorts import (Cohort, CohortPlan, CohortRules, Member, form_cohorts, join, leave,
                              move, next_quarter, previous_quarter, quarter_of, quarter_start)
from ..domain.document import Block
from ..domain.events import DocLink, Invitation
from ..domain.people import Directory
from ..domain.records import CohortQuarter, CohortRecord
from ..domain.section_requests import section_requests
from ..domain.session_agenda import flagged, focus, render_session
from ..domain.slots import Attendee, candidate_window, find_slot, zone_of
from ..errors import Conflict, GoogleApiError, InputError
from ..ports import Clock, Store, Workspace
from .marked_docs import blank, find_or_create

log = logging.getLogger(__name__)

COHORT_KEY = "coachCohort"  # the agenda doc's mark in Drive: "<quarter>/<number>"
AGENDA_RANGE = "cohort.agenda"


@dataclass(frozen=True)
class CohortSettings:
    organizer: str  # whose calendar holds the sessions: a programme calendar or HR's
    template: tuple[Block, ...]  # the session agenda (agendas/sessions/peer-coaching.md)
    rules: CohortRules = CohortRules()
    minutes: int = 90
    weeks: int = 3
    day_start: time = time(9)
    day_end: time = time(17)
    domain: str = "example.com"


@dataclass(frozen=True)
class QuarterPlan:
    """A quarter's cohorts as kept, with the plan's message and who could not be placed."""

    quarter: str
    cohorts: tuple[CohortRecord, ...]
    message: str
    unplaced: tuple[tuple[str, str], ...]
    organizer: str
    zones: dict[str, str] = field(default_factory=dict)  # member -> time zone

    def cohort(self, number: int) -> CohortRecord | None:
        return next((c for c in self.cohorts if c.number == number), None)

    @property
    def sent(self) -> bool:
        return any(c.sent_at for c in self.cohorts)


@dataclass(frozen=True)
class Sent:
    """What one send did, per cohort: ``made`` (event and doc), ``updated`` (guests or sharing
    changed), or ``unchanged``; and the problems met."""

    quarter: str
    outcomes: dict[int, str]
    problems: list[str]


class CohortService:
    def __init__(self, workspace: Workspace, store: Store, clock: Clock,
                 directory: Callable[[], Directory], managers: Callable[[Directory], list[str]],
                 settings: CohortSettings):
        self.workspace, self.store, self.clock = workspace, store, clock
        self._directory, self._managers, self.settings = directory, managers, settings
        self._zones: dict[str, str] = {}

    # --- planning ------------------------------------------------------------------------------
    def plan(self, quarter: str, *, by: str = "", afresh: bool = False) -> QuarterPlan:
        """The quarter's plan, formed (or brought up to date) and kept, each unsent cohort
        with the best slot for its session. A plan nothing was sent from is formed again when
        it has no cohort, or when asked (``afresh``: HR's moves are then lost)."""
        quarter_start(quarter)  # a bad quarter fails here, with its message
        directory = self._directory()
        members = self._members(directory, quarter)
        kept = self._kept(quarter)
        if kept is not None and not any(c.sent_at for c in self.store.cohorts(quarter)) and (
                afresh or not any(c.members for c in kept.cohorts)):
            kept = None
        if kept is None:
            previous = self._kept(previous_quarter(quarter))
            plan = form_cohorts(members.values(), quarter, self.settings.rules, previous)
        else:
            plan = self._brought_up_to_date(kept, members)
        return self._save(plan, members, by)

    def kept(self, quarter: str) -> QuarterPlan | None:
        """The quarter's plan as kept (None before it is first planned), unchanged."""
        quarter_start(quarter)
        head = self.store.cohort_quarter(quarter)
        if head is None:
            return None
        return QuarterPlan(quarter, tuple(self.store.cohorts(quarter)), head.message,
                           tuple(tuple(u) for u in head.unplaced), head.organizer)

    def move(self, quarter: str, email: str, to_cohort: int, *, by: str) -> QuarterPlan:
        """HR moves a manager to another cohort, the rules re-checked.

        :raises InputError: the move breaks a rule (the message says which).
        """
        directory = self._directory()
        members = self._members(directory, quarter)
        kept = self._kept(quarter)
        if kept is None:
            self.plan(quarter, by=by)
            kept = self._kept(quarter)
        moved = move(kept, email.lower(), to_cohort, members.values(), self.settings.rules)
        return self._save(moved, members, by)

    def _brought_up_to_date(self, plan: CohortPlan, members: dict[str, Member]) -> CohortPlan:
        placed = {e for c in plan.cohorts for e in c.members}
        for email in sorted(placed - set(members)):
            plan = leave(plan, email)
        plan = replace(plan, unplaced=tuple(u for u in plan.unplaced if u[0] in members))
        for email in sorted(set(members) - placed):
            plan = replace(plan, unplaced=tuple(u for u in plan.unplaced if u[0] != email))
            plan = join(plan, members[email], members.values(), self.settings.rules)
        return plan

    def _members(self, directory: Directory, quarter: str) -> dict[str, Member]:
        noon = datetime.combine(quarter_start(quarter), time(12), tzinfo=timezone.utc)
        found = {}
        for email in self._managers(directory):
            person = directory.get(email)
            if person is None:
                continue
            zone = self.zone(email, person.time_zone)
            offset = noon.astimezone(zone_of(zone)).utcoffset() or timedelta(0)
            found[email] = Member(email, person.manager_email, person.org_unit_path,
                                  person.site, int(offset.total_seconds() // 60))
            self._zones[email] = zone
        return found

    def zone(self, email: str, directory_zone: str = "") -> str:
        """The zone someone works in: their calendar's (as the last sync saw it, else asked)."""
        state = self.store.manager(email)
        if state is not None and state.time_zone:
            return state.time_zone
        if directory_zone:
            return directory_zone
        try:
            return self.workspace.calendar(email).time_zone()
        except GoogleApiError:
            return "UTC"

    def _kept(self, quarter: str) -> CohortPlan | None:
        head = self.store.cohort_quarter(quarter)
        if head is None:
            return None
        return CohortPlan(quarter, tuple(
            Cohort(c.number, tuple(c.members), tuple(tuple(p) for p in c.pairs))
            for c in self.store.cohorts(quarter)), tuple(tuple(u) for u in head.unplaced),
            head.message)

    def _save(self, plan: CohortPlan, members: dict[str, Member], by: str) -> QuarterPlan:
        s = self.settings
        kept = {c.number: c for c in self.store.cohorts(plan.quarter)}
        zones = {email: self._zones[email] for email in members}
        records = []
        for cohort in plan.cohorts:
            record = kept.pop(cohort.number, None) or CohortRecord(plan.quarter, cohort.number,
                                                                    [], [])
            changed = list(cohort.members) != record.members
            record = replace(record, members=list(cohort.members),
                             pairs=[list(p) for p in cohort.pairs])
            if not record.sent_at and (changed or record.start is None):
                record = self._with_slot(record, zones)
            elif changed:  # sent: the time stands; who of the new members can make it
                record = replace(record, conflicts=self._conflicts(record, zones))
            records.append(record)
        with self.store.transaction():
            for record in records:
                self.store.save_cohort(record)
            for gone in kept.values():
                if gone.sent_at:  # a sent cohort everyone left keeps its record
                    self.store.save_cohort(replace(gone, members=[], pairs=[]))
                else:
                    self.store.delete_cohort(plan.quarter, gone.number)
            self.store.save_cohort_quarter(CohortQuarter(
                plan.quarter, plan.message[:500], [list(u) for u in plan.unplaced],
                s.organizer, by, self.clock.now()))
        return QuarterPlan(plan.quarter, tuple(self.store.cohorts(plan.quarter)), plan.message,
                           plan.unplaced, s.organizer, zones)

    def _with_slot(self, record: CohortRecord, zones: dict[str, str]) -> CohortRecord:
        s = self.settings
        first = max(quarter_start(record.quarter), self.clock.now().date() + timedelta(days=1))
        lower, upper = candidate_window(first, s.weeks)
        busy = self.workspace.calendar(s.organizer).free_busy(record.members, lower, upper)
        slot = find_slot([Attendee(e, zones.get(e, "")) for e in record.members], busy, first,
                         weeks=s.weeks, minutes=s.minutes, day_start=s.day_start,
                         day_end=s.day_end)
        if slot is None:
            return replace(record, start=None, end=None, conflicts=list(record.members))
        return replace(record, start=slot.start, end=slot.end, conflicts=list(slot.conflicts))

    def _conflicts(self, record: CohortRecord, zones: dict[str, str]) -> list[str]:
        if record.start is None or record.end is None:
            return list(record.members)
        s = self.settings
        busy = self.workspace.calendar(s.organizer).free_busy(record.members, record.start,
                                                              record.end)
        day = record.start.date()
        slot = find_slot([Attendee(e, zones.get(e, "")) for e in record.members],
                         {e: busy.get(e, []) for e in record.members}, day, weeks=1,
                         minutes=s.minutes, day_start=s.day_start, day_end=s.day_end)
        if slot is None or slot.start != record.start:  # nobody else free then: check directly
            return sorted(e for e in record.members if busy.get(e))
        return list(slot.conflicts)

    def withdraw(self, email: str) -> None:
        """Someone opted out or left: out of this quarter's and next quarter's cohorts whose
        session is still to come, their invitation and the doc taken back if it was sent.
        Never raises for Google's errors (the next send catches up)."""
        current = quarter_of(self.clock.now().date())
        for quarter in (current, next_quarter(current)):
            kept = self.kept(quarter)
            was = next((c for c in kept.cohorts if email in c.members), None) if kept else None
            if was is None or (was.end is not None and was.end <= self.clock.now()):
                continue
            try:
                planned = self.plan(quarter, by="opt-out")
                record = planned.cohort(was.number)
                if was.sent_at and record is not None and record.members:
                    self._send(record, planned)
            except GoogleApiError as error:
                log.warning("cohort %s of %s not updated after an opt-out: %s", was.number,
                            quarter, error.summary)

    # --- sending -------------------------------------------------------------------------------
    def send(self, quarter: str, *, by: str = "") -> Sent:
        """Invite every cohort of the quarter's plan (planned now if it was not), or bring the
        invitations and the docs' sharing up to date with the plan."""
        planned = self.plan(quarter, by=by)
        outcomes, problems = {}, []
        for record in planned.cohorts:
            if not record.members:
                continue
            if record.start is None:
                problems.append(f"cohort {record.number}: no time found for its session")
                continue
            try:
                outcomes[record.number] = self._send(record, planned)
            except GoogleApiError as error:
                problems.append(f"cohort {record.number}: {error.summary}")
                log.warning("cohort %s of %s not sent: %s", record.number, quarter,
                            error.summary)
        return Sent(quarter, outcomes, problems)

    def _send(self, record: CohortRecord, planned: QuarterPlan) -> str:
        s = self.settings
        drive, docs = self.workspace.drive(s.organizer), self.workspace.docs(s.organizer)
        title = f"Peer-coaching cohort {record.number} · {record.quarter}"
        problems: list[str] = []
        doc_id, _ = find_or_create(drive, docs, COHORT_KEY, f"{record.quarter}/{record.number}",
                                   title, problems)
        record = replace(record, doc_id=doc_id)
        self.store.save_cohort(record)
        self._write_agenda(doc_id, record, planned)
        shared = self._share(doc_id, record)
        zone = self.zone(s.organizer)
        invitation = Invitation(
            event_id(record.quarter, record.number, s.organizer), title,
            _description(record, s.minutes), record.start, record.end, zone,
            tuple(record.members), DocLink(doc_id, title))
        calendar = self.workspace.calendar(s.organizer)
        event, made = calendar.invite(invitation)
        guests = {a.email for a in event.attendees if not a.organizer and not a.resource}
        updated = shared
        if guests != set(record.members):
            calendar.set_guests(event.id, tuple(record.members))
            updated = True
        sequence = record.sequence + (1 if updated and not made and record.sent_at else 0)
        self.store.save_cohort(replace(record, event_id=event.id, invited=list(record.members),
                                       sent_at=record.sent_at or self.clock.now(),
                                       sequence=sequence))
        return "made" if made else "updated" if updated else "unchanged"

    def _write_agenda(self, doc_id: str, record: CohortRecord, planned: QuarterPlan) -> None:
        docs = self.workspace.docs(self.settings.organizer)
        for _ in range(2):
            doc = docs.get(doc_id)
            if doc.range(AGENDA_RANGE) or not blank(doc):
                return  # written before, or someone wrote in it: it is theirs
            model = render_session(self.settings.template, self._values(record, planned))
            write = section_requests(model, 1, range_prefix=AGENDA_RANGE)
            try:
                docs.write(doc_id, write.requests, doc.revision_id)
                return
            except Conflict:  # changed since it was read (or a retry's answer was lost)
                continue

    def _values(self, record: CohortRecord, planned: QuarterPlan) -> dict[str, str]:
        names = self._directory()

        def name(email: str) -> str:
            person = names.get(email)
            return person.name if person else email

        zone = self.zone(self.settings.organizer)
        start = record.start.astimezone(ZoneInfo(zone)) if record.start else None
        counts, managers = self.focus_counts(record)
        return {"quarter": record.quarter,
                "session_date": f"{start:%A %d %B %Y, %H:%M} ({zone})" if start else "to be set",
                "members": ", ".join(name(e) for e in record.members),
                "pairs": "; ".join(" & ".join(name(e) for e in pair) for pair in record.pairs),
                "focus": focus(counts, managers)}

    def invite_details(self, quarter: str, number: int) -> InviteDetails:
        """The session of one cohort as an invitation, for people outside Google Calendar.

        :raises InputError: no such cohort, or it has no time yet.
        """
        record = next((c for c in self.store.cohorts(quarter) if c.number == number), None)
        if record is None or not record.members:
            raise InputError(f"{quarter} has no cohort {number} (coach cohorts plan lists them)")
        if record.start is None or record.end is None:
            raise InputError(f"cohort {number} of {quarter} has no session time yet")
        directory = self._directory()

        def named(email: str) -> tuple[str, str]:
            person = directory.get(email)
            return person.name if person else email, email

        organizer = self.settings.organizer
        return InviteDetails(
            f"{quarter}/{number}/{organizer}", record.sequence,
            f"Peer-coaching cohort {number} · {quarter}",
            _description(record, self.settings.minutes), record.start, record.end,
            self.zone(organizer), named(organizer), tuple(named(e) for e in record.members),
            DocLink(record.doc_id, "").url if record.doc_id else None)

    def focus_counts(self, record: CohortRecord) -> tuple[dict[str, int], int]:
        """How many of the cohort's managers had each competency flagged by their coaching
        mirrors last quarter, and how many managers had a gathered meeting then."""
        start = quarter_start(previous_quarter(record.quarter))
        lower = datetime.combine(start, time(0), tzinfo=timezone.utc)
        upper = datetime.combine(quarter_start(record.quarter), time(0), tzinfo=timezone.utc)
        counts: dict[str, int] = {}
        managers = 0
        for email in record.members:
            meetings = [m for pair in self.store.pairs(email)
                        for m in self.store.meetings(pair.key)]
            found = flagged(meetings, lower, upper)
            if found is None:
                continue
            managers += 1
            for competency in found:
                counts[competency] = counts.get(competency, 0) + 1
        return counts, managers

    def _share(self, doc_id: str, record: CohortRecord) -> bool:
        """Share the doc with the members; take it back from those who left. True if sharing
        changed."""
        drive = self.workspace.drive(self.settings.organizer)
        have = {p.email: p for p in drive.permissions(doc_id)}
        changed = False
        for email in record.members:
            if email not in have:
                drive.share(doc_id, email, "writer")
                changed = True
        for email in sorted(set(record.invited) - set(record.members)):
            found = have.get(email)
            if found is not None and found.role != "owner":
                drive.unshare(doc_id, found.id)
                changed = True
        return changed


def event_id(quarter: str, number: int, organizer: str) -> str:
    """The session's event id: base32hex (Calendar's alphabet, a–v and 0–9), the same for the
    same cohort of the same quarter on the same calendar."""
    digest = hashlib.sha256(f"cohort/{quarter}/{number}/{organizer.lower()}".encode()).digest()
    return "coh" + base64.b32hexencode(digest).decode().lower().rstrip("=")[:26]


def _description(record: CohortRecord, minutes: int) -> str:
    return (f"Your peer-coaching cohort's session this quarter ({minutes} minutes). One of you "
            "brings a real coaching conversation; the others observe and give feedback on the "
            "coaching itself; each names one behaviour to practise before next quarter. The "
            "agenda doc is attached. Peer-coach pairs observe one of each other's one-on-ones "
            "during the quarter, only with the report's consent.")


@dataclass(frozen=True)
class InviteDetails:
    """What an .ics invitation for a cohort's session holds."""

    key: str  # the same for the same cohort of the same quarter
    sequence: int
    summary: str
    description: str
    start: datetime
    end: datetime
    time_zone: str
    organizer: tuple[str, str]  # (name, email)
    attendees: tuple[tuple[str, str], ...]  # (name, email) each
    url: str | None
