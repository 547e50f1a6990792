"""The fan-out's decisions on the fakes: which queue and key a sweep gives each manager, what a
push message does while the manager's sync runs, and the task queued for a change that came in
at a sync's very end."""
from __future__ import annotations

from datetime import timedelta

import pytest

from flask_app.errors import RateLimited
from flask_app.services.fanout import FanOut
from flask_app.services.sync import ManagerSync
from tests.services.conftest import ANA, FANG, MONDAY, Org, weekly


class Queue:
    """The TaskQueue port in memory: names are (manager, key, first), as Cloud Tasks' are."""

    def __init__(self):
        self.tasks: dict[tuple[str, str, bool], timedelta] = {}

    def enqueue(self, manager, *, key, delay=timedelta(0), first=False):
        name = (manager, key, first)
        if name in self.tasks:
            return False
        self.tasks[name] = delay
        return True


@pytest.fixture
def fan(world: Org):
    queue = Queue()
    fan = FanOut(world.rollout(), world.sync, queue, world.store, None,
                 lambda: frozenset(world.rollout().managers_to_sync(world.google.people)),
                 lambda: world.google.people, lambda: world.google.people, world.clock)
    return fan, queue


def test_a_sweep_puts_first_syncs_on_their_queue_and_adds_nothing_while_a_task_waits(world, fan):
    fan, queue = fan
    everyone = len(world.rollout().managers_to_sync(world.google.people))
    swept = fan.sweep()
    assert (swept.enqueued, swept.first) == (everyone, everyone)
    assert all(first and key.startswith("first-h") for _, key, first in queue.tasks)
    assert fan.sweep().already_queued == everyone  # still waiting: the same names
    fan.run_task(ANA)
    world.clock.advance(timedelta(minutes=15))
    again = fan.sweep()
    assert (again.enqueued, again.first) == (1, 0)  # Ana was synced: her next sync
    (name,) = [n for n in queue.tasks if n[0] == ANA and not n[2]]
    assert name[1].startswith(f"after{int(world.store.last_synced()[ANA].timestamp())}-h")
    world.clock.advance(timedelta(hours=1))
    assert fan.sweep().enqueued == everyone  # tasks lost for good are replaced within the hour


def test_a_push_message_flags_a_running_sync_and_else_queues_a_gathering_task(world, fan):
    fan, queue = fan
    assert fan.notified(ANA) == "queued"
    ((manager, key, first), delay), = queue.tasks.items()
    assert (manager, first) == (ANA, False) and key.startswith("push")
    assert timedelta(seconds=1) <= delay <= timedelta(seconds=31)
    assert fan.notified(ANA) == "queued" and len(queue.tasks) == 1  # gathered into that task
    assert world.store.take_lease(f"sync:{ANA}", "a running sync",
                                  MONDAY + timedelta(minutes=10), MONDAY)
    world.clock.advance(timedelta(minutes=1))
    assert fan.notified(ANA) == "flagged" and len(queue.tasks) == 1
    assert world.store.lease(f"sync:{ANA}").flagged


def test_a_change_at_a_syncs_very_end_queues_the_next_task(world, fan):
    fan, queue = fan
    other = ManagerSync(world.workspace, world.store, world.clock, world.sync.templates,
                        world.sync.settings, sleep=lambda seconds: None)

    def changed_meanwhile():  # after every read of Ana's calendar, another change
        world.google.put_event(weekly(f"af{len(world.google.events)}", ANA, FANG,
                                      MONDAY + timedelta(days=2)))
        other.run(ANA, world.google.people)
        world.google.after("calendar.changes", changed_meanwhile)

    world.google.after("calendar.changes", changed_meanwhile)
    done = fan.run_task(ANA)
    assert done.outcome == "synced" and "queued again" in done.detail
    ((manager, key, first), delay), = queue.tasks.items()
    assert (manager, first, delay) == (ANA, False, timedelta(seconds=10))
    assert key.startswith("again")


@pytest.mark.parametrize("limit, attempt, wait", [
    (RateLimited(429, "rateLimitExceeded", "slow down", retry_after=120), 0, 120),  # as asked
    (RateLimited(403, "userRateLimitExceeded", "slow down"), 0, 30),  # no Retry-After: backoff
    (RateLimited(403, "userRateLimitExceeded", "slow down"), 3, 240),  # doubling per attempt
    (RateLimited(429, "rateLimitExceeded", "slow down", retry_after=7200), 0, 3600),  # capped
])
def test_a_rate_limited_task_queues_itself_for_after_the_wait(world, fan, limit, attempt, wait):
    fan, queue = fan
    world.google.fail("calendar.changes", limit)
    done = fan.run_task(ANA, attempt)
    assert done.outcome == "deferred" and not done.retry  # no worker waits, no queue retry
    ((manager, key, first), delay), = queue.tasks.items()
    assert (manager, first, delay) == (ANA, False, timedelta(seconds=wait))
    assert key == f"later{int((world.clock.now() + delay).timestamp())}"
