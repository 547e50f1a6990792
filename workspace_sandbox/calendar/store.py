"""Where Calendar data lives in the world, and who may see it.

- ``cal.calendar`` (key: email): a user's (or room's) primary calendar: ``{id, summary, timeZone}``.
- ``cal.event`` (key: event id): an event stored once, under its organiser's calendar. A single event or a
  series keeps ``fields`` (the resource fields) and ``private`` (extendedProperties.private per calendar
  copy). An exception of a series (moved, edited or cancelled instance) is its own record with ``series``,
  ``originalStart`` and ``overrides`` (what differs from the series, ``None`` meaning removed).
- ``cal.member`` (key: ``<calendar>/<event id>``, parent: calendar): the event appears in that calendar
  (organiser, invited users and rooms of the domain). ``change`` is the last change that touched it there,
  ``since`` the change that made it appear or disappear; ``active`` is false once a guest is removed.

Every write takes the next value of the ``cal.change`` counter; sync tokens are positions on it.
"""
from __future__ import annotations

import copy

from workspace_sandbox.calendar import recurrence
from workspace_sandbox.calendar import times
from workspace_sandbox.calendar.times import CalendarError, not_found
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx

CALENDAR, EVENT, MEMBER = "cal.calendar", "cal.event", "cal.member"
_AUTH = "https://www.googleapis.com/auth/"
WRITE_SCOPES = tuple(_AUTH + s for s in ("calendar", "calendar.events", "calendar.events.owned"))
READ_SCOPES = WRITE_SCOPES + tuple(_AUTH + s for s in (
    "calendar.readonly", "calendar.events.readonly", "calendar.events.owned.readonly"))
ROOM_DOMAIN = "resource.calendar.google.com"


def insufficient_scopes() -> ApiError:
    return ApiError(403, "insufficientPermissions", "Request had insufficient authentication scopes.",
                    status="PERMISSION_DENIED")


def org_domain(tx: Tx) -> str:
    return tx.setting("domain", "example.com")


def ensure_calendar(tx: Tx, email: str, time_zone: str | None = None,
                    summary: str | None = None) -> dict:
    """The primary calendar of ``email``, made on first use (every user of the domain has one)."""
    key = email.lower()
    found = tx.get(CALENDAR, key)
    if found is not None:
        return found
    record = {"id": key, "summary": summary or key, "timeZone": time_zone or "UTC",
              "created": times.iso_ms(tx.now())}
    tx.put(CALENDAR, key, record)
    return record


def calendar_known(tx: Tx, calendar_id: str) -> bool:
    """Whether a calendar of that id exists (for free/busy lookups of other people and rooms)."""
    key = calendar_id.lower()
    return tx.get(CALENDAR, key) is not None or bool(tx.items(MEMBER, parent=key))


def own_calendar(call, calendar_id: str, *, write: bool = False) -> dict:
    """The calendar a call addresses, which must be the caller's own ("primary" or their email).

    Other people's calendars are not shared in the sandbox, so they answer 404 as Google does for a
    calendar the caller cannot see.
    """
    if not call.has_scope(*(WRITE_SCOPES if write else READ_SCOPES)):
        raise insufficient_scopes()
    key = call.user.lower() if calendar_id == "primary" else calendar_id.lower()
    if key != call.user.lower():
        raise not_found()
    return ensure_calendar(call.tx, key)


def calendar_zone(calendar: dict):
    return times.zone(calendar["timeZone"]) or times.UTC


def is_room(email: str) -> bool:
    return email.lower().endswith("@" + ROOM_DOMAIN)


def member_calendars(tx: Tx, record: dict) -> list[str]:
    """Calendars an event appears in: its organiser's and those of guests in the domain (and rooms)."""
    domain = org_domain(tx).lower()
    found = {record["calendar"]}
    for attendee in record["fields"].get("attendees") or ():
        email = attendee["email"].lower()
        if email.endswith("@" + domain) or is_room(email):
            found.add(email)
    return sorted(found)


def _touch(tx: Tx, calendar_id: str, event_id: str, change: int, active: bool) -> None:
    key = f"{calendar_id}/{event_id}"
    row = tx.get(MEMBER, key)
    if row is None or row["active"] != active:
        row = {"event": event_id, "active": active, "since": change}
    row["change"] = change
    tx.put(MEMBER, key, row, parent=calendar_id)


def save(tx: Tx, record: dict) -> set[str]:
    """Store an event after a change; return the calendars whose view of it changed."""
    now = tx.now()
    change = tx.next_value("cal.change")
    record.update(change=change, updated=times.iso_ms(now), etag=times.etag(now, record.get("etag")))
    if "series" in record:
        series = tx.get(EVENT, record["series"])
        for calendar_id in series["members"]:
            _touch(tx, calendar_id, series["id"], change, True)
        tx.put(EVENT, record["id"], record, parent=record["series"])
        return set(series["members"])
    members = member_calendars(tx, record)
    former = sorted((set(record.get("members", ())) | set(record.get("former", ()))) - set(members))
    record.update(members=members, former=former)
    for calendar_id in members:
        _touch(tx, calendar_id, record["id"], change, True)
    for calendar_id in former:
        _touch(tx, calendar_id, record["id"], change, False)
    tx.put(EVENT, record["id"], record, parent=record["calendar"])
    return set(members) | set(former)


def member_rows(tx: Tx, calendar_id: str) -> list[dict]:
    return [row for _, row in tx.items(MEMBER, parent=calendar_id)]


def exceptions_of(tx: Tx, series_id: str) -> dict[str, dict]:
    """The stored exceptions of a series by instance id."""
    return dict(tx.items(EVENT, parent=series_id))


def is_recurring(record: dict) -> bool:
    return bool(record.get("fields", {}).get("recurrence"))


class Found:
    """What an event id names in a calendar: a single event, a series, or one instance of a series."""

    def __init__(self, record: dict | None, series: dict | None = None,
                 original: dict | None = None, active: bool = True):
        self.record = record          # the stored single event / series / exception, if any
        self.series = series          # the series, for an instance
        self.original = original      # the instance's original start, for an instance
        self.active = active          # false once the calendar's owner was removed from the guests

    @property
    def is_instance(self) -> bool:
        return self.series is not None

    @property
    def top(self) -> dict:
        return self.series if self.series is not None else self.record


def find(tx: Tx, calendar_id: str, event_id: str) -> Found:
    """Resolve an event id in a calendar, or raise 404 when that calendar has no such event."""
    record = tx.get(EVENT, event_id)
    if record is not None and "series" in record:
        series = tx.get(EVENT, record["series"])
        row = tx.get(MEMBER, f"{calendar_id}/{series['id']}")
        if row is None:
            raise not_found()
        return Found(record, series, record["originalStart"], row["active"])
    if record is not None:
        row = tx.get(MEMBER, f"{calendar_id}/{event_id}")
        if row is None:
            raise not_found()
        return Found(record, active=row["active"])
    parts = times.split_instance_id(event_id)
    if parts is None:
        raise not_found()
    series = tx.get(EVENT, parts[0])
    row = tx.get(MEMBER, f"{calendar_id}/{parts[0]}") if series else None
    if row is None or "series" in series or not is_recurring(series):
        raise not_found()
    original = times.original_from_suffix(parts[1], series["fields"]["start"])
    if original is None or not recurrence.is_occurrence(series["fields"], original):
        raise not_found()
    return Found(None, series, original, row["active"])


def new_exception(series: dict, original: dict) -> dict:
    """A not yet stored exception record for one instance of ``series``."""
    return {"id": f"{series['id']}_{times.instance_suffix(original)}", "calendar": series["calendar"],
            "series": series["id"], "originalStart": original, "status": "confirmed",
            "created": series["created"], "overrides": {}, "private": {}}


def merge(base: dict, patch: dict) -> dict:
    """Patch semantics: objects merge key by key, anything else replaces, ``None`` removes."""
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def diff(base: dict, new: dict) -> dict:
    """The patch that turns ``base`` into ``new`` (the inverse of :func:`merge`)."""
    out: dict = {key: None for key in base if key not in new}
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            nested = diff(base[key], value)
            if nested:
                out[key] = nested
        elif base.get(key) != value:
            out[key] = copy.deepcopy(value)
    return out


def check_writable(found: Found) -> None:
    """Deleted events and instances of deleted series cannot be changed any more."""
    status = (found.record or found.series)["status"]
    if not found.active or status == "cancelled" or found.top["status"] == "cancelled":
        raise CalendarError(410, "deleted", "Resource has been deleted")
