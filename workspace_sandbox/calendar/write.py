"""Turning request bodies into stored events as Google does: validation and organiser rights.

Messages are Google's where known (captured or quoted from Google's guides); the few marked
(unconfirmed) are the sandbox's wording for errors whose exact text Google does not document.
"""
from __future__ import annotations

import copy
import re

from workspace_sandbox.calendar import recurrence
from workspace_sandbox.calendar import times
from workspace_sandbox.calendar.store import is_room
from workspace_sandbox.calendar.times import CalendarError
from workspace_sandbox.core.world import Tx

# Resource fields a client writes; everything else in a body (kind, etag, htmlLink, creator, ...) is
# read-only and ignored, as Google ignores it.
WRITABLE = ("summary", "description", "location", "colorId", "start", "end", "endTimeUnspecified",
            "recurrence", "transparency", "visibility", "attendees", "extendedProperties",
            "anyoneCanAddSelf", "guestsCanInviteOthers", "guestsCanModify", "guestsCanSeeOtherGuests",
            "privateCopy", "locked", "reminders", "source", "workingLocationProperties",
            "outOfOfficeProperties", "focusTimeProperties", "attachments", "eventType")
CREATABLE_TYPES = ("default", "outOfOffice", "focusTime", "workingLocation")
MAX_ATTACHMENTS = 25
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DRIVE_ID = (re.compile(r"https://(?:drive|docs)\.google\.com/(?:a/[^/]+/)?(?:file|document|"
                        r"spreadsheets|presentation|forms|drawings)/d/([A-Za-z0-9_-]+)"),
             re.compile(r"https://(?:drive|docs)\.google\.com/\S*[?&]id=([A-Za-z0-9_-]+)"))
_DRIVE_ICON = "https://drive-thirdparty.googleusercontent.com/16/type/"
# Fields an invited guest may change on their own copy, besides their private properties.
_GUEST_ATTENDEE_KEYS = ("responseStatus", "comment", "additionalGuests")


def forbidden_for_guest(message: str) -> CalendarError:
    return CalendarError(403, "forbiddenForNonOrganizer", message, domain="calendar")


def _time_range(start: dict, end: dict) -> None:
    if ("date" in start) != ("date" in end):
        raise CalendarError(400, "invalid",
                            "Start and end times must either both be date or both be dateTime.")
    empty = (end["date"] <= start["date"] if "date" in start
             else times.parse_instant(end["dateTime"]) < times.parse_instant(start["dateTime"]))
    if empty:
        raise CalendarError(400, "timeRangeEmpty", "The specified time range is empty.",
                            domain="calendar")


def normalize_attendees(values: list) -> list[dict]:
    out, seen = [], set()
    for value in values:
        email = value.get("email")
        if not email:
            raise CalendarError(400, "required", "Missing attendee email.")
        if not _EMAIL.fullmatch(email):
            raise CalendarError(400, "invalid", "Invalid attendee email.")
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        item = {"email": email}
        for key in ("displayName", "comment"):
            if value.get(key):
                item[key] = value[key]
        if value.get("optional"):
            item["optional"] = True
        if value.get("resource") or is_room(email):
            item["resource"] = True
        item["responseStatus"] = value.get("responseStatus") or "needsAction"
        if int(value.get("additionalGuests") or 0):
            item["additionalGuests"] = int(value["additionalGuests"])
        out.append(item)
    return out


def drive_file_id(url: str) -> str | None:
    """The Drive file id in a Drive or Docs link, None for other links."""
    for pattern in _DRIVE_ID:
        match = pattern.match(url)
        if match:
            return match.group(1)
    return None


def _attachments(tx: Tx, values: list) -> list[dict]:
    """Validated attachments; a Drive link gets its file's id, and its title, type and icon when
    the sandbox's Drive holds the file."""
    if len(values) > MAX_ATTACHMENTS:
        raise CalendarError(400, "invalid", f"An event can have at most {MAX_ATTACHMENTS} "
                            "attachments.")  # (unconfirmed)
    out = []
    for value in values:
        if not value.get("fileUrl"):
            raise CalendarError(400, "required", "Missing attachment file URL.")  # (unconfirmed)
        item = {"fileUrl": value["fileUrl"]}
        file_id = drive_file_id(value["fileUrl"])
        known = (tx.get("drive.file", file_id) or {}) if file_id else {}
        title = value.get("title") or known.get("name")
        mime_type = known.get("mimeType") or value.get("mimeType")
        icon = value.get("iconLink") or (_DRIVE_ICON + mime_type if known else None)
        for key, found in (("title", title), ("mimeType", mime_type), ("iconLink", icon),
                           ("fileId", file_id)):
            if found:
                item[key] = found
        out.append(item)
    return out


def normalize(tx: Tx, body: dict, *, supports_attachments: bool,
              kept_attachments: list | None = None) -> tuple[dict, dict | None, str | None]:
    """Validate an event body; return its stored fields, the caller's private properties (None when
    the body has none) and the status it asks for."""
    fields = {key: copy.deepcopy(body[key]) for key in WRITABLE if body.get(key) is not None}
    end = times.parse_event_time(body.get("end"), "end")
    start = times.parse_event_time(body.get("start"), "start")
    _time_range(start, end)
    fields["start"], fields["end"] = start, end
    if "attendees" in fields:
        fields["attendees"] = normalize_attendees(fields["attendees"])
    fields.pop("attachments", None)
    attachments = (_attachments(tx, body.get("attachments") or []) if supports_attachments
                   else kept_attachments)
    if attachments:
        fields["attachments"] = attachments
    properties = fields.pop("extendedProperties", {})
    if properties.get("shared"):
        fields["extendedProperties"] = {"shared": properties["shared"]}
    event_type = fields.setdefault("eventType", "default")
    if event_type not in CREATABLE_TYPES:
        raise CalendarError(400, "invalid", f"Events of type {event_type} cannot be created "
                            "through the API.")  # (unconfirmed)
    fields.setdefault("reminders", {"useDefault": True})
    recurrence.check(fields)
    return fields, properties.get("private"), body.get("status")


def as_body(fields: dict, private: dict) -> dict:
    """An entry's fields in the shape of a request body (the base a patch applies to)."""
    body = copy.deepcopy(fields)
    properties = dict(body.pop("extendedProperties", None) or {})
    if private:
        properties["private"] = dict(private)
    if properties:
        body["extendedProperties"] = properties
    return body


def check_guest_change(old: dict, new: dict, guest: str) -> None:
    """A guest may change only their own answer and private properties (403 otherwise)."""
    old_shared = (old.get("extendedProperties") or {}).get("shared") or {}
    new_shared = (new.get("extendedProperties") or {}).get("shared") or {}
    if old_shared != new_shared:
        raise forbidden_for_guest("Shared properties can only be changed by the organizer of the "
                                  "event.")

    def neutral(fields: dict) -> dict:
        out = {k: v for k, v in fields.items() if k not in ("extendedProperties", "sequence")}
        out["attendees"] = [{k: v for k, v in a.items()
                             if a["email"].lower() != guest or k not in _GUEST_ATTENDEE_KEYS}
                            for a in fields.get("attendees") or ()]
        return out

    if neutral(old) != neutral(new):
        raise forbidden_for_guest("Only the organizer can change this event.")  # (unconfirmed)


def significant(old: dict, new: dict) -> bool:
    """Whether a change moves the event (Google then raises its iCalendar SEQUENCE)."""
    return any(old.get(key) != new.get(key) for key in ("start", "end", "recurrence", "location"))
