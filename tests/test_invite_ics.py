"""Cohort invitations as iCalendar: parsed back, every field the iTIP REQUEST needs is there, with
the meeting at the same instant whatever zone it is shown in."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from flask_app.adapters.invite_ics import PRODID, invitation, stable_uid

UTC = timezone.utc
START = datetime(2027, 1, 4, 9, tzinfo=UTC)
STAMP = datetime(2026, 12, 1, 12, 30, tzinfo=UTC)
PEOPLE = [("José Álvarez", "jose@example.com"), ("Doe, Jane; PhD", "jane@example.com"),
          ('Kim "KJ" Jung: 김지민', "kim@example.com"), ("Zoë Ødegård-Şahin", "zoe@example.com")]


def invite(**changes) -> bytes:
    fields = dict(uid=stable_uid("cohort-7/2027Q1", "coach.example.com"), sequence=0,
                  summary="Peer coaching, Q1: kickoff; bring goals", description="Agenda:\n1. Intros, goals",
                  start=START, end=START + timedelta(minutes=90), time_zone="Europe/Berlin",
                  organizer=("Coach Bot, HR", "coach@example.com"), attendees=PEOPLE,
                  url="https://coach.example.com/cohorts/7?q=2027Q1", stamp=STAMP)
    fields.update(changes)
    return invitation(**fields)


def parsed(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_stable_uid_is_deterministic_per_key():
    uid = stable_uid("cohort-7/2027Q1", "coach.example.com")
    assert uid == stable_uid("cohort-7/2027Q1", "coach.example.com")
    local, domain = uid.split("@")
    assert domain == "coach.example.com" and len(local) == 24 and int(local, 16) >= 0
    assert uid == "%s@coach.example.com" % hashlib.sha256(b"cohort-7/2027Q1").hexdigest()[:24]
    others = {stable_uid(key, "coach.example.com") for key in
              ("cohort-7/2027Q2", "cohort-8/2027Q1", "cohort-7/2027Q1 ", "Cohort-7/2027Q1")}
    assert uid not in others and len(others) == 4
    assert stable_uid("cohort-7/2027Q1", "other.example.com") != uid


@pytest.mark.parametrize("domain", ["", "a@b", "a b", "x\r\ny"])
def test_stable_uid_refuses_a_bad_domain(domain):
    with pytest.raises(ValueError):
        stable_uid("k", domain)


def test_calendar_is_an_itip_request_with_one_event():
    data = invite(sequence=3)
    calendar, event = parsed(data)
    assert str(calendar["PRODID"]) == PRODID == "-//One-on-One Coach//Cohorts//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == stable_uid("cohort-7/2027Q1", "coach.example.com")
    assert event["SEQUENCE"] == 3
    assert event.decoded("DTSTAMP") == STAMP and event["DTSTAMP"].to_ical() == b"20261201T123000Z"
    assert str(event["SUMMARY"]) == "Peer coaching, Q1: kickoff; bring goals"
    assert str(event["DESCRIPTION"]) == "Agenda:\n1. Intros, goals"
    assert str(event["URL"]) == "https://coach.example.com/cohorts/7?q=2027Q1"
    # The UID is the same when the invitation is sent again, an update.
    assert str(parsed(invite(sequence=4))[1]["UID"]) == str(event["UID"])


def test_url_is_left_out_when_not_given():
    assert "URL" not in parsed(invite(url=None))[1]


def test_stamp_in_another_zone_is_written_in_utc():
    stamp = datetime(2026, 12, 1, 13, 30, tzinfo=ZoneInfo("Europe/Paris"))
    event = parsed(invite(stamp=stamp))[1]
    assert event["DTSTAMP"].to_ical() == b"20261201T123000Z"


def test_organizer_and_every_attendee_with_their_names():
    event = parsed(invite())[1]
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:coach@example.com"
    assert organizer.params["CN"] == "Coach Bot, HR"
    attendees = event["ATTENDEE"]
    assert [(a.params["CN"], str(a)) for a in attendees] == [(name, f"mailto:{email}") for name, email in PEOPLE]
    for attendee in attendees:
        assert (attendee.params["ROLE"], attendee.params["PARTSTAT"], attendee.params["RSVP"],
                attendee.params["CUTYPE"]) == ("REQ-PARTICIPANT", "NEEDS-ACTION", "TRUE", "INDIVIDUAL")


def test_one_attendee_is_still_a_list_of_one_and_a_nameless_one_has_no_cn():
    event = parsed(invite(attendees=[("", "solo@example.com")]))[1]
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:solo@example.com" and "CN" not in attendee.params


def test_lines_are_folded_and_end_with_crlf():
    long_name = "Ana Sofía de la Fuente-Ñúñez, Jr.; " * 4
    data = invite(attendees=[(long_name.strip(), "ana@example.com")], description="é" * 200)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no UTF-8 sequence split by a fold
    event = parsed(data)[1]
    assert event["ATTENDEE"].params["CN"] == long_name.strip()
    assert str(event["DESCRIPTION"]) == "é" * 200


@pytest.mark.parametrize("zone, local", [
    ("Europe/Berlin", "20270104T100000"),
    ("America/New_York", "20270104T040000"),
    ("Asia/Kolkata", "20270104T143000"),
    ("Australia/Adelaide", "20270104T193000"),  # ACDT, UTC+10:30
])
def test_start_and_end_are_shown_in_the_zone_at_the_same_instant(zone, local):
    calendar, event = parsed(invite(time_zone=zone))
    assert event["DTSTART"].params["TZID"] == zone and event["DTEND"].params["TZID"] == zone
    assert event["DTSTART"].to_ical().decode() == local
    assert event.decoded("DTSTART").astimezone(UTC) == START
    assert event.decoded("DTEND").astimezone(UTC) == START + timedelta(minutes=90)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [zone]
    assert calendar.get_missing_tzids() == set()


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"])
def test_the_vtimezone_alone_gives_the_right_offset(zone):
    """A reader that knows only the VTIMEZONE (not the IANA name) still finds the instant."""
    calendar, _ = parsed(invite(time_zone=zone, start=START + timedelta(days=90),
                                end=START + timedelta(days=90, minutes=90)))  # April: after/before DST
    (vtimezone,) = calendar.walk("VTIMEZONE")
    custom = vtimezone.to_tz(lookup_tzid=False)
    moment = (START + timedelta(days=90)).astimezone(ZoneInfo(zone))
    assert moment.replace(tzinfo=custom).utcoffset() == moment.utcoffset()


def test_start_given_in_another_zone_is_converted():
    tokyo = ZoneInfo("Asia/Tokyo")
    start = datetime(2027, 3, 15, 22, tzinfo=tokyo)  # 13:00 UTC, 09:00 EDT (New York just changed)
    event = parsed(invite(start=start, end=start + timedelta(hours=1), time_zone="America/New_York"))[1]
    assert event["DTSTART"].to_ical() == b"20270315T090000"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 3, 15, 13, tzinfo=UTC)


def test_utc_is_written_with_z_and_needs_no_vtimezone():
    calendar, event = parsed(invite(time_zone="UTC"))
    assert event["DTSTART"].to_ical() == b"20270104T090000Z"
    assert calendar.walk("VTIMEZONE") == []


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"])
def test_recurring_ical_events_finds_the_meeting_at_its_time(zone):
    calendar = icalendar.Calendar.from_ical(invite(time_zone=zone))
    found = recurring_ical_events.of(calendar).between(START - timedelta(days=1), START + timedelta(days=1))
    assert len(found) == 1
    assert found[0].decoded("DTSTART").astimezone(UTC) == START
    assert found[0].decoded("DTEND").astimezone(UTC) == START + timedelta(minutes=90)
    assert recurring_ical_events.of(calendar).between(START + timedelta(hours=2), START + timedelta(days=30)) == []


@pytest.mark.parametrize("changes", [
    dict(start=datetime(2027, 1, 4, 9)),
    dict(stamp=datetime(2026, 12, 1)),
    dict(end=START),
    dict(time_zone="Mars/Olympus_Mons"),
    dict(time_zone=""),
    dict(sequence=-1),
    dict(attendees=[]),
    dict(uid=" "),
    dict(attendees=[("Eve", "eve@example.com\r\nATTENDEE:mailto:mallory@example.com")]),
    dict(organizer=("Coach", "")),
])
def test_bad_input_is_refused(changes):
    with pytest.raises(ValueError):
        invite(**changes)


def test_a_line_break_in_a_name_does_not_break_the_calendar():
    event = parsed(invite(attendees=[("Eve\r\nATTENDEE:mailto:mallory@example.com", "eve@example.com")]))[1]
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:eve@example.com"
    assert attendee.params["CN"] == "Eve ATTENDEE:mailto:mallory@example.com"


def test_a_mailto_prefix_is_not_doubled():
    event = parsed(invite(organizer=("Coach", "MAILTO:coach@example.com")))[1]
    assert str(event["ORGANIZER"]) == "mailto:coach@example.com"
