"""Fixtures shared by every test: a sandbox served over HTTPS, seeded per test."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from flask_app.sandbox.seed import seed_world
from flask_app.sandbox.server import SandboxServer


class SandboxControl:
    """The test side of the sandbox's control plane."""

    def __init__(self, server: SandboxServer):
        self.server = server
        self.url = server.url
        self.ca_file = str(server.ca_file)
        self.world = server.world
        self.http = requests.Session()
        # requests lets REQUESTS_CA_BUNDLE (set on many machines) override a session's verify.
        self.http.trust_env = False
        self.http.verify = self.ca_file

    def _call(self, method: str, path: str, **kwargs) -> dict:
        response = self.http.request(method, self.url + "/_sandbox" + path, timeout=30, **kwargs)
        response.raise_for_status()
        return response.json()

    def reset(self, empty: bool = False) -> None:
        self._call("POST", "/reset", json={"empty": empty})

    def token(self, user: str, scopes: list[str], client_id: str = "sandbox-tests") -> str:
        return self._call("POST", "/token", json={"user": user, "scopes": scopes,
                                                  "client_id": client_id})["access_token"]

    def calls(self, method: str | None = None, user: str | None = None) -> int:
        rows = self._call("GET", "/calls")["calls"]
        return sum(r["count"] for r in rows
                   if (method is None or r["method"] == method) and (user is None or r["user"] == user))

    def clear_calls(self) -> None:
        self._call("DELETE", "/calls")

    def fault(self, method: str, **fault) -> None:
        self._call("PUT", "/faults", json={"method": method, **fault})

    def quotas(self, **groups) -> None:
        self._call("PUT", "/quotas", json={k.replace("_", "."): v for k, v in groups.items()})

    def advance(self, seconds: float) -> None:
        self._call("POST", "/clock", json={"seconds": seconds})

    def person_types(self, document_id: str, user: str, index: int, text: str) -> None:
        """``user`` types ``text`` at ``index`` in Google Docs (a new revision)."""
        self._call("POST", f"/docs/{document_id}/type",
                   json={"user": user, "index": index, "text": text})


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory):
    server = SandboxServer(tmp_path_factory.mktemp("sandbox")).start()
    yield server
    server.stop()


def _pin_clock(world) -> None:
    """Set the sandbox clock to 06:00 UTC on the Monday of the seeded (anchor) week, so every
    test sees the demo organisation's calendars from the same point whatever the weekday."""
    with world.transaction() as tx:
        now = tx.now()
        monday = (now - timedelta(days=now.weekday())).replace(hour=6, minute=0, second=0,
                                                               microsecond=0)
        tx.set_setting("clock_offset", (monday - now).total_seconds())


@pytest.fixture
def sandbox(sandbox_server) -> SandboxControl:
    """A running sandbox, freshly seeded with the demo organisation, its clock pinned."""
    seed_world(sandbox_server.world)
    _pin_clock(sandbox_server.world)
    return SandboxControl(sandbox_server)


@pytest.fixture
def empty_sandbox(sandbox_server) -> SandboxControl:
    """A running sandbox with no people, events or files (only its OAuth clients)."""
    seed_world(sandbox_server.world, empty=True)
    return SandboxControl(sandbox_server)


class CoachHarness:
    """The service wired to a sandbox, with the sandbox's clock as its clock."""

    def __init__(self, sandbox: SandboxControl, instance_dir):
        from flask_app.adapters.sql_store import SqlStore
        from flask_app.adapters.workspace import connect
        from flask_app.config import load_settings
        from flask_app.services.runner import SyncPass

        self.sandbox = sandbox
        self.settings = load_settings(
            {}, instance_dir=instance_dir, google_api_root=sandbox.url,
            sandbox_ca=sandbox.ca_file, database_url=f"sqlite:///{instance_dir}/coach.sqlite")
        self.store = SqlStore(self.settings.database_url)
        self.workspace = connect(self.settings)
        self.sync_pass = SyncPass(self.settings, self.store, self.workspace, clock=self.now)

    def now(self):
        with self.sandbox.world.transaction() as tx:
            return tx.now()

    def sync(self, *managers: str):
        return self.sync_pass.run(managers or None)

    def service(self, api: str, user: str):
        return self.workspace.service(api, user)


@pytest.fixture
def coach(sandbox, tmp_path) -> CoachHarness:
    """The service over the seeded demo organisation, with an empty store."""
    return CoachHarness(sandbox, tmp_path)
