"""The composition root for passes over the organisation: who is enabled, and one sync each.

The same functions back ``coach sync``, the cron handler and (later) the task-queue handler.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

from ..adapters.directory import load_directory
from ..adapters.drive import DriveAdapter
from ..config import Settings
from ..domain.agenda import load_templates
from ..domain.detection import DetectionSettings
from ..domain.people import Directory
from .gather import Gatherer, align_plan_access
from .store import ManagerState, Store
from .sync import AgendaSync, SyncResult

log = logging.getLogger(__name__)
DEFAULT_TEMPLATE = "one-on-one"


def enabled_managers(store: Store, directory: Directory) -> list[str]:
    """Managers whose calendars the service watches.

    Until HR's console narrows it (org units), every person with a report in the directory is
    enabled; a manager switched off in the store stays off.
    """
    known = {state.email: state for state in store.managers(enabled_only=False)}
    managers = sorted({p.manager_email for p in directory if p.manager_email} & {
        p.email for p in directory})
    return [email for email in managers if email not in known or known[email].enabled]


@dataclass
class SyncPass:
    """One pass over every enabled manager."""

    settings: Settings
    store: Store
    workspace: object
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)

    def agenda_sync(self, directory: Directory, *, write_agendas: bool = True,
                    gather: bool = True) -> AgendaSync:
        template = load_templates(self.settings.templates_dir)[DEFAULT_TEMPLATE]
        gatherer = Gatherer(self.store, self.workspace, directory, template,
                            grace=timedelta(minutes=self.settings.gather_grace_minutes))
        detection = DetectionSettings(
            max_duration=timedelta(minutes=self.settings.max_meeting_minutes),
            include_skip_level=self.settings.include_skip_level,
            include_peer=self.settings.include_peer)
        return AgendaSync(self.store, self.workspace, directory, template,
                          lookahead=timedelta(days=self.settings.lookahead_days),
                          detection=detection, clock=self.clock,
                          gatherer=gatherer if gather else None,
                          write_agendas=write_agendas)

    def directory(self) -> Directory:
        return load_directory(self.workspace.service("directory", self.workspace.admin_email))

    def run(self, managers: Iterable[str] | None = None,
            progress: Callable[[Iterable[str]], Iterable[str]] = lambda x: x,
            *, write_agendas: bool = True, gather: bool = True) -> list[SyncResult]:
        """Sync each manager: agendas (``write_agendas``), then notes into plans (``gather``)."""
        directory = self.directory()
        self.follow_moves(directory)
        sync = self.agenda_sync(directory, write_agendas=write_agendas, gather=gather)
        chosen = list(managers) if managers else enabled_managers(self.store, directory)
        results = []
        for manager in progress(chosen):
            if self.store.manager(manager) is None:
                self.store.save_manager(ManagerState(manager))
            results.append(sync.run(manager))
        return results

    def follow_moves(self, directory: Directory) -> None:
        """Give each plan's access to the employee's current manager (after a team move)."""
        for plan in self.store.plans():
            person = directory.get(plan.employee)
            if person and person.manager_email and person.manager_email != plan.manager:
                drive = DriveAdapter(self.workspace.service("drive", plan.employee))
                align_plan_access(plan, person.manager_email, drive, self.store)

