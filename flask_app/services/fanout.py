"""The organisation's syncs as tasks: the sweep only enqueues one task per manager (the queues'
rates pace the organisation), and each task syncs its manager alone.

- A manager never synced goes on the first-sync queue, whose lower rate keeps a rollout's many
  doc writes within the Docs quota.
- A task's key names the manager's last sync, so while a manager's task still waits (a long
  queue), later sweeps do not add another; the key also carries the hour, so a task lost for
  good is replaced within the hour.
- A task is safe to deliver twice: the sync takes the manager's lease and writes nothing it
  already wrote. Its manager's push channel is opened or renewed in the task, not the sweep.
- A calendar change while the manager's sync runs flags that sync, which reads the calendar
  once more before it ends; one still coming in at its end queues a task a little later.
- When Google rate-limits a task's calls, the task does not hold a worker while it waits: it
  enqueues itself again for after the wait Google asked for and ends.
"""
from __future__ import annotations

import logging
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from ..domain.people import Directory
from ..errors import GoogleApiError, InputError
from ..ports import Clock, Store, TaskQueue
from .rollout import RolloutService
from .sync import ManagerSync
from .watching import Watching

log = logging.getLogger(__name__)
LONGEST_WAIT = timedelta(hours=1)
GATHER = timedelta(seconds=30)  # a calendar's changes in one window make one task, at its end
AGAIN = timedelta(seconds=10)  # a change at a sync's very end: the next task, a little later
ENQUEUERS = 8  # the sweep's concurrent calls to Cloud Tasks


@dataclass(frozen=True)
class Swept:
    enqueued: int = 0
    already_queued: int = 0  # a task of the manager's is still waiting
    first: int = 0  # of those enqueued, first syncs
    channels_stopped: int = 0
    failed: str | None = None  # the sweep could not run (the directory could not be read)


@dataclass(frozen=True)
class TaskDone:
    """What one task did: ``synced``, ``skipped`` (no longer enabled, or another sync of the
    manager runs and will look again), ``deferred`` (rate limited: queued again) or ``failed``
    (the queue retries it with backoff)."""

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
    store: Store
    watching: Watching | None  # None without a public URL for Google to post to
    enabled: Callable[[], frozenset[str]]  # whom tasks sync (not opted out), kept a while
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
        stopped = self.watching.stop_unwanted(set(managers)) if self.watching else 0
        synced = self.store.last_synced()
        hour = int(self.clock.now().timestamp() // 3600)

        def enqueue(manager: str) -> tuple[bool, bool]:
            last = synced.get(manager)
            if last is None:
                return self.queue.enqueue(manager, key=f"first-h{hour}", first=True), True
            return self.queue.enqueue(manager, key=f"after{int(last.timestamp())}-h{hour}"), False

        with ThreadPoolExecutor(ENQUEUERS) as pool:
            done = list(pool.map(enqueue, managers))
        made = sum(1 for queued, _ in done if queued)
        first = sum(1 for queued, is_first in done if queued and is_first)
        log.info("sweep: %d tasks enqueued (%d first syncs), %d still waiting, %d channels "
                 "stopped", made, first, len(managers) - made, stopped)
        return Swept(made, len(managers) - made, first, stopped)

    def notified(self, manager: str) -> str:
        """A change in ``manager``'s calendar: ``flagged`` (their sync is running and reads it
        again) or ``queued`` (a task at the end of the current half-minute, which gathers the
        changes that come with it)."""
        if self.sync.ask_again(manager):
            return "flagged"
        now = self.clock.now().timestamp()
        window = math.ceil(now / GATHER.total_seconds())
        wait = timedelta(seconds=window * GATHER.total_seconds() - now + 1)
        self.queue.enqueue(manager, key=f"push{window}", delay=wait)
        return "queued"

    def run_task(self, manager: str, attempt: int = 0) -> TaskDone:
        if manager.lower() not in self.enabled():
            return TaskDone("skipped", "not enabled, or opted out")
        if self.watching is not None:
            self.watching.ensure(manager.lower())
        try:
            result = self.sync.run(manager, self.directory())
        except GoogleApiError as error:
            log.warning("task failed: %s", error.summary)
            return TaskDone("failed", error.summary)
        if result.retry_after is not None:  # what was not done is done by the next task
            wait = min(timedelta(seconds=max(result.retry_after, 30 * 2 ** min(attempt, 6))),
                       LONGEST_WAIT)
            stamp = int((self.clock.now() + wait).timestamp())
            self.queue.enqueue(manager, key=f"later{stamp}", delay=wait)
            log.info("task rate limited; queued again in %s", wait)
            return TaskDone("deferred", f"rate limited; again in {wait}")
        if result.failed:
            return TaskDone("failed", result.failed)
        if result.skipped:
            return TaskDone("skipped", result.skipped)
        if result.again:
            stamp = int((self.clock.now() + AGAIN).timestamp())
            self.queue.enqueue(manager, key=f"again{stamp}", delay=AGAIN)
        return TaskDone("synced", f"{result.sections_added} sections added in "
                                  f"{result.rounds} reads of the calendar"
                                  + ("; queued again for a change at its end" if result.again
                                     else ""))
