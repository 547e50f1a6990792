"""The running doc over weeks of meetings, on the in-memory fakes: one upcoming section at a time,
written after the previous meeting is gathered, open items carried once, untouched past
sections taken out, times in each participant's zone, the pair's language, the pulse."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flask_app.domain.document import utf16_len
from flask_app.domain.people import Directory, Person
from flask_app.domain.sections import RANGE_PREFIX
from tests.services.conftest import ANA, BO, FANG, MONDAY, Org, weekly

WEEK = timedelta(days=7)


def sections(doc) -> list[str]:
    found = [n for n in doc.named_ranges if n.startswith(RANGE_PREFIX) and n.count(".") == 2]
    return sorted(found, key=lambda n: doc.range(n)[0])


def titles(doc) -> list[str]:
    return [doc.paragraph_at(doc.range(n)[0]).text for n in sections(doc)]


def type_answer(world: Org, meeting, key: str, text: str, who: str = BO) -> None:
    """``who`` types ``text`` at the end of the answer line of ``key`` in ``meeting``'s section."""
    doc = world.doc()
    line = doc.paragraphs_in(*doc.range(f"{meeting.range_name}.{key}"))[-1]
    world.google.person_edits(doc.document_id, [{"insertText": {
        "location": {"index": line.start + utf16_len(line.text)}, "text": text}}])


def after_meeting(world: Org, meeting) -> None:
    world.clock._now = meeting.start + timedelta(minutes=61)


def test_only_the_next_meeting_has_a_section(world):
    world.run()
    doc = world.doc()
    assert len(sections(doc)) == 1 and len(world.meetings()) == 1
    assert world.meetings()[0].start == MONDAY + timedelta(days=1, hours=4)


def test_a_first_meeting_more_than_a_week_away_waits(world):
    world.google.events.clear()
    world.google.put_event(weekly("later", ANA, BO, MONDAY + timedelta(days=12)))
    result = world.run()
    assert result.pairs == 1 and result.docs_created == 0 and world.google.files == {}
    world.clock.advance(timedelta(days=6))
    world.run()
    assert len(sections(world.doc())) == 1


def test_an_untouched_section_goes_once_gathered_and_the_next_comes(world):
    world.run()
    first = world.meetings()[0]
    after_meeting(world, first)
    result = world.run()
    assert (result.meetings_gathered, result.not_filled) == (1, 1)
    assert result.sections_removed == 1 and result.sections_added == 1
    records = world.meetings()
    assert [(r.status, r.filled) for r in records] == [("removed", False), ("scheduled", None)]
    assert len(sections(world.doc())) == 1


def test_a_filled_section_stays_and_its_open_need_is_carried_once(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "needs", "Budget sign-off for the Kafka migration")
    type_answer(world, first, "obstacle", "Flaky integration tests")
    after_meeting(world, first)
    world.run()
    doc = world.doc()
    assert len(sections(doc)) == 2  # the next meeting's, on top of the filled one
    text = doc.text_in(1, doc.end_index)
    assert text.count("Budget sign-off for the Kafka migration") == 2  # typed, and carried once
    assert "Budget sign-off for the Kafka migration (from Tue 1 Dec 2026)" in text
    first_record = world.meetings()[0]
    assert first_record.filled and first_record.questions_answered == 2
    plan = world.store.plan(BO)
    plan_doc = world.workspace.docs(BO).get(plan.doc_id)
    assert "Flaky integration tests" in plan_doc.text_in(1, plan_doc.end_index)


def test_the_next_section_waits_for_the_previous_meetings_gathering(world):
    world.run()
    first = world.meetings()[0]
    world.clock._now = first.start + timedelta(minutes=40)  # over, but within the grace period
    world.run()
    assert [r.status for r in world.meetings()] == ["scheduled"]
    world.clock.advance(timedelta(minutes=30))
    world.run()
    assert [r.status for r in world.meetings()] == ["removed", "scheduled"]


def test_the_pulse_is_gathered_as_a_number_only(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "obstacle", "Reviews wait for days")
    type_answer(world, first, "pulse", "4 — it helped me decide on the rota")
    after_meeting(world, first)
    world.run()
    record = world.meetings()[0]
    assert record.pulse == 4
    assert "rota" not in repr(world.store.meetings(record.pair))


def test_times_are_in_each_participants_zone():
    people = Directory([Person(ANA, "Ana Silva", time_zone="Europe/Lisbon"),
                        Person(BO, "Bo Nilsson", manager_email=ANA, time_zone="Asia/Tokyo")])
    world = Org(people)
    world.run()
    assert titles(world.doc()) == ["1:1 · Tue 1 Dec 2026 · 10:00 Lisbon · 19:00 Tokyo"]


def test_a_german_pair_gets_the_german_agenda():
    people = Directory([Person(ANA, "Ana Silva", languages=("de",), time_zone="Europe/Berlin"),
                        Person(BO, "Bo Nilsson", manager_email=ANA, languages=("de", "en"),
                               time_zone="Europe/Berlin")])
    world = Org(people)
    world.run()
    doc = world.doc()
    assert doc.paragraphs[0].text == "Einzelgespräche · Ana Silva & Bo Nilsson"
    assert titles(doc) == ["1:1 · Di., 1. Dez. 2026 · 11:00 Berlin"]
    assert "Was brauchst du von mir, um voranzukommen?" in doc.text_in(1, doc.end_index)


def test_a_cancelled_next_meeting_gives_way_to_the_one_after(world):
    world.run()
    first = world.meetings()[0]
    series = world.google.events["ab"]
    world.google.put_event(replace(series, id=f"ab_{first.start:%Y%m%dT%H%M%SZ}",
                                   recurring_event_id="ab", recurring=False, recurrence=(),
                                   original_start=first.start, status="cancelled"))
    world.run()
    records = world.meetings()
    assert records[0].status == "removed"
    world.clock.advance(timedelta(days=2))  # the one after is within a week now
    world.run()
    assert [r.status for r in world.meetings()] == ["removed", "scheduled"]


def test_two_reports_two_docs_each_with_its_next_meeting(world):
    world.google.put_event(weekly("af", ANA, FANG, MONDAY + timedelta(days=2, hours=3)))
    world.run()
    assert len(sections(world.doc(ANA, BO))) == 1 == len(sections(world.doc(ANA, FANG)))


def plan(world: Org):
    record = world.store.plan(BO)
    return world.workspace.docs(BO).get(record.doc_id)


def test_the_plan_gets_objectives_a_summary_and_links(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "obstacle", "Reviews wait for days")
    type_answer(world, first, "success", "Median review time under 4 hours by 15 March")
    type_answer(world, first, "pulse", "4")
    after_meeting(world, first)
    world.run()
    doc = plan(world)
    text = doc.text_in(1, doc.end_index)
    assert "Median review time under 4 hours by 15 March · since Tue 1 Dec 2026 · open" in text
    assert doc.paragraphs[1].text.startswith("This quarter: 1 one-on-one · 0 with all four")
    assert "usefulness 4" in doc.paragraphs[1].text
    heading = next(p for p in doc.paragraphs if p.style == "HEADING_3")
    pair_doc = world.doc()
    assert heading.spans[0].link.startswith(
        f"https://docs.google.com/document/d/{pair_doc.document_id}/edit#heading=h.")


def test_a_commitment_ticked_in_a_later_meeting_shows_done_in_its_entry(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "obstacle", "Flaky CI")
    doc = world.doc()
    box = next(p for p in doc.paragraphs_in(*doc.range(f"{first.range_name}.commitments"))
               if p.checkbox)
    world.google.person_edits(doc.document_id, [{"insertText": {
        "location": {"index": box.start}, "text": "Ana books the load-test cluster"}}])
    after_meeting(world, first)
    world.run()
    second = world.meetings()[1]
    doc = world.doc()
    carried = next(p for p in doc.paragraphs_in(*doc.range(f"{second.range_name}.open_items"))
                   if "load-test" in p.text)
    world.google.person_edits(doc.document_id, [{"insertText": {
        "location": {"index": carried.start}, "text": "✓ "}}])
    type_answer(world, second, "obstacle", "Still flaky")
    after_meeting(world, second)
    world.run()
    lines = [p.text for p in plan(world).paragraphs if "load-test" in p.text]
    assert "✓ Ana books the load-test cluster" in lines  # in the first meeting's entry


def test_a_box_ticked_in_the_doc_counts_as_done(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "needs", "A budget for the Kafka course")
    after_meeting(world, first)
    world.run()
    second = world.meetings()[1]
    doc = world.doc()
    carried = next(p for p in doc.paragraphs_in(*doc.range(f"{second.range_name}.open_items"))
                   if "Kafka" in p.text)
    world.google.person_ticks(doc.document_id, carried.start)  # ticked, not struck or ✓'d
    type_answer(world, second, "obstacle", "Time")
    after_meeting(world, second)
    world.run()
    third = world.meetings()[2]
    doc = world.doc()
    assert "Kafka" not in doc.text_in(*doc.range(f"{third.range_name}.open_items"))
    assert world.meetings()[1].carried_done == 1
