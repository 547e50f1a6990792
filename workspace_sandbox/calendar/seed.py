"""Seeding calendars: one primary calendar per person, and the events of ``seed/calendars/*.ics``.

Each VCALENDAR names its anchor week (``X-SEED-ANCHOR:YYYYMMDD``, a Monday). Every time in it is
moved by whole weeks so that the anchor week becomes the week of the sandbox clock's today: weekdays
and local wall-clock times stay as written. Event ids are stable base32hex digests of the UIDs; a UID
of the form ``<uid>_R<yyyymmddThhmmss>@...`` (the second half of a "this and following" split) gets
Google's ``<id of uid>_R<its shifted UTC start>``. ``RECURRENCE-ID`` components become exceptions
(moved or cancelled instances), ``X-WORKSPACE-EVENT-TYPE`` gives the event type, ``CUTYPE=ROOM``
marks rooms.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar

from workspace_sandbox.calendar import times
from workspace_sandbox.calendar.store import diff, ensure_calendar, new_exception, save
from workspace_sandbox.calendar.view import instance_entry
from workspace_sandbox.calendar.write import normalize_attendees
from workspace_sandbox.core.errors import SeedError
from workspace_sandbox.core.world import Tx

_SPLIT_UID = re.compile(r"(?P<base>.+)_R\d{8}(T\d{6})?(?P<domain>@.+)")
_PARTSTAT = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative",
             "NEEDS-ACTION": "needsAction"}
_STATUS = {"CONFIRMED": "confirmed", "TENTATIVE": "tentative", "CANCELLED": "cancelled"}


def event_id_for(uid: str) -> str:
    """A stable Calendar event id (26 base32hex characters) for an iCalendar UID."""
    digest = hashlib.sha256(uid.encode("utf-8")).digest()
    return base64.b32hexencode(digest).decode().lower()[:26]


def seed_calendars(tx: Tx, seed_dir: Path | None) -> None:
    """Load people's calendars and the demo events (nothing for an empty world)."""
    if seed_dir is None:
        return
    with (seed_dir / "people.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ensure_calendar(tx, row["email"], row["time_zone"])
    for path in sorted((seed_dir / "calendars").glob("*.ics")):
        _load(tx, path)


class _Shift:
    """Moves seed times by whole weeks, keeping local wall-clock times."""

    def __init__(self, weeks: int):
        self.delta = timedelta(weeks=weeks)

    def local(self, moment: datetime | date, tz_name: str | None) -> datetime | date:
        if not isinstance(moment, datetime):
            return moment + self.delta
        zone = times.zone(tz_name) or times.UTC
        wall = moment.astimezone(zone).replace(tzinfo=None) + self.delta
        return wall.replace(tzinfo=zone)

    def value(self, prop, tz_name: str | None) -> dict:
        """A DTSTART/DTEND/RECURRENCE-ID, shifted and normalised like an API event time."""
        moment = prop.dt
        zone_name = prop.params.get("TZID") or (tz_name if isinstance(moment, datetime) else None)
        return times.from_local(self.local(moment, zone_name), zone_name)


def _weeks(tx: Tx, anchor: str, path: Path) -> int:
    try:
        anchor_day = datetime.strptime(anchor, "%Y%m%d").date()
    except ValueError:
        raise SeedError(f"{path.name}: X-SEED-ANCHOR must be a date YYYYMMDD, not {anchor!r}.") \
            from None
    today = tx.now().date()
    return ((today - timedelta(days=today.weekday())) - anchor_day).days // 7


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _dates_line(name: str, prop, tz_name: str | None, shift: _Shift) -> str:
    moments = [shift.local(d.dt, prop.params.get("TZID") or tz_name) for d in prop.dts]
    if not isinstance(moments[0], datetime):
        return f"{name};VALUE=DATE:" + ",".join(m.strftime("%Y%m%d") for m in moments)
    return f"{name};TZID={tz_name}:" + ",".join(
        m.astimezone(times.zone(tz_name)).strftime("%Y%m%dT%H%M%S") for m in moments)


def _rule(prop, tz_name: str | None, shift: _Shift) -> str:
    text = prop.to_ical().decode()
    until = prop.get("UNTIL")
    if until:
        moment = shift.local(until[0], tz_name)
        value = (moment.astimezone(times.UTC).strftime("%Y%m%dT%H%M%SZ")
                 if isinstance(moment, datetime) else moment.strftime("%Y%m%d"))
        text = re.sub(r"UNTIL=[0-9TZ]+", f"UNTIL={value}", text)
    return f"RRULE:{text}"


def _person(address) -> dict:
    person = {"email": str(address).removeprefix("mailto:").removeprefix("MAILTO:")}
    if address.params.get("CN"):
        person["displayName"] = str(address.params["CN"])
    return person


def _fields(component, tz_name: str | None, shift: _Shift) -> dict:
    start = shift.value(component["DTSTART"], tz_name)
    zone_name = start.get("timeZone")
    fields = {"start": start, "end": shift.value(component["DTEND"], tz_name)}
    for key, prop in (("summary", "SUMMARY"), ("description", "DESCRIPTION"),
                      ("location", "LOCATION")):
        if component.get(prop):
            fields[key] = str(component[prop])
    lines = [_rule(rule, zone_name, shift) for rule in _list(component.get("RRULE"))]
    lines += [_dates_line("EXDATE", p, zone_name, shift) for p in _list(component.get("EXDATE"))]
    lines += [_dates_line("RDATE", p, zone_name, shift) for p in _list(component.get("RDATE"))]
    if lines:
        fields["recurrence"] = lines
    if str(component.get("TRANSP", "")).upper() == "TRANSPARENT":
        fields["transparency"] = "transparent"
    attendees = []
    for address in _list(component.get("ATTENDEE")):
        attendee = _person(address)
        params = address.params
        attendee["responseStatus"] = _PARTSTAT.get(str(params.get("PARTSTAT", "")).upper(),
                                                   "needsAction")
        attendee["optional"] = str(params.get("ROLE", "")).upper() == "OPT-PARTICIPANT"
        attendee["resource"] = str(params.get("CUTYPE", "")).upper() in ("ROOM", "RESOURCE")
        attendees.append(attendee)
    if attendees:
        fields["attendees"] = normalize_attendees(attendees)
    fields["reminders"] = {"useDefault": True}
    fields["eventType"] = str(component.get("X-WORKSPACE-EVENT-TYPE") or "default")
    fields["sequence"] = int(component.get("SEQUENCE", 0))
    return fields


def _load(tx: Tx, path: Path) -> None:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    if calendar.get("X-SEED-ANCHOR") is None:
        raise SeedError(f"{path.name}: the VCALENDAR has no X-SEED-ANCHOR.")
    shift = _Shift(_weeks(tx, str(calendar["X-SEED-ANCHOR"]), path))
    tz_name = str(calendar.get("X-WR-TIMEZONE") or "UTC")
    events = calendar.walk("VEVENT")
    series: dict[str, dict] = {}
    for component in [c for c in events if c.get("RECURRENCE-ID") is None]:
        uid = str(component["UID"])
        organizer = _person(component["ORGANIZER"])
        owner = ensure_calendar(tx, organizer["email"], tz_name)
        fields = _fields(component, tz_name, shift)
        split = _SPLIT_UID.fullmatch(uid)
        event_id = (times.split_series_id(event_id_for(split["base"] + split["domain"]),
                                          fields["start"]) if split else event_id_for(uid))
        stamp = times.iso_ms(shift.local(component["DTSTAMP"].dt, "UTC"))
        record = {"id": event_id, "calendar": owner["id"],
                  "status": _STATUS.get(str(component.get("STATUS", "")).upper(), "confirmed"),
                  "created": stamp, "fields": fields, "private": {},
                  "iCalUID": f"{event_id}@google.com", "creator": organizer,
                  "organizer": organizer}
        save(tx, record)
        series[uid] = record
    for component in [c for c in events if c.get("RECURRENCE-ID") is not None]:
        parent = series.get(str(component["UID"]))
        if parent is None:
            raise SeedError(f"{path.name}: RECURRENCE-ID of {component['UID']} has no series.")
        original = shift.value(component["RECURRENCE-ID"], tz_name)
        exception = new_exception(parent, original)
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            exception["status"] = "cancelled"
        else:
            base = instance_entry(parent, original, None, parent["calendar"]).fields
            exception["overrides"] = diff(base, _fields(component, tz_name, shift))
        save(tx, exception)
