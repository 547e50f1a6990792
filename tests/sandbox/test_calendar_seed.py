"""Seeding calendars from .ics files: the demo organisation's calendars as the API serves them,
and the loader's rules (week shift, ids from UIDs, overrides, splits) on a small crafted file."""
from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest

from workspace_sandbox.calendar.seed import event_id_for
from workspace_sandbox.core.seed import SEED_DIR, seed_world

from .test_calendar import ANA, calendar

ANCHOR = date(2026, 11, 30)
JOSE, FANG, KEN = "jose.alvarez@example.com", "fang.wang@example.com", "ken.sato@example.com"
DANIEL, LUCIA, OLIVIA = ("daniel.kim@example.com", "lucia.fernandez@example.com",
                         "olivia.bennett@example.com")


def _monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def shifted(anchor: date, wall: str, zone: str) -> datetime:
    """A seed file's local time moved into the current week, as the loader moves it."""
    weeks = (_monday(datetime.now(timezone.utc).date()) - anchor).days // 7
    moment = datetime.fromisoformat(wall) + timedelta(weeks=weeks)
    return moment.replace(tzinfo=ZoneInfo(zone))


def utc_suffix(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _window(service, **params) -> list[dict]:
    monday = _monday(datetime.now(timezone.utc).date())
    return service.events().list(
        calendarId="primary", singleEvents=True, orderBy="startTime", maxResults=2500,
        timeMin=f"{monday - timedelta(days=7)}T00:00:00Z",
        timeMax=f"{monday + timedelta(days=42)}T00:00:00Z", **params).execute()["items"]


def test_every_demo_event_is_seeded_under_its_organiser(sandbox):
    for path in sorted((SEED_DIR / "calendars").glob("*.ics")):
        components = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        masters = [c for c in components if c.get("RECURRENCE-ID") is None]
        organizer = str(masters[0]["ORGANIZER"]).removeprefix("mailto:")
        seen = calendar(sandbox, organizer).events().list(
            calendarId="primary", showDeleted=True, maxResults=2500).execute()["items"]
        mine = {e["id"] for e in seen if "recurringEventId" not in e
                and e.get("organizer", {}).get("email", organizer) == organizer}
        assert len(mine) == len(masters), path.name


def test_the_anchor_week_becomes_the_current_week(sandbox):
    ana_bo = [e for e in _window(calendar(sandbox, ANA)) if e["summary"] == "Ana / Bo"]
    first = shifted(ANCHOR, "2026-12-01T10:00:00", "Europe/Lisbon")
    assert ana_bo[0]["start"]["dateTime"] == first.isoformat().replace("+00:00", "Z")
    assert ana_bo[0]["id"] == f"{event_id_for('nw-ana-bo-weekly@example.com')}_{utc_suffix(first)}"
    assert datetime.fromisoformat(ana_bo[0]["start"]["dateTime"]).weekday() == 1


def test_moved_and_cancelled_instances_are_exceptions(sandbox):
    jose = calendar(sandbox, JOSE)
    original = shifted(ANCHOR, "2026-12-10T09:00:00", "Europe/Madrid")
    moved_id = f"{event_id_for('nw-jose-ken-weekly@example.com')}_{utc_suffix(original)}"
    moved = jose.events().get(calendarId="primary", eventId=moved_id).execute()
    assert datetime.fromisoformat(moved["start"]["dateTime"]) == shifted(
        ANCHOR, "2026-12-11T08:30:00", "Europe/Madrid")
    assert datetime.fromisoformat(moved["originalStartTime"]["dateTime"]) == original
    ana = calendar(sandbox, ANA)
    cancelled = shifted(ANCHOR, "2026-12-17T14:00:00", "Europe/Lisbon")
    cancelled_id = f"{event_id_for('nw-ana-hannah-weekly@example.com')}_{utc_suffix(cancelled)}"
    assert cancelled_id not in [e["id"] for e in _window(ana)]
    assert cancelled_id in [e["id"] for e in _window(ana, showDeleted=True)
                            if e["status"] == "cancelled"]


def test_a_split_series_keeps_googles_ids_and_until(sandbox):
    fang = calendar(sandbox, FANG)
    base = event_id_for("nw-fang-tomas-weekly@example.com")
    start = shifted(ANCHOR, "2026-12-17T17:00:00", "Asia/Shanghai")
    following = fang.events().get(calendarId="primary",
                                  eventId=f"{base}_R{utc_suffix(start)[:-1]}").execute()
    assert following["recurrence"] == ["RRULE:FREQ=WEEKLY"]
    first = fang.events().get(calendarId="primary", eventId=base).execute()
    until = shifted(ANCHOR, "2026-12-15T23:59:59", "Asia/Shanghai")
    assert first["recurrence"] == [f"RRULE:FREQ=WEEKLY;UNTIL={utc_suffix(until)}"]


def test_rooms_event_types_answers_and_cancellations(sandbox):
    ana = _window(calendar(sandbox, ANA), q="Arjun")
    room = [a for a in ana[0]["attendees"] if a["email"].endswith("resource.calendar.google.com")]
    assert room[0]["resource"] is True and room[0]["displayName"] == "Lisbon-2-Tejo (6)"
    olivia = calendar(sandbox, OLIVIA).events().list(calendarId="primary",
                                                    eventTypes="outOfOffice").execute()["items"]
    assert [(e["summary"], "date" in e["start"]) for e in olivia] == [("Out of office", True)]
    home = calendar(sandbox, JOSE).events().list(calendarId="primary",
                                                 eventTypes="workingLocation").execute()["items"]
    assert home[0]["transparency"] == "transparent"
    followup = _window(calendar(sandbox, DANIEL), q="follow-up")
    daniel = [a for a in followup[0]["attendees"] if a.get("self")]
    assert daniel[0]["responseStatus"] == "declined"
    lucia = calendar(sandbox, LUCIA)
    assert not [e for e in _window(lucia) if "deep dive" in e.get("summary", "")]
    deleted = lucia.events().list(calendarId="primary", showDeleted=True).execute()["items"]
    assert event_id_for("nw-lucia-marcus-deep-dive@example.com") in [
        e["id"] for e in deleted if e["status"] == "cancelled"]


def test_a_meeting_made_by_the_report_shows_in_the_managers_calendar(sandbox):
    calendly = _window(calendar(sandbox, LUCIA), q="30 Minute Meeting")
    assert calendly[0]["organizer"]["email"] == "emily.carter@example.com"


CRAFTED = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//tests//EN\r
X-WR-TIMEZONE:Europe/Lisbon\r
X-SEED-ANCHOR:20200106\r
BEGIN:VEVENT\r
UID:crafted-weekly@example.com\r
DTSTAMP:20200101T090000Z\r
DTSTART;TZID=Europe/Lisbon:20200108T100000\r
DTEND;TZID=Europe/Lisbon:20200108T103000\r
RRULE:FREQ=WEEKLY;COUNT=4\r
EXDATE;TZID=Europe/Lisbon:20200115T100000\r
SUMMARY:Crafted weekly\r
ORGANIZER;CN=Ana Silva:mailto:ana.silva@example.com\r
ATTENDEE;PARTSTAT=ACCEPTED;CN=Ana Silva:mailto:ana.silva@example.com\r
ATTENDEE;PARTSTAT=TENTATIVE;ROLE=OPT-PARTICIPANT;CN=Bo:mailto:bo.nilsson@example.com\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:crafted-weekly@example.com\r
DTSTAMP:20200101T090000Z\r
RECURRENCE-ID;TZID=Europe/Lisbon:20200122T100000\r
DTSTART;TZID=Europe/Lisbon:20200123T160000\r
DTEND;TZID=Europe/Lisbon:20200123T163000\r
SUMMARY:Crafted weekly (moved)\r
ORGANIZER;CN=Ana Silva:mailto:ana.silva@example.com\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def crafted_sandbox(sandbox, tmp_path):
    """The sandbox seeded with the demo people and only the crafted calendar."""
    seed_dir = tmp_path / "seed"
    (seed_dir / "calendars").mkdir(parents=True)
    for name in ("people.csv", "orgunits.csv"):
        shutil.copy(SEED_DIR / name, seed_dir / name)
    (seed_dir / "calendars" / "crafted.ics").write_text(CRAFTED, encoding="utf-8")
    seed_world(sandbox.world, seed_dir=seed_dir)
    return sandbox


def test_a_crafted_file_is_shifted_and_expanded(crafted_sandbox):
    anchor = date(2020, 1, 6)
    bo = calendar(crafted_sandbox, "bo.nilsson@example.com")
    listed = bo.events().list(calendarId="primary", singleEvents=True,
                              orderBy="startTime").execute()["items"]
    series = event_id_for("crafted-weekly@example.com")
    first = shifted(anchor, "2020-01-08T10:00:00", "Europe/Lisbon")
    moved_from = shifted(anchor, "2020-01-22T10:00:00", "Europe/Lisbon")
    last = shifted(anchor, "2020-01-29T10:00:00", "Europe/Lisbon")
    assert [(e["id"], datetime.fromisoformat(e["start"]["dateTime"]), e["summary"])
            for e in listed] == [
        (f"{series}_{utc_suffix(first)}", first, "Crafted weekly"),
        (f"{series}_{utc_suffix(moved_from)}",
         shifted(anchor, "2020-01-23T16:00:00", "Europe/Lisbon"), "Crafted weekly (moved)"),
        (f"{series}_{utc_suffix(last)}", last, "Crafted weekly")]
    me = [a for a in listed[0]["attendees"] if a.get("self")][0]
    assert (me["responseStatus"], me["optional"]) == ("tentative", True)
