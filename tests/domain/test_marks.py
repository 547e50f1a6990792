"""People's marks on events, on top of the detection: what they can override and what not."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask_app.domain.detection import DetectionSettings, classify
from flask_app.domain.events import Attendee, CalendarEvent
from flask_app.domain.marks import EventMark, apply_mark, why_not_markable
from flask_app.domain.people import Directory, Person

START = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
ANA, BO, CY, DEE = "ana@x.com", "bo@x.com", "cy@x.com", "dee@x.com"
PEOPLE = Directory([Person(ANA, "Ana Silva"), Person(BO, "Bo Berg", manager_email=ANA),
                    Person(CY, "Cy Chen", manager_email=ANA), Person(DEE, "Dee Dale")])


def meeting(*people: str, title: str = "Catch-up", minutes: int = 30, **kw) -> CalendarEvent:
    organiser = people[0]
    return CalendarEvent("e1", title, START, START + timedelta(minutes=minutes),
                         organizer_email=organiser,
                         attendees=tuple(Attendee(p, organizer=p == organiser) for p in people),
                         **kw)


def marked(event, one_on_one: bool, by: str):
    detection = classify(event, PEOPLE, DetectionSettings())
    return apply_mark(detection, event, EventMark(event.id, one_on_one, by, START), PEOPLE)


def test_a_one_off_catch_up_marked_by_the_report_becomes_the_managers_one_on_one():
    event = meeting(BO, ANA)
    assert not classify(event, PEOPLE, DetectionSettings()).is_one_on_one
    found = marked(event, True, BO)
    assert (found.is_one_on_one, found.manager_email, found.report_email) == (True, ANA, BO)
    assert found.reasons[-1] == f"marked as a one-on-one by {BO}"
    assert not any(r.startswith("excluded") for r in found.reasons)


def test_between_peers_the_person_who_marked_it_coaches():
    event = meeting(BO, CY)
    assert marked(event, True, CY).manager_email == CY
    assert marked(event, True, BO).manager_email == BO


def test_a_long_meeting_can_be_marked_but_not_a_group_or_an_all_day_event():
    assert marked(meeting(ANA, BO, minutes=150), True, ANA).is_one_on_one
    assert why_not_markable(meeting(ANA, BO, CY), PEOPLE) == "3 people, not two"
    all_day = CalendarEvent("e2", "Offsite", START.date(), START.date() + timedelta(days=1),
                            all_day=True, organizer_email=ANA,
                            attendees=(Attendee(ANA, organizer=True), Attendee(BO)))
    assert why_not_markable(all_day, PEOPLE) == "all-day event"
    assert not marked(meeting(ANA, BO, CY), True, ANA).is_one_on_one
    assert why_not_markable(meeting(ANA, "guest@elsewhere.org"), PEOPLE).startswith(
        "attendee outside the domain")


def test_not_a_one_on_one_wins_over_the_rules():
    event = meeting(ANA, BO, title="Ana / Bo 1:1", recurrence=("RRULE:FREQ=WEEKLY",),
                    recurring=True)
    assert classify(event, PEOPLE, DetectionSettings()).is_one_on_one
    found = marked(event, False, BO)
    assert not found.is_one_on_one
    assert found.reasons[-1] == f"excluded: marked as not a one-on-one by {BO}"


def test_no_mark_changes_nothing():
    event = meeting(ANA, BO)
    detection = classify(event, PEOPLE, DetectionSettings())
    assert apply_mark(detection, event, None, PEOPLE) is detection
