"""The coaching mirror over scripted meeting histories: what it observes, about which competency,
and when it shows."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from flask_app.domain.mirror import (FEEDBACK, LISTENING, PLANNING, QUESTIONING, WINDOW,
                                     mirror)
from flask_app.domain.records import MeetingRecord

START = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)


def held(weeks_ago: int, **facts) -> MeetingRecord:
    values = dict(gathered_at=START, filled=True, questions_answered=4, concrete=True,
                  feedback=True, pulse=4)
    values.update(facts)
    return MeetingRecord("ana|bo", f"s@{weeks_ago}", f"coach.m.{weeks_ago}",
                         START - timedelta(weeks=weeks_ago), "1:1", "h", **values)


def observed(records, now=START + timedelta(hours=2)):
    found = mirror(records, now)
    assert found is not None
    return {(o.competency, o.text): o for o in found.observations}


def texts(records, now=START + timedelta(hours=2)):
    return {text for _, text in observed(records, now)}


def test_a_well_prepared_concrete_meeting_is_mirrored_as_such():
    found = observed([held(1, pulse=4), held(0, prepared=4, pulse=4, carried=2,
                                             carried_done=2)])
    assert found[(LISTENING, "All four questions were answered before you met.")].good
    assert found[(QUESTIONING, "All four questions have an answer.")].good
    assert found[(PLANNING, "Success was put in concrete terms.")].good
    assert found[(PLANNING, "Everything carried from last time (2) was done.")].good
    assert found[(FEEDBACK, "Feedback on a specific moment was written down.")].good
    assert (LISTENING, "The pulse held (4 → 4).") in found
    assert all(o.prompt for o in found.values())


def test_an_unprepared_vague_meeting_gets_prompts_for_each_competency():
    found = observed([held(2, pulse=4), held(1, pulse=5),
                      held(0, prepared=0, questions_answered=2, concrete=False, feedback=False,
                           pulse=2, carried=3, carried_done=1, oldest_open_days=35)])
    assert not any(o.good for o in found.values())
    assert {c for c, _ in found} == {LISTENING, QUESTIONING, PLANNING, FEEDBACK}
    assert (QUESTIONING, "None of the four questions was answered before you met.") in found
    assert (QUESTIONING, "2 of the four questions stayed unanswered.") in found
    assert (PLANNING, "Success was left vague.") in found
    assert (PLANNING, "2 of 3 items from last time were still open.") in found
    assert (PLANNING, "An item has been open for 35 days.") in found
    assert (FEEDBACK, "No feedback on a moment this time.") in found
    assert (LISTENING, "The pulse fell (4 → 5 → 2).") in found


def test_the_pulse_rising_is_noticed_against_the_meetings_before():
    assert "The pulse rose (2 → 2 → 4)." in texts([held(2, pulse=2), held(1, pulse=2),
                                                    held(0, pulse=4)])


def test_what_was_not_observed_is_not_claimed():
    found = texts([held(0, prepared=None, carried=0, oldest_open_days=None, feedback=None,
                        concrete=None, pulse=None)])
    assert not any("before you met" in t for t in found)
    assert not any("carried" in t or "from last time" in t for t in found)
    assert not any("feedback" in t.lower() for t in found)
    assert "No success statement was written down." in found
    assert "No pulse was given for this meeting." in found


def test_a_meeting_nobody_wrote_in_gets_one_prompt():
    found = mirror([held(0, filled=False, questions_answered=0)], START + timedelta(hours=1))
    assert [o.text for o in found.observations] == ["Nothing was written in the meeting's section."]


def test_it_shows_for_48_hours_after_a_gathered_meeting_only():
    records = [held(1), held(0)]
    assert mirror(records, START - timedelta(minutes=1)) is None  # last week's is too old
    assert mirror(records, START - timedelta(weeks=1, hours=-47)).meeting == \
        START - timedelta(weeks=1)
    assert mirror(records, START + WINDOW - timedelta(seconds=1)).meeting == START
    assert mirror(records, START + WINDOW) is None
    assert mirror([replace(held(0), gathered_at=None)], START + timedelta(hours=1)) is None
    assert mirror([replace(held(0), status="removed")], START + timedelta(hours=1)) is None
