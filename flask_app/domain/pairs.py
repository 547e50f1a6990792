"""From a manager's calendar to the one-on-ones the service looks after: which pairs, which
series, and which meetings fall in the window of interest."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from .detection import Detection, DetectionSettings, classify
from .events import CalendarEvent
from .marks import EventMark, apply_mark
from .occurrences import Occurrence, RecurrenceError, expand_bounded
from .people import Directory


@dataclass(frozen=True)
class PairMeetings:
    """One manager–report pair: the events that hold their one-on-ones and the meetings."""

    manager: str
    report: str
    event_ids: tuple[str, ...]
    meetings: tuple[Occurrence, ...]

    def upcoming(self, now: datetime, until: datetime) -> list[Occurrence]:
        return [m for m in self.meetings if not m.cancelled and now <= m.start < until]


def _declined(event: CalendarEvent) -> bool:
    return any(a.response_status == "declined" for a in event.attendees if not a.resource)


@dataclass(frozen=True)
class Found:
    """The pairs found in a calendar, each event's detection, and the series that could not be
    expanded (or only in part), with why."""

    pairs: list[PairMeetings]
    detections: dict[str, Detection]
    problems: list[str]


def find_pairs(events: list[CalendarEvent], manager: str, directory: Directory,
               settings: DetectionSettings, start: datetime, end: datetime,
               marks: dict[str, EventMark] | None = None) -> Found:
    """The pairs in which ``manager`` is the manager, with meetings overlapping [start, end);
    ``marks``: people's say on events, by event id (see :mod:`.marks`)."""
    marks = marks or {}
    exceptions: dict[str, list[CalendarEvent]] = {}
    masters = []
    for event in events:
        if event.recurring_event_id:
            exceptions.setdefault(event.recurring_event_id, []).append(event)
        else:
            masters.append(event)
    detections: dict[str, Detection] = {}
    problems: list[str] = []
    pairs: dict[tuple[str, str], tuple[list[str], list[Occurrence]]] = {}
    for event in masters:
        detection = apply_mark(classify(event, directory, settings), event,
                               marks.get(event.id), directory)
        detections[event.id] = detection
        if not detection.is_one_on_one or detection.manager_email != manager:
            continue
        own = exceptions.get(event.id, [])
        try:
            expansion = expand_bounded(event, own, start, end)
        except RecurrenceError as error:
            problems.append(f"a one-on-one series was skipped: {error}")
            continue
        if expansion.cut_short:
            problems.append(f"a one-on-one series was cut short: {expansion.cut_short}")
        meetings = [
            replace(m, cancelled=True) if not m.cancelled and _declined_instance(m, own) else m
            for m in expansion.occurrences]
        ids, found = pairs.setdefault((detection.manager_email, detection.report_email), ([], []))
        ids.append(event.id)
        found.extend(meetings)
    return Found([PairMeetings(m, r, tuple(ids), tuple(sorted(found, key=lambda o: o.start)))
                  for (m, r), (ids, found) in sorted(pairs.items())], detections, problems)


def _declined_instance(meeting: Occurrence, exceptions: list[CalendarEvent]) -> bool:
    """An edited instance that someone declined does not take place."""
    return any(e.id == meeting.event_id and _declined(e) for e in exceptions)
