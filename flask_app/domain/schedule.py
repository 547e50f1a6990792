"""Which meeting sections a pair doc should hold now, and which meetings are due to be gathered
(pure): the rules of the running doc.

- One upcoming section at a time: the next meeting's section is written once the meeting
  before it has been gathered, so that what is still open from it is carried over once; for the
  first meeting, and after a gap (a previous meeting without a section), it is written
  ``days_before`` the meeting.
- A meeting that ended is gathered once its grace period has passed; every meeting gathered
  before stays readable, so later edits and later ticks reach its plan entry at the next gather.
- A past meeting's section that held only the template (gathered, not filled) is taken out
  again if nobody touched it; a cancelled meeting's section likewise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .occurrences import Occurrence
from .records import MeetingRecord

HORIZON = timedelta(days=120)  # how far ahead the next meeting is looked for


@dataclass(frozen=True)
class SectionPlan:
    """What the doc needs now: sections to add, to re-date, to take out."""

    insert: list[Occurrence] = field(default_factory=list)  # at most the next meeting
    redate: list[tuple[MeetingRecord, Occurrence]] = field(default_factory=list)
    remove: list[MeetingRecord] = field(default_factory=list)  # cancelled: kept if written in
    tidy: list[MeetingRecord] = field(default_factory=list)    # not filled: gone if untouched

    @property
    def needed(self) -> bool:
        return bool(self.insert or self.redate or self.remove or self.tidy)


def held(meetings) -> list[Occurrence]:
    return sorted((m for m in meetings if not m.cancelled), key=lambda m: m.start)


PREPARED_WINDOW = timedelta(minutes=15)  # how long after a start its answers count as "before"


def due(meetings, known: dict[str, MeetingRecord], now: datetime,
        grace: timedelta, *, started: bool = False) -> list[Occurrence]:
    """Ended meetings with a section that have not been gathered yet (``started``: every
    meeting that has begun, when someone asked to gather now)."""
    return [m for m in held(meetings)
            if m.key in known and known[m.key].status == "scheduled"
            and known[m.key].gathered_at is None
            and (m.start <= now if started else m.end + grace <= now)]


def starting(meetings, known: dict[str, MeetingRecord], now: datetime) -> list[Occurrence]:
    """Meetings that began less than :data:`PREPARED_WINDOW` ago whose section has not been
    looked at yet: what was answered by then is what was prepared."""
    return [m for m in held(meetings)
            if m.key in known and known[m.key].status == "scheduled"
            and known[m.key].gathered_at is None and known[m.key].prepared is None
            and m.start <= now < min(m.end, m.start + PREPARED_WINDOW)]


def plan_sections(meetings, known: dict[str, MeetingRecord], now: datetime, *,
                  days_before: timedelta, begun_is_over: bool = False) -> SectionPlan:
    """The section changes the calendar and the gathering ask for (``known`` as gathering
    left it in this run; ``begun_is_over``: a meeting that has begun counts as over, when
    someone gathered it early)."""
    meetings = list(meetings)
    by_key = {m.key: m for m in meetings}
    scheduled = {k: r for k, r in known.items() if r.status == "scheduled"}
    active = held(meetings)
    plan = SectionPlan()

    def over(m: Occurrence) -> bool:
        return m.start <= now if begun_is_over else m.end <= now

    upcoming = next((m for m in active if not over(m)), None)
    if upcoming is not None and upcoming.key not in scheduled:
        before = [m for m in active if over(m) and m.start < upcoming.start]
        previous = before[-1] if before else None
        written = previous is not None and previous.key in scheduled
        if written and scheduled[previous.key].gathered_at:
            plan.insert.append(upcoming)
        elif not written and upcoming.start - now <= days_before:
            plan.insert.append(upcoming)
    for key, record in scheduled.items():
        meeting = by_key.get(key)
        if meeting is not None and not meeting.cancelled:
            if record.start != meeting.start and meeting.end > now:
                plan.redate.append((record, meeting))
            elif meeting.end <= now and record.gathered_at and record.filled is False:
                plan.tidy.append(record)
        elif now <= record.start < now + HORIZON:
            plan.remove.append(record)
    return plan
