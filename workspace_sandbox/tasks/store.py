"""Where Cloud Tasks' queues and tasks live in the world.

- ``tasks.queue`` (key: queue name): ``{queue: <Queue JSON>, bucket: {tokens, at}, throttle}``;
  ``bucket`` is the queue's token bucket, ``throttle`` the share of its rate that congestion
  control leaves it (1 = none).
- ``tasks.task`` (key: task name, parent: queue name): ``{task: <Task JSON, body included>,
  previous?: {status, reason}}``; ``previous`` is what the last attempt's answer was.
- ``tasks.due`` (key: task name, parent: queue name): ``{at, lease}`` while a task waits: ``at``
  is when it is due (sandbox clock, epoch seconds), ``lease`` the real time until which an attempt
  holds it. The ``tasks.schedule`` counter moves at every change of these and of queues, so a
  dispatcher can tell when there is nothing new to look at.
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
    tx.put(DUE, name, {"at": at, "lease": lease}, parent=name.rpartition("/tasks/")[0])
    tx.add(SCHEDULE)


def due_rows(tx: Tx, queue: str) -> list[tuple[str, dict]]:
    return tx.items(DUE, parent=queue)


def remove_task(tx: Tx, name: str) -> None:
    """Forget a completed, failed or deleted task; its name stays taken for a while."""
    tx.delete(TASK, name)
    tx.delete(DUE, name)
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
