"""Gathering what was written in a pair doc after each meeting into the report's development
plan, and carrying what is still open into the agendas already written.

A meeting is read once its end plus a grace period has passed, and once more when the next
meeting starts, so that edits made in between update its plan entry. The store keeps when and
whether a meeting was filled in; the text itself goes only from one doc to another.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from ..domain.agenda import AgendaContext, AgendaTemplate
from ..domain.carry import refresh_requests
from ..domain.notes import read_meeting
from ..domain.occurrences import Occurrence
from ..domain.plan import PlanEntry
from ..domain.pairs import PairMeetings
from ..domain.records import MeetingRecord, PairRecord
from ..domain.sections import placed_sections
from ..domain.snapshot import DocSnapshot, fingerprint_lines
from ..errors import Conflict
from ..ports import Store
from . import plans

log = logging.getLogger(__name__)


@dataclass
class Gatherer:
    """Reads ended meetings' sections and writes plan entries (one pair at a time)."""

    store: Store
    template: AgendaTemplate
    settings: object  # SyncSettings: grace, write_attempts

    def due(self, pair: PairMeetings, known: dict[str, MeetingRecord],
            now: datetime) -> list[tuple[MeetingRecord, Occurrence]]:
        """Ended meetings not gathered yet, or gathered before the next meeting began."""
        held = sorted((m for m in pair.meetings if not m.cancelled), key=lambda m: m.start)
        due = []
        for position, meeting in enumerate(held):
            record = known.get(meeting.key)
            if (record is None or record.status != "scheduled"
                    or meeting.end + self.settings.grace > now):
                continue
            following = held[position + 1].start if position + 1 < len(held) else None
            if record.gathered_at is None or (
                    following is not None and record.gathered_at < following <= now):
                due.append((record, meeting))
        return due

    def gather(self, run, pair: PairMeetings, record: PairRecord,
               known: dict[str, MeetingRecord]) -> list[MeetingRecord]:
        """Gather the pair's due meetings; the meeting records changed."""
        due = self.due(pair, known, run.now)
        if not due:
            return []
        manager_name, report_name = run.name(pair.manager), run.name(pair.report)
        doc, stale = run.seen.get(record.doc_id) or (run.docs.get(record.doc_id), False)
        notes_doc = doc  # its notes read right even when this run wrote to it since
        changed = self._carry(run, record, known, doc, stale)
        entries, emptied = [], []
        for meeting_record, meeting in due:
            rendered = self.template.render(AgendaContext(manager_name, report_name,
                                                          meeting.start.date()))
            notes = read_meeting(notes_doc, meeting_record.range_name, rendered)
            filled = bool(notes and notes.filled)
            if filled:
                entries.append(PlanEntry(meeting.key, meeting.start.date(), report_name,
                                         manager_name, notes))
            elif meeting_record.filled:
                emptied.append(meeting.key)
            meeting_record.gathered_at = run.now
            meeting_record.filled = filled
            meeting_record.answers = (sum(1 for text in notes.answers.values() if text)
                                      + len(notes.commitments)) if notes else 0
            run.result.meetings_gathered += 1
            run.result.not_filled += not filled
            changed.append(meeting_record)
        if entries or emptied:
            run.result.plan_entries += plans.write_entries(
                run, self.store, pair, report_name, entries, emptied,
                self.settings.write_attempts)
        return changed

    def _carry(self, run, record: PairRecord, known: dict[str, MeetingRecord],
               doc: DocSnapshot, stale: bool) -> list[MeetingRecord]:
        """Bring open items into the sections of meetings still to come."""
        for _ in range(self.settings.write_attempts):
            if stale:
                doc, stale = run.docs.get(record.doc_id), False
            refresh = _carry_requests(doc, known, run.now)
            if not refresh.requests:
                return []
            try:
                run.docs.write(record.doc_id, refresh.requests, doc.revision_id)
            except Conflict:
                stale = True
                continue
            run.seen[record.doc_id] = (doc, True)
            run.result.items_carried += sum(1 for r in refresh.requests if "insertText" in r)
            return _refingerprint(doc, known, refresh.lines)
        log.info("pair doc kept changing; open items are carried on the next sync")
        return []


def _carry_requests(doc: DocSnapshot, known: dict[str, MeetingRecord], now: datetime):
    days = {r.range_name: r.start.date() for r in known.values() if r.status == "scheduled"}
    sections = placed_sections(doc, days)
    later = {r.range_name for r in known.values() if r.status == "scheduled" and r.start > now}
    return refresh_requests(doc, [s for s in sections if s.name in later], sections)


def _refingerprint(doc: DocSnapshot, known: dict[str, MeetingRecord],
                   lines: dict[str, list[str]]) -> list[MeetingRecord]:
    """Sections the service alone wrote in stay recognisable as its own after the carry."""
    changed = []
    for meeting in known.values():
        if meeting.range_name in lines and \
                doc.fingerprint(*doc.range(meeting.range_name)) == meeting.content_hash:
            meeting.content_hash = fingerprint_lines(lines[meeting.range_name])
            changed.append(meeting)
    return changed
