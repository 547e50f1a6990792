"""Meeting invitations as iCalendar bytes: an RFC 5546 (iTIP) REQUEST of one RFC 5545 VEVENT, with
its VTIMEZONE, for mail clients and calendars to add and answer.

Re-sending an invitation with the same UID and a higher SEQUENCE updates the meeting in the
attendees' calendars; `stable_uid` gives a cohort's meeting the same UID every time.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

PRODID = "-//One-on-One Coach//Cohorts//EN"
# The VTIMEZONE describes the zone's offsets from a year before the meeting to a year after it.
_TIMEZONE_MARGIN = timedelta(days=366)


def stable_uid(cohort_key: str, domain: str) -> str:
    """A UID that is the same for the same key (e.g. a cohort and its quarter, "cohort-7/2027Q1"),
    and differs between keys: "<24 hex digits of its SHA-256>@<domain>"."""
    if not domain or any(c in domain for c in "@\r\n "):
        raise ValueError(f"not a domain: {domain!r}")
    return f"{hashlib.sha256(cohort_key.encode('utf-8')).hexdigest()[:24]}@{domain}"


def invitation(*, uid: str, sequence: int, summary: str, description: str, start: datetime, end: datetime,
               time_zone: str, organizer: tuple[str, str], attendees: Sequence[tuple[str, str]],
               url: str | None = None, stamp: datetime) -> bytes:
    """A VCALENDAR with METHOD:REQUEST and one VEVENT: DTSTART/DTEND at ``start``/``end`` shown in
    ``time_zone`` (with its VTIMEZONE; in UTC when ``time_zone`` is UTC), DTSTAMP ``stamp`` in
    UTC, ORGANIZER and one required, RSVP-requested ATTENDEE per person, both as (name, email).

    :raises ValueError: a naive datetime, ``end`` not after ``start``, an unknown ``time_zone``,
        a negative ``sequence``, no attendees, an empty UID or email.
    """
    for name, value in (("start", start), ("end", end), ("stamp", stamp)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime, not {value!r}")
    if end <= start:
        raise ValueError("end must be after start")
    if sequence < 0:
        raise ValueError("sequence must not be negative")
    if not uid.strip():
        raise ValueError("uid must not be empty")
    if not attendees:
        raise ValueError("an invitation (iTIP REQUEST) needs at least one attendee")
    zone = _zone(time_zone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)

    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(timezone.utc))
    event.add("dtstart", local_start)
    event.add("dtend", local_end)
    event.add("summary", summary)
    event.add("description", description)
    if url:
        event.add("url", url)
    event.add("organizer", _address(*organizer))
    for name, email in attendees:
        event.add("attendee", _address(name, email, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION",
                                       RSVP="TRUE", CUTYPE="INDIVIDUAL"))

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=local_start.date() - _TIMEZONE_MARGIN,
                                   last_date=local_end.date() + _TIMEZONE_MARGIN)
    return calendar.to_ical()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _address(name: str, email: str, **params: str) -> icalendar.vCalAddress:
    """A CAL-ADDRESS (mailto:) with CN=name when there is a name; icalendar quotes parameter values
    holding commas, semicolons or colons and encodes double quotes per RFC 6868."""
    email = email.strip()
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:"):]
    if not email or any(c in email for c in "\r\n"):
        raise ValueError(f"not an email address: {email!r}")
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name.strip():
        address.params["CN"] = " ".join(name.split())  # no line breaks inside a parameter
    address.params.update(params)
    return address
