"""Google Calendar, as the service uses it: incremental sync, attaching docs, marking events."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from googleapiclient.errors import HttpError

from ..domain.events import Attendee, CalendarEvent
from .google_clients import translate

DOC_MIME = "application/vnd.google-apps.document"
DOC_PROPERTY = "coachDocId"
RETRIES = 4
# Event fields worth keeping between syncs: no descriptions, no notes.
_KEPT = ("id", "status", "summary", "start", "end", "recurrence", "recurringEventId",
         "originalStartTime", "organizer", "attendees", "eventType", "attachments",
         "extendedProperties", "updated")


def trim(event: dict) -> dict:
    """The parts of an event the service keeps (metadata only)."""
    kept = {k: event[k] for k in _KEPT if k in event}
    if "attendees" in kept:
        kept["attendees"] = [{k: a[k] for k in ("email", "displayName", "responseStatus",
                                                 "organizer", "resource", "optional", "self")
                              if k in a} for a in kept["attendees"]]
    return kept


class CalendarAdapter:
    """One user's primary calendar."""

    def __init__(self, service):
        self._events = service.events()

    def changes(self, sync_token: str | None) -> tuple[list[dict], str]:
        """Events changed since ``sync_token`` (all events without one), and the next token.

        :raises SyncTokenExpired: Google answered 410: drop local state and call again with None.
        """
        items: list[dict] = []
        page_token = None
        while True:
            kwargs = {"calendarId": "primary", "maxResults": 2500, "pageToken": page_token}
            if sync_token:
                kwargs["syncToken"] = sync_token
            else:
                kwargs["showDeleted"] = False
            try:
                page = self._events.list(**kwargs).execute(num_retries=RETRIES)
            except HttpError as error:
                raise translate(error, "calendar.events.list") from error
            items.extend(page.get("items", []))
            page_token = page.get("nextPageToken")
            if not page_token:
                return items, page["nextSyncToken"]

    def attach_doc(self, event: dict, doc_id: str, doc_url: str, title: str) -> dict:
        """Attach the doc to the event (series) and mark it, keeping other attachments (but
        not one to a doc this service marked before, which is gone)."""
        replaced = {doc_id, marked_doc(event)}
        attachments = [a for a in event.get("attachments", []) if a.get("fileId") not in replaced]
        attachments.append({"fileUrl": doc_url, "title": title, "mimeType": DOC_MIME})
        private = {**event.get("extendedProperties", {}).get("private", {}), DOC_PROPERTY: doc_id}
        try:
            return self._events.patch(
                calendarId="primary", eventId=event["id"], supportsAttachments=True,
                sendUpdates="none",
                body={"attachments": attachments, "extendedProperties": {"private": private}},
            ).execute(num_retries=RETRIES)
        except HttpError as error:
            raise translate(error, "calendar.events.patch") from error


def marked_doc(event: dict) -> str | None:
    """The doc this service attached to the event, if it did."""
    return event.get("extendedProperties", {}).get("private", {}).get(DOC_PROPERTY)


def attached_docs(event: dict) -> list[str]:
    """Google Docs attached to the event (the manager's notes, "Take meeting notes", ours)."""
    return [a["fileId"] for a in event.get("attachments", [])
            if a.get("mimeType") == DOC_MIME and a.get("fileId")]


def _when(value: dict) -> datetime | date:
    if "date" in value:
        return date.fromisoformat(value["date"])
    moment = datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
    zone = value.get("timeZone")
    if zone:
        try:
            moment = moment.astimezone(ZoneInfo(zone))
        except ZoneInfoNotFoundError:
            pass
    return moment


def to_domain(event: dict) -> CalendarEvent:
    """A Calendar API event as the domain's CalendarEvent."""
    start = _when(event["start"]) if "start" in event else None
    end = _when(event["end"]) if "end" in event else start
    original = _when(event["originalStartTime"]) if "originalStartTime" in event else None
    attendees = tuple(
        Attendee(email=a.get("email", "").lower(), display_name=a.get("displayName", ""),
                 response_status=a.get("responseStatus", "needsAction"),
                 organizer=a.get("organizer", False), resource=a.get("resource", False),
                 optional=a.get("optional", False))
        for a in event.get("attendees", []))
    return CalendarEvent(
        id=event["id"], summary=event.get("summary", ""),
        start=start if start is not None else original, end=end if end is not None else original,
        all_day="date" in event.get("start", {}), status=event.get("status", "confirmed"),
        event_type=event.get("eventType", "default"),
        organizer_email=event.get("organizer", {}).get("email", "").lower(),
        attendees=attendees, recurring=bool(event.get("recurrence")),
        recurring_event_id=event.get("recurringEventId"), original_start=original,
        recurrence=tuple(event.get("recurrence", ())))
