"""Where Cloud Tasks' queues and tasks live in the world.

- ``tasks.queue`` (key: queue name): ``{queue: <Queue JSON>, bucket: {tokens, at}, throttle}``;
  ``bucket`` is the queue's token bucket, ``throttle`` the share of its rate that congestion
  control leaves it (1 = none).
- ``tasks.task`` (key: task name, parent: queue name): ``{task: <Task JSON, body included>,
  previous?: {status, reason}}``; ``previous`` is what the last attempt's answer was.
- ``tasks.due`` (in the world's ``timed`` table, key: task name, parent: queue name): ``at``,
  ``hold`` while a task waits: ``at`` is when it is due (sandbox clock, epoch seconds), ``hold``
  (the lease) the real time until which an attempt holds it. Indexed by time, so a dispatcher
  finds the few due tasks without reading every waiting one. The ``tasks.schedule`` counter moves
  at every change of these and of queues, so a dispatcher can tell when there is nothing new to
  look at.
- ``tasks.tombstone`` (key: task or queue name): ``{until}``: a name that existed recently and
  cannot be used again before ``until`` (sandbox clock).
- ``tasks.attempt`` (key: a sequence number): every dispatch attempt, for the control plane.
"""
from __future__ import annotations

from workspace_sandbox.core.world import Tx
from workspace_sandbox.tasks.errors import QUEUE_NOT_FOUND, not_found

QUEUE, TASK, DUE, TOMBSTONE, ATTEMPT = (
    "tasks.queue", "tasks.task", "tasks.due", "tasks.tombstone", "tasks.attempt")
SCHEDULE = "tasks.schedule"
# Sandbox settings: world setting -> default. Google releases a task name ~1 hour after the task
# completed or was deleted in queues made through the API (the current API reference says "up to
# 24 hours"); a deleted queue's name is held "up to 3 days".
DEFAULTS = {"tasks.task_tombstone_seconds": 3600, "tasks.queue_tombstone_seconds": 3 * 86400,
            "tasks.targets": {}, "tasks.dispatch_paused": False, "tasks.receiver_ca_file": None}


def setting(tx: Tx, name: str):
    return tx.setting(name, DEFAULTS[name])


def epoch(tx: Tx) -> float:
    """Now on the sandbox clock, in epoch seconds."""
    return tx.now().timestamp()


def get_queue(tx: Tx, name: str) -> dict | None:
    return tx.get(QUEUE, name)


def live_queue(tx: Tx, name: str) -> dict:
    """The record of an existing queue, or Google's 404 for a queue that does not exist."""
    record = tx.get(QUEUE, name)
    if record is None:
        raise not_found(QUEUE_NOT_FOUND)
    return record


def put_queue(tx: Tx, record: dict) -> None:
    tx.put(QUEUE, record["queue"]["name"], record)
    tx.add(SCHEDULE)


def get_task(tx: Tx, name: str) -> dict | None:
    return tx.get(TASK, name)


def put_task(tx: Tx, record: dict) -> None:
    name = record["task"]["name"]
    tx.put(TASK, name, record, parent=name.rpartition("/tasks/")[0])


def schedule(tx: Tx, name: str, at: float, lease: float | None = None) -> None:
    """Make a task wait until ``at`` (or be held by an attempt until the real time ``lease``)."""
    tx.set_time(DUE, name, at, lease, parent=name.rpartition("/tasks/")[0])
    tx.add(SCHEDULE)


def unschedule(tx: Tx, name: str) -> None:
    tx.drop_time(DUE, name)


def ready(tx: Tx, queue: str, now: float, real: float, limit: int) -> list[tuple[str, float]]:
    """Up to ``limit`` ``(task name, due at)`` of a queue due by ``now`` (sandbox clock) and held
    by no attempt at the real time ``real``, earliest first, then by name."""
    return tx.due(DUE, queue, now, real, limit)


def count_ready(tx: Tx, queue: str, now: float, real: float) -> int:
    return tx.count_due(DUE, queue, now, real)


def held(tx: Tx, queue: str, real: float) -> int:
    """How many of a queue's tasks an attempt holds at the real time ``real``."""
    return tx.count_held(DUE, queue, real)


def next_due(tx: Tx, queue: str, now: float, real: float) -> float | None:
    """When the next task of a queue not held at ``real`` comes due after ``now``."""
    return tx.next_time(DUE, queue, now, real)


def upgrade_due(tx: Tx) -> None:
    """Move the waiting tasks of a world kept from before they were timed (kept as objects of
    kind ``tasks.due``) into the timed table; nothing to do in any other world."""
    for name, row in tx.items(DUE):
        tx.set_time(DUE, name, row["at"], row.get("lease"), parent=name.rpartition("/tasks/")[0])
    tx.delete_kind(DUE)


def remove_task(tx: Tx, name: str) -> None:
    """Forget a completed, failed or deleted task; its name stays taken for a while."""
    tx.delete(TASK, name)
    tx.drop_time(DUE, name)
    tx.add(SCHEDULE)
    bury(tx, name, setting(tx, "tasks.task_tombstone_seconds"))


def bury(tx: Tx, name: str, seconds: float) -> None:
    tx.put(TOMBSTONE, name, {"until": epoch(tx) + seconds})


def tombstoned(tx: Tx, name: str) -> bool:
    """Whether ``name`` existed too recently to be used again."""
    stone = tx.get(TOMBSTONE, name)
    if stone is not None and stone["until"] <= epoch(tx):
        tx.delete(TOMBSTONE, name)
        return False
    return stone is not None


def record_attempt(tx: Tx, row: dict) -> None:
    tx.put(ATTEMPT, f"{tx.next_value(ATTEMPT):010d}", row)


def attempts(tx: Tx) -> list[dict]:
    return [row for _, row in tx.items(ATTEMPT)]
