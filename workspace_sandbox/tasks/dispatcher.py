"""The dispatcher: delivers due tasks of one world, as Cloud Tasks' push queues do.

Time: a task is due when its ``scheduleTime`` has come on the sandbox clock (real time plus the
offset tests advance), and retries wait on that clock too; the dispatcher itself waits in real
time. Every :data:`TICK` (or at once when an API call wakes it) it looks for due tasks, so a test
that advances the clock past a task's ``scheduleTime`` sees it dispatched within a tick. When
nothing changed since its last look (the ``tasks.schedule`` counter) and nothing has come due
yet, it does not look at the tasks at all; when it looks, it reads only the tasks it starts,
found in the world's index of waiting tasks by due time (see :mod:`store`), so a claim costs the
same with ten waiting tasks or ten thousand.

Dispatch honours each RUNNING queue's token bucket (``maxBurstSize`` tokens, refilled at
``maxDispatchesPerSecond`` on the sandbox clock, lowered by congestion control) and
``maxConcurrentDispatches``; :data:`WORKERS` threads send the requests, so at most that many
attempts run at once in the whole sandbox. An attempt holds its task with a lease in real time (its
deadline plus a margin), so a task whose attempt died with its process is dispatched again.
Several processes serving one world may each run a dispatcher: claims are transactions.
"""
from __future__ import annotations

import logging
import math
import queue
import sqlite3
import threading
import time

import requests
from flask import current_app

from workspace_sandbox.core.world import Tx, World
from workspace_sandbox.tasks import delivery, store

log = logging.getLogger(__name__)
TICK = 0.05
WORKERS = 16
CONFIG_KEY = "TASKS_DISPATCHER"


def wake_after_commit(tx: Tx, attempt: delivery.Attempt | None = None) -> None:
    """Once ``tx`` commits, wake this app's dispatcher (and hand it an attempt to send)."""
    dispatcher = current_app.config.get(CONFIG_KEY)
    if dispatcher is not None:
        tx.after_commit.append(lambda: dispatcher.send(attempt) if attempt else dispatcher.wake())


class Dispatcher:
    """Background threads that deliver the due tasks of a world; ``start()`` and ``stop()``."""

    def __init__(self, world: World):
        self.world = world
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._jobs: queue.Queue = queue.Queue()
        self._busy = 0
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._local = threading.local()
        self._seen: tuple | None = None     # (world id, schedule counter) at the last look
        self._next_due = 0.0                # when something comes due (sandbox epoch seconds)

    def start(self) -> "Dispatcher":
        self._threads = [threading.Thread(target=self._schedule_forever, daemon=True,
                                          name="tasks-scheduler")]
        self._threads += [threading.Thread(target=self._work_forever, daemon=True,
                                           name=f"tasks-worker-{i}") for i in range(WORKERS)]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop dispatching; wait up to ``timeout`` seconds for running attempts to end."""
        self._stopping.set()
        self._wake.set()
        for _ in range(WORKERS):
            self._jobs.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def wake(self) -> None:
        self._wake.set()

    def send(self, attempt: delivery.Attempt) -> None:
        """Send an attempt already claimed (RunTask's), whatever the queue's limits."""
        with self._lock:
            self._busy += 1
        self._jobs.put(attempt)

    # --- claiming ---------------------------------------------------------------------------
    def _schedule_forever(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(TICK)
            self._wake.clear()
            with self._lock:
                free = WORKERS - self._busy
            try:
                with self.world.transaction() as tx:
                    attempts = self._claim(tx, free)
            except sqlite3.Error:
                log.exception("Cloud Tasks dispatcher: claiming failed")
                continue
            with self._lock:
                self._busy += len(attempts)
            for attempt in attempts:
                self._jobs.put(attempt)

    def _claim(self, tx: Tx, free: int) -> list[delivery.Attempt]:
        """Start the attempts the queues' limits and ``free`` workers allow now."""
        if store.setting(tx, "tasks.dispatch_paused"):
            self._seen = None
            return []
        seen, now = (tx.setting("world_id", ""), tx.counter(store.SCHEDULE)), store.epoch(tx)
        if seen == self._seen and now < self._next_due:
            return []
        attempts: list[delivery.Attempt] = []
        next_due = math.inf
        for name, queue_record in tx.items(store.QUEUE):
            if queue_record["queue"]["state"] != "RUNNING":
                continue
            started, due = self._claim_queue(tx, name, queue_record, now, free - len(attempts))
            attempts += started
            next_due = min(next_due, due)
        self._seen = (seen[0], tx.counter(store.SCHEDULE))
        self._next_due = next_due
        return attempts

    def _claim_queue(self, tx: Tx, name: str, record: dict, now: float,
                     free: int) -> tuple[list[delivery.Attempt], float]:
        """One queue's attempts to start now, and when it next needs a look. It reads only the
        tasks it starts (and one more), through the world's index of waiting tasks by time."""
        real = time.time()
        if not store.ready(tx, name, now, real, 1):
            later = store.next_due(tx, name, now, real)
            return [], math.inf if later is None else later
        rates = record["queue"]["rateLimits"]
        rate = rates["maxDispatchesPerSecond"] * record["throttle"]
        bucket = record["bucket"]
        bucket["tokens"] = min(rates["maxBurstSize"],
                               bucket["tokens"] + max(0.0, now - bucket["at"]) * rate)
        bucket["at"] = now
        room = max(0, min(rates["maxConcurrentDispatches"] - store.held(tx, name, real),
                          int(bucket["tokens"]), free))
        ready = store.ready(tx, name, now, real, room + 1)  # one more: does any have to wait?
        started = []
        for task_name, _ in ready[:room]:
            task = store.get_task(tx, task_name)
            if task is None:  # its task is gone (a world edited outside the API)
                store.unschedule(tx, task_name)
                continue
            started.append(delivery.start(tx, task, record))
        room = len(started)
        bucket["tokens"] -= room
        store.put_queue(tx, record)
        later = store.next_due(tx, name, now, real)
        later = math.inf if later is None else later
        if room < len(ready) and bucket["tokens"] < 1:
            later = min(later, now + (1 - bucket["tokens"]) / rate)
        return started, later

    # --- sending ----------------------------------------------------------------------------
    def _work_forever(self) -> None:
        while True:
            attempt = self._jobs.get()
            if attempt is None:
                return
            try:
                outcome = self._deliver(attempt)
                with self.world.transaction() as tx:
                    delivery.finish(tx, attempt, outcome)
            except sqlite3.Error:
                log.exception("Cloud Tasks dispatcher: recording an attempt failed")
            finally:
                with self._lock:
                    self._busy -= 1
                self._wake.set()

    def _deliver(self, attempt: delivery.Attempt) -> delivery.Outcome:
        if attempt.url is None:
            return delivery.Outcome(None, "no App Engine target is set for the task's service")
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False  # REQUESTS_CA_BUNDLE would override each request's verify
        began = time.monotonic()
        try:
            response = session.request(attempt.method, attempt.url, headers=attempt.headers,
                                       data=attempt.body or None, timeout=attempt.timeout,
                                       allow_redirects=attempt.kind == "http",
                                       verify=attempt.verify)
        except requests.Timeout:
            return delivery.Outcome(None, "timeout", (time.monotonic() - began) * 1000)
        except requests.RequestException as error:
            return delivery.Outcome(None, str(error), (time.monotonic() - began) * 1000)
        retry_after = response.headers.get("Retry-After", "")
        return delivery.Outcome(response.status_code, None, (time.monotonic() - began) * 1000,
                                float(retry_after) if retry_after.isdigit() else None)
