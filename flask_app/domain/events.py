"""Calendar events as the whole product sees them, in Google Calendar API v3's vocabulary.

Adapters build these from Google's JSON or from .ics files; the domain never sees either format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

RESPONSE_STATUSES = ("accepted", "declined", "tentative", "needsAction")
EVENT_STATUSES = ("confirmed", "tentative", "cancelled")
GOOGLE_DOC = "application/vnd.google-apps.document"
# Google's eventType values; anything but "default" is a special-purpose entry.
EVENT_TYPES = ("default", "outOfOffice", "focusTime", "workingLocation", "birthday", "fromGmail")


@dataclass(frozen=True)
class Attendee:
    """One guest of an event (`events#attendees[]`)."""

    email: str
    display_name: str = ""
    response_status: str = "needsAction"
    organizer: bool = False
    resource: bool = False  # a meeting room or other bookable resource
    optional: bool = False


@dataclass(frozen=True)
class Attachment:
    """A file attached to an event (`events#attachments[]`)."""

    file_id: str
    file_url: str
    title: str = ""
    mime_type: str = ""
    icon_link: str = ""

    @property
    def is_google_doc(self) -> bool:
        return self.mime_type == GOOGLE_DOC


@dataclass(frozen=True)
class DocLink:
    """A Google Doc to attach to an event."""

    file_id: str
    title: str

    @property
    def url(self) -> str:
        return f"https://docs.google.com/document/d/{self.file_id}/edit"


@dataclass(frozen=True)
class Channel:
    """A push channel Google opened on a calendar (``events.watch``)."""

    id: str
    resource_id: str
    expiration: datetime


@dataclass(frozen=True)
class Invitation:
    """An event this service puts on an organiser's calendar and invites guests to (a cohort's
    session). ``event_id`` is chosen by the service, so that making it twice makes it once."""

    event_id: str
    summary: str
    description: str
    start: datetime
    end: datetime
    time_zone: str
    guests: tuple[str, ...]
    doc: DocLink | None = None


@dataclass(frozen=True)
class CalendarEvent:
    """A single event, a recurring series, or one instance of a series.

    `start`/`end` are timezone-aware datetimes, or dates for all-day events. A series carries its
    `recurrence` lines ("RRULE:...", "EXDATE;...", "RDATE;..."); an instance or an overridden
    occurrence carries `recurring_event_id` (its series' id) and `original_start`.
    """

    id: str
    summary: str
    start: datetime | date
    end: datetime | date
    all_day: bool = False
    status: str = "confirmed"
    event_type: str = "default"
    organizer_email: str = ""
    attendees: tuple[Attendee, ...] = ()
    recurring: bool = False
    recurring_event_id: str | None = None
    original_start: datetime | date | None = None
    recurrence: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    marked_doc: str | None = None  # the pair doc this service attached and marked the event with
    time_zone: str = ""  # the zone the event's start was given in, if any

    @property
    def attached_docs(self) -> tuple[str, ...]:
        """Google Docs attached to the event (the manager's notes, "Take meeting notes", ours)."""
        return tuple(a.file_id for a in self.attachments if a.is_google_doc and a.file_id)

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Changes:
    """A calendar's changes since a sync token: the events, the next token, the calendar's zone."""

    events: list[CalendarEvent]
    token: str
    time_zone: str = ""


_FREQ_NOUNS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_FREQ_ADVERBS = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly", "YEARLY": "yearly"}


def _rrule_parts(recurrence: tuple[str, ...]) -> dict[str, str] | None:
    """The key=value parts of the first RRULE line, upper-cased keys; None without an RRULE."""
    for line in recurrence:
        name, _, value = line.partition(":")
        if name.split(";")[0].upper() == "RRULE":
            return {k.upper(): v for k, _, v in (p.partition("=") for p in value.split(";")) if k}
    return None


def cadence(recurrence: tuple[str, ...]) -> str | None:
    """Describe how often a series repeats: "weekly", "every 2 weeks", "monthly until 2026-12-15".

    Returns None when there is no recurrence, and "on set dates" for RDATE-only series.
    """
    parts = _rrule_parts(recurrence)
    if parts is None:
        return "on set dates" if any(line.upper().startswith("RDATE") for line in recurrence) else None
    freq = parts.get("FREQ", "").upper()
    if freq not in _FREQ_NOUNS:
        return f"repeating ({freq.lower() or 'no frequency'})"
    interval = int(parts["INTERVAL"]) if parts.get("INTERVAL", "").isdigit() else 1
    text = _FREQ_ADVERBS[freq] if interval == 1 else f"every {interval} {_FREQ_NOUNS[freq]}s"
    if until := parts.get("UNTIL"):
        text += f" until {until[:4]}-{until[4:6]}-{until[6:8]}"
    elif count := parts.get("COUNT"):
        text += f", {count} times"
    return text
