"""The occurrences of one-on-one series within a window: recurrence rules, moves, cancellations.

A series' occurrence is identified by its original start, which Google keeps for moved
instances; that identity is what sections and notes are keyed by.

Expansion is bounded by `Limits`: the rules are walked lazily from the series' first start, and
the walk stops at `per_series` occurrences in the window, at `total` occurrences for all the series
expanded together, or after `steps` starts drawn from the rules (the time budget, counted in work
rather than seconds, so that no result depends on the machine's speed). A series that repeats more
often than daily is not walked at all. `expand_bounded` says what stopped it; `expand` raises
`ExpansionCutShort`.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timezone
from math import prod

import icalendar
from dateutil.rrule import rrule, rrulestr

from ..errors import InputError
from .events import CalendarEvent

MAX_OCCURRENCES_PER_SERIES = 1_000  # a daily series for almost three years
MAX_OCCURRENCES = 10_000  # for all the series expanded together (one .ics file)
MAX_STEPS = 1_000_000  # starts drawn from the rules, before and in the window: about two seconds

_DAY_SECONDS = 86_400
_PERIOD_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3_600}
_TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
_VALUE_TYPES = {"RRULE": (icalendar.vRecur, "a recurrence rule"), "EXRULE": (icalendar.vRecur, "a recurrence rule"),
                "RDATE": (icalendar.vDDDLists, "dates"), "EXDATE": (icalendar.vDDDLists, "dates")}


# RFC 5545 3.3.10 (icalendar rejects negative months, dateutil the other parts out of range). A rule
# with one of these out of range, or asking for February 30, never matches: dateutil would search on
# to year 9999 for a start (seconds). Rarer rules that never match (BYYEARDAY=1;BYMONTH=2) still do.
_LARGEST = {"BYMONTH": 12, "BYMONTHDAY": 31, "BYYEARDAY": 366, "BYWEEKNO": 53}
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


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


@dataclass(frozen=True)
class Limits:
    """How far expansion may go; see the module's docstring."""

    per_series: int = MAX_OCCURRENCES_PER_SERIES
    total: int = MAX_OCCURRENCES
    steps: int = MAX_STEPS

    def after(self, expansion: Expansion) -> Limits:
        """What is left for the series expanded after ``expansion``."""
        return replace(self, total=max(0, self.total - len(expansion.occurrences)),
                       steps=max(0, self.steps - expansion.steps))


@dataclass(frozen=True)
class Expansion:
    """A series' occurrences, the steps they took, and why the walk stopped early, if it did."""

    occurrences: list[Occurrence]
    steps: int
    cut_short: str | None = None


class RecurrenceError(InputError):
    """A recurrence line that cannot be expanded; ``line`` is the line."""

    def __init__(self, line: str, problem: str):
        super().__init__(f"{_property_name(line)}: {problem}")
        self.line = line


class ExpansionCutShort(InputError):
    """`expand` stopped at a limit; ``occurrences`` are those it found until then."""

    def __init__(self, series_id: str, reason: str, occurrences: list[Occurrence]):
        super().__init__(f"series {series_id}: {reason}")
        self.reason = reason
        self.occurrences = occurrences


def repeats_more_often_than_daily(recurrence: tuple[str, ...]) -> bool:
    """Whether an RRULE repeats within a day: a FREQ below DAILY with an INTERVAL under a day, or
    BYHOUR/BYMINUTE/BYSECOND lists giving several times a day (unless a single BYSETPOS picks one).
    Lines that cannot be read do not count."""
    return any(_within_a_day(_rule_parts(line)) for line in recurrence if _property_name(line) == "RRULE")


def _rule_parts(line: str) -> dict[str, str]:
    return {k.upper(): v.upper() for k, _, v in (p.partition("=") for p in line.partition(":")[2].split(";"))}


def _within_a_day(parts: dict[str, str]) -> bool:
    if parts.get("FREQ") in _PERIOD_SECONDS:
        interval = parts.get("INTERVAL", "1")
        return _PERIOD_SECONDS[parts["FREQ"]] * (int(interval) if interval.isdigit() else 1) < _DAY_SECONDS
    times = prod(len(parts[p].split(",")) for p in _TIME_PARTS if parts.get(p))
    setpos = parts.get("BYSETPOS")
    return times > 1 and (setpos is None or "," in setpos)


def check_recurrence(series: CalendarEvent) -> None:
    """Make sure the series' recurrence lines can be expanded.

    :raises RecurrenceError: naming the first line that cannot, and why.
    """
    _Recurrence(series)


def expand_bounded(series: CalendarEvent, exceptions: list[CalendarEvent], start: datetime, end: datetime,
                   *, limits: Limits = Limits()) -> Expansion:
    """Occurrences of ``series`` overlapping [start, end), exceptions applied, sorted by start, as far
    as ``limits`` allow.

    :raises RecurrenceError: a recurrence line cannot be expanded.
    """
    duration = series.end - series.start
    found: dict[datetime, Occurrence] = {}
    steps, cut_short = 0, None
    if series.recurrence:
        originals, steps, cut_short = _walk(_Recurrence(series), series, start, end, limits)
        for original in originals:
            found[original] = Occurrence(series.id, original, original, original + duration,
                                         event_id=_instance_id(series.id, original))
    elif series.status != "cancelled":
        original = _as_datetime(series.start)
        found[original] = Occurrence(series.id, original, original, _as_datetime(series.end),
                                     event_id=series.id)
    for exception in exceptions:
        if exception.original_start is None:
            continue
        original = _as_datetime(exception.original_start)
        cancelled = exception.status == "cancelled"
        if cancelled:
            moved_start, moved_end = original, original + duration
        else:
            moved_start, moved_end = _as_datetime(exception.start), _as_datetime(exception.end)
        if original in found or start <= moved_start < end:
            found[original] = Occurrence(series.id, original, moved_start, moved_end,
                                         cancelled=cancelled, event_id=exception.id)
    occurrences = sorted((o for o in found.values() if o.end > start and o.start < end), key=lambda o: o.start)
    return Expansion(occurrences, steps, cut_short)


def expand(series: CalendarEvent, exceptions: list[CalendarEvent], start: datetime, end: datetime,
           *, limits: Limits = Limits()) -> list[Occurrence]:
    """Occurrences of ``series`` overlapping [start, end), exceptions applied, sorted by start.

    :raises ExpansionCutShort: a limit stopped the expansion (with the occurrences found until then).
    :raises RecurrenceError: a recurrence line cannot be expanded.
    """
    expansion = expand_bounded(series, exceptions, start, end, limits=limits)
    if expansion.cut_short:
        raise ExpansionCutShort(series.id, expansion.cut_short, expansion.occurrences)
    return expansion.occurrences


def _as_datetime(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)


def _instance_id(series_id: str, original: datetime) -> str:
    return f"{series_id}_{original.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"


def _property_name(line: str) -> str:
    return line.partition(":")[0].partition(";")[0].strip().upper()


class _OutOfSteps(Exception):
    """The walk drew as many starts from the rules as its budget allows."""


class _Meter:
    """Counts the starts drawn from the rules against a budget."""

    def __init__(self, budget: int):
        self.budget = budget
        self.steps = 0

    def draw(self, rule: Iterable[datetime]) -> Iterator[datetime]:
        moments = iter(rule)
        while True:
            try:
                moment = next(moments)
            except (StopIteration, ValueError, OverflowError):
                return  # dateutil raises when its next step would pass year 9999: the rule ends there
            if self.steps >= self.budget:
                raise _OutOfSteps
            self.steps += 1
            yield moment


def _walk(recurrence: _Recurrence, series: CalendarEvent, start: datetime, end: datetime,
          limits: Limits) -> tuple[list[datetime], int, str | None]:
    """The original starts of occurrences overlapping [start, end), the steps taken, and which limit
    stopped the walk early, if one did."""
    if repeats_more_often_than_daily(series.recurrence):  # dateutil may search long between two starts
        return [], 0, "it repeats more often than daily: not expanded"
    duration = series.end - series.start
    cap = min(limits.per_series, limits.total)
    meter = _Meter(limits.steps)
    found: list[datetime] = []
    try:
        for moment in recurrence.starts(meter):
            if moment >= end:
                break
            if start - moment < duration:  # it overlaps (no sum that could pass year 9999)
                if len(found) == cap:
                    which = "per series" if cap == limits.per_series else "for all series"
                    return found, meter.steps, f"more than {cap} occurrences in the window (the cap {which})"
                found.append(moment)
    except _OutOfSteps:
        return found, meter.steps, f"its rules gave more than {limits.steps} starts (the time budget)"
    return found, meter.steps, None


class _Recurrence:
    """A series' recurrence lines, read: the rules and dates that add starts and those that remove them."""

    def __init__(self, series: CalendarEvent):
        self.first = _as_datetime(series.start)
        self.rules: list[rrule] = []
        self.exrules: list[rrule] = []
        self.dates: list[datetime] = []
        self.exdates: set[datetime] = set()
        self.exdays: set[date] = set()
        self.untils: list[datetime | None] = []
        for line in series.recurrence:
            self._read(line)
        # DTSTART is an occurrence (RFC 5545 3.8.5.3), unless every rule ended before it.
        if not self.untils or not all(until is not None and until < self.first for until in self.untils):
            self.dates.append(self.first)
        self.dates.sort()

    def starts(self, meter: _Meter) -> Iterator[datetime]:
        """Every start in order, once, exclusions applied; what the rules give is drawn through ``meter``."""
        added = heapq.merge(self.dates, *(meter.draw(rule) for rule in self.rules))
        removed = heapq.merge(*(meter.draw(rule) for rule in self.exrules))
        next_removed = next(removed, None)
        previous = None
        for moment in added:
            if moment == previous:
                continue
            previous = moment
            while next_removed is not None and next_removed < moment:
                next_removed = next(removed, None)
            if moment != next_removed and moment not in self.exdates and moment.date() not in self.exdays:
                yield moment

    def _read(self, line: str) -> None:
        name = _property_name(line)
        if name not in _VALUE_TYPES:
            raise RecurrenceError(line, "not an RRULE, EXRULE, RDATE or EXDATE line")
        value = _parse(line, name)
        if name == "RRULE":
            rule, until = _rule(line, value, self.first)
            self.rules.append(rule)
            self.untils.append(until)
        elif name == "EXRULE":
            self.exrules.append(_rule(line, value, self.first)[0])
        elif name == "RDATE":
            self.dates.extend(_on(moment, self.first) for moment in _moments(line, value))
        else:
            for moment in _moments(line, value):
                if isinstance(moment, datetime):
                    self.exdates.add(_zoned(moment, self.first))
                else:
                    self.exdays.add(moment)


def _parse(line: str, name: str):
    """The value of one property line, as icalendar reads it."""
    try:
        event = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")
    except ValueError as error:
        raise RecurrenceError(line, str(error).splitlines()[0]) from None
    if event.errors:
        raise RecurrenceError(line, event.errors[0][1])
    value, (expected, what) = event.get(name), _VALUE_TYPES[name]
    if not isinstance(value, expected):
        raise RecurrenceError(line, f"expected {what}")
    return value


def _rule(line: str, recur: icalendar.vRecur, first: datetime) -> tuple[rrule, datetime | None]:
    """A dateutil rule starting at ``first``, and its UNTIL made comparable with its starts."""
    if "FREQ" not in recur:
        raise RecurrenceError(line, "no FREQ")
    for part in ("COUNT", "INTERVAL"):
        if part in recur and not (isinstance(recur[part][0], int) and recur[part][0] > 0):
            raise RecurrenceError(line, f"{part} must be a positive number, not {recur[part][0]}")
    for part, largest in _LARGEST.items():
        if wrong := [n for n in recur.get(part, ()) if not 0 < abs(n) <= largest]:
            raise RecurrenceError(line, f"{part} {wrong[0]} is out of range")
    if "BYMONTH" in recur and "BYMONTHDAY" in recur:
        if min(map(abs, recur["BYMONTHDAY"])) > max(_MONTH_DAYS[m - 1] for m in recur["BYMONTH"]):
            raise RecurrenceError(line, "no BYMONTH has such a BYMONTHDAY")
    if "COUNT" in recur and "UNTIL" in recur:
        raise RecurrenceError(line, "COUNT and UNTIL may not be used together")
    until = _until(recur["UNTIL"][0], first) if "UNTIL" in recur else None
    rest = icalendar.vRecur({k: v for k, v in recur.items() if k != "UNTIL"})
    try:
        rule = rrulestr(rest.to_ical().decode(), dtstart=first)
    except ValueError as error:
        raise RecurrenceError(line, str(error)) from None
    return (rule if until is None else rule.replace(until=until)), until


def _until(value: date | datetime, first: datetime) -> datetime:
    """UNTIL as a moment: a date lasts to its end, a floating time is in the series' zone."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time.max, first.tzinfo)
    return _zoned(value, first)


def _moments(line: str, value) -> list[date | datetime]:
    """The dates and times of an RDATE or EXDATE line; a period's start."""
    moments = [v.dt[0] if isinstance(v.dt, tuple) else v.dt for v in value.dts]
    if not all(isinstance(moment, date) for moment in moments):
        raise RecurrenceError(line, "expected dates, date-times or periods")
    return moments


def _on(moment: date | datetime, first: datetime) -> datetime:
    """An RDATE as a start: a date at the series' time of day, a floating time in its zone."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, first.timetz())
    return _zoned(moment, first)


def _zoned(moment: datetime, first: datetime) -> datetime:
    """A floating time (or one in a zone nobody defined) in the series' zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=first.tzinfo)
