"""Times and identifiers of Calendar events, as Google writes and reads them.

Stored event times are normalised: ``{"date": "YYYY-MM-DD"}`` for all-day events, else
``{"dateTime": "<UTC instant>Z", "timeZone"?: IANA name}``. Responses render a ``dateTime`` with the
offset of the response time zone (the calendar's, or the ``timeZone`` parameter) and keep the event's
own ``timeZone``, as Google does.
"""
from __future__ import annotations

import base64
import re
import uuid
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workspace_sandbox.core.errors import ApiError

UTC = timezone.utc
EVENT_ID = re.compile(r"[a-v0-9]{5,1024}")
_INSTANCE_SUFFIX = re.compile(r"(\d{8})(T\d{6}Z)?")
_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


class CalendarError(ApiError):
    """An error from the Calendar backend: Google's body without the front end's ``status`` key."""

    def __init__(self, code: int, reason: str, message: str, *, domain: str = "global",
                 location: str | None = None, location_type: str = "parameter"):
        super().__init__(code, reason, message, domain=domain)
        self.location = location
        self.location_type = location_type

    def body(self) -> dict:
        item = {"domain": self.domain, "reason": self.reason, "message": self.message}
        if self.location:
            item.update(locationType=self.location_type, location=self.location)
        return {"error": {"code": self.code, "message": self.message, "errors": [item]}}


def not_found() -> CalendarError:
    return CalendarError(404, "notFound", "Not Found")


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone of that name, or None when there is no such zone."""
    if not isinstance(name, str) or not name or name.startswith(("/", ".")):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def response_zone(name: str | None, calendar_zone: str) -> ZoneInfo:
    """The zone a response renders times in: the ``timeZone`` parameter, else the calendar's."""
    if name is None:
        return zone(calendar_zone) or ZoneInfo("UTC")
    found = zone(name)
    if found is None:
        raise CalendarError(400, "invalid", "Invalid time zone definition for timeZone.",
                            location="timeZone")
    return found


def iso_ms(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, as in ``updated``: ``2025-03-23T10:41:35.252Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def parse_event_time(value, which: str) -> dict:
    """Validate an EventDateTime from a request and normalise it (see the module docstring)."""
    if not value or not (value.get("date") or value.get("dateTime")):
        raise CalendarError(400, "required", f"Missing {which} time.")
    if value.get("date") and value.get("dateTime"):
        raise CalendarError(400, "invalid", f"Invalid {which} time.")
    tz_name = value.get("timeZone")
    if tz_name is not None and zone(tz_name) is None:
        raise CalendarError(400, "invalid", f"Invalid time zone definition for {which} time.")
    if value.get("date"):
        try:
            day = date.fromisoformat(value["date"])
        except ValueError:
            raise CalendarError(400, "invalid", f"Invalid {which} time.") from None
        return {"date": day.isoformat()}
    raw = value["dateTime"]
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise CalendarError(400, "invalid", f"Invalid {which} time.") from None
    if parsed.tzinfo is None:
        if not _LOCAL.fullmatch(raw):
            raise CalendarError(400, "invalid", f"Invalid {which} time.")
        if tz_name is None:
            raise CalendarError(400, "required",
                                f"Missing time zone definition for {which} time.")
        parsed = parsed.replace(tzinfo=zone(tz_name))
    out = {"dateTime": iso_z(parsed)}
    if tz_name is not None:
        out["timeZone"] = tz_name
    return out


def is_all_day(value: dict) -> bool:
    return "date" in value


def instant(value: dict, calendar_zone: ZoneInfo) -> datetime:
    """The UTC instant an event time stands for; an all-day date starts at midnight in the calendar's zone."""
    if "date" in value:
        return datetime.combine(date.fromisoformat(value["date"]), time(), calendar_zone).astimezone(UTC)
    return parse_instant(value["dateTime"])


def local(value: dict) -> datetime | date:
    """A timed value in its own zone (UTC without one), or an all-day date."""
    if "date" in value:
        return date.fromisoformat(value["date"])
    return parse_instant(value["dateTime"]).astimezone(zone(value.get("timeZone")) or UTC)


def from_local(moment: datetime | date, tz_name: str | None) -> dict:
    """Normalise an occurrence start (from recurrence expansion) the way :func:`parse_event_time` does."""
    if not isinstance(moment, datetime):
        return {"date": moment.isoformat()}
    out = {"dateTime": iso_z(moment)}
    if tz_name:
        out["timeZone"] = tz_name
    return out


def shift(value: dict, delta: timedelta) -> dict:
    """The same event time moved by ``delta`` (whole days for all-day times)."""
    if "date" in value:
        return {"date": (date.fromisoformat(value["date"]) + timedelta(days=delta.days)).isoformat()}
    return {**value, "dateTime": iso_z(parse_instant(value["dateTime"]) + delta)}


def render(value: dict, shown_in: ZoneInfo) -> dict:
    """An EventDateTime as Google answers it, the instant shown in the response zone."""
    if "date" in value:
        return {"date": value["date"]}
    moment = parse_instant(value["dateTime"]).astimezone(shown_in)
    text = moment.isoformat(timespec="seconds")
    if moment.utcoffset() == timedelta(0):
        text = text.replace("+00:00", "Z")
    out = {"dateTime": text}
    if "timeZone" in value:
        out["timeZone"] = value["timeZone"]
    return out


def instance_suffix(original: dict) -> str:
    """The part after ``_`` in an instance id: ``20250324T123000Z``, or ``20250324`` for all-day."""
    if "date" in original:
        return original["date"].replace("-", "")
    return parse_instant(original["dateTime"]).strftime("%Y%m%dT%H%M%SZ")


def split_instance_id(event_id: str) -> tuple[str, str] | None:
    """``(series id, suffix)`` when ``event_id`` has the form of an instance id."""
    series, sep, suffix = event_id.rpartition("_")
    if not sep or not series or not _INSTANCE_SUFFIX.fullmatch(suffix):
        return None
    return series, suffix


def original_from_suffix(suffix: str, series_start: dict) -> dict | None:
    """The original start an instance-id suffix names, in the series' own form; None if it cannot."""
    match = _INSTANCE_SUFFIX.fullmatch(suffix)
    if match is None or ("date" in series_start) != (match.group(2) is None):
        return None
    try:
        if match.group(2) is None:
            return {"date": datetime.strptime(suffix, "%Y%m%d").date().isoformat()}
        moment = datetime.strptime(suffix, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return from_local(moment, series_start.get("timeZone"))


def split_series_id(series_id: str, new_start: dict) -> str:
    """Google's id for the second half of a series split by "this and following"."""
    if "date" in new_start:
        return f"{series_id}_R{new_start['date'].replace('-', '')}"
    return f"{series_id}_R{parse_instant(new_start['dateTime']).strftime('%Y%m%dT%H%M%S')}"


def check_event_id(event_id: str) -> None:
    """Google's rules for client-supplied ids: base32hex characters, 5 to 1024 of them."""
    if not EVENT_ID.fullmatch(event_id):
        raise CalendarError(400, "invalid", "Invalid resource id value.")


def new_event_id() -> str:
    """A server-chosen id: 26 base32hex characters, like Google's."""
    return base64.b32hexencode(uuid.uuid4().bytes).decode().lower().rstrip("=")[:26]


def html_link(event_id: str, calendar_id: str) -> str:
    eid = base64.urlsafe_b64encode(f"{event_id} {calendar_id}".encode()).decode().rstrip("=")
    return f"https://www.google.com/calendar/event?eid={eid}"


def etag(now: datetime, previous: str | None = None) -> str:
    """A quoted number that grows with every write, shaped like Google's event etags."""
    number = int(now.timestamp() * 1_000_000) * 2
    if previous and previous.strip('"').isdigit():
        number = max(number, int(previous.strip('"')) + 1)
    return f'"{number}"'
