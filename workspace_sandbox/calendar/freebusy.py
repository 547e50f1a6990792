"""``freebusy.query``: when people and rooms are busy, as Google's free/busy lookup answers it.

- Busy time comes from the events of each calendar that are not cancelled or transparent, not
  working-location entries, and that the calendar's owner has not declined; periods are merged and
  clipped to ``[timeMin, timeMax)``; an all-day event is busy for its days in the calendar's zone.
  Times are shown in ``timeZone`` (UTC by default).
- A calendar that is not a person's or room's of the domain (or is outside it) answers
  ``errors: [{domain: global, reason: notFound}]`` with no busy time, and the query goes on.
- At most ``calendarExpansionMax`` calendars (50 at most, and by default) get free/busy; the
  further ones answer ``tooManyCalendarsRequested``, the reason Google documents for a query with
  too many calendars (unconfirmed: that it is per calendar and which calendars get it; one
  third-party report says Google then answers every calendar with no busy time).
- A group (``cal.group``, set through the control plane: the sandbox's directory has no groups)
  expands to its members in ``groups``, unless it has more than ``groupExpansionMax`` (100 at
  most, and by default): ``groupTooBig``.
- A ``timeMin``/``timeMax`` without an offset answers Google's 400 "Bad Request"; a
  ``calendarExpansionMax`` or ``groupExpansionMax`` above the maximum a 400 (unconfirmed).
"""
from __future__ import annotations

from workspace_sandbox.calendar import times
from workspace_sandbox.calendar.listing import Query, collect
from workspace_sandbox.calendar.store import CALENDAR, calendar_known, calendar_zone
from workspace_sandbox.calendar.times import CalendarError
from workspace_sandbox.calendar.view import span
from workspace_sandbox.core.front import Call, handles

GROUP = "cal.group"  # key: group email; {members: [emails]}
MAX_CALENDARS, MAX_GROUP = 50, 100
NOT_BUSY_TYPES = ("workingLocation",)


def busy_times(tx, calendar_id: str, lower, upper) -> list[tuple]:
    """Merged busy periods of a calendar in ``[lower, upper)``, clipped to it."""
    calendar = tx.get(CALENDAR, calendar_id) or {"timeZone": "UTC"}
    query = Query(calendar_id, calendar_zone(calendar), True, False, None, lower, upper)
    periods = []
    for entry in collect(tx, query):
        mine = [a for a in entry.fields.get("attendees") or ()
                if a["email"].lower() == calendar_id]
        if (entry.cancelled or entry.fields.get("transparency") == "transparent"
                or entry.fields.get("eventType") in NOT_BUSY_TYPES
                or (mine and mine[0].get("responseStatus") == "declined")):
            continue
        start, end = span(entry, query.zone)
        if start < upper and end > lower:
            periods.append((max(start, lower), min(end, upper)))
    merged: list[list] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(period) for period in merged]


def _instant(body: dict, name: str):
    """A query bound: an RFC 3339 time with its offset, else Google's bare 400."""
    value = body.get(name)
    if not value:
        raise CalendarError(400, "required", f"Missing {name} parameter.")  # (unconfirmed)
    clock = value.partition("T")[2]
    if not (clock.endswith(("Z", "z")) or "+" in clock or "-" in clock):
        raise CalendarError(400, "badRequest", "Bad Request")
    try:
        return times.parse_instant(value)
    except ValueError:
        raise CalendarError(400, "badRequest", "Bad Request") from None


def _expansion_max(body: dict, name: str, largest: int) -> int:
    value = body.get(name)
    if value is None:
        return largest
    if not 1 <= int(value) <= largest:
        raise CalendarError(400, "invalid", f"Invalid value for {name}: it must be between 1 and "
                            f"{largest}.", location=name)  # (unconfirmed)
    return int(value)


@handles("calendar.freebusy.query")
def freebusy_query(call: Call) -> dict:
    tx, body = call.tx, call.body or {}
    lower, upper = _instant(body, "timeMin"), _instant(body, "timeMax")
    if lower >= upper:
        raise CalendarError(400, "timeRangeEmpty", "The specified time range is empty.",
                            domain="calendar", location="timeMax")
    shown_in = times.response_zone(body.get("timeZone"), "UTC")
    room = _expansion_max(body, "calendarExpansionMax", MAX_CALENDARS)
    group_max = _expansion_max(body, "groupExpansionMax", MAX_GROUP)

    def text(moment):
        return times.render({"dateTime": times.iso_z(moment)}, shown_in)["dateTime"]

    def answer(key: str) -> dict:
        calendar_id = call.user.lower() if key == "primary" else key.lower()
        if calendar_id != call.user.lower() and not calendar_known(tx, calendar_id):
            return {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
        return {"busy": [{"start": text(start), "end": text(end)}
                         for start, end in busy_times(tx, calendar_id, lower, upper)]}

    calendars: dict[str, dict] = {}
    groups: dict[str, dict] = {}

    def add(key: str) -> None:
        if key in calendars:
            return
        if len(calendars) >= room:
            calendars[key] = {"errors": [{"domain": "calendar",
                                          "reason": "tooManyCalendarsRequested"}], "busy": []}
        else:
            calendars[key] = answer(key)

    for item in body.get("items") or ():
        key = item.get("id") or ""
        group = tx.get(GROUP, key.lower())
        if group is None:
            add(key)
        elif len(group["members"]) > group_max:
            groups[key] = {"errors": [{"domain": "global", "reason": "groupTooBig"}],
                           "calendars": []}
        else:
            groups[key] = {"calendars": list(group["members"])}
            for member in group["members"]:
                add(member)
    out = {"kind": "calendar#freeBusy", "timeMin": times.iso_ms(lower),
           "timeMax": times.iso_ms(upper)}
    if groups:
        out["groups"] = groups
    out["calendars"] = calendars
    return out
