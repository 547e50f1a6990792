"""A pass over the organisation: who is synced, and one sync each, every manager its own unit.

The same function backs ``coach sync``, the cron sweep and the task handler. A manager whose
sync fails is reported with the failure (method, status and reason; never note text) and the
pass goes on with the next one.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..domain.people import Directory, normalize_email
from ..errors import GoogleApiError, InputError
from ..ports import Store, Workspace
from .plans import align_access
from .rollout import RolloutService
from .sync import ManagerSync, SyncResult

log = logging.getLogger(__name__)


@dataclass
class PassResult:
    """What a pass did: one result per manager, or why it could not start."""

    results: list[SyncResult] = field(default_factory=list)
    failed: str | None = None  # the pass could not run at all (the directory could not be read)

    @property
    def failures(self) -> list[SyncResult]:
        return [r for r in self.results if r.failed]

    @property
    def complete(self) -> bool:
        return self.failed is None and not self.failures


def chosen_managers(directory: Directory, asked: Iterable[str],
                    coaches: Iterable[str] = ()) -> list[str]:
    """The managers asked for by email (any case).

    :raises InputError: someone is not in the directory, or has no reports (nor one-on-ones
        they marked themselves).
    """
    coaching = {normalize_email(c) for c in coaches}
    chosen = []
    for email in asked:
        person = directory.get(email)
        if person is None:
            raise InputError(f"{email} is not in the organisation's directory")
        if not directory.reports_of(person.email) and person.email not in coaching:
            raise InputError(f"{person.email} has no reports in the directory: nothing to sync")
        chosen.append(normalize_email(person.email))
    return chosen


@dataclass
class SyncPass:
    """One pass over managers with the given collaborators."""

    workspace: Workspace
    store: Store
    sync: ManagerSync
    rollout: RolloutService

    def run(self, managers: Iterable[str] | None = None,
            progress: Callable[[list[str]], Iterable[str]] = lambda x: x,
            *, write_agendas: bool = True, gather: bool = True) -> PassResult:
        """Sync each manager: agendas (``write_agendas``), then notes into plans (``gather``).

        Without ``managers``: the managers HR enabled who have not opted out.

        :raises InputError: a manager asked for is not one, or opted out.
        """
        try:
            directory = self.workspace.directory()
        except GoogleApiError as error:
            log.warning("directory could not be read: %s", error.summary)
            return PassResult(failed=f"the directory could not be read ({error.summary})")
        if managers:
            coaches = [m.marked_by for m in self.store.marks() if m.one_on_one]
            chosen = chosen_managers(directory, managers, coaches)
            stopped = self.rollout.opted_out() & set(chosen)
            if stopped:
                raise InputError(f"{', '.join(sorted(stopped))} opted out: the coach does not "
                                 "read their calendar.")
        else:
            try:
                chosen = self.rollout.managers_to_sync(directory)
            except InputError as error:
                log.warning("rollout cannot be applied: %s", error)
                return PassResult(failed=f"the rollout cannot be applied ({error})")
        outcome = PassResult()
        self._follow_moves(directory)
        for manager in progress(chosen):
            outcome.results.append(self._one(manager, directory, write_agendas, gather))
        return outcome

    def _one(self, manager: str, directory: Directory, write_agendas: bool,
             gather: bool) -> SyncResult:
        try:
            return self.sync.run(manager, directory, write_agendas=write_agendas, gather=gather)
        except GoogleApiError as error:
            log.warning("sync of a manager failed: %s", error.summary)
            return SyncResult(manager, failed=error.summary)
        except Exception as error:  # a defect: this manager fails, the pass goes on
            log.exception("sync of a manager failed unexpectedly")
            return SyncResult(manager, failed=f"internal error ({type(error).__name__})")

    def _follow_moves(self, directory: Directory) -> None:
        """Give each plan's access to the employee's current manager (after a team move)."""
        for plan in self.store.plans():
            person = directory.get(plan.employee)
            if person and person.manager_email and person.manager_email != plan.manager:
                try:
                    align_access(plan, person.manager_email,
                                 self.workspace.drive(plan.employee), self.store)
                except GoogleApiError as error:
                    log.warning("plan access could not follow a team move: %s", error.summary)
