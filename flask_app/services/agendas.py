"""A pair doc's meeting sections brought in line with the calendar: one batch per sync, written
only at the revision it was composed against (so a person's edit in between is never lost: the
batch fails, the doc is read again and the batch composed again)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from ..domain.agenda import AgendaContext, AgendaTemplate
from ..domain.occurrences import Occurrence
from ..domain.pair_doc import Written, compose, header_model
from ..domain.pairs import PairMeetings
from ..domain.records import MeetingRecord, PairRecord
from ..errors import Conflict, NotFound
from . import pair_docs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SectionPlan:
    """What the calendar asks of the doc: sections to add, to re-date and to take out."""

    upcoming: list[Occurrence]
    insert: list[Occurrence]
    redate: list[tuple[MeetingRecord, Occurrence]]
    remove: list[MeetingRecord]

    @property
    def needed(self) -> bool:
        return bool(self.insert or self.redate or self.remove)


def plan(pair: PairMeetings, known: dict[str, MeetingRecord], now: datetime,
         until: datetime) -> SectionPlan:
    meetings = {m.key: m for m in pair.meetings}
    upcoming = pair.upcoming(now, until)
    insert = [m for m in upcoming if m.key not in known or known[m.key].status != "scheduled"]
    redate = [(known[key], m) for key, m in meetings.items()
              if key in known and known[key].status == "scheduled" and not m.cancelled
              and known[key].start != m.start and m.end > now]
    active = {key for key, m in meetings.items() if not m.cancelled}
    remove = [r for key, r in known.items()
              if r.status == "scheduled" and key not in active and now <= r.start < until]
    return SectionPlan(upcoming, insert, redate, remove)


def write(run, record: PairRecord, pair: PairMeetings, known: dict[str, MeetingRecord],
          sections: SectionPlan, template: AgendaTemplate,
          attempts: int) -> list[MeetingRecord]:
    """Compose and write the batch; the meeting records it changed."""
    manager_name, report_name = run.name(pair.manager), run.name(pair.report)

    def render(meeting, items):
        return template.render(AgendaContext(manager_name, report_name, meeting.start.date(),
                                             items))

    written = {k: Written(r.occurrence, r.range_name, r.start, r.title, r.content_hash)
               for k, r in known.items() if r.status == "scheduled"}
    for _ in range(attempts):
        try:
            doc = _read(run, record.doc_id)
        except NotFound:
            pair_docs.forget(run, record, known)
            return list(known.values())
        outcome = compose(doc, written, insert=sections.insert,
                          redate=[(written[r.occurrence], m) for r, m in sections.redate],
                          remove=[written[r.occurrence] for r in sections.remove],
                          render=render, header=header_model(manager_name, report_name))
        if not outcome.requests:
            break
        try:
            run.docs.write(record.doc_id, outcome.requests, doc.revision_id)
        except Conflict:
            log.info("pair doc changed while writing; reading it again")
            run.seen.pop(record.doc_id, None)
            continue
        except NotFound:
            pair_docs.forget(run, record, known)
            return list(known.values())
        run.seen[record.doc_id] = (doc, True)
        break
    else:
        run.result.problems.append("the pair doc kept changing; will try again next sync")
        return []
    return _records(run, record, known, outcome, {m.key for m in sections.insert})


def _read(run, doc_id: str):
    seen = run.seen.get(doc_id)
    if seen is not None and not seen[1]:
        return seen[0]
    doc = run.docs.get(doc_id)
    run.seen[doc_id] = (doc, False)
    return doc


def _records(run, record: PairRecord, known: dict[str, MeetingRecord], outcome,
             new_keys: set[str]) -> list[MeetingRecord]:
    changed = []
    for w in outcome.written + outcome.adopted:
        previous = known.get(w.occurrence)
        meeting = MeetingRecord(
            record.key, w.occurrence, w.range_name, w.start, w.title, w.content_hash,
            gathered_at=previous.gathered_at if previous else None,
            filled=previous.filled if previous else None,
            answers=previous.answers if previous else 0)
        known[w.occurrence] = meeting
        changed.append(meeting)
        if w.occurrence in new_keys:
            run.result.sections_added += 1
        else:
            run.result.sections_redated += 1
    for key in outcome.removed:
        known[key].status = "removed"
        changed.append(known[key])
        run.result.sections_removed += 1
    for key in outcome.kept:
        known[key].status = "cancelled"
        changed.append(known[key])
        run.result.sections_kept += 1
    if outcome.kept:
        run.result.problems.append(f"{len(outcome.kept)} cancelled meeting(s) kept: people "
                                   "wrote in their sections")
    return changed
