"""The sweep fans out on the sandbox's Cloud Tasks (the real google-cloud-tasks client, REST):
it only enqueues, one task per manager; the queue delivers each to /tasks/manager with App
Engine's headers; a task delivered twice does its work once; a rate-limited task queues itself
again for later; requests without the queue's header are refused."""
from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import make_server

from flask_app import create_app
from tests.conftest import CoachHarness, postgres_url
from tests.test_migrations import empty

ANA = "ana.silva@example.com"
CRON = {"X-Appengine-Cron": "true"}


@pytest.fixture
def served(sandbox, tmp_path, request):
    """The service on the sandbox's Cloud Tasks; its store on SQLite, or on PostgreSQL for the
    tests that ask (``indirect`` parameter ``postgresql``)."""
    store = {}
    if getattr(request, "param", "sqlite") == "postgresql":
        store["database_url"] = postgres_url()
        empty(store["database_url"])
    coach = CoachHarness(sandbox, tmp_path, tasks="cloud", **store)
    app = create_app(coach=coach.app, test_config={"TESTING": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sandbox.tasks_target(base)
    yield coach, base
    server.shutdown()


def task_headers(coach, name="sync-x", retries=0):
    return {"X-AppEngine-QueueName": "manager-sync", "X-AppEngine-TaskName": name,
            "X-AppEngine-TaskRetryCount": str(retries)}


def drain(coach):
    outcome = coach.sandbox.drain_tasks(60)
    assert outcome["drained"], outcome


def sweep(base):
    answer = requests.get(f"{base}/tasks/sync", headers=CRON, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize("served", ["sqlite", "postgresql"], indirect=True)
def test_the_sweep_only_enqueues_and_the_tasks_sync_each_manager(served):
    coach, base = served
    coach.sandbox.tasks_settings(dispatchPaused=True)  # hold the tasks
    assert sweep(base) == {"enqueued": 10, "already_queued": 0, "first_syncs": 10,
                           "channels_stopped": 0}
    assert coach.store.pairs() == []  # the sweep itself synced nobody
    assert sweep(base)["already_queued"] == 10  # their tasks still wait: none added
    coach.sandbox.tasks_settings(dispatchPaused=False)
    drain(coach)
    attempts = coach.sandbox.task_attempts()
    assert len(attempts) == 10 and {a["status"] for a in attempts} == {200}
    assert all(a["url"] == f"{base}/tasks/manager" for a in attempts)
    assert {a["queue"].rpartition("/")[2] for a in attempts} == {"first-sync"}  # nobody had been synced
    docs = [p for p in coach.store.pairs() if p.doc_id]  # as one inline pass makes them
    assert len(docs) > 30
    assert sum(len(coach.store.meetings(p.key)) for p in docs) == len(docs)


def test_sweeps_do_not_pile_up_behind_a_long_queue(served):
    coach, base = served
    sweep(base)
    drain(coach)
    coach.sandbox.tasks_settings(dispatchPaused=True)  # a queue longer than a sweep's interval
    assert sweep(base)["enqueued"] == 10
    for _ in range(3):  # the next sweeps, every 15 minutes: their tasks are still waiting
        coach.sandbox.advance(15 * 60)
        assert sweep(base) == {"enqueued": 0, "already_queued": 10, "first_syncs": 0,
                               "channels_stopped": 0}
    coach.sandbox.advance(20 * 60)  # an hour on: a task lost for good would be replaced
    assert sweep(base)["enqueued"] == 10
    coach.sandbox.tasks_settings(dispatchPaused=False)
    drain(coach)
    later = [a for a in coach.sandbox.task_attempts()[10:]]
    assert len(later) == 20 and {a["queue"].rpartition("/")[2] for a in later} == {"manager-sync"}
    assert {a["status"] for a in later} == {200}


def test_a_task_delivered_twice_does_its_work_once(served):
    coach, base = served
    for _ in range(2):
        answer = requests.post(f"{base}/tasks/manager", json={"manager": ANA},
                               headers=task_headers(coach), timeout=60)
        assert answer.status_code == 200, answer.text
    assert answer.json() == {"outcome": "synced",
                             "detail": "0 sections added in 1 reads of the calendar"}
    pairs = coach.store.pairs(ANA)
    assert len(pairs) == 5 and all(len(coach.store.meetings(p.key)) == 1 for p in pairs)
    assert coach.sandbox.calls("drive.files.create") == 5  # one doc per pair, made once


def test_a_rate_limited_task_is_queued_again_instead_of_waiting(served):
    coach, base = served
    coach.sandbox.tasks_settings(dispatchPaused=True)
    coach.sandbox.fault("calendar.events.list", status=429, reason="rateLimitExceeded", times=20)
    answer = requests.post(f"{base}/tasks/manager", json={"manager": ANA},
                           headers=task_headers(coach), timeout=60)
    assert answer.status_code == 200 and answer.json()["outcome"] == "deferred"
    queue = coach.app.task_queue()
    queued = list(queue._client.list_tasks(parent=coach.settings.tasks_queue))
    assert len(queued) == 1 and "-later" in queued[0].name
    assert queued[0].schedule_time.timestamp() >= coach.now().timestamp() + 25
    coach.sandbox.clear_faults()


@pytest.mark.parametrize("headers", [{}, {"X-AppEngine-QueueName": "other-queue"}])
def test_a_task_request_without_the_queues_header_is_refused(served, headers):
    coach, base = served
    answer = requests.post(f"{base}/tasks/manager", json={"manager": ANA}, headers=headers,
                           timeout=30)
    assert answer.status_code == 403
    assert coach.store.pairs() == []
    assert requests.get(f"{base}/tasks/sync", timeout=30).status_code == 403


def test_a_task_that_names_no_manager_is_not_retried(served):
    coach, base = served
    answer = requests.post(f"{base}/tasks/manager", data=b"{}", headers={
        **task_headers(coach), "Content-Type": "application/json"}, timeout=30)
    assert answer.status_code == 400


@pytest.fixture
def served_over_http(sandbox, tmp_path):
    """The service off App Engine: tasks are HTTP targets carrying Cloud Tasks' OIDC token."""
    coach = CoachHarness(sandbox, tmp_path, tasks="cloud", tasks_target="http")
    app = create_app(coach=coach.app, test_config={"TESTING": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    from dataclasses import replace
    coach.app.settings = replace(coach.app.settings, public_url=base)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield coach, base
    server.shutdown()


def test_off_app_engine_tasks_carry_an_oidc_token_and_others_are_refused(served_over_http):
    coach, base = served_over_http
    assert coach.app.task_queue().enqueue(ANA, key="now")
    drain(coach)
    (attempt,) = coach.sandbox.task_attempts()
    assert (attempt["url"], attempt["status"]) == (f"{base}/tasks/manager", 200)
    assert len([p for p in coach.store.pairs(ANA) if p.doc_id]) == 5
    for headers in (task_headers(coach), {"Authorization": "Bearer not-a-token"}):
        refused = requests.post(f"{base}/tasks/manager", json={"manager": ANA}, headers=headers,
                                timeout=30)
        assert refused.status_code == 403  # App Engine's header means nothing off App Engine
