"""The occurrences of one-on-one series within a window: recurrence rules, moves, cancellations.

A series' occurrence is identified by its original start, which Google keeps for moved
instances; that identity is what sections and notes are keyed by.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import icalendar
import recurring_ical_events

from .events import CalendarEvent


@dataclass(frozen=True)
class Occurrence:
    """One meeting: a single event or one instance of a series."""

    series_id: str
    original_start: datetime
    start: datetime
    end: datetime
    cancelled: bool = False
    event_id: str = ""

    @property
    def key(self) -> str:
        return f"{self.series_id}@{self.original_start.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"

    @property
    def moved(self) -> bool:
        return self.start != self.original_start


def _as_datetime(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)


def expand(series: CalendarEvent, exceptions: list[CalendarEvent], start: datetime,
           end: datetime) -> list[Occurrence]:
    """Occurrences of ``series`` overlapping [start, end), exceptions applied, sorted by start."""
    duration = series.end - series.start
    by_original = {_as_datetime(e.original_start): e for e in exceptions if e.original_start}
    found: dict[datetime, Occurrence] = {}
    if series.recurrence:
        for original in _rule_starts(series, start - duration, end):
            found[original] = Occurrence(series.id, original, original, original + duration,
                                         event_id=_instance_id(series.id, original))
    elif series.status != "cancelled":
        original = _as_datetime(series.start)
        found[original] = Occurrence(series.id, original, original, _as_datetime(series.end),
                                     event_id=series.id)
    for original, exception in by_original.items():
        cancelled = exception.status == "cancelled"
        if cancelled:
            moved_start, moved_end = original, original + duration
        else:
            moved_start, moved_end = _as_datetime(exception.start), _as_datetime(exception.end)
        if original in found or start <= moved_start < end:
            found[original] = Occurrence(series.id, original, moved_start, moved_end,
                                         cancelled=cancelled, event_id=exception.id)
    return sorted((o for o in found.values() if o.end > start and o.start < end),
                  key=lambda o: o.start)


def _instance_id(series_id: str, original: datetime) -> str:
    return f"{series_id}_{original.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"


def _rule_starts(series: CalendarEvent, start: datetime, end: datetime) -> list[datetime]:
    """Start times the series' recurrence lines give in [start, end)."""
    event = icalendar.Event()
    event.add("uid", series.id)
    event.add("dtstart", series.start)
    event.add("dtend", series.end)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//one-on-one-coach//occurrences//EN")
    calendar.add("version", "2.0")
    lines = event.to_ical().decode().replace("\r\n ", "").split("\r\n")
    lines = [line for line in lines if line not in ("END:VEVENT", "")]
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:coach\r\n" + "\r\n".join(lines) + "\r\n"
            + "\r\n".join(series.recurrence) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    parsed = icalendar.Calendar.from_ical(text)
    starts = []
    for occurrence in recurring_ical_events.of(parsed).between(start, end):
        starts.append(_as_datetime(occurrence["DTSTART"].dt))
    return starts
