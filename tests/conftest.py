"""Fixtures shared by every test: a sandbox served over HTTPS, seeded per test, and the
PostgreSQL server the store's PostgreSQL tests run on."""
from __future__ import annotations

import functools
import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from flask_app.domain.rollout import Rollout
from workspace_sandbox import SandboxClient, SandboxServer, seed_world


class LocalSandbox(SandboxClient):
    """The control plane of the tests' sandbox, with its server and world at hand."""

    def __init__(self, server: SandboxServer):
        super().__init__(server.url, server.ca_file)
        self.server = server
        self.world = server.world


POSTGRES = "COACH_TEST_POSTGRES_URL"


def pytest_configure(config):
    """Without COACH_TEST_POSTGRES_URL, start Debian's PostgreSQL (scripts/postgres-for-tests,
    as root) once, before xdist starts its workers, which inherit the URL."""
    if os.environ.get(POSTGRES) or hasattr(config, "workerinput"):
        return
    script = Path(__file__).resolve().parent.parent / "scripts" / "postgres-for-tests"
    try:
        printed = subprocess.run(["sh", str(script)], capture_output=True, text=True,
                                 timeout=600).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return
    if printed:
        os.environ[POSTGRES] = printed[-1]


@functools.cache
def postgres_url() -> str:
    """The tests' PostgreSQL database: one per xdist worker (made on first use, in the server
    COACH_TEST_POSTGRES_URL names), so workers never share tables. The test fails when there
    is no server."""
    url = os.environ.get(POSTGRES)
    if not url:
        pytest.fail("no PostgreSQL for the tests: scripts/postgres-for-tests (as root) could not "
                    "start Debian's postgresql; start one and set COACH_TEST_POSTGRES_URL",
                    pytrace=False)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    server = make_url(url)
    name = f"{server.database}_{worker}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                              {"name": name}).first() is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


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
