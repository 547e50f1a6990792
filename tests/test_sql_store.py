"""The SQLAlchemy store: records round-trip, times stay UTC-aware, filters hold."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from flask_app.adapters.sql_store import SqlStore
from flask_app.services.store import ManagerState, MeetingRecord, PairRecord, PlanRecord, pair_key


@pytest.fixture
def store(tmp_path):
    return SqlStore(f"sqlite:///{tmp_path / 'store.sqlite'}")


def test_a_manager_round_trips_with_cached_events_and_an_aware_time(store):
    paris = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    store.save_manager(ManagerState("ana@example.com", sync_token="tok",
                                    events={"e1": {"id": "e1", "summary": "Ana / Bo 🚀"}},
                                    synced_at=paris))
    state = store.manager("ana@example.com")
    assert state.events == {"e1": {"id": "e1", "summary": "Ana / Bo 🚀"}}
    assert state.synced_at == paris and state.synced_at.tzinfo is not None


def test_saving_again_replaces_and_disabled_managers_are_filtered(store):
    store.save_manager(ManagerState("ana@example.com"))
    store.save_manager(ManagerState("bo@example.com", enabled=False))
    store.save_manager(ManagerState("ana@example.com", sync_token="new"))
    assert [m.email for m in store.managers()] == ["ana@example.com"]
    assert store.manager("ana@example.com").sync_token == "new"
    assert len(store.managers(enabled_only=False)) == 2


def test_pairs_meetings_and_plans(store):
    store.save_pair(PairRecord("ana@example.com", "bo@example.com", "doc1", ["bo@example.com"]))
    store.save_pair(PairRecord("zoe@example.com", "noah@example.com"))
    assert store.pair("ana@example.com", "bo@example.com").shared_with == ["bo@example.com"]
    assert [p.report for p in store.pairs("ana@example.com")] == ["bo@example.com"]
    start = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    key = pair_key("ana@example.com", "bo@example.com")
    store.save_meeting(MeetingRecord(key, "s1@20261201T090000Z", "coach.m.x", start,
                                     "1:1 · Tue 1 Dec 2026", "h"))
    store.save_meeting(MeetingRecord(key, "s1@20261208T090000Z", "coach.m.y",
                                     start + timedelta(days=7), "1:1 · Tue 8 Dec 2026", "h",
                                     gathered_at=start, filled=True, answers=3))
    meetings = sorted(store.meetings(key), key=lambda m: m.start)
    assert [m.filled for m in meetings] == [None, True] and meetings[1].gathered_at == start
    store.save_plan(PlanRecord("bo@example.com", "plan1", "ana@example.com", ["ana@example.com"]))
    assert store.plan("bo@example.com").doc_id == "plan1" and len(store.plans()) == 1
    assert store.plan("nobody@example.com") is None
