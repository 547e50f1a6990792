"""A meeting slot for a peer-coaching cohort (pure): the earliest time everyone can meet in the first
weeks of a quarter, or else the earliest time the most of them can.

A candidate start lies on the UTC grid (every ``step_minutes`` from midnight UTC); it counts for a
person when the whole slot lies inside their working hours (``day_start``..``day_end`` on a Monday
to Friday, in their own zone, DST included) on one of their local dates ``first_day`` ..
``first_day + 7 * weeks - 1``, and overlaps none of their busy intervals (half-open: touching is
fine). The slot everyone can make, earliest, wins; failing that, the one most can make (ties:
earliest), and the rest are its conflicts.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc
# The widest offsets in use are UTC+14 (Kiritimati) and UTC-12: 14 hours on either side of a UTC
# day cover every zone's local day.
_REACH = timedelta(hours=14)


@dataclass(frozen=True)
class Attendee:
    """Someone to meet, with their IANA time zone (e.g. "Europe/Berlin"). A zone that is empty or
    unknown is read as `find_slot`'s ``fallback_zone``."""

    email: str
    time_zone: str


@dataclass(frozen=True)
class Slot:
    """A meeting time (aware, UTC), who is free for all of it, and who is not (busy, or outside
    their working hours); both sorted."""

    start: datetime
    end: datetime
    free: tuple[str, ...]
    conflicts: tuple[str, ...]


def candidate_window(quarter_start: date, weeks: int = 3) -> tuple[datetime, datetime]:
    """[quarter_start 00:00 UTC - 14 h, quarter_start + 7 * weeks days 00:00 UTC + 14 h), aware UTC:
    every zone's local days in the first ``weeks`` weeks lie inside it. The bounds for the
    free/busy query that feeds `find_slot`."""
    midnight = datetime.combine(quarter_start, time(0), tzinfo=UTC)
    return midnight - _REACH, midnight + timedelta(days=7 * weeks) + _REACH


def zone_of(name: str, fallback_zone: str = "UTC") -> ZoneInfo:
    """The zone called ``name``, or ``fallback_zone`` when ``name`` is empty or not a known zone.

    :raises ValueError: ``fallback_zone`` is not a known zone either.
    """
    for candidate in (name, fallback_zone):
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # unknown, malformed, a directory
            continue
    raise ValueError(f"unknown fallback time zone {fallback_zone!r}")


def find_slot(attendees: Sequence[Attendee], busy: Mapping[str, Sequence[tuple[datetime, datetime]]],
              first_day: date, *, weeks: int = 3, minutes: int = 90, day_start: time = time(9),
              day_end: time = time(17), step_minutes: int = 30, fallback_zone: str = "UTC") -> Slot | None:
    """The earliest slot of ``minutes`` that every attendee can make in their working hours on
    their local weekdays ``first_day`` .. ``first_day + 7 * weeks - 1``, free of their ``busy``
    intervals (keyed by email; aware datetimes, half-open, touching is fine); else the earliest
    that the most can make, the others named as conflicts. None when nobody can make any slot (or
    there is nobody).

    :raises ValueError: ``minutes`` or ``step_minutes`` not positive, ``day_end`` not after
        ``day_start``, a naive busy datetime, or an unknown ``fallback_zone``.
    """
    if minutes <= 0 or step_minutes <= 0:
        raise ValueError("minutes and step_minutes must be positive")
    if day_end <= day_start:
        raise ValueError("day_end must be after day_start (working hours within one day)")
    zone_of(fallback_zone, fallback_zone)  # refused even when nobody needs it
    people = list(dict.fromkeys(a.email for a in attendees))  # first occurrence of each email
    zones = {a.email: zone_of(a.time_zone, fallback_zone) for a in reversed(attendees)}
    if not people or weeks <= 0:
        return None
    length, step = timedelta(minutes=minutes), timedelta(minutes=step_minutes)
    grid_start = datetime.combine(first_day, time(0), tzinfo=UTC)  # the grid's origin (index 0)
    days = [first_day + timedelta(days=n) for n in range(7 * weeks)]
    free_at: dict[int, list[str]] = {}  # candidate index -> who can make it
    for email in people:
        starts, ends = _merged(busy.get(email, ()))
        for start, end in _working_hours(days, zones[email], day_start, day_end):
            first = -((grid_start - start) // step)  # the first grid point at or after start
            last = (end - length - grid_start) // step
            for index in range(first, last + 1):
                slot_start = grid_start + index * step
                slot_end = slot_start + length
                at = bisect_left(starts, slot_end) - 1  # the last busy interval starting before the end
                if at < 0 or ends[at] <= slot_start:
                    free_at.setdefault(index, []).append(email)
    if not free_at:
        return None
    index = min(free_at, key=lambda i: (-len(free_at[i]), i))
    start = grid_start + index * step
    free = tuple(sorted(free_at[index]))
    return Slot(start=start, end=start + length, free=free,
                conflicts=tuple(sorted(set(people) - set(free))))


def _working_hours(days: Sequence[date], zone: ZoneInfo, day_start: time,
                   day_end: time) -> list[tuple[datetime, datetime]]:
    """[start, end) in UTC of the working hours on each local weekday in ``days``."""
    return [(datetime.combine(day, day_start, tzinfo=zone).astimezone(UTC),
             datetime.combine(day, day_end, tzinfo=zone).astimezone(UTC))
            for day in days if day.weekday() < 5]


def _merged(intervals: Sequence[tuple[datetime, datetime]]) -> tuple[list[datetime], list[datetime]]:
    """Busy intervals sorted and merged into disjoint ones: their starts and ends (both rising)."""
    for start, end in intervals:
        if start.tzinfo is None or start.utcoffset() is None or end.tzinfo is None or end.utcoffset() is None:
            raise ValueError(f"busy interval with a naive datetime: {start!r} .. {end!r}")
    starts: list[datetime] = []
    ends: list[datetime] = []
    for start, end in sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals):
        if end <= start:
            continue  # empty: blocks nothing
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends
