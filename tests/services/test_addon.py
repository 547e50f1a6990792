"""The add-on's side panels on the in-memory fakes: what each person sees, what they can do,
and that nobody reaches another pair's doc, plan or mirror."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from flask_app.domain.events import Attendee, CalendarEvent
from flask_app.services.addon import (AddonService, DocPanel, NotAllowed, OtherPanel,
                                      OutsidePanel, PairPanel)
from tests.services.conftest import ANA, BO, FANG, MONDAY, Org, weekly
from tests.services.test_running_doc import after_meeting, sections, type_answer

FIRST = MONDAY + timedelta(days=1, hours=4)  # Tue 10:00 UTC


def service(world: Org) -> AddonService:
    return AddonService(world.store, world.workspace, world.clock, lambda: world.google.people,
                        lambda: world.sync)


def open_event(world: Org, user: str, event_id: str):
    return service(world).event_panel(user, world.workspace.calendar(user), event_id)


def instance_id(series: str, start) -> str:
    return f"{series}_{start:%Y%m%dT%H%M%SZ}"


def test_the_manager_sees_why_the_doc_the_next_meeting_and_nothing_of_others(world):
    world.run()
    panel = open_event(world, ANA, instance_id("ab", FIRST))
    assert isinstance(panel, PairPanel)
    assert (panel.role, panel.other_name, panel.next_meeting) == ("manager", "Bo Nilsson", FIRST)
    assert f"{ANA} manages {BO}" in panel.reasons and "recurring weekly" in panel.reasons
    assert panel.agenda_ready and panel.doc_url.endswith(f"/d/{world.store.pair(ANA, BO).doc_id}/edit")
    assert panel.attach is None  # the sync attached it to the series


def test_the_report_sees_the_doc_but_not_the_plan_or_the_mirror(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "obstacle", "Flaky CI")
    after_meeting(world, first)
    world.run()
    manager = open_event(world, ANA, "ab")
    report = open_event(world, BO, "ab")
    assert manager.plan_url and manager.mirror is not None
    assert (report.role, report.plan_url, report.mirror) == ("report", None, None)
    assert report.doc_url == manager.doc_url


def test_someone_outside_the_pair_is_told_nothing(world):
    world.run()
    with pytest.raises(NotAllowed):
        open_event(world, FANG, "ab")
    doc_id = world.store.pair(ANA, BO).doc_id
    panel = service(world).doc_panel(FANG, world.workspace.docs(FANG, any_doc=True), doc_id)
    assert panel == OutsidePanel(True)


def test_a_report_cannot_reach_another_pairs_doc_by_its_id(world):
    world.google.put_event(weekly("af", ANA, FANG, FIRST + timedelta(hours=1)))
    world.run()
    fangs_doc = world.store.pair(ANA, FANG).doc_id
    addon = service(world)
    assert isinstance(addon.doc_panel(BO, world.workspace.docs(BO, any_doc=True), fangs_doc), OutsidePanel)
    with pytest.raises(NotAllowed):
        addon.mark_done(BO, world.workspace.docs(BO, any_doc=True), fangs_doc, "0" * 16)
    with pytest.raises(NotAllowed):
        addon.gather_now(BO, world.workspace.docs(BO, any_doc=True), fangs_doc)
    with pytest.raises(NotAllowed):
        addon.event_panel(BO, world.workspace.calendar(BO), "af")


def test_a_group_meeting_says_why_and_cannot_be_marked(world):
    world.google.put_event(CalendarEvent(
        "team", "Team sync", FIRST, FIRST + timedelta(minutes=30), organizer_email=ANA,
        attendees=(Attendee(ANA, organizer=True), Attendee(BO), Attendee(FANG))))
    panel = open_event(world, BO, "team")
    assert isinstance(panel, OtherPanel)
    assert "excluded: 3 people, not two" in panel.reasons
    assert panel.cannot_mark == "3 people, not two"
    with pytest.raises(NotAllowed, match="3 people"):
        service(world).mark(BO, world.workspace.calendar(BO), "team", True)


def test_marking_a_catch_up_as_a_one_on_one_is_remembered_and_honoured_by_the_sync(world):
    world.google.events.clear()
    world.google.put_event(CalendarEvent(
        "chat", "Coffee", FIRST, FIRST + timedelta(minutes=30), organizer_email=BO,
        attendees=(Attendee(BO, organizer=True), Attendee(ANA))))
    assert world.run().pairs == 0
    addon = service(world)
    calendar = world.workspace.calendar(BO)
    panel = addon.mark(BO, calendar, "chat", True)
    again = addon.mark(BO, calendar, "chat", True)
    assert len(world.store.marks()) == 1
    assert isinstance(panel, PairPanel) and isinstance(again, PairPanel)
    assert panel.reasons[-1] == f"marked as a one-on-one by {BO}" and panel.role == "report"
    result = world.run()
    assert result.pairs == 1 and result.sections_added == 1


def test_marking_a_one_on_one_as_not_stops_the_sync_and_keeps_the_doc(world):
    world.run()
    doc_id = world.store.pair(ANA, BO).doc_id
    before = world.doc().text_in(1, world.doc().end_index)
    panel = service(world).mark(ANA, world.workspace.calendar(ANA), "ab", False)
    assert isinstance(panel, OtherPanel) and panel.marked_not and panel.cannot_mark is None
    world.clock.advance(timedelta(days=14))
    assert world.run().pairs == 0
    assert world.workspace.docs(ANA, any_doc=True).get(doc_id).text_in(1, world.doc().end_index) == before
    back = service(world).mark(ANA, world.workspace.calendar(ANA), "ab", True)
    assert isinstance(back, PairPanel)


def test_a_peer_one_on_one_is_synced_for_the_colleague_who_marked_it(world):
    world.google.events.clear()
    world.google.put_event(CalendarEvent(
        "peers", "Pairing", FIRST, FIRST + timedelta(minutes=30), organizer_email=BO,
        attendees=(Attendee(BO, organizer=True), Attendee(FANG))))
    service(world).mark(FANG, world.workspace.calendar(FANG), "peers", True)
    results = {r.manager: r for r in world.pass_().results}
    assert results[FANG].pairs == 1 and world.store.pair(FANG, BO).doc_id


def test_add_the_agenda_now_writes_it_once_and_a_second_click_finds_it(world):
    world.google.events.clear()
    later = MONDAY + timedelta(days=12)
    world.google.put_event(weekly("later", ANA, BO, later))
    world.run()
    assert world.store.pair(ANA, BO) is None or world.store.pair(ANA, BO).doc_id is None
    addon = service(world)
    panel = addon.add_agenda(ANA, world.workspace.calendar(ANA), "later")
    assert panel.agenda_ready and panel.notice == "The agenda is in the doc."
    again = addon.add_agenda(ANA, world.workspace.calendar(ANA), "later")
    assert again.notice == "The agenda is already in the doc."
    assert len(world.google.files) == 1 and len(sections(world.doc())) == 1
    assert world.google.events["later"].marked_doc == world.store.pair(ANA, BO).doc_id
    world.run()
    assert len(sections(world.doc())) == 1


def test_open_items_and_the_next_topic_with_their_age(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "needs", "Budget for the Kafka course")
    after_meeting(world, first)
    world.run()
    second = world.meetings()[1]
    type_answer(world, second, "topic", "Growing into tech lead")
    world.clock._now = first.start + timedelta(days=3)
    panel = open_event(world, BO, "ab")
    assert [(i.text, i.days) for i in panel.open_items] == [("Budget for the Kafka course", 3)]
    assert panel.topic == "Growing into tech lead"


def doc_panel(world: Org, user: str) -> DocPanel:
    doc_id = world.store.pair(ANA, BO).doc_id
    return service(world).doc_panel(user, world.workspace.docs(user, any_doc=True), doc_id)


def test_the_docs_panel_checks_the_current_section(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "obstacle", "Reviews wait for days")
    type_answer(world, first, "success", "Be better at reviews")
    panel = doc_panel(world, BO)
    assert panel.meeting == FIRST and panel.role == "report" and panel.plan_url is None
    assert panel.check.unanswered == ("tried", "needs")
    assert not panel.check.success.concrete
    assert len(panel.competencies) == 4 and set(panel.questions) == {"obstacle", "tried",
                                                                     "success", "needs"}


def test_mark_done_strikes_the_carried_line_and_keeps_every_character(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "needs", "Budget for the Kafka course")
    after_meeting(world, first)
    world.run()
    panel = doc_panel(world, BO)
    item = panel.open_items[0]
    before = world.doc().text_in(1, world.doc().end_index)
    done = service(world).mark_done(BO, world.workspace.docs(BO, any_doc=True), panel.doc_id, item.key)
    assert done.notice == "Marked done." and done.open_items == ()
    doc = world.doc()
    assert doc.text_in(1, doc.end_index) == before
    second = world.meetings()[1]
    carried = [p for p in doc.paragraphs_in(*doc.range(f"{second.range_name}.open_items"))
               if "Kafka" in p.text]
    assert carried and carried[0].struck
    again = service(world).mark_done(BO, world.workspace.docs(BO, any_doc=True), panel.doc_id, item.key)
    assert again.notice.startswith("That item is already done")


def test_mark_done_reads_again_when_someone_typed_in_between(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "needs", "A mentor")
    after_meeting(world, first)
    world.run()
    panel = doc_panel(world, ANA)
    doc_id = panel.doc_id
    world.google.after("docs.get", lambda: world.google.person_edits(doc_id, [{"insertText": {
        "location": {"index": 1}, "text": "Typed meanwhile. "}}]))
    done = service(world).mark_done(ANA, world.workspace.docs(ANA, any_doc=True), doc_id,
                                    panel.open_items[0].key)
    assert done.notice == "Marked done." and done.open_items == ()
    assert world.doc().paragraphs[0].text.startswith("Typed meanwhile. ")


def test_gather_now_puts_a_meeting_that_began_into_the_plan(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "obstacle", "Flaky CI")
    world.clock._now = first.start + timedelta(minutes=20)  # still in the meeting
    panel = service(world).gather_now(ANA, world.workspace.docs(ANA, any_doc=True),
                                      world.store.pair(ANA, BO).doc_id)
    assert panel.notice == "Gathered into the development plan."
    assert panel.plan_url and world.store.plan_entries(BO)
    assert len(world.meetings()) == 2  # the next meeting's agenda follows at once
    again = service(world).gather_now(ANA, world.workspace.docs(ANA, any_doc=True), panel.doc_id)
    assert again.notice.startswith("Nothing to gather")
    assert len(world.store.plan_entries(BO)) == 1


def test_what_was_answered_as_the_meeting_began_is_recorded_for_the_mirror(world):
    world.run()
    first = world.meetings()[0]
    type_answer(world, first, "obstacle", "Flaky CI")
    type_answer(world, first, "tried", "Retries")
    world.clock._now = first.start + timedelta(minutes=5)
    world.run()
    type_answer(world, first, "needs", "Time")  # typed in the meeting: not preparation
    after_meeting(world, first)
    world.run()
    record = world.meetings()[0]
    assert (record.prepared, record.questions_answered) == (2, 3)
    found = open_event(world, ANA, "ab").mirror
    assert "2 of the four questions were answered before you met." in [
        o.text for o in found.observations]
