"""Recurring series: expanding them into instances and cutting them ("this and following").

A series is expanded with recurring-ical-events from one VEVENT built out of the event's ``start``,
``end`` and ``recurrence`` lines (RRULE/EXRULE/RDATE/EXDATE, exactly as the API carries them).
Exceptions (moved or cancelled instances) are stored as their own events and applied by the caller.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

import icalendar
import recurring_ical_events

from workspace_sandbox.calendar import times
from workspace_sandbox.calendar.times import CalendarError

_PREFIXES = ("RRULE:", "EXRULE:", "RDATE", "EXDATE")


def invalid_recurrence() -> CalendarError:
    return CalendarError(400, "invalid", "Invalid recurrence rule.")


def _ical_time(name: str, value: dict, tz_name: str | None) -> str:
    if "date" in value:
        return f"{name};VALUE=DATE:{value['date'].replace('-', '')}"
    moment = times.parse_instant(value["dateTime"])
    if tz_name:
        return f"{name};TZID={tz_name}:{moment.astimezone(times.zone(tz_name)):%Y%m%dT%H%M%S}"
    return f"{name}:{moment:%Y%m%dT%H%M%SZ}"


@lru_cache(maxsize=512)
def _query(start: tuple, end: tuple, recurrence: tuple[str, ...]):
    start_value, end_value = dict(start), dict(end)
    tz_name = start_value.get("timeZone")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//workspace-sandbox//EN", "BEGIN:VEVENT",
             "UID:series", _ical_time("DTSTART", start_value, tz_name),
             _ical_time("DTEND", end_value, tz_name), *recurrence, "END:VEVENT", "END:VCALENDAR"]
    try:
        return recurring_ical_events.of(icalendar.Calendar.from_ical("\r\n".join(lines) + "\r\n"))
    except (ValueError, KeyError):
        raise invalid_recurrence() from None


def _series_query(fields: dict):
    return _query(tuple(sorted(fields["start"].items())), tuple(sorted(fields["end"].items())),
                  tuple(fields.get("recurrence") or ()))


def check(fields: dict) -> None:
    """Reject recurrence data Google rejects: unknown lines, bad rules, timed series without a zone."""
    lines = fields.get("recurrence") or []
    if not lines:
        return
    for line in lines:
        if not isinstance(line, str) or not line.upper().startswith(_PREFIXES):
            raise invalid_recurrence()
    if "dateTime" in fields["start"] and "timeZone" not in fields["start"]:
        raise CalendarError(400, "required", "Missing time zone definition for start time.")
    try:
        next(iter(_series_query(fields).after(_begin(fields))), None)
    except (ValueError, KeyError):
        raise invalid_recurrence() from None


def _begin(fields: dict) -> datetime:
    """A moment just before the series' first instance (searching from 1900 is slow)."""
    start = fields["start"]
    if "date" in start:
        return datetime.combine(date.fromisoformat(start["date"]), datetime.min.time(),
                                times.UTC) - timedelta(days=2)
    return times.parse_instant(start["dateTime"]) - timedelta(days=1)


def duration(fields: dict) -> timedelta:
    start, end = fields["start"], fields["end"]
    if "date" in start:
        return date.fromisoformat(end["date"]) - date.fromisoformat(start["date"])
    return times.parse_instant(end["dateTime"]) - times.parse_instant(start["dateTime"])


def occurrences(fields: dict, lower: datetime, upper: datetime) -> list[dict]:
    """Original starts (normalised) of the instances overlapping ``[lower, upper)``, in order."""
    tz_name = fields["start"].get("timeZone")
    if "date" in fields["start"]:
        found = _series_query(fields).between(lower.date() - timedelta(days=1),
                                              upper.date() + timedelta(days=1))
    else:
        found = _series_query(fields).between(lower, upper)
    starts = {}
    for component in found:
        value = times.from_local(component["DTSTART"].dt, tz_name)
        starts[value.get("date") or value["dateTime"]] = value
    return [starts[key] for key in sorted(starts)]


def is_occurrence(fields: dict, original: dict) -> bool:
    """Whether ``original`` is the start of one of the series' instances."""
    if "date" in original:
        day = date.fromisoformat(original["date"])
        found = _series_query(fields).between(day, day + timedelta(days=1))
    else:
        moment = times.parse_instant(original["dateTime"])
        found = _series_query(fields).between(moment, moment + timedelta(seconds=1))
    return any(times.from_local(c["DTSTART"].dt, fields["start"].get("timeZone")) == original
               for c in found)


def first(fields: dict) -> dict | None:
    """The first instance's original start, or None for a series without instances."""
    component = next(iter(_series_query(fields).after(_begin(fields))), None)
    if component is None:
        return None
    return times.from_local(component["DTSTART"].dt, fields["start"].get("timeZone"))


def is_bounded(fields: dict) -> bool:
    """Whether every rule of the series ends (COUNT or UNTIL)."""
    rules = [line for line in fields.get("recurrence") or () if line.upper().startswith("RRULE:")]
    return all(re.search(r"(?i)[:;](COUNT|UNTIL)=", rule) for rule in rules)


def last_end(fields: dict, calendar_zone) -> datetime | None:
    """When the last instance of a bounded series ends; None for a series without end."""
    if not is_bounded(fields):
        return None
    starts = [component["DTSTART"].dt for component in _series_query(fields).all()]
    if not starts:
        return None
    ends = [times.instant(times.from_local(s, fields["start"].get("timeZone")), calendar_zone)
            + duration(fields) for s in starts]
    return max(ends)


def _until_value(fields: dict, split_original: dict) -> str:
    """UNTIL for the first half of a split: the end of the day before the split instance (local time,
    as Google Calendar writes it), or one second before the instance when the series has an earlier
    instance that same day."""
    if "date" in split_original:
        return (date.fromisoformat(split_original["date"]) - timedelta(days=1)).strftime("%Y%m%d")
    tz = times.zone(fields["start"].get("timeZone")) or times.UTC
    split_at = times.parse_instant(split_original["dateTime"])
    day_start = datetime.combine(split_at.astimezone(tz).date(), datetime.min.time(), tz)
    earlier = [o for o in occurrences(fields, day_start, split_at)
               if times.parse_instant(o["dateTime"]) < split_at]
    until = (split_at if earlier else day_start) - timedelta(seconds=1)
    return until.astimezone(times.UTC).strftime("%Y%m%dT%H%M%SZ")


def _count_before(fields: dict, split_original: dict, calendar_zone) -> int:
    split_at = times.instant(split_original, calendar_zone)
    return len(occurrences(fields, _begin(fields), split_at))


def split_rules(fields: dict, split_original: dict, calendar_zone) -> tuple[list[str], list[str]]:
    """Recurrence lines of both halves of a series cut at ``split_original``."""
    until = _until_value(fields, split_original)
    before_count = _count_before(fields, split_original, calendar_zone)
    head, tail = [], []
    for line in fields.get("recurrence") or ():
        if line.upper().startswith("RRULE:"):
            parts = [p for p in line[6:].split(";") if p.split("=")[0].upper() not in ("UNTIL", "COUNT")]
            head.append("RRULE:" + ";".join(parts + [f"UNTIL={until}"]))
            count = re.search(r"(?i)COUNT=(\d+)", line)
            if count:
                parts.append(f"COUNT={max(int(count.group(1)) - before_count, 1)}")
            else:
                parts += [p for p in line[6:].split(";") if p.upper().startswith("UNTIL=")]
            tail.append("RRULE:" + ";".join(parts))
        elif line.upper().startswith("RDATE"):
            split_at = times.instant(split_original, calendar_zone)
            head += _dates_line(line, lambda moment: moment < split_at, calendar_zone)
            tail += _dates_line(line, lambda moment: moment >= split_at, calendar_zone)
        else:
            head.append(line)
            tail.append(line)
    return head, tail


def _dates_line(line: str, keep, calendar_zone) -> list[str]:
    """An RDATE/EXDATE line reduced to the dates ``keep`` accepts (no line when none is left)."""
    name, _, values = line.partition(":")
    tz_match = re.search(r"(?i);TZID=([^;:]+)", name)
    tz = times.zone(tz_match.group(1)) if tz_match else times.UTC
    kept = []
    for value in values.split(","):
        text = value.split("/")[0].strip()
        if len(text) == 8:
            moment = datetime.combine(datetime.strptime(text, "%Y%m%d").date(),
                                      datetime.min.time(), calendar_zone)
        elif text.endswith("Z"):
            moment = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=times.UTC)
        else:
            moment = datetime.strptime(text, "%Y%m%dT%H%M%S").replace(tzinfo=tz)
        if keep(moment):
            kept.append(value)
    return [f"{name}:{','.join(kept)}"] if kept else []
