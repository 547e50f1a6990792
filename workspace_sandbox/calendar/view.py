"""Events as one calendar sees them, rendered as Google's Event resources.

An :class:`Entry` is one item of a listing: a single event, a series, or an instance (stored
exception or computed from the series). Rendering adds what depends on the viewer: ``self`` flags,
the viewer's private extended properties, times in the response zone.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime

from workspace_sandbox.calendar import recurrence
from workspace_sandbox.calendar import times
from workspace_sandbox.calendar.store import merge

# The Event resource's keys in the order Google writes them.
EVENT_KEYS = (
    "kind", "etag", "id", "status", "htmlLink", "created", "updated", "summary", "description",
    "location", "colorId", "creator", "organizer", "start", "end", "endTimeUnspecified", "recurrence",
    "recurringEventId", "originalStartTime", "transparency", "visibility", "iCalUID", "sequence",
    "attendees", "attendeesOmitted", "extendedProperties", "hangoutLink", "conferenceData", "gadget",
    "anyoneCanAddSelf", "guestsCanInviteOthers", "guestsCanModify", "guestsCanSeeOtherGuests",
    "privateCopy", "locked", "reminders", "source", "workingLocationProperties",
    "outOfOfficeProperties", "focusTimeProperties", "attachments", "birthdayProperties", "eventType")
_ATTENDEE_KEYS = ("id", "email", "displayName", "organizer", "self", "resource", "optional",
                  "responseStatus", "comment", "additionalGuests")
_DEFAULTS = {"transparency": "opaque", "visibility": "default"}


@dataclass
class Entry:
    """One event or instance in one calendar."""

    id: str
    fields: dict
    private: dict
    meta: dict                       # the stored record holding etag, created, updated, change
    top: dict                        # the single event or series it belongs to
    status: str
    original: dict | None = None     # original start, for instances

    @property
    def series_id(self) -> str | None:
        return self.top["id"] if self.original is not None else None

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def updated(self) -> str:
        return self.meta["updated"]


def event_entry(record: dict, calendar_id: str, active: bool = True) -> Entry:
    status = record["status"] if active else "cancelled"
    return Entry(record["id"], record["fields"], record["private"].get(calendar_id, {}), record,
                 record, status)


def instance_entry(series: dict, original: dict, exception: dict | None, calendar_id: str,
                   active: bool = True) -> Entry:
    """An instance: the series' fields at the original time, with the exception's overrides."""
    base = {key: value for key, value in series["fields"].items() if key != "recurrence"}
    base["start"] = original
    base["end"] = times.shift(original, recurrence.duration(series["fields"]))
    private = series["private"].get(calendar_id, {})
    if exception is None:
        status = series["status"]
        return Entry(f"{series['id']}_{times.instance_suffix(original)}", base, private, series,
                     series, status if active else "cancelled", original)
    status = exception["status"]
    if not active or series["status"] == "cancelled":
        status = "cancelled"
    return Entry(exception["id"], merge(base, exception["overrides"]),
                 merge(private, exception["private"].get(calendar_id, {})), exception, series,
                 status, original)


def span(entry: Entry, calendar_zone) -> tuple[datetime, datetime | None]:
    """When an entry starts and ends (UTC); a series without end has None as its end."""
    if entry.cancelled and entry.original is not None:
        start = times.instant(entry.original, calendar_zone)
        end = times.instant(times.shift(entry.original, recurrence.duration(entry.top["fields"])),
                            calendar_zone)
        return start, end
    start = times.instant(entry.fields["start"], calendar_zone)
    if entry.original is None and entry.fields.get("recurrence"):
        return start, recurrence.last_end(entry.fields, calendar_zone)
    return start, times.instant(entry.fields["end"], calendar_zone)


def _person(person: dict, calendar_id: str) -> dict:
    out = {key: person[key] for key in ("email", "displayName") if key in person}
    if person["email"].lower() == calendar_id:
        out["self"] = True
    return out


def _attendees(entry: Entry, calendar_id: str, max_attendees: int | None) -> tuple[list, bool]:
    organizer = entry.top["organizer"]["email"].lower()
    rendered = []
    for attendee in entry.fields.get("attendees") or ():
        item = dict(attendee)
        if attendee["email"].lower() == organizer:
            item["organizer"] = True
        if attendee["email"].lower() == calendar_id:
            item["self"] = True
        rendered.append({key: item[key] for key in _ATTENDEE_KEYS if key in item})
    if max_attendees is not None and len(rendered) > max_attendees:
        return [a for a in rendered if a.get("self")], True
    return rendered, False


def _html_link(entry: Entry, calendar_id: str) -> str:
    link_id = entry.id
    if entry.original is None and entry.fields.get("recurrence"):
        first = recurrence.first(entry.fields)
        if first is not None:
            link_id = f"{entry.id}_{times.instance_suffix(first)}"
    return times.html_link(link_id, calendar_id)


def minimal(entry: Entry, shown_in) -> dict:
    """A cancelled event as listings return it: only what identifies it."""
    out = {"kind": "calendar#event", "etag": entry.meta["etag"], "id": entry.id, "status": "cancelled"}
    if entry.original is not None:
        out["recurringEventId"] = entry.top["id"]
        out["originalStartTime"] = times.render(entry.original, shown_in)
    return out


def resource(entry: Entry, calendar_id: str, shown_in, max_attendees: int | None = None) -> dict:
    """The full Event resource of an entry as ``calendar_id`` sees it."""
    fields = copy.deepcopy(entry.fields)
    out = {"kind": "calendar#event", "etag": entry.meta["etag"], "id": entry.id,
           "status": entry.status, "htmlLink": _html_link(entry, calendar_id),
           "created": entry.top["created"], "updated": entry.meta["updated"],
           "creator": _person(entry.top["creator"], calendar_id),
           "organizer": _person(entry.top["organizer"], calendar_id),
           "iCalUID": entry.top["iCalUID"]}
    for key, value in fields.items():
        if value is not None and _DEFAULTS.get(key) != value:
            out[key] = value
    out["start"] = times.render(fields["start"], shown_in)
    out["end"] = times.render(fields["end"], shown_in)
    if entry.original is not None:
        out["recurringEventId"] = entry.top["id"]
        out["originalStartTime"] = times.render(entry.original, shown_in)
    if fields.get("attendees"):
        out["attendees"], omitted = _attendees(entry, calendar_id, max_attendees)
        if omitted:
            out["attendeesOmitted"] = True
    properties = {}
    if entry.private:
        properties["private"] = dict(entry.private)
    if (fields.get("extendedProperties") or {}).get("shared"):
        properties["shared"] = fields["extendedProperties"]["shared"]
    out.pop("extendedProperties", None)
    if properties:
        out["extendedProperties"] = properties
    out.setdefault("sequence", 0)
    out.setdefault("reminders", {"useDefault": True})
    out.setdefault("eventType", "default")
    return {key: out[key] for key in EVENT_KEYS if key in out}


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def matches(entry: Entry, query: str) -> bool:
    """Whether every word of a ``q`` search starts a word of the entry's texts, guests' or
    organiser's names and addresses (a simple stand-in for Google's full-text search)."""
    parts = [entry.fields.get(key) or "" for key in ("summary", "description", "location")]
    for person in [entry.top["organizer"], *(entry.fields.get("attendees") or ())]:
        parts += [person.get("email", ""), person.get("displayName", "")]
    known = words("\n".join(parts))
    return all(any(word.startswith(term) for word in known) for term in words(query))
