"""The collaborators one process of the service shares: settings, store, Workspace."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..adapters.sql_store import SqlStore
from ..adapters.workspace import Workspace, connect
from ..config import Settings
from .runner import SyncPass


@dataclass
class Coach:
    settings: Settings
    store: SqlStore
    _workspace: Workspace | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, workspace: Workspace | None = None) -> "Coach":
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
        return cls(settings, SqlStore(settings.database_url), workspace)

    @property
    def workspace(self) -> Workspace:
        """The Workspace, connected on first use (starting a sandbox if need be)."""
        with self._lock:
            if self._workspace is None:
                self._workspace = connect(self.settings)
            return self._workspace

    def sync_pass(self, clock=None) -> SyncPass:
        extra = {"clock": clock} if clock else {}
        return SyncPass(self.settings, self.store, self.workspace, **extra)

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()
