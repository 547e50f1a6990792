"""What the sandbox does the same since its cost stopped growing with the world: push messages
delivered by a pool of threads (concurrent across channels, in order within one), and Cloud
Tasks claimed from an index of waiting tasks by due time (earliest first, within the rate, a
kept world's waiting tasks still dispatched)."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from workspace_sandbox import SandboxClient, SandboxServer, seed_world
from workspace_sandbox.tasks import store

CAL = "https://www.googleapis.com/auth/calendar"
CLOUD = "https://www.googleapis.com/auth/cloud-platform"
ACCOUNT = "coach-sync@one-on-one-coach.iam.gserviceaccount.com"
QUEUE = "projects/one-on-one-coach/locations/europe-west1/queues/backlog"
PEOPLE = [f"person{n}@example.com" for n in range(6)]


class SlowReceiver:
    """An HTTP server on 127.0.0.1 that takes ``delay`` seconds per POST and records, per
    channel, the message numbers and states in arrival order, and how many were in flight."""

    def __init__(self, delay: float):
        self.delay = delay
        self.lock = threading.Lock()
        self.by_channel: dict[str, list[tuple[int, str]]] = {}
        self.paths: list[str] = []
        self.running, self.most_running = 0, 0
        self.running_per_channel: dict[str, int] = {}
        self.most_per_channel = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                channel = self.headers.get("X-Goog-Channel-ID", "")
                with outer.lock:
                    outer.running += 1
                    outer.most_running = max(outer.most_running, outer.running)
                    now = outer.running_per_channel.get(channel, 0) + 1
                    outer.running_per_channel[channel] = now
                    outer.most_per_channel = max(outer.most_per_channel, now)
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                time.sleep(outer.delay)
                with outer.lock:
                    outer.running -= 1
                    outer.running_per_channel[channel] -= 1
                    if channel:
                        outer.by_channel.setdefault(channel, []).append(
                            (int(self.headers["X-Goog-Message-Number"]),
                             self.headers["X-Goog-Resource-State"]))
                    else:
                        outer.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self) -> int:
        with self.lock:
            return sum(len(m) for m in self.by_channel.values()) + len(self.paths)

    def wait(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.received() < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.received() >= count, f"{self.received()} of {count} arrived"


@pytest.fixture
def slow_receiver(empty_sandbox):
    empty_sandbox.call("PUT", "/calendar/settings", json={"allowHttpReceivers": True})
    server = SlowReceiver(delay=0.2)
    yield server
    server.server.shutdown()
    server.server.server_close()


def api(sandbox, token: str, method: str, path: str, **kwargs):
    response = requests.request(method, sandbox.url + path, verify=sandbox.ca_file, timeout=30,
                                headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _event(n: int) -> dict:
    start = f"2026-12-0{1 + n % 5}T10:{n % 6}0:00Z"
    return {"summary": f"change {n}", "start": {"dateTime": start},
            "end": {"dateTime": start.replace("T10", "T11")}}


def test_push_messages_go_out_concurrently_but_in_order_per_channel(empty_sandbox,
                                                                   slow_receiver):
    tokens = {person: empty_sandbox.token(person, [CAL]) for person in PEOPLE}
    for n, person in enumerate(PEOPLE):
        api(empty_sandbox, tokens[person], "POST",
            "/calendar/v3/calendars/primary/events/watch",
            json={"id": f"channel-{n}", "type": "web_hook", "address": slow_receiver.url})
    changes = 5
    for n in range(changes):  # quick changes on every calendar: messages queue up per channel
        for person in PEOPLE:
            api(empty_sandbox, tokens[person], "POST", "/calendar/v3/calendars/primary/events",
                json=_event(n))
    slow_receiver.wait(len(PEOPLE) * (1 + changes))

    assert slow_receiver.most_running > 1          # channels are served at once...
    assert slow_receiver.most_per_channel == 1     # ...but one message at a time per channel
    for n in range(len(PEOPLE)):
        messages = slow_receiver.by_channel[f"channel-{n}"]
        assert messages == [(1, "sync")] + [(k, "exists") for k in range(2, changes + 2)]
    outcomes = empty_sandbox.call("GET", "/calendar/notifications")["notifications"]
    assert len(outcomes) == len(PEOPLE) * (1 + changes)
    assert {row["status"] for row in outcomes} == {"delivered"}


def _task(url: str, name: str | None = None, schedule: str | None = None) -> dict:
    task = {"httpRequest": {"url": url, "httpMethod": "POST"}}
    if name:
        task["name"] = f"{QUEUE}/tasks/{name}"
    if schedule:
        task["scheduleTime"] = schedule
    return {"task": task}


def test_waiting_tasks_are_dispatched_earliest_first_within_the_rate(empty_sandbox,
                                                                    slow_receiver):
    token = empty_sandbox.token(ACCOUNT, [CLOUD])
    slow_receiver.delay = 0.0
    api(empty_sandbox, token, "POST", f"/v2/{QUEUE.rpartition('/queues/')[0]}/queues",
        json={"name": QUEUE, "rateLimits": {"maxDispatchesPerSecond": 5,
                                            "maxConcurrentDispatches": 1}})
    empty_sandbox.tasks_settings(dispatchPaused=True)
    now = empty_sandbox.now()
    # made in the reverse of their due order, and one due an hour later than the others
    for n in reversed(range(8)):
        due = (now + timedelta(minutes=1 + n)).isoformat().replace("+00:00", "Z")
        api(empty_sandbox, token, "POST", f"/v2/{QUEUE}/tasks",
            json=_task(f"{slow_receiver.url}/t{n}", f"t{n}", due))
    later = (now + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    api(empty_sandbox, token, "POST", f"/v2/{QUEUE}/tasks",
        json=_task(f"{slow_receiver.url}/later", "later", later))
    empty_sandbox.advance(10 * 60)
    empty_sandbox.tasks_settings(dispatchPaused=False)
    slow_receiver.wait(8)
    outcome = empty_sandbox.drain_tasks(10)
    assert outcome["drained"], outcome

    assert slow_receiver.paths == [f"/t{n}" for n in range(8)]
    attempts = [a for a in empty_sandbox.task_attempts() if a["outcome"] == "completed"]
    times = sorted(datetime.fromisoformat(a["dispatchTime"]).timestamp() for a in attempts)
    assert times[-1] - times[0] >= (8 - 5) / 5 - 0.1  # a burst of 5, then 5 a second
    left = api(empty_sandbox, token, "GET", f"/v2/{QUEUE}/tasks")["tasks"]
    assert [t["name"].rpartition("/")[2] for t in left] == ["later"]
    empty_sandbox.advance(2 * 3600)
    slow_receiver.wait(9)
    assert slow_receiver.paths[-1] == "/later"


def test_a_kept_worlds_waiting_tasks_are_moved_to_the_index_and_dispatched(tmp_path):
    """A world written before waiting tasks were timed keeps them as ``tasks.due`` objects; a
    server opening it moves them, and the dispatcher then delivers them."""
    receiver = SlowReceiver(delay=0.0)
    server = SandboxServer(tmp_path / "kept")
    try:
        seed_world(server.world, empty=True)
        server.start()
        sandbox = SandboxClient(server.url, server.ca_file)
        token = sandbox.token(ACCOUNT, [CLOUD])
        api(sandbox, token, "POST", f"/v2/{QUEUE.rpartition('/queues/')[0]}/queues",
            json={"name": QUEUE})
        sandbox.tasks_settings(dispatchPaused=True)
        api(sandbox, token, "POST", f"/v2/{QUEUE}/tasks",
            json=_task(f"{receiver.url}/kept", "kept"))
        with server.world.transaction() as tx:  # as an older sandbox kept it
            (name, at), = store.ready(tx, QUEUE, store.epoch(tx), time.time(), 10)
            store.unschedule(tx, name)
            tx.put(store.DUE, name, {"at": at, "lease": None}, parent=QUEUE)
        server.stop()

        again = SandboxServer(tmp_path / "kept").start()
        try:
            with again.world.transaction() as tx:
                assert tx.items(store.DUE) == []
                assert [n for n, _ in store.ready(tx, QUEUE, store.epoch(tx), time.time(),
                                                  10)] == [name]
            SandboxClient(again.url, again.ca_file).tasks_settings(dispatchPaused=False)
            receiver.wait(1)
            assert receiver.paths == ["/kept"]
        finally:
            again.stop()
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
