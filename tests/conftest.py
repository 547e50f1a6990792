"""Fixtures shared by every test: a sandbox served over HTTPS, seeded per test."""
from __future__ import annotations

from datetime import timedelta

import pytest

from flask_app.domain.rollout import Rollout
from workspace_sandbox import SandboxClient, SandboxServer, seed_world


class LocalSandbox(SandboxClient):
    """The control plane of the tests' sandbox, with its server and world at hand."""

    def __init__(self, server: SandboxServer):
        super().__init__(server.url, server.ca_file)
        self.server = server
        self.world = server.world


POSTGRES_USERS = ("tests/test_migrations.py", "test_processes_sharing_a_postgresql_store")


def pytest_collection_modifyitems(items):
    """Tests on the one PostgreSQL test database run on one xdist worker, one after another
    (with ``-n 2 --dist loadgroup``; without xdist the mark does nothing)."""
    for item in items:
        if "[postgresql]" in item.nodeid or any(part in item.nodeid for part in POSTGRES_USERS):
            item.add_marker(pytest.mark.xdist_group("postgresql"))


def pytest_addoption(parser):
    parser.addoption("--live", action="store_true",
                     help="also run the Google adapters' contracts (tests/contracts) against a "
                          "real Workspace test domain; credentials from COACH_LIVE_* variables")


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory):
    server = SandboxServer(tmp_path_factory.mktemp("sandbox")).start()
    yield server
    server.stop()


def pin_clock(world) -> None:
    """Set the sandbox clock to 06:00 UTC on the Monday of the seeded (anchor) week, so every
    test sees the demo organisation's calendars from the same point whatever the weekday."""
    with world.transaction() as tx:
        now = tx.now()
        monday = (now - timedelta(days=now.weekday())).replace(hour=6, minute=0, second=0,
                                                               microsecond=0)
        tx.set_setting("clock_offset", (monday - now).total_seconds())


@pytest.fixture
def sandbox(sandbox_server) -> LocalSandbox:
    """A running sandbox, freshly seeded with the demo organisation, its clock pinned."""
    seed_world(sandbox_server.world)
    pin_clock(sandbox_server.world)
    return LocalSandbox(sandbox_server)


@pytest.fixture
def empty_sandbox(sandbox_server) -> LocalSandbox:
    """A running sandbox with no people, events or files (only its OAuth clients)."""
    seed_world(sandbox_server.world, empty=True)
    return LocalSandbox(sandbox_server)


class WorldClock:
    """The sandbox clock, read straight from the world (no HTTPS round trip)."""

    def __init__(self, world):
        self.world = world

    def now(self):
        with self.world.transaction() as tx:
            return tx.now()


class CoachHarness:
    """The service wired to a sandbox by the composition root, with the sandbox's clock."""

    def __init__(self, sandbox: LocalSandbox, instance_dir, **settings):
        from flask_app.bootstrap import build
        from flask_app.config import load_settings

        self.sandbox = sandbox
        self.settings = load_settings(
            {}, instance_dir=instance_dir, google_api_root=sandbox.url,
            sandbox_ca=sandbox.ca_file,
            **{"database_url": f"sqlite:///{instance_dir}/coach.sqlite",
               "retry_base_seconds": 0, **settings})
        self.app = build(self.settings, clock=WorldClock(sandbox.world))
        self.store = self.app.store
        self.store.save_rollout(Rollout(units=["/"]))  # HR enabled the whole organisation
        self.workspace = self.app.workspace

    def now(self):
        return self.app.clock.now()

    def sync(self, *managers: str):
        """One pass (over everyone, or ``managers``); the managers' results."""
        outcome = self.app.sync_pass().run(managers or None)
        assert outcome.failed is None, outcome.failed
        return outcome.results

    def service(self, api: str, user: str):
        """A raw client-library service acting as ``user`` (for tests that look at Google)."""
        from flask_app.adapters.google.clients import build_service
        clients = self.workspace.clients  # a person sees every doc shared with them
        grant = "docs.any" if api == "docs" else api
        return build_service(api, clients.credentials(grant, user), clients.endpoints)


@pytest.fixture
def coach(sandbox, tmp_path) -> CoachHarness:
    """The service over the seeded demo organisation, with an empty store."""
    return CoachHarness(sandbox, tmp_path)
