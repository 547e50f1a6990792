"""Read iCalendar (.ics) files into the domain's CalendarEvents.

Two views, matching Calendar API v3's `events.list`:

- `read_events(path)`: what Google lists without `singleEvents` — single events, series (with their
  `recurrence` lines) and overridden occurrences (`recurring_event_id` and `original_start` set, id
  `<UID>_<original start>`).
- `read_instances(path, start, end)`: what Google lists with `singleEvents=true` — every occurrence
  in [start, end), overrides and cancellations applied.

The event id is the iCalendar UID. Out-of-office, focus-time and working-location entries carry
`X-WORKSPACE-EVENT-TYPE` (the sandbox's convention; Google's export has no such property).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import icalendar
import recurring_ical_events

from flask_app.domain.events import EVENT_STATUSES, EVENT_TYPES, Attendee, CalendarEvent
from flask_app.errors import InputError

EVENT_TYPE_PROPERTY = "X-WORKSPACE-EVENT-TYPE"
_RECURRENCE_PROPERTIES = ("RRULE", "EXRULE", "RDATE", "EXDATE")
_PARTSTAT = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative",
             "NEEDS-ACTION": "needsAction"}
_RESOURCE_TYPES = {"ROOM", "RESOURCE"}
_OPTIONAL_ROLES = {"OPT-PARTICIPANT", "NON-PARTICIPANT"}


def read_events(path: str | Path) -> list[CalendarEvent]:
    """Single events, series and overridden occurrences, in file order.

    :raises InputError: the file is unreadable or malformed (message names file, line and problem).
    """
    ics = _IcsFile(Path(path))
    events: list[CalendarEvent] = []
    seen: set[str] = set()
    for component in ics.calendar.walk("VEVENT"):
        event = ics.event(component)
        if event.id in seen:
            raise ics.error(component, f"UID {event.id} appears twice")
        seen.add(event.id)
        events.append(event)
    return events


def read_instances(path: str | Path, start: date | datetime, end: date | datetime) -> list[CalendarEvent]:
    """Every occurrence that overlaps [start, end), sorted by start.

    :raises InputError: the file is unreadable or malformed.
    """
    ics = _IcsFile(Path(path))
    for component in ics.calendar.walk("VEVENT"):
        ics.event(component)  # validate first: expansion errors are less clear
    try:
        occurrences = recurring_ical_events.of(ics.calendar).between(start, end)
    except (recurring_ical_events.InvalidCalendar, ValueError) as error:
        raise InputError(f"{ics.path}: cannot expand recurring events: {error}") from error
    instances = [ics.event(occurrence, instance=True) for occurrence in occurrences]
    return sorted(instances, key=lambda e: (_sort_key(e.start), e.id))


class _IcsFile:
    """A parsed file that remembers where each component starts, for error messages."""

    def __init__(self, path: Path):
        self.path = path
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except OSError as error:
            raise InputError(f"{path}: cannot read: {error.strerror}") from error
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            raise InputError(f"{path}:{line}: not UTF-8 text") from error
        self._lines = [line.rstrip("\r") for line in text.split("\n")]
        try:
            self.calendar = icalendar.Calendar.from_ical(text)
        except ValueError as error:
            raise InputError(f"{path}: not a valid iCalendar file: {_first_line(error)}") from error
        if self.calendar.name != "VCALENDAR":
            raise InputError(f"{path}:1: not a valid iCalendar file: expected BEGIN:VCALENDAR, "
                             f"found BEGIN:{self.calendar.name}")
        begins = [n for n, line in enumerate(self._lines, 1) if line.upper().startswith("BEGIN:")]
        self._begin_line = {id(c): n for c, n in zip(self.calendar.walk(), begins)}
        for component in self.calendar.walk():
            for name, message in component.errors:
                if name:
                    raise self.error(component, f"{name}: {message}", name)
                quoted = re.search(r"'(.*?)'", message)
                raise InputError(f"{path}:{self._line_of_text(component, quoted)}: {message}")

    def error(self, component, problem: str, prop: str | None = None) -> InputError:
        return InputError(f"{self.path}:{self._line(component, prop)}: {problem}")

    def _line(self, component, prop: str | None) -> int:
        first = self._begin_line.get(id(component), 1)
        if prop:
            for n in range(first, len(self._lines) + 1):
                line = self._lines[n - 1].upper()
                if line.startswith(prop.upper()) and line[len(prop):len(prop) + 1] in (":", ";"):
                    return n
                if line.startswith("END:") and line[4:] == component.name:
                    break
        return first

    def _line_of_text(self, component, quoted: re.Match | None) -> int:
        first = self._begin_line.get(id(component), 1)
        if quoted:
            for n in range(first, len(self._lines) + 1):
                if self._lines[n - 1] == quoted.group(1):
                    return n
        return first

    def event(self, component, *, instance: bool = False) -> CalendarEvent:
        """One VEVENT (a stored one, or an occurrence from the expander) as a CalendarEvent."""
        uid = str(component.get("UID", "")).strip()
        if not uid:
            raise self.error(component, "event without a UID")
        start = self._moment(component, "DTSTART", required=True)
        end = self._end(component, start)
        original = self._moment(component, "RECURRENCE-ID")
        recurrence = () if instance else tuple(
            component.content_line(name, value).strip()
            for name in _RECURRENCE_PROPERTIES for value in _as_list(component.get(name)))
        status = str(component.get("STATUS", "CONFIRMED")).lower()
        if status not in EVENT_STATUSES:
            raise self.error(component, f"STATUS {status.upper()} is not one of "
                                        f"{', '.join(s.upper() for s in EVENT_STATUSES)}", "STATUS")
        event_type = str(component.get(EVENT_TYPE_PROPERTY, "default"))
        if event_type not in EVENT_TYPES:
            raise self.error(component, f"{EVENT_TYPE_PROPERTY} {event_type!r} is not one of "
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
                raise self.error(component, f"event without {prop}")
            return None
        value = component.decoded(prop)
        if isinstance(value, datetime) and value.tzinfo is None:
            tzid = component[prop].params.get("TZID")
            problem = (f"unknown time zone {tzid!r} (no VTIMEZONE and not an IANA name)" if tzid
                       else "floating time without a time zone")
            raise self.error(component, f"{prop}: {problem}", prop)
        return value

    def _end(self, component, start: date | datetime) -> date | datetime:
        if "DTEND" in component:
            end = self._moment(component, "DTEND")
        elif "DURATION" in component:
            end = start + component.decoded("DURATION")
        else:  # RFC 5545 3.6.1: a date lasts one day, a date-time has no length
            end = start if isinstance(start, datetime) else start + timedelta(days=1)
        if type(end) is not type(start):
            raise self.error(component, "DTSTART and DTEND mix a date and a date-time", "DTEND")
        if end < start:
            raise self.error(component, "the event ends before it starts", "DTEND")
        return end


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
    return (value[7:] if value.lower().startswith("mailto:") else value).lower()


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _stamp(moment: date | datetime) -> str:
    """Google's instance-id suffix: UTC basic format, or the date for all-day events."""
    if isinstance(moment, datetime):
        return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return moment.strftime("%Y%m%d")


def _sort_key(moment: date | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200]
