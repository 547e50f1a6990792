"""Read iCalendar (.ics) files into the domain's CalendarEvents.

Two views, matching Calendar API v3's `events.list`:

- `read_events(path)`: what Google lists without `singleEvents` — single events, series (with their
  `recurrence` lines) and overridden occurrences (`recurring_event_id` and `original_start` set, id
  `<UID>_<original start>`).
- `read_instances(path, start, end)`: what Google lists with `singleEvents=true` — every occurrence
  in [start, end), overrides and cancellations applied, expanded within the domain's `Limits`. A
  series that repeats more often than daily is listed as it is, not expanded.

Files are read event by event: a malformed event is left out with one line naming file:line and the
problem, and the others are still read. Only a file that is not UTF-8 iCalendar at all is an error.

The event id is the iCalendar UID. Out-of-office, focus-time and working-location entries carry
`X-WORKSPACE-EVENT-TYPE` (the sandbox's convention; Google's export has no such property).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import icalendar

from flask_app.domain.events import EVENT_STATUSES, EVENT_TYPES, Attendee, CalendarEvent
from flask_app.domain.occurrences import (Expansion, Limits, Occurrence, RecurrenceError, check_recurrence,
                                          expand_bounded, repeats_more_often_than_daily)
from flask_app.errors import InputError

EVENT_TYPE_PROPERTY = "X-WORKSPACE-EVENT-TYPE"
_RECURRENCE_PROPERTIES = ("RRULE", "EXRULE", "RDATE", "EXDATE")
# RFC 5545 3.6.1: these MUST NOT occur more than once in a VEVENT (and DTEND not with DURATION).
_ONCE = ("DTSTAMP", "UID", "DTSTART", "CLASS", "CREATED", "DESCRIPTION", "GEO", "LAST-MODIFIED",
         "LOCATION", "ORGANIZER", "PRIORITY", "SEQUENCE", "STATUS", "SUMMARY", "TRANSP", "URL",
         "RECURRENCE-ID", "DTEND", "DURATION", EVENT_TYPE_PROPERTY)
_PARTSTAT = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative",
             "NEEDS-ACTION": "needsAction"}
_RESOURCE_TYPES = {"ROOM", "RESOURCE"}
_OPTIONAL_ROLES = {"OPT-PARTICIPANT", "NON-PARTICIPANT"}
_BLOCKS = ("VTIMEZONE", "VEVENT")
_Lines = list[tuple[int, str]]  # content lines with the file line each begins on


@dataclass(frozen=True)
class Reading:
    """What a file gave: its events, one "file:line: problem" line per event left out, and one
    per series whose expansion stopped at a limit (its occurrences until then are in `events`)."""

    events: list[CalendarEvent]
    skipped: list[str] = field(default_factory=list)
    cut_short: list[str] = field(default_factory=list)


def read_events(path: str | Path) -> Reading:
    """Single events, series and overridden occurrences, in file order.

    :raises InputError: the file cannot be read, or is not UTF-8 iCalendar (file, line and problem).
    """
    ics = _IcsFile(Path(path))
    return Reading([event for event, _ in ics.events], ics.skipped)


def read_instances(path: str | Path, start: date, end: date, *, limits: Limits = Limits()) -> Reading:
    """Every occurrence that overlaps the days [start, end) in its own time zone, sorted by start.

    :raises InputError: the file cannot be read, or is not UTF-8 iCalendar.
    """
    ics = _IcsFile(Path(path))
    overrides: dict[str, list[CalendarEvent]] = {}
    for event, _ in ics.events:
        if event.recurring_event_id:
            overrides.setdefault(event.recurring_event_id, []).append(event)
    series_ids = {event.id for event, _ in ics.events if not event.recurring_event_id}
    instances, skipped, cut_short = [], list(ics.skipped), []
    for event, line in ics.events:
        if event.recurring_event_id in series_ids:
            continue  # placed by its series
        try:
            found, expansion = _occurrences(event, overrides.get(event.id, []), start, end, limits)
        except OverflowError:
            skipped.append(f"{ics.path}:{line}: its occurrences run past year 9999")
            continue
        instances += found
        if expansion is not None:
            limits = limits.after(expansion)
            if expansion.cut_short:
                cut_short.append(f"{ics.path}:{line}: series {event.id} cut short: {expansion.cut_short}")
    instances.sort(key=lambda e: (_as_datetime(e.start), e.id))
    return Reading(instances, skipped, cut_short)


def _occurrences(event: CalendarEvent, overrides: list[CalendarEvent], start: date, end: date,
                 limits: Limits) -> tuple[list[CalendarEvent], Expansion | None]:
    """The event's instances in the window, and the expansion that found them if it is a series."""
    window = _midnight(start, event), _midnight(end, event)
    if repeats_more_often_than_daily(event.recurrence):  # not a one-on-one: kept as it is, not expanded
        return [event] if _as_datetime(event.start) < window[1] else [], None
    if not event.recurrence:
        return [event] if _as_datetime(event.start) < window[1] and _as_datetime(event.end) > window[0] else [], None
    expansion = expand_bounded(event, overrides, *window, limits=limits)
    by_id = {e.id: e for e in overrides}
    return [by_id.get(o.event_id) or _instance(event, o) for o in expansion.occurrences], expansion


def _midnight(day: date, event: CalendarEvent) -> datetime:
    """Midnight of ``day`` in the event's zone (UTC for all-day events, as the domain has them)."""
    zone = event.start.tzinfo if isinstance(event.start, datetime) else timezone.utc
    return datetime.combine(day, time(), zone)


def _instance(series: CalendarEvent, occurrence: Occurrence) -> CalendarEvent:
    """An occurrence the rules give, as an event like its series."""
    moments = occurrence.start, occurrence.end, occurrence.original_start
    if series.all_day:
        start, end, original = (m.date() for m in moments)
    else:
        start, end, original = (m.astimezone(series.start.tzinfo) for m in moments)
    return replace(series, id=f"{series.id}_{_stamp(original)}", start=start, end=end, recurrence=(),
                   recurring=True, recurring_event_id=series.id, original_start=original)


class _IcsFile:
    """A file read event by event: `events` (with the line each begins on) and `skipped` lines."""

    def __init__(self, path: Path):
        self.path = path
        timezones, blocks = _blocks(_unfold(_text(path), path))
        for timezone_lines in timezones:
            _read_timezone(timezone_lines)
        self.events: list[tuple[CalendarEvent, int]] = []
        self.skipped: list[str] = []
        first_line: dict[str, int] = {}
        for block in blocks:
            try:
                event = _EventBlock(path, block).event()
            except InputError as error:
                self.skipped.append(str(error))
                continue
            except Exception as error:  # noqa: BLE001 - the parsers' own failures on shapes nobody foresaw
                self.skipped.append(f"{path}:{block[0][0]}: cannot read this event: "
                                    f"{type(error).__name__}: {_first_line(error)}")
                continue
            if event.id in first_line:
                self.skipped.append(f"{path}:{block[0][0]}: UID {event.id} appears twice "
                                    f"(first on line {first_line[event.id]})")
                continue
            first_line[event.id] = block[0][0]
            self.events.append((event, block[0][0]))


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
        return data.decode("utf-8").removeprefix("\ufeff")
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text") from error


def _unfold(text: str, path: Path) -> _Lines:
    """Content lines with the number of the line each begins on; folded lines joined, blank ones dropped.

    :raises InputError: the text is not an iCalendar file.
    """
    lines: _Lines = []
    for number, line in enumerate(re.split("\r\n|\r|\n", text), 1):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + line[1:])
        elif line.strip():
            lines.append((number, line))
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        found = f"found {lines[0][1][:40]}" if lines else "the file is empty"
        raise InputError(f"{path}:{lines[0][0] if lines else 1}: not a valid iCalendar file: "
                         f"expected BEGIN:VCALENDAR, {found}")
    return lines


def _blocks(lines: _Lines) -> tuple[list[_Lines], list[_Lines]]:
    """The lines of each VTIMEZONE and of each VEVENT, apart; the calendar's other lines are not needed.

    A component still open when the calendar ends or the next one begins is a block of its own, which
    will not parse.
    """
    found: dict[str, list[_Lines]] = {name: [] for name in _BLOCKS}
    block: _Lines | None = None
    name = ""
    for number, line in lines:
        word = line.strip().upper()
        if word.startswith("BEGIN:") and word[6:] in _BLOCKS:
            name, block = word[6:], [(number, line)]
            found[name].append(block)
        elif word == "END:VCALENDAR":
            block = None
        elif block is not None:
            block.append((number, line))
            if word == f"END:{name}":
                block = None
    return found["VTIMEZONE"], found["VEVENT"]


def _read_timezone(lines: _Lines) -> None:
    """Let icalendar learn a VTIMEZONE (it keeps those it parses). One it cannot read is left out:
    the events that use it then say their time zone is unknown."""
    try:
        icalendar.Timezone.from_ical("\r\n".join(line for _, line in lines) + "\r\n")
    except Exception:  # noqa: BLE001 - icalendar raises many kinds on broken definitions
        pass


class _EventBlock:
    """One VEVENT's lines, parsed on their own; errors name the line of the property at fault."""

    def __init__(self, path: Path, lines: _Lines):
        self.path = path
        self.lines = lines

    def error(self, problem: str, prop: str | None = None, nth: int = 0) -> InputError:
        return InputError(f"{self.path}:{self._line(prop, nth)}: {problem}")

    def _line(self, prop: str | None, nth: int) -> int:
        """The line of the ``nth`` (from 0) ``prop`` property; the BEGIN line without one."""
        found = [n for n, line in self.lines if prop and _name(line) == prop.upper()]
        return found[min(nth, len(found) - 1)] if found else self.lines[0][0]

    def quoting(self, message: str) -> InputError:
        """An error whose message quotes the text at fault ('...'), on the line with that text."""
        quoted = re.search(r"'(.+?)'", message)
        line = next((n for n, text in self.lines if quoted and quoted.group(1) in text), self.lines[0][0])
        return InputError(f"{self.path}:{line}: {message}")

    def event(self) -> CalendarEvent:
        """The block as a CalendarEvent.

        :raises InputError: the block is not a well-formed VEVENT.
        """
        if self.lines[-1][1].strip().upper() != "END:VEVENT":
            raise self.error("BEGIN:VEVENT without END:VEVENT")
        try:
            component = icalendar.Event.from_ical("\r\n".join(line for _, line in self.lines) + "\r\n")
        except ValueError as error:
            raise self.quoting(_first_line(error)) from error
        self._check(component)
        try:
            event = self._convert(component)
        except OverflowError as error:
            raise self.error("a date of the event is too close to year 1 or 9999") from error
        try:
            check_recurrence(event)
        except RecurrenceError as error:
            name = _name(error.line)
            nth = [_name(line) for line in event.recurrence[:event.recurrence.index(error.line)]].count(name)
            raise self.error(str(error), name, nth) from error
        return event

    def _check(self, component) -> None:
        for sub in component.walk():
            for name, message in sub.errors:
                raise self.error(f"{name}: {message}", name) if name else self.quoting(message)
        for name in _ONCE:
            if isinstance(component.get(name), list):
                raise self.error(f"{name} appears more than once (first on line {self._line(name, 0)}); "
                                 f"it may appear only once", name, 1)
        if "DTEND" in component and "DURATION" in component:
            raise self.error("DTEND and DURATION may not be used together", "DURATION")

    def _convert(self, component) -> CalendarEvent:
        uid = str(component.get("UID", "")).strip()
        if not uid:
            raise self.error("event without a UID")
        start = self._moment(component, "DTSTART", required=True)
        end = self._end(component, start)
        original = self._moment(component, "RECURRENCE-ID")
        recurrence = tuple(component.content_line(name, value).strip()
                           for name in _RECURRENCE_PROPERTIES for value in _as_list(component.get(name)))
        status = str(component.get("STATUS", "CONFIRMED")).lower()
        if status not in EVENT_STATUSES:
            raise self.error(f"STATUS {status.upper()} is not one of "
                             f"{', '.join(s.upper() for s in EVENT_STATUSES)}", "STATUS")
        event_type = str(component.get(EVENT_TYPE_PROPERTY, "default"))
        if event_type not in EVENT_TYPES:
            raise self.error(f"{EVENT_TYPE_PROPERTY} {event_type!r} is not one of "
                             f"{', '.join(EVENT_TYPES)}", EVENT_TYPE_PROPERTY)
        organizer = _email(component.get("ORGANIZER"))
        return CalendarEvent(
            id=f"{uid}_{_stamp(original)}" if original is not None else uid,
            summary=str(component.get("SUMMARY", "")),
            start=start, end=end, all_day=not isinstance(start, datetime),
            status=status, event_type=event_type, organizer_email=organizer,
            attendees=tuple(_attendee(a, organizer) for a in _as_list(component.get("ATTENDEE"))),
            recurring=bool(recurrence) or original is not None,
            recurring_event_id=uid if original is not None else None,
            original_start=original, recurrence=recurrence)

    def _moment(self, component, prop: str, *, required: bool = False) -> date | datetime | None:
        if prop not in component:
            if required:
                raise self.error(f"event without {prop}")
            return None
        value = component.decoded(prop)
        if not isinstance(value, date):
            raise self.error(f"{prop}: expected a date or a date-time, not {type(value).__name__}", prop)
        if isinstance(value, datetime) and value.tzinfo is None:
            tzid = component[prop].params.get("TZID")
            problem = (f"unknown time zone {tzid!r} (no readable VTIMEZONE and not an IANA name)" if tzid
                       else "floating time without a time zone")
            raise self.error(f"{prop}: {problem}", prop)
        return value

    def _end(self, component, start: date | datetime) -> date | datetime:
        if "DTEND" in component:
            end = self._moment(component, "DTEND")
        elif "DURATION" in component:
            duration = component.decoded("DURATION")
            if not isinstance(duration, timedelta):
                raise self.error("DURATION: expected a duration", "DURATION")
            end = start + duration
        else:  # RFC 5545 3.6.1: a date lasts one day, a date-time has no length
            end = start if isinstance(start, datetime) else start + timedelta(days=1)
        if type(end) is not type(start):
            raise self.error("DTSTART and DTEND mix a date and a date-time", "DTEND")
        if end < start:
            raise self.error("the event ends before it starts", "DTEND" if "DTEND" in component else "DURATION")
        return end


def _name(line: str) -> str:
    return line.partition(":")[0].partition(";")[0].strip().upper()


def _attendee(address, organizer: str) -> Attendee:
    params = address.params
    email = _email(address)
    return Attendee(
        email=email, display_name=str(params.get("CN", "")),
        response_status=_PARTSTAT.get(str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(), "needsAction"),
        organizer=email == organizer,
        resource=str(params.get("CUTYPE", "")).upper() in _RESOURCE_TYPES,
        optional=str(params.get("ROLE", "")).upper() in _OPTIONAL_ROLES)


def _email(address) -> str:
    value = str(address or "").strip()
    return (value[7:] if value.lower().startswith("mailto:") else value).strip().lower()


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _stamp(moment: date | datetime) -> str:
    """Google's instance-id suffix: UTC basic format, or the date for all-day events."""
    if isinstance(moment, datetime):
        return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return moment.strftime("%Y%m%d")


def _as_datetime(moment: date | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
