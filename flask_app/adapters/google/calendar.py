"""Google Calendar as the Calendar port: incremental sync, attaching docs, marking events."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...domain.events import (GOOGLE_DOC, Attachment, Attendee, CalendarEvent, Changes, Channel,
                              DocLink, Invitation)
from ...errors import Conflict, NotFound
from .clients import GoogleClients

DOC_PROPERTY = "coachDocId"  # private extended property: the pair doc this service attached
PAGE_SIZE = 2500
FREEBUSY_CALENDARS = 50  # freebusy.query's calendarExpansionMax at most


class GoogleCalendar:
    """One user's primary calendar."""

    def __init__(self, clients: GoogleClients, user: str):
        self._clients, self._user = clients, user

    def _events(self):
        return self._clients.resource("calendar", self._user, "events")

    def changes(self, sync_token: str | None) -> Changes:
        events = self._events()
        items: list[dict] = []
        page_token = None
        while True:
            kwargs = {"calendarId": "primary", "maxResults": PAGE_SIZE, "pageToken": page_token}
            if sync_token:
                kwargs["syncToken"] = sync_token
            else:
                kwargs["showDeleted"] = False
            page = self._clients.execute(events.list(**kwargs), "calendar.events.list")
            items.extend(page.get("items", []))
            page_token = page.get("nextPageToken")
            if not page_token:
                return Changes([to_domain(item) for item in items], page["nextSyncToken"],
                               page.get("timeZone", ""))

    def time_zone(self) -> str:
        # events.list answers with the calendar's zone; calendars.get would need a broader scope
        request = self._events().list(calendarId="primary", maxResults=1, fields="timeZone")
        return self._clients.execute(request, "calendar.events.list").get("timeZone", "UTC")

    def event(self, event_id: str) -> CalendarEvent:
        request = self._events().get(calendarId="primary", eventId=event_id)
        return to_domain(self._clients.execute(request, "calendar.events.get"))

    def between(self, start: datetime, end: datetime) -> list[CalendarEvent]:
        events = self._events()
        found: list[CalendarEvent] = []
        page_token = None
        while True:
            request = events.list(calendarId="primary", singleEvents=True, orderBy="startTime",
                                  timeMin=start.isoformat(), timeMax=end.isoformat(),
                                  maxResults=PAGE_SIZE, pageToken=page_token)
            page = self._clients.execute(request, "calendar.events.list")
            found += [to_domain(item) for item in page.get("items", [])]
            page_token = page.get("nextPageToken")
            if not page_token:
                return found

    def attach_doc(self, event: CalendarEvent, doc: DocLink) -> CalendarEvent:
        replaced = {doc.file_id, event.marked_doc}
        attachments = [_attachment_json(a) for a in event.attachments
                       if a.file_id not in replaced]
        attachments.append({"fileUrl": doc.url, "title": doc.title, "mimeType": GOOGLE_DOC})
        request = self._events().patch(
            calendarId="primary", eventId=event.id, supportsAttachments=True, sendUpdates="none",
            body={"attachments": attachments,
                  "extendedProperties": {"private": {DOC_PROPERTY: doc.file_id}}})
        return to_domain(self._clients.execute(request, "calendar.events.patch"))

    def free_busy(self, emails: list[str], start: datetime,
                  end: datetime) -> dict[str, list[tuple[datetime, datetime]]]:
        freebusy = self._clients.resource("calendar", self._user, "freebusy", grant="freebusy")
        found: dict[str, list[tuple[datetime, datetime]]] = {}
        for first in range(0, len(emails), FREEBUSY_CALENDARS):
            batch = emails[first:first + FREEBUSY_CALENDARS]
            request = freebusy.query(body={
                "timeMin": start.isoformat(), "timeMax": end.isoformat(), "timeZone": "UTC",
                "calendarExpansionMax": len(batch), "items": [{"id": e} for e in batch]})
            answer = self._clients.execute(request, "calendar.freebusy.query")
            for email, calendar in answer.get("calendars", {}).items():
                if not calendar.get("errors"):
                    found[email.lower()] = [(_instant(b["start"]), _instant(b["end"]))
                                            for b in calendar.get("busy", [])]
        return found

    def invite(self, invitation: Invitation) -> tuple[CalendarEvent, bool]:
        body = {"id": invitation.event_id, "summary": invitation.summary,
                "description": invitation.description,
                "start": {"dateTime": invitation.start.isoformat(),
                          "timeZone": invitation.time_zone},
                "end": {"dateTime": invitation.end.isoformat(), "timeZone": invitation.time_zone},
                "attendees": [{"email": guest} for guest in invitation.guests],
                "guestsCanModify": False, "guestsCanInviteOthers": False}
        if invitation.doc is not None:
            body["attachments"] = [{"fileUrl": invitation.doc.url, "title": invitation.doc.title,
                                    "mimeType": GOOGLE_DOC}]
            body["extendedProperties"] = {"private": {DOC_PROPERTY: invitation.doc.file_id}}
        request = self._events().insert(calendarId="primary", sendUpdates="all",
                                        supportsAttachments=True, body=body)
        try:
            return to_domain(self._clients.execute(request, "calendar.events.insert")), True
        except Conflict:  # made before (or by a retry whose answer was lost)
            return self.event(invitation.event_id), False

    def watch(self, address: str, channel_id: str, token: str, ttl_seconds: int) -> Channel:
        request = self._events().watch(calendarId="primary", body={
            "id": channel_id, "type": "web_hook", "address": address, "token": token,
            "params": {"ttl": str(ttl_seconds)}})
        found = self._clients.execute(request, "calendar.events.watch")
        expires = datetime.fromtimestamp(int(found["expiration"]) / 1000, timezone.utc)
        return Channel(found["id"], found["resourceId"], expires)

    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        channels = self._clients.resource("calendar", self._user, "channels")
        request = channels.stop(body={"id": channel_id, "resourceId": resource_id})
        try:
            self._clients.execute(request, "calendar.channels.stop")
        except NotFound:
            pass  # expired or stopped already

    def set_guests(self, event_id: str, guests: tuple[str, ...]) -> CalendarEvent:
        # a patch replaces the whole list: guests who stay keep their answers
        request = self._events().get(calendarId="primary", eventId=event_id)
        kept = {a["email"].lower(): a for a in self._clients.execute(
            request, "calendar.events.get").get("attendees", []) if a.get("email")}
        attendees = [kept.get(guest.lower(), {"email": guest}) for guest in guests]
        attendees += [a for email, a in kept.items() if a.get("organizer") or a.get("resource")
                      if email not in {g.lower() for g in guests}]
        request = self._events().patch(calendarId="primary", eventId=event_id, sendUpdates="all",
                                       body={"attendees": attendees})
        return to_domain(self._clients.execute(request, "calendar.events.patch"))


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _attachment_json(attachment: Attachment) -> dict:
    found = {"fileUrl": attachment.file_url, "title": attachment.title,
             "mimeType": attachment.mime_type, "iconLink": attachment.icon_link}
    return {key: value for key, value in found.items() if value}


def _when(value: dict) -> datetime | date:
    if "date" in value:
        return date.fromisoformat(value["date"])
    moment = datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
    zone = value.get("timeZone")
    if zone:
        try:
            moment = moment.astimezone(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return moment


def to_domain(event: dict) -> CalendarEvent:
    """A Calendar API event as the domain's CalendarEvent (metadata only: no description)."""
    start = _when(event["start"]) if "start" in event else None
    end = _when(event["end"]) if "end" in event else start
    original = _when(event["originalStartTime"]) if "originalStartTime" in event else None
    attendees = tuple(
        Attendee(email=a.get("email", "").lower(), display_name=a.get("displayName", ""),
                 response_status=a.get("responseStatus", "needsAction"),
                 organizer=a.get("organizer", False), resource=a.get("resource", False),
                 optional=a.get("optional", False))
        for a in event.get("attendees", []))
    attachments = tuple(
        Attachment(a.get("fileId", ""), a.get("fileUrl", ""), a.get("title", ""),
                   a.get("mimeType", ""), a.get("iconLink", ""))
        for a in event.get("attachments", []))
    return CalendarEvent(
        id=event["id"], summary=event.get("summary", ""),
        start=start if start is not None else original, end=end if end is not None else original,
        all_day="date" in event.get("start", {}), status=event.get("status", "confirmed"),
        event_type=event.get("eventType", "default"),
        organizer_email=event.get("organizer", {}).get("email", "").lower(),
        attendees=attendees, recurring=bool(event.get("recurrence")),
        recurring_event_id=event.get("recurringEventId"), original_start=original,
        recurrence=tuple(event.get("recurrence", ())), attachments=attachments,
        marked_doc=event.get("extendedProperties", {}).get("private", {}).get(DOC_PROPERTY),
        time_zone=event.get("start", {}).get("timeZone", ""))
