"""One manager's sync on the in-memory fakes: docs, sections and what survives faults."""
from __future__ import annotations

from datetime import timedelta

from flask_app.domain.sections import RANGE_PREFIX
from flask_app.errors import GoogleApiError
from flask_app.services.sync import ManagerSync
from tests.services.conftest import ANA, BO, FANG, MONDAY, weekly


def sections(doc):
    return [n for n in doc.named_ranges if n.startswith(RANGE_PREFIX) and n.count(".") == 2]


def test_a_one_on_one_gets_a_doc_shared_attached_with_its_sections(world):
    result = world.run()
    assert (result.pairs, result.docs_created, result.attached) == (1, 1, 1)
    doc = world.doc()
    assert len(sections(doc)) == 1  # the next meeting only
    assert doc.paragraphs[0].text == "One-on-ones · Ana Silva & Bo Nilsson"
    assert world.google.events["ab"].marked_doc == doc.document_id
    permissions = {(p.email, p.role) for p in world.workspace.drive(ANA).permissions(doc.document_id)}
    assert permissions == {(ANA, "owner"), (BO, "writer")}


def test_a_second_run_writes_nothing(world):
    world.run()
    world.google.calls.clear()
    world.run()
    assert set(world.google.calls) == {"calendar.changes"}


def test_a_lost_answer_to_the_first_batch_writes_it_once(world):
    world.google.fail("docs.write", GoogleApiError(503, "backendError", "lost"), applied=True)
    first = world.run()
    assert first.problems == ["docs.write: 503 backendError"]
    world.run()
    assert len(sections(world.doc())) == 1
    assert len(world.meetings()) == 1


def test_a_lost_answer_to_creating_the_doc_makes_one_doc(world):
    world.google.fail("drive.create_doc", GoogleApiError(503, "backendError", "lost"),
                      applied=True)
    world.run()
    world.run()
    assert len(world.google.files) == 1 and len(sections(world.doc())) == 1


def test_a_persons_edit_between_read_and_write_survives(world):
    world.run()
    doc_id = world.store.pair(ANA, BO).doc_id
    doc = world.doc()
    world.google.after("docs.get", lambda: world.google.person_edits(doc_id, [{"insertText": {
        "location": {"index": doc.paragraphs[1].start}, "text": "Typed while you read ✍️ "}}]))
    world.clock.advance(timedelta(days=7))  # the first meeting is over: gathered, the next due
    world.run()
    after = world.doc()
    assert after.paragraphs[1].text.startswith("Typed while you read ✍️ ")
    assert len(sections(after)) == 1 and world.meetings()[0].status == "removed"


def test_a_second_sync_of_the_same_manager_at_the_same_time_flags_the_first(world):
    assert world.store.take_lease(f"sync:{ANA}", "another worker", MONDAY + timedelta(hours=1),
                                  MONDAY)
    result = world.run()
    assert result.skipped == "another sync of this manager is running (it will look again)"
    assert world.google.calls["calendar.changes"] == 0
    assert world.store.lease(f"sync:{ANA}").flagged  # the running one reads again


def test_a_change_that_comes_in_during_a_sync_is_read_by_that_sync(world):
    """Bo is booked in after the sync read Ana's calendar; the push message's sync finds Ana's
    sync running and flags it, and that sync reads the calendar once more before it ends."""
    second = ManagerSync(world.workspace, world.store, world.clock, world.sync.templates,
                         world.sync.settings, sleep=lambda seconds: None)

    def booked_meanwhile():
        world.google.put_event(weekly("af", ANA, FANG, MONDAY + timedelta(days=2)))
        assert second.run(ANA, world.google.people).skipped  # the notification's sync

    world.google.after("calendar.changes", booked_meanwhile)
    result = world.run()
    assert (result.rounds, result.again) == (2, False)
    assert world.google.calls["calendar.changes"] == 2
    assert world.store.pair(ANA, FANG).doc_id and world.store.lease(f"sync:{ANA}") is None


def test_changes_that_keep_coming_in_end_the_sync_asking_for_another(world):
    second = ManagerSync(world.workspace, world.store, world.clock, world.sync.templates,
                         world.sync.settings, sleep=lambda seconds: None)

    def changed_meanwhile():  # after every read of the calendar
        second.run(ANA, world.google.people)
        world.google.after("calendar.changes", changed_meanwhile)

    world.google.after("calendar.changes", changed_meanwhile)
    result = world.run()
    assert (result.rounds, result.again) == (3, True)  # bounded; the task queues another
    assert world.store.lease(f"sync:{ANA}") is None


def test_a_calendar_that_cannot_be_read_fails_that_manager_only(world):
    world.google.put_event(weekly("cf", "fang@example.com", BO, MONDAY + timedelta(days=2)))
    world.google.fail("calendar.changes", GoogleApiError(500, "backendError", "down"))
    outcome = world.pass_(managers=[ANA])
    assert [r.failed for r in outcome.results] == ["calendar.changes: 500 backendError"]
    assert world.store.manager(ANA).failure == "calendar.changes: 500 backendError"
    assert not outcome.complete


def test_a_directory_that_cannot_be_read_stops_the_pass_cleanly(world):
    world.google.fail("directory.list", GoogleApiError(503, "backendError", "down"))
    outcome = world.pass_()
    assert outcome.failed == "the directory could not be read (directory.list: 503 backendError)"
    assert outcome.results == []


def test_two_pairs_of_one_manager(world):
    world.google.put_event(weekly("af", ANA, FANG, MONDAY + timedelta(days=2, hours=3)))
    result = world.run()
    assert result.pairs == 2 and result.docs_created == 2


def test_a_series_repeating_every_second_does_not_hang_the_sync(world):
    from dataclasses import replace
    world.google.put_event(replace(weekly("storm", ANA, FANG, MONDAY + timedelta(hours=3)),
                                   recurrence=("RRULE:FREQ=SECONDLY",)))
    result = world.run()
    assert result.pairs == 1  # Ana / Bo only: a series every second is not a one-on-one


def test_a_one_on_one_whose_recurrence_cannot_be_read_is_reported(world):
    from dataclasses import replace
    world.google.put_event(replace(weekly("broken", ANA, FANG, MONDAY + timedelta(hours=3)),
                                   recurrence=("RRULE:FREQ=WEEKLY;BYDAY=XX",)))
    result = world.run()
    assert result.pairs == 1 and not result.failed
    assert any("a one-on-one series was skipped" in p for p in result.problems), result.problems
