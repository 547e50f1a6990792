"""Google Calendar API v3 in the Workspace sandbox: event reads and writes, push channels and the
calendar list. Listings are in :mod:`calendar_listing`, free/busy in :mod:`freebusy`.

Each user has one calendar (their primary, id = email); an event lives once, in its organiser's
calendar, and shows in each invited user's calendar under the same id (see :mod:`calendar_store`).
Only the organiser changes or deletes an event; a guest changes only their answer and their private
properties. Every change POSTs to the channels watching an affected calendar.
"""
from __future__ import annotations

from urllib.parse import quote

from workspace_sandbox.calendar import freebusy  # noqa: F401  (registers freebusy.query)
from workspace_sandbox.calendar import invitations
from workspace_sandbox.calendar import listing as calendar_listing  # noqa: F401  (registers events.list and events.instances)
from workspace_sandbox.calendar import recurrence
from workspace_sandbox.calendar import times
from workspace_sandbox.calendar import write
from workspace_sandbox.calendar import push
from workspace_sandbox.core.front import Call, handles
from workspace_sandbox.calendar.listing import DEFAULT_REMINDERS
from workspace_sandbox.calendar.store import (EVENT, MEMBER, Found, calendar_zone, check_writable,
                             diff, ensure_calendar, find, merge, new_exception, own_calendar, save)
from workspace_sandbox.calendar.times import CalendarError
from workspace_sandbox.calendar.view import Entry, event_entry, instance_entry, resource


def changed(tx, calendars) -> None:
    """Tell the channels watching these calendars that something changed."""
    push.notify(tx, [f"calendar:{calendar_id}" for calendar_id in calendars])


def entry_of(found: Found, calendar_id: str) -> Entry:
    if found.is_instance:
        return instance_entry(found.series, found.original, found.record, calendar_id, found.active)
    return event_entry(found.record, calendar_id, found.active)


def _shown_in(call: Call, calendar: dict):
    return times.response_zone(call.params.get("timeZone"), calendar["timeZone"])


@handles("calendar.events.get")
def events_get(call: Call) -> dict:
    calendar = own_calendar(call, call.params["calendarId"])
    found = find(call.tx, calendar["id"], call.params["eventId"])
    return resource(entry_of(found, calendar["id"]), calendar["id"],
                    _shown_in(call, calendar), call.params.get("maxAttendees"))


@handles("calendar.events.insert")
def events_insert(call: Call) -> dict:
    calendar = own_calendar(call, call.params["calendarId"], write=True)
    tx, calendar_id, body = call.tx, calendar["id"], call.body or {}
    event_id = body.get("id")
    if event_id is not None:
        times.check_event_id(event_id)
        if tx.get(EVENT, event_id) or tx.get(MEMBER, f"{calendar_id}/{event_id}"):
            raise CalendarError(409, "duplicate", "The requested identifier already exists.")
    else:
        event_id = times.new_event_id()
    fields, private, status = write.normalize(
        tx, body, supports_attachments=bool(call.params.get("supportsAttachments")))
    fields["sequence"] = 0
    record = {"id": event_id, "calendar": calendar_id, "status": status or "confirmed",
              "created": times.iso_ms(tx.now()), "fields": fields,
              "private": {calendar_id: private} if private else {},
              "iCalUID": body.get("iCalUID") or f"{event_id}@google.com",
              "creator": {"email": call.user}, "organizer": {"email": calendar_id}}
    changed(tx, save(tx, record))
    invitations.record(tx, invitations.send_mode(call.params), calendar_id, event_id, None,
                       fields)
    return resource(event_entry(record, calendar_id), calendar_id, calendar_zone(calendar))


def _store_change(tx, found: Found, calendar_id: str, fields: dict, private: dict,
                  status: str) -> tuple[dict, set[str]]:
    """Save new fields of a found event or instance; return its record and the affected calendars."""
    if not found.is_instance:
        record = found.record
        record.update(fields=fields, status=status)
        record["private"][calendar_id] = private
        if not private:
            del record["private"][calendar_id]
        return record, save(tx, record)
    series = found.series
    base = instance_entry(series, found.original, None, calendar_id)
    record = found.record or new_exception(series, found.original)
    record["overrides"] = diff(base.fields, fields)
    record["private"][calendar_id] = diff(base.private, private)
    record["status"] = status
    return record, save(tx, record)


def _events_write(call: Call, *, replace: bool) -> dict:
    calendar = own_calendar(call, call.params["calendarId"], write=True)
    tx, calendar_id, body = call.tx, calendar["id"], call.body or {}
    found = find(tx, calendar_id, call.params["eventId"])
    check_writable(found)
    current = entry_of(found, calendar_id)
    request = body if replace else merge(write.as_body(current.fields, current.private), body)
    if found.is_instance:
        request.pop("recurrence", None)
    fields, private, status = write.normalize(
        tx, request, supports_attachments=bool(call.params.get("supportsAttachments")),
        kept_attachments=current.fields.get("attachments"))
    if fields["eventType"] != current.fields.get("eventType", "default"):
        raise CalendarError(400, "invalid", "The event type cannot be changed.")  # (unconfirmed)
    organizer = found.top["organizer"]["email"].lower()
    if calendar_id != organizer:
        write.check_guest_change(current.fields, fields, calendar_id)
    sequence = current.fields.get("sequence", 0)
    fields["sequence"] = sequence + 1 if write.significant(current.fields, fields) else sequence
    if status == "cancelled":
        _delete(call, calendar_id, found)
        return resource(entry_of(find(tx, calendar_id, current.id), calendar_id), calendar_id,
                        calendar_zone(calendar))
    record, calendars = _store_change(tx, found, calendar_id, fields, private or {},
                                      status or current.status)
    changed(tx, calendars)
    if calendar_id == organizer:
        invitations.record(tx, invitations.send_mode(call.params), organizer, current.id,
                           current.fields, fields)
    updated = find(tx, calendar_id, record["id"])
    return resource(entry_of(updated, calendar_id), calendar_id, calendar_zone(calendar))


@handles("calendar.events.patch")
def events_patch(call: Call) -> dict:
    return _events_write(call, replace=False)


@handles("calendar.events.update")
def events_update(call: Call) -> dict:
    return _events_write(call, replace=True)


def _delete(call: Call, calendar_id: str, found: Found) -> None:
    if calendar_id != found.top["organizer"]["email"].lower():
        raise write.forbidden_for_guest("Only the organizer can delete this event.")  # (unconfirmed)
    tx = call.tx
    record = found.record if not found.is_instance else (
        found.record or new_exception(found.series, found.original))
    record["status"] = "cancelled"
    changed(tx, save(tx, record))
    invitations.record(tx, invitations.send_mode(call.params), calendar_id, record["id"],
                       entry_of(found, calendar_id).fields, None)


@handles("calendar.events.delete")
def events_delete(call: Call) -> None:
    calendar = own_calendar(call, call.params["calendarId"], write=True)
    found = find(call.tx, calendar["id"], call.params["eventId"])
    check_writable(found)
    _delete(call, calendar["id"], found)


@handles("calendar.events.watch")
def events_watch(call: Call) -> dict:
    calendar = own_calendar(call, call.params["calendarId"])
    uri = f"{call.base_url}/calendar/v3/calendars/{quote(call.params['calendarId'], safe='')}" \
          "/events?alt=json"
    return push.watch(call.tx, call.body, client_id=call.client_id, user=call.user,
                      resource=f"calendar:{calendar['id']}", resource_uri=uri)


@handles("calendar.channels.stop")
def channels_stop(call: Call) -> None:
    push.stop(call.tx, call.body, call.client_id)


def _calendar_etag(calendar: dict) -> str:
    return times.etag(times.parse_instant(calendar["created"]))


@handles("calendar.calendarList.list")
def calendar_list(call: Call) -> dict:
    calendar = ensure_calendar(call.tx, call.user)
    entry = {"kind": "calendar#calendarListEntry", "etag": _calendar_etag(calendar),
             "id": calendar["id"], "summary": calendar["summary"], "timeZone": calendar["timeZone"],
             "colorId": "14", "backgroundColor": "#9fe1e7", "foregroundColor": "#000000",
             "selected": True, "accessRole": "owner", "defaultReminders": DEFAULT_REMINDERS,
             "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
             "primary": True}
    return {"kind": "calendar#calendarList", "etag": _calendar_etag(calendar), "items": [entry]}


@handles("calendar.calendars.get")
def calendars_get(call: Call) -> dict:
    calendar_id = call.params["calendarId"]
    key = call.user.lower() if calendar_id == "primary" else calendar_id.lower()
    if key != call.user.lower():
        raise times.not_found()
    calendar = ensure_calendar(call.tx, key)
    return {"kind": "calendar#calendar", "etag": _calendar_etag(calendar), "id": calendar["id"],
            "summary": calendar["summary"], "timeZone": calendar["timeZone"],
            "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]}}


def split_series(tx, calendar_id: str, series_id: str, instance_start: str,
                 changes: dict) -> tuple[dict, dict]:
    """Edit "this and following" the way Google Calendar's UI does: the series ends (UNTIL) before
    the instance, and a new series ``<id>_R<start>`` carries the changes from that instance on."""
    calendar = ensure_calendar(tx, calendar_id)
    zone = calendar_zone(calendar)
    found = find(tx, calendar["id"], series_id)
    series = found.record
    if found.is_instance or not series["fields"].get("recurrence"):
        raise CalendarError(400, "invalid", f"{series_id} is not a recurring event.")
    check_writable(found)
    if len(instance_start) == 10:
        original = {"date": instance_start}
    else:
        original = times.from_local(times.parse_instant(instance_start),
                                    series["fields"]["start"].get("timeZone"))
    if not recurrence.is_occurrence(series["fields"], original):
        raise CalendarError(400, "invalid", f"{instance_start} is not an instance of {series_id}.")
    head, tail = recurrence.split_rules(series["fields"], original, zone)
    base = {**series["fields"], "start": original,
            "end": times.shift(original, recurrence.duration(series["fields"])), "recurrence": tail}
    fields, _, _ = write.normalize(tx, merge(write.as_body(base, {}), changes),
                                   supports_attachments=True)
    fields["sequence"] = 0
    new_id = times.split_series_id(series["id"], fields["start"])
    following = {"id": new_id, "calendar": series["calendar"], "status": "confirmed",
                 "created": series["created"], "fields": fields, "private": dict(series["private"]),
                 "iCalUID": f"{new_id}@google.com", "creator": series["creator"],
                 "organizer": series["organizer"]}
    calendars = save(tx, following)
    split_at = times.instant(original, zone)
    for key, exception in tx.items(EVENT, parent=series["id"]):
        if times.instant(exception["originalStart"], zone) >= split_at:
            exception["status"] = "cancelled"
            calendars |= save(tx, exception)
    series["fields"]["recurrence"] = head
    calendars |= save(tx, series)
    changed(tx, calendars)
    return (resource(event_entry(series, calendar["id"]), calendar["id"], zone),
            resource(event_entry(following, calendar["id"]), calendar["id"], zone))
