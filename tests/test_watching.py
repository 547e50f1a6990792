"""Push channels on the sandbox: the sweep opens one per enabled manager; a one-on-one booked in a
watched calendar gets its agenda through notification → task → sync, with no sweep; forged
notifications are refused; channels are renewed before they expire and stopped on opt-out."""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
import requests
from werkzeug.serving import make_server

from flask_app import create_app
from flask_app.services.watching import digest
from tests.conftest import CoachHarness

LENA, RAVI = "lena.fischer@example.com", "ravi.kumar@example.com"
CRON = {"X-Appengine-Cron": "true"}


@pytest.fixture
def served(sandbox, tmp_path):
    coach = CoachHarness(sandbox, tmp_path, tasks="cloud")
    app = create_app(coach=coach.app, test_config={"TESTING": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    coach.app.settings = replace(coach.app.settings, public_url=base)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sandbox.tasks_target(base)
    sandbox.call("PUT", "/calendar/settings", json={"allowHttpReceivers": True})
    yield coach, base
    server.shutdown()


def deliveries(coach):
    return coach.sandbox.call("GET", "/calendar/notifications")["notifications"]


def settle(coach, seconds=20):
    """Wait until every push message was delivered and every task has run."""
    deadline = time.monotonic() + seconds
    while any(d["status"] == "pending" for d in deliveries(coach)):
        assert time.monotonic() < deadline, "push messages still pending"
        time.sleep(0.1)
    outcome = coach.sandbox.drain_tasks(seconds)
    assert outcome["drained"], outcome


def sweep(coach, base):
    answer = requests.get(f"{base}/tasks/sync", headers=CRON, timeout=60)
    assert answer.status_code == 200, answer.text
    settle(coach)


def book_one_on_one(coach):
    start = (coach.now() + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    coach.service("calendar", LENA).events().insert(calendarId="primary", body={
        "summary": "Lena / Ravi 1:1",
        "start": {"dateTime": start.isoformat(), "timeZone": "Europe/Berlin"},
        "end": {"dateTime": (start + timedelta(minutes=30)).isoformat(),
                "timeZone": "Europe/Berlin"},
        "attendees": [{"email": RAVI}], "recurrence": ["RRULE:FREQ=WEEKLY"]}).execute()


def test_a_one_on_one_booked_in_a_watched_calendar_gets_its_agenda_without_a_sweep(served):
    coach, base = served
    sweep(coach, base)
    assert len(coach.store.channels()) == 10
    assert {d["state"] for d in deliveries(coach)} >= {"sync"}
    assert all(d["status"] == "delivered" for d in deliveries(coach))
    assert coach.store.pair(LENA, RAVI) is None or not coach.store.pair(LENA, RAVI).doc_id
    before = coach.sandbox.task_attempts()
    book_one_on_one(coach)
    settle(coach)
    assert len(coach.sandbox.task_attempts()) == len(before)  # gathered for half a minute
    coach.sandbox.advance(35)
    settle(coach)
    pair = coach.store.pair(LENA, RAVI)
    assert pair is not None and pair.doc_id  # the notification's task made it
    assert len(coach.store.meetings(pair.key)) == 1
    new = coach.sandbox.task_attempts()[len(before):]
    assert new and all(a["url"].endswith("/tasks/manager") for a in new)


def test_forged_notifications_are_refused_and_logged_without_their_token(served, caplog):
    coach, base = served
    sweep(coach, base)
    record = coach.store.channel(LENA)
    token = "known-only-to-the-test"  # Lena's channel, as if its token were this one
    coach.store.save_channel(replace(record, token_digest=digest(token)))
    headers = {"X-Goog-Channel-ID": record.channel_id, "X-Goog-Channel-Token": "guessed",
               "X-Goog-Resource-ID": record.resource_id, "X-Goog-Resource-State": "exists"}
    post = f"{base}/notifications/calendar"
    tasks = len(coach.sandbox.task_attempts())
    refused = {"wrong channel token": (headers, 403),
               "unknown channel": ({**headers, "X-Goog-Channel-ID": "0" * 32}, 404),
               "stale resource id": ({**headers, "X-Goog-Channel-Token": token,
                                      "X-Goog-Resource-ID": "an-older-resource"}, 403)}
    for why, (forged, status) in refused.items():
        assert requests.post(post, headers=forged, timeout=30).status_code == status, why
    logged = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert [line.rsplit(": ", 1)[1] for line in logged] == list(refused)
    assert not any("guessed" in line or token in line for line in caplog.messages)
    settle(coach)
    assert len(coach.sandbox.task_attempts()) == tasks  # nothing was enqueued


def test_channels_are_renewed_by_the_tasks_before_they_expire_and_stopped_on_opt_out(served):
    coach, base = served
    sweep(coach, base)
    before = {r.manager: r for r in coach.store.channels()}
    first = before[LENA]
    lifetimes = sorted(r.expiration - coach.now() for r in before.values())
    assert timedelta(days=5) <= lifetimes[0] < lifetimes[-1] <= timedelta(days=7)  # spread
    coach.sandbox.advance(timedelta(days=6, hours=12).total_seconds())
    sweep(coach, base)  # each manager's task renews its channel
    after = {r.manager: r for r in coach.store.channels()}
    assert after.keys() == before.keys()
    assert all(after[m].channel_id != before[m].channel_id
               and after[m].expiration > before[m].expiration for m in before)
    second = after[LENA]
    stale = {"X-Goog-Channel-ID": first.channel_id, "X-Goog-Channel-Token": "x",
             "X-Goog-Resource-ID": first.resource_id, "X-Goog-Resource-State": "exists"}
    assert requests.post(f"{base}/notifications/calendar", headers=stale,
                         timeout=30).status_code == 404  # the old channel is gone

    coach.app.rollout().opt_out(LENA)
    assert coach.store.channel(LENA) is None
    settle(coach)
    sent = len(deliveries(coach))
    book_one_on_one(coach)  # Lena's calendar changes: nobody is told
    time.sleep(0.5)
    assert [d for d in deliveries(coach)[sent:] if d["channelId"] == second.channel_id] == []
    late = requests.post(f"{base}/tasks/manager", json={"manager": LENA}, timeout=60,
                         headers={"X-AppEngine-QueueName": "manager-sync"})
    assert late.json()["outcome"] == "skipped"  # a task queued before she opted out
    assert coach.store.channel(LENA) is None  # opens no channel again


def test_a_change_while_the_managers_sync_runs_flags_that_sync_instead_of_queueing(served):
    coach, base = served
    sweep(coach, base)
    coach.sandbox.advance(35)  # the tasks of the service's own changes (docs attached) run
    settle(coach)
    tasks = len(coach.sandbox.task_attempts())
    running = coach.app.manager_sync()
    running.owner = "a sync under way"
    assert coach.store.take_lease(f"sync:{LENA}", running.owner,
                                  coach.now() + timedelta(minutes=10), coach.now())
    book_one_on_one(coach)
    settle(coach)
    coach.sandbox.advance(35)
    settle(coach)
    assert len(coach.sandbox.task_attempts()) == tasks  # no task: the running sync was told
    assert coach.store.lease(f"sync:{LENA}").flagged
    result = running.run(LENA, coach.app.directory())  # that sync goes on, and reads again
    assert result.rounds == 2 and not result.again
    pair = coach.store.pair(LENA, RAVI)
    assert pair is not None and pair.doc_id and len(coach.store.meetings(pair.key)) == 1


def test_the_sweep_stops_the_channels_of_managers_no_longer_enabled(served):
    coach, base = served
    sweep(coach, base)
    channels = {r.manager for r in coach.store.channels()}
    coach.store.save_rollout(replace(coach.store.rollout(), units=["/Engineering"]))
    answer = requests.get(f"{base}/tasks/sync", headers=CRON, timeout=60).json()
    kept = {r.manager for r in coach.store.channels()}
    assert answer["channels_stopped"] == len(channels - kept) > 0 and kept < channels
    enabled = set(coach.app.rollout().managers_to_sync(coach.app.directory()))
    assert kept <= enabled
