"""``events.list`` and ``events.instances``: filters, recurring expansion, paging and sync tokens.

Without ``timeMax``, expanding a series that never ends stops :data:`DEFAULT_HORIZON_DAYS` after
``timeMin`` (or now, or the series' start if later); the ``cal.horizon_days`` setting changes it.
Google itself pages on into the future; clients that need further instances pass a later ``timeMax``.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from workspace_sandbox.calendar import recurrence
from workspace_sandbox.calendar import sync
from workspace_sandbox.calendar import times
from workspace_sandbox.core.front import Call, handles
from workspace_sandbox.calendar.store import (EVENT, calendar_zone, exceptions_of, find, is_recurring, member_rows,
                             own_calendar)
from workspace_sandbox.calendar.times import CalendarError
from workspace_sandbox.calendar.view import Entry, event_entry, instance_entry, matches, minimal, resource, span

DEFAULT_HORIZON_DAYS = 730
DEFAULT_PAGE, MAX_PAGE = 250, 2500
DEFAULT_REMINDERS = [{"method": "popup", "minutes": 30}]


@dataclass
class Query:
    calendar_id: str
    zone: object                      # the calendar's zone (all-day events start at its midnight)
    single: bool
    show_deleted: bool
    since: int | None = None          # sync position, for incremental listings
    lower: datetime | None = None     # timeMin
    upper: datetime | None = None     # timeMax
    horizon_days: int = DEFAULT_HORIZON_DAYS


def _position(tx) -> int:
    return tx.counter("cal.change")


def _horizon_days(tx) -> int:
    return tx.setting("cal.horizon_days", DEFAULT_HORIZON_DAYS)


def _upper(series: dict, query: Query, now: datetime) -> datetime:
    """Where expanding a series stops: timeMax, the end of a bounded series, or the horizon."""
    if query.upper is not None:
        return query.upper
    start = times.instant(series["fields"]["start"], query.zone)
    end = recurrence.last_end(series["fields"], query.zone)
    if end is not None:
        return end
    return max(query.lower or now, now, start) + timedelta(days=query.horizon_days)


def _instances(series: dict, exceptions: dict, query: Query, active: bool,
               now: datetime) -> list[Entry]:
    lower = query.lower or times.instant(series["fields"]["start"], query.zone)
    upper = _upper(series, query, now)
    entries = [instance_entry(series, x["originalStart"], x, query.calendar_id, active)
               for x in exceptions.values()]
    if lower < upper:
        for original in recurrence.occurrences(series["fields"], lower, upper):
            if f"{series['id']}_{times.instance_suffix(original)}" not in exceptions:
                entries.append(instance_entry(series, original, None, query.calendar_id, active))
    return entries


def collect(tx, query: Query) -> list[Entry]:
    """Every entry of the calendar the query may return, before filters."""
    entries: list[Entry] = []
    for row in member_rows(tx, query.calendar_id):
        if query.since is not None and row["change"] <= query.since:
            continue
        record = tx.get(EVENT, row["event"])
        whole = query.since is None or max(record["change"], row["since"]) > query.since
        if not row["active"] and not whole:
            continue  # a guest who was removed earlier learnt it then; instances are not theirs
        if not is_recurring(record):
            if whole:
                entries.append(event_entry(record, query.calendar_id, row["active"]))
            continue
        exceptions = exceptions_of(tx, record["id"])
        if query.single:
            if whole:
                entries += _instances(record, exceptions, query, row["active"], tx.now())
            else:
                entries += [instance_entry(record, x["originalStart"], x, query.calendar_id)
                            for x in exceptions.values() if x["change"] > query.since]
            continue
        if whole:
            entries.append(event_entry(record, query.calendar_id, row["active"]))
        if row["active"] and record["status"] != "cancelled":
            entries += [instance_entry(record, x["originalStart"], x, query.calendar_id)
                        for x in exceptions.values()
                        if query.since is None or x["change"] > query.since]
    return entries


def _property_filters(values: list[str] | None, name: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values or ():
        key, sep, wanted = value.partition("=")
        if not sep or not key:
            raise CalendarError(400, "invalid", f"Invalid value for {name}: {value}", location=name)
        pairs.append((key, wanted))
    return pairs


def _keep(entry: Entry, query: Query, params: dict, deleted_too: bool) -> bool:
    if entry.cancelled and not deleted_too:
        # Cancelled exceptions of a live series are listed unless instances are expanded.
        if query.single or entry.original is None or entry.top["status"] == "cancelled":
            return False
    start, end = span(entry, query.zone)
    if query.lower and end is not None and end <= query.lower:
        return False
    if query.upper and start >= query.upper:
        return False
    if "updatedMin" in params and times.parse_instant(entry.updated) < times.parse_instant(
            params["updatedMin"]):
        return False
    if "iCalUID" in params and entry.top["iCalUID"] != params["iCalUID"]:
        return False
    if params.get("eventTypes") and entry.fields.get("eventType", "default") not in params["eventTypes"]:
        return False
    if "q" in params and not matches(entry, params["q"]):
        return False
    shared = (entry.fields.get("extendedProperties") or {}).get("shared") or {}
    for key, wanted in _property_filters(params.get("sharedExtendedProperty"),
                                         "sharedExtendedProperty"):
        if shared.get(key) != wanted:
            return False
    for key, wanted in _property_filters(params.get("privateExtendedProperty"),
                                         "privateExtendedProperty"):
        if entry.private.get(key) != wanted:
            return False
    return True


def _sort_key(entry: Entry, order_by: str | None, zone) -> list:
    if order_by == "startTime":
        return [times.iso_z(span(entry, zone)[0]), entry.id]
    if order_by == "updated":
        return [entry.updated, entry.id]
    return [entry.id]


def _window(params: dict) -> tuple[datetime | None, datetime | None]:
    lower = times.parse_instant(params["timeMin"]) if "timeMin" in params else None
    upper = times.parse_instant(params["timeMax"]) if "timeMax" in params else None
    if lower and upper and lower >= upper:
        raise CalendarError(400, "timeRangeEmpty", "The specified time range is empty.",
                            domain="calendar", location="timeMax")
    return lower, upper


def _page(call: Call, entries: list[Entry], query: Query, order_by: str | None,
          deleted_too: bool) -> tuple[list[Entry], str | None, int]:
    """One page of the filtered, ordered entries; the next page token and the snapshot position."""
    print_ = sync.fingerprint(call.method.id, call.params)
    after, position = None, _position(call.tx)
    if "pageToken" in call.params:
        after, position = sync.read_page_token(call.tx, call.params["pageToken"], print_)
    keyed = sorted(((_sort_key(e, order_by, query.zone), e) for e in entries
                    if _keep(e, query, call.params, deleted_too)), key=lambda pair: pair[0])
    if after is not None:
        keyed = [pair for pair in keyed if pair[0] > after]
    size = min(call.params.get("maxResults", DEFAULT_PAGE), MAX_PAGE)
    page = keyed[:size]
    token = sync.page_token(call.tx, print_, page[-1][0], position) if len(keyed) > size else None
    return [entry for _, entry in page], token, position


def _envelope(calendar: dict, entries: list[Entry], items: list[dict], position: int) -> dict:
    updated = max([calendar["created"], *(e.updated for e in entries)])
    digest = hashlib.sha256(f"{calendar['id']}:{position}:{len(items)}".encode()).digest()
    etag = '"p' + base64.b32hexencode(digest).decode().lower()[:15] + '"'
    return {"kind": "calendar#events", "etag": etag, "summary": calendar["summary"],
            "description": "", "updated": updated, "timeZone": calendar["timeZone"],
            "accessRole": "owner", "defaultReminders": DEFAULT_REMINDERS}


def _render(entries: list[Entry], calendar_id: str, shown_in, params: dict) -> list[dict]:
    return [minimal(e, shown_in) if e.cancelled
            else resource(e, calendar_id, shown_in, params.get("maxAttendees")) for e in entries]


@handles("calendar.events.list")
def events_list(call: Call) -> dict:
    params = call.params
    calendar = own_calendar(call, params["calendarId"])
    shown_in = times.response_zone(params.get("timeZone"), calendar["timeZone"])
    since = None
    if "syncToken" in params:
        sync.check_sync_params(params)
        since = sync.sync_position(call.tx, params["syncToken"], calendar["id"])
    order_by = params.get("orderBy")
    if order_by == "startTime" and not params.get("singleEvents"):
        raise CalendarError(400, "badRequest",
                            "The requested ordering is not available for the particular query.")
    lower, upper = _window(params)
    query = Query(calendar["id"], calendar_zone(calendar), bool(params.get("singleEvents")),
                  bool(params.get("showDeleted")), since, lower, upper, _horizon_days(call.tx))
    entries = collect(call.tx, query)
    deleted_too = query.show_deleted or since is not None or "updatedMin" in params
    page, next_page, position = _page(call, entries, query, order_by, deleted_too)
    out = _envelope(calendar, entries, page, position)
    if next_page:
        out["nextPageToken"] = next_page
    else:
        out["nextSyncToken"] = sync.sync_token(call.tx, calendar["id"], position)
    out["items"] = _render(page, calendar["id"], shown_in, params)
    return out


@handles("calendar.events.instances")
def events_instances(call: Call) -> dict:
    params = call.params
    calendar = own_calendar(call, params["calendarId"])
    shown_in = times.response_zone(params.get("timeZone"), calendar["timeZone"])
    found = find(call.tx, calendar["id"], params["eventId"])
    lower, upper = _window(params)
    query = Query(calendar["id"], calendar_zone(calendar), True, bool(params.get("showDeleted")),
                  None, lower, upper, _horizon_days(call.tx))
    series = found.top
    if found.is_instance or not is_recurring(series):
        entries = [event_entry(series, calendar["id"], found.active)] if not found.is_instance else []
    else:
        entries = _instances(series, exceptions_of(call.tx, series["id"]), query, found.active,
                             call.tx.now())
    if "originalStart" in params:
        wanted = times.parse_instant(params["originalStart"])
        entries = [e for e in entries if e.original is not None
                   and times.instant(e.original, query.zone) == wanted]
    page, next_page, position = _page(call, entries, query, "startTime", query.show_deleted)
    out = _envelope(calendar, entries, page, position)
    if next_page:
        out["nextPageToken"] = next_page
    out["items"] = _render(page, calendar["id"], shown_in, params)
    return out
