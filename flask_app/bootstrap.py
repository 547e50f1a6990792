"""The composition root: the one place that builds the service's collaborators from settings.

The web app, the ``coach`` commands, the tests and the benchmarks all ask :func:`build` (or
:func:`connect_workspace`) instead of wiring their own.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Callable

from .adapters.google.addon_tokens import AddonTokens
from .adapters.google.clients import ConnectionPool, GoogleEndpoints, RetryPolicy
from .adapters.google.workspace import GoogleWorkspace
from .adapters.sql_store import SqlStore
from .adapters.templates import load_templates
from .config import Settings
from .domain.agenda import AgendaTemplate
from .domain.detection import DetectionSettings
from .domain.people import Directory
from .errors import ConfigError
from .ports import Clock, Store, Workspace
from .services.addon import AddonService
from .services.passes import SyncPass
from .services.sync import ManagerSync, SyncSettings

log = logging.getLogger(__name__)
DEFAULT_TEMPLATE = "one-on-one"
DIRECTORY_TTL = timedelta(minutes=10)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class SandboxClock:
    """The sandbox's clock, which tests and the demo move forward."""

    def __init__(self, client):
        self._client = client

    def now(self) -> datetime:
        return self._client.now()


@dataclass
class Coach:
    """Everything one process of the service shares."""

    settings: Settings
    store: Store
    workspace: Workspace
    clock: Clock
    templates: dict[str, AgendaTemplate]
    sandbox: object | None = None  # the sandbox's control plane (SandboxClient), on the sandbox
    # Checks Google's ID tokens on add-on requests (made on first use: on the sandbox it asks
    # the add-on host for the add-on's identity).
    addon_tokens: Callable[[], AddonTokens] | None = None
    # A person's own access from their OAuth token (the add-on's userOAuthToken).
    person: Callable[[str], Workspace] | None = None
    _server: object | None = field(default=None, repr=False)
    _directory: tuple[float, Directory] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def sync_settings(self) -> SyncSettings:
        s = self.settings
        return SyncSettings(
            agenda_days_before=timedelta(days=s.agenda_days_before),
            grace=timedelta(minutes=s.gather_grace_minutes),
            detection=DetectionSettings(max_duration=timedelta(minutes=s.max_meeting_minutes),
                                        include_skip_level=s.include_skip_level,
                                        include_peer=s.include_peer),
            template=DEFAULT_TEMPLATE, default_language=s.default_language)

    def manager_sync(self, *, lease_waits: int | None = None) -> ManagerSync:
        settings = self.sync_settings()
        if lease_waits is not None:
            settings = replace(settings, lease_waits=lease_waits)
        return ManagerSync(self.workspace, self.store, self.clock, self.templates, settings)

    def sync_pass(self) -> SyncPass:
        return SyncPass(self.workspace, self.store, self.manager_sync())

    def now(self) -> datetime:
        return self.clock.now()

    def directory(self) -> Directory:
        return self.workspace.directory()

    def recent_directory(self) -> Directory:
        """The directory as read at most ten minutes ago (for pages and side panels; a sync
        reads it afresh)."""
        with self._lock:
            if self._directory is None or time.monotonic() - self._directory[0] > \
                    DIRECTORY_TTL.total_seconds():
                self._directory = (time.monotonic(), self.directory())
            return self._directory[1]

    def name_of(self, email: str) -> str:
        """A person's name from the recent directory."""
        person = self.recent_directory().get(email)
        return person.name if person else email

    def addon(self) -> AddonService:
        """The side panels; a sync someone asks for waits a few seconds at most for another."""
        return AddonService(self.store, self.workspace, self.clock, self.recent_directory,
                            lambda: self.manager_sync(lease_waits=3),
                            self.sync_settings().detection)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def build(settings: Settings, *, workspace: Workspace | None = None,
          clock: Clock | None = None, store: Store | None = None) -> Coach:
    """The service's collaborators for ``settings`` (on the sandbox unless told Google)."""
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    store = store or SqlStore(settings.database_url)
    templates = load_templates(settings.templates_dir)
    if DEFAULT_TEMPLATE not in templates:
        raise ConfigError(f"{settings.templates_dir} has no {DEFAULT_TEMPLATE}.md, the default "
                          "agenda template.")
    if workspace is not None:  # the tests' fakes: a person's token reaches the same fakes
        return Coach(settings, store, workspace, clock or SystemClock(), templates,
                     addon_tokens=_addon_tokens(settings, GoogleEndpoints(), None),
                     person=lambda token: workspace)
    retry = RetryPolicy(attempts=settings.retry_attempts, base=settings.retry_base_seconds)
    if not settings.uses_sandbox:
        info = json.loads(settings.service_account_file.read_text())
        endpoints = GoogleEndpoints()
        return Coach(settings, store,
                     GoogleWorkspace.delegated(endpoints, info, settings.admin_email,
                                               retry=retry),
                     clock or SystemClock(), templates,
                     addon_tokens=_addon_tokens(settings, endpoints, None),
                     person=_person_access(endpoints, retry))
    client, server = sandbox_client(settings)
    endpoints = GoogleEndpoints(client.url, client.ca_file)
    workspace = GoogleWorkspace.delegated(
        endpoints, client.service_account_key(), settings.admin_email or _demo_admin(),
        retry=retry)
    _same_world(store, client.world_id())
    return Coach(settings, store, workspace, clock or SandboxClock(client), templates,
                 sandbox=client, addon_tokens=_addon_tokens(settings, endpoints, client),
                 person=_person_access(endpoints, retry), _server=server)


def _addon_tokens(settings: Settings, endpoints: GoogleEndpoints,
                  sandbox) -> Callable[[], AddonTokens]:
    """The add-on's token checks: its service account and OAuth client from the settings, or
    on the sandbox from its add-on host (``projects.getAuthorization``)."""
    @cache
    def tokens() -> AddonTokens:
        account, client_id = settings.addon_service_account, settings.addon_client_id
        if sandbox is not None and not (account and client_id):
            authorization = sandbox.addon_authorization()
            account = account or authorization["serviceAccountEmail"]
            client_id = client_id or authorization["oauthClientId"]
        return AddonTokens.for_endpoints(endpoints, account, client_id,
                                         settings.addon_audience)
    return tokens


def _person_access(endpoints: GoogleEndpoints, retry: RetryPolicy) -> Callable[[str], Workspace]:
    pool = ConnectionPool(endpoints)  # people's requests share keep-alive connections
    return lambda token: GoogleWorkspace.with_token(endpoints, token, retry=retry, pool=pool)


def sandbox_client(settings: Settings, *, start: bool = True):
    """The control plane of the sandbox the settings point at (started in this process when
    none runs), and the server if this process started it."""
    from workspace_sandbox import SandboxClient, SandboxServer, running_sandbox, seed_world
    if settings.google_api_root:
        return SandboxClient(settings.google_api_root, settings.sandbox_ca), None
    info = running_sandbox(settings.sandbox_dir)
    if info is not None:
        return SandboxClient(info["url"], info["ca_file"]), None
    if not start:
        raise ConfigError("No sandbox is running; start one with `coach sandbox serve`.")
    server = SandboxServer(settings.sandbox_dir).start()
    if server.world.is_empty():
        seed_world(server.world)
    log.info("started an in-process sandbox at %s", server.url)
    return SandboxClient(server.url, server.ca_file), server


def _same_world(store: Store, world: str) -> None:
    """The store is a cache of one Workspace: when the sandbox was seeded anew, forget it."""
    if store.world() != world:
        if store.world() is not None:
            log.info("the sandbox was seeded anew; the store forgets the old world")
        store.forget_workspace(world)


def _demo_admin() -> str:
    from workspace_sandbox import demo_admin
    admin = demo_admin()
    if not admin:
        raise ConfigError("The sandbox's demo organisation has no admin; set COACH_ADMIN_EMAIL.")
    return admin
