"""Gathering filled-in notes into development plans, end to end against the sandbox."""
from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from flask_app.adapters.google.docs import snapshot
from flask_app.domain.plan import PLAN_RANGE

ANA = "ana.silva@example.com"
BO = "bo.nilsson@example.com"
FANG = "fang.wang@example.com"


def read(coach, user, doc_id):
    return snapshot(coach.service("docs", user).documents().get(documentId=doc_id).execute())


def meetings(coach):
    """Ana and Bo's meeting records, soonest first."""
    pair = coach.store.pair(ANA, BO)
    return sorted(coach.store.meetings(pair.key), key=lambda m: m.start)


def answer(coach, sandbox, meeting, key, text, *, who=BO):
    """``who`` types ``text`` on the answer line of the question ``key`` (the last line)."""
    doc_id = coach.store.pair(ANA, BO).doc_id
    doc = read(coach, who, doc_id)
    line = doc.paragraphs_in(*doc.range(f"{meeting.range_name}.{key}"))[-1]
    sandbox.person_types(doc_id, who, line.start + len(line.text.encode("utf-16-le")) // 2, text)


def after(coach, sandbox, meeting, minutes=31):
    """Move the sandbox clock to just after the meeting's end plus the grace period."""
    target = meeting.start + timedelta(minutes=30 + minutes)
    sandbox.advance((target - coach.now()).total_seconds())


def plan_text(coach, user=BO):
    plan = coach.store.plan(BO)
    assert plan is not None, "no development plan was written"
    return read(coach, user, plan.doc_id)


def entries(doc):
    return [n for n in doc.named_ranges if n.startswith(PLAN_RANGE + ".") and n.count(".") == 3]


@pytest.fixture
def first(coach):
    coach.sync(ANA)
    return meetings(coach)[0]


def test_answers_are_gathered_into_the_reports_plan(coach, sandbox, first):
    answer(coach, sandbox, first, "obstacle", "Flaky integration tests on the payments service")
    answer(coach, sandbox, first, "tried", "Quarantined the worst ones")
    answer(coach, sandbox, first, "success", "Under 1% flaky runs by 15 January")
    answer(coach, sandbox, first, "needs", "Two days of Kwame's time")
    after(coach, sandbox, first)
    result = coach.sync(ANA)[0]
    assert result.meetings_gathered >= 1 and result.plan_entries == 1
    doc = plan_text(coach)
    text = doc.text_in(1, doc.end_index)
    for typed in ("Flaky integration tests on the payments service", "Quarantined the worst ones",
                  "Under 1% flaky runs by 15 January", "Two days of Kwame's time"):
        assert typed in text
    assert "Make it concrete" not in text
    assert "Development plan · Bo Nilsson" in text and "Performance objectives" in text
    permissions = coach.service("drive", BO).permissions().list(
        fileId=coach.store.plan(BO).doc_id, fields="permissions(emailAddress,role)",
    ).execute()["permissions"]
    assert {(p["emailAddress"], p["role"]) for p in permissions} == {(BO, "owner"),
                                                                      (ANA, "writer")}
    record = meetings(coach)[0]
    assert record.filled is True and record.gathered_at is not None


def test_an_untouched_section_is_not_filled_and_makes_no_entry(coach, sandbox, first):
    after(coach, sandbox, first)
    result = coach.sync(ANA)[0]
    assert result.not_filled >= 1 and result.plan_entries == 0
    assert meetings(coach)[0].filled is False
    assert coach.store.plan(BO) is None


def test_a_vague_success_statement_is_flagged(coach, sandbox, first):
    answer(coach, sandbox, first, "success", "Be better at communicating")
    after(coach, sandbox, first)
    coach.sync(ANA)
    text = plan_text(coach).text_in(1, plan_text(coach).end_index)
    assert "Be better at communicating" in text and "Make it concrete" in text


def test_late_edits_update_the_entry_in_place(coach, sandbox, first):
    answer(coach, sandbox, first, "obstacle", "Unclear ownership")
    after(coach, sandbox, first)
    coach.sync(ANA)
    answer(coach, sandbox, first, "obstacle", " of the billing API")  # typed after the meeting
    second = meetings(coach)[1]
    after(coach, sandbox, second)  # the next meeting is gathered: the first is read again
    coach.sync(ANA)
    doc = plan_text(coach)
    assert "Unclear ownership of the billing API" in doc.text_in(1, doc.end_index)
    assert len(entries(doc)) == 1
    coach.sync(ANA)
    assert len(entries(plan_text(coach))) == 1


def test_a_renamed_heading_is_still_read(coach, sandbox, first):
    doc_id = coach.store.pair(ANA, BO).doc_id
    doc = read(coach, BO, doc_id)
    heading = doc.paragraphs_in(*doc.range(f"{first.range_name}.tried"))[0]
    sandbox.person_types(doc_id, BO, heading.start, "Experiments — ")
    answer(coach, sandbox, first, "tried", "Pair programming with José")
    after(coach, sandbox, first)
    coach.sync(ANA)
    doc = plan_text(coach)
    assert "Pair programming with José" in doc.text_in(1, doc.end_index)


def test_an_open_need_is_carried_into_the_next_agenda_until_ticked(coach, sandbox, first):
    answer(coach, sandbox, first, "needs", "Budget for the Kafka course 📚")
    after(coach, sandbox, first)
    result = coach.sync(ANA)[0]
    assert result.items_carried >= 1
    second = meetings(coach)[1]
    doc_id = coach.store.pair(ANA, BO).doc_id
    doc = read(coach, ANA, doc_id)
    carried = doc.text_in(*doc.range(f"{second.range_name}.open_items"))
    assert "Budget for the Kafka course 📚 (from" in carried
    assert "Nothing open from last time" not in carried
    # Still open after the second meeting: carried into the third one's agenda too.
    after(coach, sandbox, second)
    coach.sync(ANA)
    third = meetings(coach)[2]
    doc = read(coach, ANA, doc_id)
    assert "Budget for the Kafka course 📚" in doc.text_in(*doc.range(f"{third.range_name}.open_items"))
    # Ana ticks it off (✓) in the third meeting; the fourth agenda no longer carries it.
    line = next(p for p in doc.paragraphs_in(*doc.range(f"{third.range_name}.open_items"))
                if "Kafka" in p.text)
    sandbox.person_types(doc_id, ANA, line.start, "✓ ")
    after(coach, sandbox, third)
    coach.sync(ANA)
    fourth = meetings(coach)[3]
    doc = read(coach, ANA, doc_id)
    assert "Kafka" not in doc.text_in(*doc.range(f"{fourth.range_name}.open_items"))


def test_the_plan_follows_the_employee_to_a_new_manager(coach, sandbox, first):
    answer(coach, sandbox, first, "obstacle", "Context switching")
    after(coach, sandbox, first)
    coach.sync(ANA)
    with sandbox.world.transaction() as tx:
        bo = tx.get("dir.user", BO)
        bo["manager"] = FANG
        tx.put("dir.user", BO, bo, parent=FANG)
    coach.sync(ANA)
    plan = coach.store.plan(BO)
    assert plan.manager == FANG
    permissions = coach.service("drive", BO).permissions().list(
        fileId=plan.doc_id, fields="permissions(emailAddress,role)").execute()["permissions"]
    assert {(p["emailAddress"], p["role"]) for p in permissions} == {(BO, "owner"),
                                                                      (FANG, "writer")}


def test_note_text_stays_out_of_the_database_and_the_logs(coach, sandbox, first, caplog):
    marker = "PRIVATE-MARKER-7f3a9c ✨"
    caplog.set_level(logging.DEBUG)
    answer(coach, sandbox, first, "obstacle", marker)
    after(coach, sandbox, first)
    coach.sync(ANA)
    doc = plan_text(coach)
    assert marker in doc.text_in(1, doc.end_index)
    database = Path(coach.settings.database_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert marker.encode() not in stored and b"PRIVATE-MARKER" not in stored
    assert "PRIVATE-MARKER" not in caplog.text
