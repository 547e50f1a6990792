"""Gathering what was written in a pair doc after each meeting into the report's development
plan, and carrying what is still open into the agendas already written.

A meeting is read once its end plus a grace period has passed, and once more when the next
meeting starts, so that edits made in between update its plan entry. The store keeps when and
whether a meeting was filled in; the text itself goes only from one doc to another.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..adapters.docs import DocsAdapter, empty_document
from ..adapters.drive import DriveAdapter
from ..domain.agenda import AgendaContext, AgendaTemplate
from ..domain.carry import refresh_requests
from ..domain.notes import read_meeting
from ..domain.occurrences import Occurrence
from ..domain.people import Directory
from ..domain.plan import PlanEntry, compose_plan
from ..domain.planning import PairMeetings
from ..domain.sections import placed_sections
from ..domain.snapshot import DocSnapshot
from ..errors import Conflict, PermissionDenied
from .store import MeetingRecord, PairRecord, PlanRecord, Store

log = logging.getLogger(__name__)
PLAN_PROPERTY = "coachPlan"
WRITE_ATTEMPTS = 5


def plan_marker(employee: str) -> str:
    return hashlib.sha256(f"plan|{employee.lower()}".encode()).hexdigest()[:32]


@dataclass
class GatherCounts:
    gathered: int = 0
    not_filled: int = 0
    plan_entries: int = 0
    carried: int = 0


@dataclass
class Gatherer:
    """Reads ended meetings' sections and writes plan entries (one pair at a time)."""

    store: Store
    workspace: object
    directory: Directory
    template: AgendaTemplate
    grace: timedelta = timedelta(minutes=30)

    def due(self, pair: PairMeetings, known: dict[str, MeetingRecord],
            now: datetime) -> list[tuple[MeetingRecord, Occurrence]]:
        """Ended meetings not gathered yet, or gathered before the next meeting began."""
        held = sorted((m for m in pair.meetings if not m.cancelled), key=lambda m: m.start)
        due = []
        for position, meeting in enumerate(held):
            record = known.get(meeting.key)
            if record is None or record.status != "scheduled" or meeting.end + self.grace > now:
                continue
            following = held[position + 1].start if position + 1 < len(held) else None
            if record.gathered_at is None or (
                    following is not None and record.gathered_at < following <= now):
                due.append((record, meeting))
        return due

    def gather(self, pair: PairMeetings, record: PairRecord, known: dict[str, MeetingRecord],
               docs: DocsAdapter, now: datetime,
               seen: tuple[DocSnapshot, bool] | None = None) -> GatherCounts:
        """Gather the pair's due meetings. ``seen``: the doc as this sync already read it, and
        whether it wrote to it since (its notes still read right; its indices may not)."""
        counts = GatherCounts()
        due = self.due(pair, known, now)
        if not due or record.doc_id is None:
            return counts
        manager_name, report_name = self._names(pair)
        doc, stale = seen if seen else (docs.get(record.doc_id), False)
        notes_doc = doc
        for attempt in range(WRITE_ATTEMPTS):
            requests = _carry_requests(doc, known, now)
            if not requests:
                break
            if stale:
                doc, stale = docs.get(record.doc_id), False
                continue
            try:
                docs.write(record.doc_id, requests, doc.revision_id)
                counts.carried = sum(1 for r in requests if "insertText" in r)
                break
            except Conflict:
                doc = docs.get(record.doc_id)
        entries, emptied = [], []
        for meeting_record, meeting in due:
            template = self.template.render(AgendaContext(manager_name, report_name,
                                                          meeting.start.date()))
            notes = read_meeting(notes_doc, meeting_record.range_name, template)
            filled = bool(notes and notes.filled)
            if filled:
                entries.append(PlanEntry(meeting.key, meeting.start.date(), report_name,
                                         manager_name, notes))
            elif meeting_record.filled:
                emptied.append(meeting.key)
            meeting_record.gathered_at = now
            meeting_record.filled = filled
            meeting_record.answers = (sum(1 for text in notes.answers.values() if text)
                                      + len(notes.commitments)) if notes else 0
            counts.gathered += 1
            counts.not_filled += not filled
        if entries or emptied:
            self._write_plan(pair, report_name, entries, emptied)
            counts.plan_entries = len(entries)
        for meeting_record, _ in due:
            self.store.save_meeting(meeting_record)
        return counts

    def _names(self, pair: PairMeetings) -> tuple[str, str]:
        manager = self.directory.get(pair.manager)
        report = self.directory.get(pair.report)
        return (manager.name if manager else pair.manager,
                report.name if report else pair.report)

    def _write_plan(self, pair: PairMeetings, report_name: str, entries: list[PlanEntry],
                    emptied: list[str]) -> None:
        """Write entries into the report's plan doc, which the report owns (so it moves with
        them between managers) and shares with their current manager only."""
        drive = DriveAdapter(self.workspace.service("drive", pair.report))
        docs = DocsAdapter(self.workspace.service("docs", pair.report))
        plan = self.store.plan(pair.report)
        fresh = False
        if plan is None:
            found = drive.find_doc(PLAN_PROPERTY, plan_marker(pair.report))
            if found is None:
                found = drive.create_doc(f"Development plan · {report_name}",
                                         {PLAN_PROPERTY: plan_marker(pair.report)})
                fresh = True
            plan = PlanRecord(pair.report, found["id"], pair.manager)
            self.store.save_plan(plan)
        align_plan_access(plan, pair.manager, drive, self.store)
        for attempt in range(WRITE_ATTEMPTS):
            doc = empty_document(plan.doc_id) if fresh and attempt == 0 else docs.get(plan.doc_id)
            requests = compose_plan(doc, entries, remove=emptied, employee_name=report_name)
            if not requests:
                return
            try:
                docs.write(plan.doc_id, requests, doc.revision_id)
                return
            except Conflict:
                log.info("plan doc changed while writing; reading it again")
        log.warning("plan doc kept changing; its entries are written on the next gather")


def _carry_requests(doc: DocSnapshot, known: dict[str, MeetingRecord],
                    now: datetime) -> list[dict]:
    """Open items to bring into the sections of meetings still to come."""
    days = {r.range_name: r.start.date() for r in known.values() if r.status == "scheduled"}
    sections = placed_sections(doc, days)
    later = {r.range_name for r in known.values() if r.status == "scheduled" and r.start > now}
    return refresh_requests(doc, [s for s in sections if s.name in later], sections)


def align_plan_access(plan: PlanRecord, manager: str, drive: DriveAdapter, store: Store) -> None:
    """Share the plan with ``manager`` and nobody else but its owner, the employee."""
    if plan.manager == manager and manager in plan.shared_with:
        return
    try:
        drive.share(plan.doc_id, manager)
        for permission in drive.permissions(plan.doc_id):
            email = permission.get("emailAddress", "").lower()
            if permission.get("role") != "owner" and email and email not in (manager,
                                                                             plan.employee):
                drive.unshare(plan.doc_id, permission["id"])
    except PermissionDenied:
        log.warning("could not align a plan doc's access")
        return
    plan.manager = manager
    plan.shared_with = [manager]
    store.save_plan(plan)
