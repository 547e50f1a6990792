"""The collaborators one process of the service shares: settings, store, Workspace."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..adapters.sql_store import SqlStore
from ..adapters.workspace import Workspace, connect
from ..config import Settings
from .runner import SyncPass


NAMES_TTL = 600


@dataclass
class Coach:
    settings: Settings
    store: SqlStore
    _workspace: Workspace | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _names: tuple[float, dict[str, str]] = (0.0, {})

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

    @property
    def sandbox(self):
        """The sandbox's control plane, when the service runs on the sandbox."""
        if not self.settings.uses_sandbox:
            return None
        from workspace_sandbox import SandboxClient
        endpoints = self.workspace.endpoints
        return SandboxClient(endpoints.root, endpoints.ca_file)

    def now(self) -> datetime:
        """Google's time: the sandbox's clock on the sandbox (tests and the demo move it)."""
        sandbox = self.sandbox
        return sandbox.now() if sandbox else datetime.now(timezone.utc)

    def sync_pass(self) -> SyncPass:
        return SyncPass(self.settings, self.store, self.workspace, clock=self.now)

    def name_of(self, email: str) -> str:
        """A person's name from the directory (read at most every NAMES_TTL seconds)."""
        loaded, names = self._names
        if time.monotonic() - loaded > NAMES_TTL:
            names = {person.email: person.name for person in self.sync_pass().directory()}
            self._names = (time.monotonic(), names)
        return names.get(email.lower(), email)

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()
