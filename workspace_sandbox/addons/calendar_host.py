"""Google Calendar as the add-on's host: the open event, the ``calendar`` part of the event object,
and Calendar's host actions, done through the sandbox's own Calendar API handlers as the person in
Calendar's web UI (all their rights, no API quota).

The event object follows Google's table: the metadata (``calendarId``, ``id``,
``recurringEventId``, ``organizer``) with any ``currentEventAccess``; ``attendees``,
``conferenceData`` and ``capabilities`` only with READ or READ_WRITE. Only the organiser may change
an event in the sandbox, so ``canAddAttendees``, ``canSetConferenceData`` and ``canAddAttachments``
are true for the organiser with WRITE access (unconfirmed: the exact rule is not documented).
Calendar applies an add-on's change to the event being edited and the person then saves it; the
sandbox saves at once, sending no updates to guests (unconfirmed).
"""
from __future__ import annotations

from datetime import timedelta

from workspace_sandbox.addons.deployment import event_access
from workspace_sandbox.calendar import times
from workspace_sandbox.calendar.api import events_get, events_patch
from workspace_sandbox.calendar.listing import events_list
from workspace_sandbox.core import discovery
from workspace_sandbox.core.errors import ApiError, not_found
from workspace_sandbox.core.front import Call
from workspace_sandbox.core.world import Tx

UI_CLIENT = "calendar.google.com"
_UI_SCOPES = ("https://www.googleapis.com/auth/calendar",)
_HANDLERS = {"calendar.events.get": events_get, "calendar.events.patch": events_patch,
             "calendar.events.list": events_list}
_ATTENDEE_KEYS = ("additionalGuests", "comment", "displayName", "email", "optional", "organizer",
                  "resource", "responseStatus", "self")


def ui_call(tx: Tx, user: str, method_id: str, params: dict, body: dict | None = None):
    """What one Calendar API method answers when the person does this in Calendar's UI."""
    method = next(m for m in discovery.methods() if m.id == method_id and not m.media)
    return _HANDLERS[method_id](Call(method, tx, user.lower(), UI_CLIENT, _UI_SCOPES,
                                     params, body, ""))


def open_event(tx: Tx, user: str, event_id: str, calendar_id: str | None = None) -> dict:
    """The host context of an event the person opens in their calendar (Calendar's 404 if they
    cannot see it there)."""
    calendar_id = (calendar_id or user).lower()
    if calendar_id != user.lower():  # the sandbox shares no calendars
        raise not_found()
    event = ui_call(tx, user, "calendar.events.get", {"calendarId": calendar_id,
                                                      "eventId": event_id})
    return {"calendarId": calendar_id, "eventId": event["id"]}


def current_event(tx: Tx, user: str, context: dict) -> dict:
    return ui_call(tx, user, "calendar.events.get", {"calendarId": context["calendarId"],
                                                     "eventId": context["eventId"]})


def _editable(event: dict, user: str) -> bool:
    return event["organizer"]["email"].lower() == user.lower() and event["status"] != "cancelled"


def event_part(tx: Tx, deployment: dict, user: str, context: dict) -> dict | None:
    """The ``calendar`` object of an event object (None on the homepage: no event is open)."""
    if not context:
        return None
    metadata, read, write = event_access(deployment)
    if not metadata:
        return {}
    event = current_event(tx, user, context)
    out = {"calendarId": context["calendarId"], "id": event["id"]}
    if "recurringEventId" in event:
        out["recurringEventId"] = event["recurringEventId"]
    out["organizer"] = {"email": event["organizer"]["email"]}
    if read:
        if event.get("attendees"):
            out["attendees"] = [{key: a[key] for key in _ATTENDEE_KEYS if key in a}
                                for a in event["attendees"]]
        if event.get("conferenceData"):
            out["conferenceData"] = event["conferenceData"]
        can_change = write and _editable(event, user)
        out["capabilities"] = {"canSeeAttendees": True, "canAddAttendees": can_change,
                               "canSeeConferenceData": True, "canSetConferenceData": can_change,
                               "canAddAttachments": can_change}
    return out


def apply(tx: Tx, deployment: dict, user: str, context: dict, markup: dict) -> list[dict]:
    """Apply a ``calendarAction`` to the open event; one result per markup, ``ok`` or not."""
    results = []
    for name, value in markup.items():
        action = {"addAttachmentsActionMarkup": "addAttachments",
                  "editAttendeesActionMarkup": "editAttendees"}[name]
        try:
            results.append({"action": action, "ok": True, **_apply(tx, deployment, user,
                                                                   context, action, value)})
        except ApiError as error:
            results.append({"action": action, "ok": False, "reason": error.message})
    return results


def _apply(tx: Tx, deployment: dict, user: str, context: dict, action: str, value: dict) -> dict:
    if not context:
        raise ApiError(400, "failedPrecondition", "No event is open (the Calendar homepage).")
    if not event_access(deployment)[2]:
        raise ApiError(403, "forbidden", "The deployment's currentEventAccess gives no WRITE "
                       "access (WRITE or READ_WRITE with calendar.addons.current.event.write).")
    event = current_event(tx, user, context)
    if not _editable(event, user):
        capability = "canAddAttachments" if action == "addAttachments" else "canAddAttendees"
        raise ApiError(403, "forbiddenForNonOrganizer", "Only the organizer can change this "
                       f"event: capabilities.{capability} is false.")
    params = {"calendarId": context["calendarId"], "eventId": event["id"],
              "supportsAttachments": True, "sendUpdates": "none"}
    if action == "addAttachments":
        kept = [{k: a[k] for k in ("fileUrl", "title", "mimeType", "iconLink") if k in a}
                for a in event.get("attachments") or ()]
        urls = {a["fileUrl"] for a in kept}
        added = [{"fileUrl": a["resourceUrl"], **{k: a[f] for k, f in (
            ("title", "title"), ("mimeType", "mimeType"), ("iconLink", "iconUrl")) if a.get(f)}}
                 for a in value.get("addonAttachments") or () if a["resourceUrl"] not in urls]
        ui_call(tx, user, "calendar.events.patch", params, {"attachments": kept + added})
        return {"eventId": event["id"], "added": [a["fileUrl"] for a in added]}
    known = {a["email"].lower() for a in event.get("attendees") or ()}
    emails = [e for e in value.get("addAttendeeEmails") or () if e.lower() not in known]
    ui_call(tx, user, "calendar.events.patch", params,
            {"attendees": [*(event.get("attendees") or ()), *({"email": e} for e in emails)]})
    return {"eventId": event["id"], "added": emails}


def upcoming(tx: Tx, user: str, days: int = 7) -> dict:
    """The person's events from now over the next ``days`` (``events.list`` as Calendar shows
    them: single events in start order)."""
    now = tx.now()
    return ui_call(tx, user, "calendar.events.list", {
        "calendarId": user.lower(), "singleEvents": True, "orderBy": "startTime",
        "timeMin": times.iso_z(now), "timeMax": times.iso_z(now + timedelta(days=days)),
        "maxResults": 250})
