"""The Store port's contract, on the in-memory fake and on SQLAlchemy (SQLite; PostgreSQL when
the tests' PostgreSQL server: tests/conftest.py)."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from flask_app.adapters.sql_store import SqlStore
from flask_app.domain.events import Attachment, Attendee, CalendarEvent
from flask_app.domain.marks import EventMark
from flask_app.domain.records import (AuditEntry, Grant, ManagerState, MeetingRecord, OptOut,
                                      PairRecord, PlanEntryRecord, PlanRecord, SigninRequest,
                                      StoredTemplate, pair_key)
from flask_app.domain.rollout import Rollout
from tests.conftest import postgres_url
from tests.fakes.store import MemoryStore

NOW = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
PARIS = ZoneInfo("Europe/Paris")


def _postgres(tmp_path):
    store = SqlStore(postgres_url(), migrate=True)
    store.forget_workspace(None)
    return store


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryStore()
    if request.param == "sqlite":
        return SqlStore(f"sqlite:///{tmp_path / 'store.sqlite'}", migrate=True)
    return _postgres(tmp_path)


def event() -> CalendarEvent:
    start = datetime(2026, 12, 1, 10, tzinfo=PARIS)
    return CalendarEvent(
        "e1", "Ana / Bo 🚀", start, start + timedelta(minutes=30), organizer_email="ana@x.com",
        attendees=(Attendee("ana@x.com", "Ana", "accepted", organizer=True),
                   Attendee("bo@x.com")),
        recurring=True, recurrence=("RRULE:FREQ=WEEKLY",),
        attachments=(Attachment("d1", "https://docs.google.com/document/d/d1/edit", "Notes",
                                "application/vnd.google-apps.document"),),
        marked_doc="d1", time_zone="Europe/Paris")


def test_a_manager_round_trips_with_events_and_aware_times(store):
    all_day = CalendarEvent("e2", "Off", date(2026, 12, 24), date(2026, 12, 25), all_day=True)
    store.save_manager(ManagerState("ana@x.com", "tok", {"e1": event(), "e2": all_day},
                                    NOW.astimezone(PARIS)))
    state = store.manager("ANA@x.com")
    assert state.events == {"e1": event(), "e2": all_day}
    assert state.events["e1"].start.utcoffset() == timedelta(hours=1)
    assert state.synced_at == NOW and state.synced_at.tzinfo is not None
    assert store.manager("nobody@x.com") is None


def test_last_synced_names_the_managers_synced_at_least_once(store):
    store.save_manager(ManagerState("ana@x.com", "tok", {}, NOW.astimezone(PARIS)))
    store.save_manager(ManagerState("bo@x.com"))  # never read: no token
    store.save_manager(ManagerState("zoe@x.com", None, {}, NOW, failure="x: 503"))
    synced = store.last_synced()
    assert synced == {"ana@x.com": NOW} and synced["ana@x.com"].tzinfo is not None


def test_saving_again_replaces(store):
    store.save_manager(ManagerState("ana@x.com"))
    store.save_manager(ManagerState("ana@x.com", sync_token="new", failure="x: 503"))
    assert [m.email for m in store.managers()] == ["ana@x.com"]
    assert store.manager("ana@x.com").sync_token == "new"


def test_pairs_meetings_plans_and_entries(store):
    store.save_pair(PairRecord("ana@x.com", "bo@x.com", "doc1", ["bo@x.com"]))
    store.save_pair(PairRecord("zoe@x.com", "noah@x.com"))
    assert store.pair("ana@x.com", "bo@x.com").shared_with == ["bo@x.com"]
    assert [p.report for p in store.pairs("ana@x.com")] == ["bo@x.com"]
    key = pair_key("ana@x.com", "bo@x.com")
    store.save_meeting(MeetingRecord(key, "s1@1", "coach.m.x", NOW, "1:1 · Tue 1 Dec", "h"))
    store.save_meeting(MeetingRecord(key, "s1@2", "coach.m.y", NOW + timedelta(days=7), "t",
                                     "h", gathered_at=NOW, filled=True, questions_answered=3,
                                     pulse=4, concrete=True))
    store.save_meeting(MeetingRecord(key, "s1@1", "coach.m.x", NOW, "1:1 · Tue 1 Dec", "h2"))
    meetings = sorted(store.meetings(key), key=lambda m: m.start)
    assert [m.content_hash for m in meetings] == ["h2", "h"]
    assert meetings[1].filled is True and meetings[1].gathered_at == NOW
    assert (meetings[1].questions_answered, meetings[1].pulse, meetings[1].concrete) == (3, 4, True)
    store.save_plan(PlanRecord("bo@x.com", "plan1", "ana@x.com", ["ana@x.com"]))
    assert store.plan("bo@x.com").doc_id == "plan1" and len(store.plans()) == 1
    assert store.plan("nobody@x.com") is None
    store.save_plan_entry(PlanEntryRecord("bo@x.com", "s1@1", "coach.plan.1", "a"))
    store.save_plan_entry(PlanEntryRecord("bo@x.com", "s1@1", "coach.plan.1", "b"))
    assert [e.content_hash for e in store.plan_entries("bo@x.com")] == ["b"]


def test_a_meetings_coaching_metadata_round_trips(store):
    key = pair_key("ana@x.com", "bo@x.com")
    store.save_meeting(MeetingRecord(key, "s1@1", "coach.m.x", NOW, "t", "h", prepared=2,
                                     feedback=False, oldest_open_days=30))
    saved = store.meetings(key)[0]
    assert (saved.prepared, saved.feedback, saved.oldest_open_days) == (2, False, 30)
    store.save_meeting(MeetingRecord(key, "s1@1", "coach.m.x", NOW, "t", "h"))
    assert store.meetings(key)[0].prepared is None


def test_a_pair_is_found_by_its_doc(store):
    store.save_pair(PairRecord("ana@x.com", "bo@x.com", "doc1"))
    store.save_pair(PairRecord("ana@x.com", "cy@x.com", "doc2"))
    assert store.pair_with_doc("doc2").report == "cy@x.com"
    assert store.pair_with_doc("doc3") is None


def test_a_mark_is_kept_per_event_and_replaced(store):
    store.save_mark(EventMark("e1", True, "ana@x.com", NOW))
    store.save_mark(EventMark("e2", True, "bo@x.com", NOW))
    store.save_mark(EventMark("e1", False, "bo@x.com", NOW + timedelta(hours=1)))
    assert store.mark("e1") == EventMark("e1", False, "bo@x.com", NOW + timedelta(hours=1))
    assert sorted(m.event_id for m in store.marks()) == ["e1", "e2"]
    assert store.mark("e3") is None
    store.forget_workspace("w2")
    assert store.marks() == []


def test_records_returned_are_copies(store):
    store.save_pair(PairRecord("ana@x.com", "bo@x.com", "doc1"))
    store.pair("ana@x.com", "bo@x.com").shared_with.append("eve@x.com")
    assert store.pair("ana@x.com", "bo@x.com").shared_with == []


def test_a_transaction_groups_writes(store):
    with store.transaction():
        store.save_pair(PairRecord("ana@x.com", "bo@x.com", "doc1"))
        with store.transaction():  # nested: part of the same one
            store.save_plan(PlanRecord("bo@x.com", "plan1", "ana@x.com"))
    assert store.pair("ana@x.com", "bo@x.com").doc_id == "doc1" and store.plan("bo@x.com")


def test_a_lease_is_held_by_one_owner_until_it_expires(store):
    later = NOW + timedelta(minutes=10)
    assert store.take_lease("sync:ana", "a", later, NOW)
    assert not store.take_lease("sync:ana", "b", later, NOW + timedelta(minutes=5))
    assert store.take_lease("sync:ana", "a", later + timedelta(minutes=1), NOW)  # renewed
    assert store.take_lease("sync:bo", "b", later, NOW)
    assert store.take_lease("sync:ana", "b", later + timedelta(minutes=30), later +
                            timedelta(minutes=2))  # expired: taken over
    store.release_lease("sync:ana", "a")  # not a's any more: nothing happens
    assert store.lease("sync:ana").owner == "b"
    store.release_lease("sync:ana", "b")
    assert store.lease("sync:ana") is None


def test_a_held_lease_can_be_flagged_for_its_owner_to_run_again(store):
    later = NOW + timedelta(minutes=10)
    assert not store.flag_lease("sync:ana", NOW)  # nobody holds it
    assert store.take_lease("sync:ana", "a", later, NOW)
    assert not store.lease_flagged("sync:ana", "a")
    assert store.flag_lease("sync:ana", NOW + timedelta(minutes=1))
    assert not store.lease_flagged("sync:ana", "b")  # only its owner is told
    assert store.lease_flagged("sync:ana", "a") and store.lease("sync:ana").owner == "a"
    assert not store.lease_flagged("sync:ana", "a")  # told once
    assert store.flag_lease("sync:ana", NOW + timedelta(minutes=2))
    assert store.release_lease("sync:ana", "a")  # let go while flagged: says so
    assert store.lease("sync:ana") is None and not store.release_lease("sync:ana", "a")
    assert store.take_lease("sync:bo", "b", later, NOW)
    assert not store.flag_lease("sync:bo", later)  # expired: nobody holds it any more
    assert not store.release_lease("sync:bo", "b")


def test_of_many_threads_one_takes_a_signin(store):
    store.save_signin(SigninRequest("st", "verifier", "console", NOW))
    taken, start = [], threading.Barrier(8)

    def callback():  # the same redirect, delivered eight times at once
        start.wait()
        if store.take_signin("st") is not None:
            taken.append(1)

    threads = [threading.Thread(target=callback) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken == [1]


def test_of_many_threads_one_takes_the_lease(store):
    winners, start = [], threading.Barrier(8)

    def contend(owner):
        start.wait()
        if store.take_lease("sync:ana", owner, NOW + timedelta(minutes=10), NOW):
            winners.append(owner)

    threads = [threading.Thread(target=contend, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1


def test_forgetting_a_workspace_drops_what_it_taught(store):
    assert store.world() is None
    store.save_pair(PairRecord("ana@x.com", "bo@x.com", "doc1"))
    store.save_manager(ManagerState("ana@x.com", "tok"))
    store.forget_workspace("w2")
    assert store.world() == "w2" and store.pairs() == [] and store.manager("ana@x.com") is None


def test_the_rollout_starts_empty_and_round_trips(store):
    assert store.rollout() == Rollout()
    chosen = Rollout("opt_in", ["/Engineering"], ["leads@x.com"], True,
                     {"/Engineering": "team-lead"}, "hr@x.com", NOW)
    store.save_rollout(chosen)
    store.save_rollout(chosen)
    assert store.rollout() == chosen


def test_opt_outs_and_grants_are_kept_per_person(store):
    store.save_opt_out(OptOut("Ana@X.com", NOW))
    store.save_opt_out(OptOut("ana@x.com", NOW + timedelta(hours=1)))
    assert [(o.email, o.at) for o in store.opt_outs()] == [("ana@x.com", NOW + timedelta(hours=1))]
    store.remove_opt_out("ANA@x.com")
    assert store.opt_outs() == []
    store.save_grant(Grant("ana@x.com", "calendar", "gAAAA-cipher", ["s1"], NOW))
    store.save_grant(Grant("ana@x.com", "directory", "gAAAA-other", ["s2"], NOW))
    assert store.grant("ANA@x.com", "calendar").token == "gAAAA-cipher"
    assert [g.kind for g in store.grants("directory")] == ["directory"]
    store.delete_grant("ana@x.com", "calendar")
    assert store.grant("ana@x.com", "calendar") is None


def test_the_audit_log_is_newest_first_and_kept_whole(store):
    for n in range(3):
        store.record(AuditEntry(NOW + timedelta(minutes=n), "ana@x.com", "docs.write", f"d{n}",
                                "ana@x.com"))
    assert [e.file_id for e in store.audit()] == ["d2", "d1", "d0"]
    assert [e.file_id for e in store.audit(limit=1)] == ["d2"]


def test_templates_and_sign_in_requests(store):
    store.save_template(StoredTemplate("team-lead", "## Hi {#obstacle}", "hr@x.com", NOW))
    store.save_template(StoredTemplate("team-lead", "## New {#obstacle}", "hr@x.com", NOW))
    assert [t.text for t in store.templates()] == ["## New {#obstacle}"]
    store.save_signin(SigninRequest("st", "verifier", "console", NOW))
    assert store.take_signin("st").verifier == "verifier"
    assert store.take_signin("st") is None
