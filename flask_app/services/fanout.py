"""The organisation's syncs as tasks: the sweep only enqueues one task per manager (the queue's
rates pace the organisation), and each task syncs its manager alone.

A task is safe to deliver twice: the sync takes the manager's lease and writes nothing it
already wrote. When Google rate-limits a task's calls, the task does not hold a worker while it
waits: it enqueues itself again for after the wait Google asked for and ends.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from ..domain.people import Directory
from ..errors import GoogleApiError, InputError
from ..ports import Clock, TaskQueue
from .rollout import RolloutService
from .sync import ManagerSync

log = logging.getLogger(__name__)
LONGEST_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class Swept:
    enqueued: int = 0
    already_queued: int = 0
    failed: str | None = None  # the sweep could not run (the directory could not be read)


@dataclass(frozen=True)
class TaskDone:
    """What one task did: ``synced``, ``skipped`` (no longer enabled), ``deferred`` (rate
    limited: queued again) or ``failed`` (the queue retries it with backoff)."""

    outcome: str
    detail: str = ""

    @property
    def retry(self) -> bool:
        return self.outcome == "failed"


@dataclass
class FanOut:
    rollout: RolloutService
    sync: ManagerSync
    queue: TaskQueue
    directory: Callable[[], Directory]  # recently read: a task does not re-read the directory
    fresh_directory: Callable[[], Directory]  # the sweep reads it afresh
    clock: Clock

    def sweep(self) -> Swept:
        try:
            managers = self.rollout.managers_to_sync(self.fresh_directory())
        except (GoogleApiError, InputError) as error:
            reason = error.summary if isinstance(error, GoogleApiError) else str(error)
            log.warning("sweep could not run: %s", reason)
            return Swept(failed=reason)
        made = sum(1 for manager in managers if self.queue.enqueue(manager))
        log.info("sweep: %d tasks enqueued, %d already queued", made, len(managers) - made)
        return Swept(made, len(managers) - made)

    def run_task(self, manager: str, attempt: int = 0) -> TaskDone:
        directory = self.directory()
        if manager.lower() not in self.rollout.managers_to_sync(directory):
            return TaskDone("skipped", "not enabled, or opted out")
        try:
            result = self.sync.run(manager, directory)
        except GoogleApiError as error:
            log.warning("task failed: %s", error.summary)
            return TaskDone("failed", error.summary)
        if result.retry_after is not None:  # what was not done is done by the next task
            wait = min(timedelta(seconds=max(result.retry_after, 30 * 2 ** min(attempt, 6))),
                       LONGEST_WAIT)
            stamp = int((self.clock.now() + wait).timestamp())
            self.queue.enqueue(manager, delay=wait, dedupe_key=f"later{stamp}")
            log.info("task rate limited; queued again in %s", wait)
            return TaskDone("deferred", f"rate limited; again in {wait}")
        if result.failed:
            return TaskDone("failed", result.failed)
        if result.skipped:
            return TaskDone("skipped", result.skipped)
        return TaskDone("synced", f"{result.sections_added} sections added")
