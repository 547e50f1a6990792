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
from functools import cache, lru_cache
from typing import Callable

from .adapters.cloud_tasks import CloudTasksQueue, client_for
from .adapters.google.addon_tokens import AddonTokens
from .adapters.google.clients import (ConnectionPool, Delegation, GoogleClients, GoogleEndpoints,
                                      RetryPolicy)
from .adapters.google.grants import ByMode, StoredGrants
from .adapters.google.id_tokens import IdTokens, certificates_for
from .adapters.google.signin import GoogleSignIn
from .adapters.google.workspace import SCOPES, GoogleWorkspace
from .adapters.secret_manager import PREFIX as SECRET, SecretManager, setting, with_secrets
from .adapters.token_vault import TokenVault
from .adapters.sql_store import SqlStore
from .adapters.templates import load_session_template, load_templates
from .config import Settings
from .domain.agenda import AgendaTemplate, parse_template
from .domain.cohorts import CohortRules
from .domain.detection import DetectionSettings
from .domain.rollout import OPT_IN
from .domain.people import Directory
from .errors import ConfigError
from .ports import Clock, Store, TaskQueue, Workspace
from .services.access import ConsoleAccess
from .services.addon import AddonService
from .services.audit import AuditedWorkspace
from .services.cohorts import CohortService, CohortSettings
from .services.fanout import FanOut
from .services.watching import Watching
from .services.figures import FigureService
from .services.passes import SyncPass
from .services.rollout import RolloutService
from .services.sync import ManagerSync, SyncSettings

log = logging.getLogger(__name__)
DEFAULT_TEMPLATE = "one-on-one"
DIRECTORY_TTL = timedelta(minutes=10)
# the sandbox's own queues, by first sync or not: (dispatches a second, concurrent dispatches);
# production's come from queue.yaml
SANDBOX_QUEUES = {False: (10.0, 4), True: (5.0, 2)}
SANDBOX_PROJECT = "one-on-one-coach"  # the sandbox's Cloud project (its queues, its secrets)
SANDBOX_WEB_CLIENT = "coach-web.apps.sandbox.example"  # the sandbox's seeded web client


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
    signin: Callable[[], GoogleSignIn] | None = None  # Google sign-in for the web client
    vault: Callable[[], TokenVault] | None = None  # encrypts stored refresh tokens
    # the task queue for the settings in force, and the account its OIDC tokens are issued to
    _tasks: Callable[[Settings], TaskQueue] | None = field(default=None, repr=False)
    _task_account: str = field(default="", repr=False)
    _id_tokens: Callable[[], IdTokens] | None = field(default=None, repr=False)
    _queue: TaskQueue | None = field(default=None, repr=False)
    _server: object | None = field(default=None, repr=False)
    _directory: tuple[float, Directory] | None = field(default=None, repr=False)
    _access: ConsoleAccess | None = field(default=None, repr=False)
    _enabled: tuple[tuple, frozenset[str]] | None = field(default=None, repr=False)
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
        rollout = self.store.rollout()
        opt_out = f"{self.settings.public_url}/optout" if self.settings.public_url else ""
        settings = replace(settings, unit_templates=dict(rollout.unit_templates),
                           reuse_docs=rollout.reuse_docs, opt_out_url=opt_out,
                           plans_by_manager=rollout.mode == OPT_IN)
        return ManagerSync(self.workspace, self.store, self.clock, self.all_templates(),
                           settings)

    def sync_pass(self) -> SyncPass:
        return SyncPass(self.workspace, self.store, self.manager_sync(), self.rollout())

    def rollout(self) -> RolloutService:
        return RolloutService(self.store, self.workspace, self.clock,
                              revoke=lambda token: self.signin().revoke(token),
                              open_token=lambda sealed: self.vault().open(sealed),
                              withdrawn=self._withdrawn)

    def _withdrawn(self, email: str) -> None:
        """Someone opted out: no channel on their calendar, no place in coming cohorts."""
        watching = self.watching()
        if watching is not None:
            watching.stop(email)
        self.cohorts().withdraw(email)

    def watching(self) -> Watching | None:
        """Push channels on the managers' calendars (None without COACH_PUBLIC_URL: Google
        needs an address to post to)."""
        if not self.settings.public_url:
            return None
        return Watching(self.workspace, self.store, self.clock, self.rollout().managers_to_sync,
                        f"{self.settings.public_url}/notifications/calendar")

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

    def enabled_managers(self) -> frozenset[str]:
        """The managers to sync now, as tasks ask: worked out again only when the recent
        directory, the rollout or the opt-outs change, not in every task (it reads every person,
        the marks and each enabled group's members)."""
        key = (self.recent_directory(), self.store.rollout(), self.rollout().opted_out())
        with self._lock:
            if self._enabled is not None and self._enabled[0][0] is key[0] and \
                    self._enabled[0][1:] == key[1:]:
                return self._enabled[1]
        found = frozenset(self.rollout().managers_to_sync(key[0]))
        with self._lock:
            self._enabled = (key, found)
        return found

    def name_of(self, email: str) -> str:
        """A person's name from the recent directory."""
        person = self.recent_directory().get(email)
        return person.name if person else email

    def console_access(self) -> ConsoleAccess:
        """Who may use the HR console (one per process: it keeps the HR group a few minutes)."""
        with self._lock:
            if self._access is None:
                self._access = ConsoleAccess(self.workspace, self.recent_directory,
                                             self.settings.hr_group)
            return self._access

    def demo_admin(self) -> str | None:
        """On the sandbox, the account its sign-in page offers first (the demo's admin)."""
        return (self.settings.admin_email or _demo_admin()) if self.sandbox else None

    def delegation_client_id(self) -> str:
        """The service account's client ID, which the admin grants the scopes to."""
        credentials = getattr(getattr(self.workspace, "clients", None), "credentials", None)
        return getattr(credentials, "client_id", "")

    def check_delegation(self):
        admin = self.settings.admin_email or self.demo_admin() or ""
        return self.rollout().check_delegation(admin, SCOPES)

    def all_templates(self) -> dict[str, AgendaTemplate]:
        """The agenda templates: the folder's, and those HR uploaded (which win)."""
        found = dict(self.templates)
        for stored in self.store.templates():
            found[stored.name] = _parsed(stored.name, stored.text)
        return found

    def task_queue(self) -> TaskQueue | None:
        """The Cloud Tasks queue the sweep fans out on (None: ``COACH_TASKS=inline``)."""
        if self.settings.tasks != "cloud":
            return None
        with self._lock:
            if self._queue is None:
                self._queue = self._tasks(self.settings)
            return self._queue

    def verify_task(self, authorization: str | None) -> None:
        """Check an ``http`` target's task request: Cloud Tasks' OIDC token for this handler.

        :raises Unauthorized: no such token.
        """
        audience = f"{self.settings.public_url}/tasks/manager"
        self._id_tokens().bearer(authorization, audience,
                                 self.settings.tasks_account or self._task_account)

    def fan_out(self) -> FanOut:
        queue = self.task_queue()
        if queue is None:
            raise ConfigError("COACH_TASKS=inline: there is no task queue to fan out on.")
        return FanOut(self.rollout(), self.manager_sync(lease_waits=0), queue, self.store,
                      self.watching(), self.enabled_managers, self.recent_directory,
                      self.directory, self.clock)

    def cohorts(self) -> CohortService:
        s = self.settings
        organizer = s.cohort_organizer or s.admin_email or _demo_admin()
        rules = CohortRules(target=s.cohort_size, minimum=s.cohort_minimum)
        settings = CohortSettings(organizer, load_session_template(s.templates_dir), rules,
                                  minutes=s.cohort_minutes, domain=s.domain)
        return CohortService(self.workspace, self.store, self.clock, self.directory,
                             self.rollout().managers_to_sync, settings)

    def figures(self) -> FigureService:
        return FigureService(self.store, self.clock, self.rollout())

    def addon(self) -> AddonService:
        """The side panels; a sync someone asks for waits a few seconds at most for another."""
        return AddonService(self.store, self.workspace, self.clock, self.recent_directory,
                            lambda: self.manager_sync(lease_waits=3),
                            self.sync_settings().detection,
                            reuse_docs=self.store.rollout().reuse_docs)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


@lru_cache(maxsize=64)
def _parsed(name: str, text: str) -> AgendaTemplate:
    return parse_template(name, text, f"{name}.md")


def build(settings: Settings, *, workspace: Workspace | None = None,
          clock: Clock | None = None, store: Store | None = None) -> Coach:
    """The service's collaborators for ``settings`` (on the sandbox unless told Google)."""
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    client = server = None
    if workspace is None:
        if settings.uses_sandbox:
            client, server = sandbox_client(settings)
        settings = with_secrets(settings, _secret_manager(client))
    store = store or SqlStore(settings.database_url, migrate=settings.uses_sandbox)
    templates = load_templates(settings.templates_dir)
    if DEFAULT_TEMPLATE not in templates:
        raise ConfigError(f"{settings.templates_dir} has no {DEFAULT_TEMPLATE}.md, the default "
                          "agenda template.")
    vault = cache(lambda: _vault(settings))
    if workspace is not None:  # the tests' fakes: a person's token reaches the same fakes
        endpoints, clock = GoogleEndpoints(), clock or SystemClock()
        audited = AuditedWorkspace(workspace, store, clock)
        return Coach(settings, store, audited, clock, templates,
                     addon_tokens=_addon_tokens(settings, endpoints, None),
                     person=lambda token: audited, signin=_signin(settings, endpoints, None),
                     vault=vault)
    retry = RetryPolicy(attempts=settings.retry_attempts, base=settings.retry_base_seconds)
    if not settings.uses_sandbox:
        info = json.loads(settings.service_account_json or
                          settings.service_account_file.read_text())
        endpoints, clock = GoogleEndpoints(), clock or SystemClock()
        signin = _signin(settings, endpoints, None)
        workspace = _workspace(endpoints, info, settings.admin_email, retry, store, vault, signin)
        return Coach(settings, store, AuditedWorkspace(workspace, store, clock), clock,
                     templates, addon_tokens=_addon_tokens(settings, endpoints, None),
                     person=_person_access(endpoints, retry, store, clock),
                     signin=signin, vault=vault,
                     _tasks=lambda now: _queue_for(now, client_for(None), clock,
                                                   info["client_email"]),
                     _task_account=info.get("client_email", ""),
                     _id_tokens=cache(lambda: IdTokens(certificates_for(endpoints))))
    endpoints = GoogleEndpoints(client.url, client.ca_file)
    signin = _signin(settings, endpoints, client)
    workspace = _workspace(endpoints, client.service_account_key(),
                           settings.admin_email or _demo_admin(), retry, store, vault, signin)
    _same_world(store, client.world_id())
    clock = clock or SandboxClock(client)
    return Coach(settings, store, AuditedWorkspace(workspace, store, clock), clock, templates,
                 sandbox=client, addon_tokens=_addon_tokens(settings, endpoints, client),
                 person=_person_access(endpoints, retry, store, clock),
                 signin=signin, vault=vault, _server=server,
                 _tasks=lambda now: _sandbox_tasks(now, client, clock),
                 _task_account=client.service_account_key()["client_email"],
                 _id_tokens=cache(lambda: IdTokens(certificates_for(endpoints))))


def _queue_for(settings: Settings, client, clock: Clock, account: str) -> CloudTasksQueue:
    http = f"{settings.public_url}/tasks/manager" if settings.tasks_target == "http" else None
    return CloudTasksQueue(client, settings.tasks_queue, settings.tasks_first_queue, clock,
                           http_url=http, oidc_account=settings.tasks_account or account)


def _sandbox_tasks(settings: Settings, client, clock: Clock) -> CloudTasksQueue:
    """The sandbox's Cloud Tasks, its queue made on first use (Google's comes from queue.yaml)."""
    key = client.service_account_key()
    queue = _queue_for(settings, client_for(key, endpoint=client.url, ca_file=client.ca_file),
                       clock, key["client_email"])
    queue.ensure_queues(SANDBOX_QUEUES)
    return queue


def _workspace(endpoints: GoogleEndpoints, service_account: dict, admin: str,
               retry: RetryPolicy, store: Store, vault, signin) -> GoogleWorkspace:
    """The Google APIs as the service uses them: through the service account's domain-wide
    delegation, or (HR's opt-in mode) through each person's own authorisation."""
    grants = StoredGrants(store.grant, lambda: next(iter(store.grants("directory")), None),
                          lambda sealed: vault().open(sealed), endpoints,
                          lambda: signin().client)
    credentials = ByMode(Delegation(service_account, SCOPES), grants,
                         lambda: store.rollout().mode == OPT_IN)
    return GoogleWorkspace(GoogleClients(endpoints, credentials, retry=retry), admin)


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


def _signin(settings: Settings, endpoints: GoogleEndpoints,
            sandbox) -> Callable[[], GoogleSignIn]:
    """Google sign-in with the web client of the settings (on the sandbox: its web client)."""
    @cache
    def signin() -> GoogleSignIn:
        client_id, secret = settings.oauth_client_id, settings.oauth_client_secret
        if sandbox is not None and not client_id:
            client_id = SANDBOX_WEB_CLIENT
            secret = sandbox.call("GET", f"/oauth/clients/{client_id}")["web"]["client_secret"]
        if not client_id or not secret:
            raise ConfigError("Signing in needs COACH_OAUTH_CLIENT_ID and "
                              "COACH_OAUTH_CLIENT_SECRET (an OAuth web client).")
        return GoogleSignIn(endpoints, client_id, secret)
    return signin


def _vault(settings: Settings) -> TokenVault:
    """The token keys of the settings (on the sandbox, a key kept in the instance folder)."""
    if settings.token_keys:
        return TokenVault.from_setting(settings.token_keys)
    if not settings.uses_sandbox:
        raise ConfigError("Storing people's authorisations needs COACH_TOKEN_KEYS (Fernet "
                          "keys; `coach tokens new-key` prints one).")
    path = settings.instance_dir / "token_keys"
    if not path.exists():
        path.write_text(TokenVault.new_key())
        path.chmod(0o600)
    return TokenVault.from_setting(path.read_text())


def _person_access(endpoints: GoogleEndpoints, retry: RetryPolicy, store: Store,
                   clock: Clock) -> Callable[[str], Workspace]:
    pool = ConnectionPool(endpoints)  # people's requests share keep-alive connections
    return lambda token: AuditedWorkspace(
        GoogleWorkspace.with_token(endpoints, token, retry=retry, pool=pool), store, clock)


def database_url(settings: Settings) -> str:
    """The store's URL, read from Secret Manager when the setting names a secret (the
    ``coach db`` commands, which open only the database)."""
    if not settings.database_url.startswith(SECRET):
        return settings.database_url
    client = sandbox_client(settings, start=False)[0] if settings.uses_sandbox else None
    return setting("database_url", settings.database_url, _secret_manager(client))


def _secret_manager(sandbox) -> SecretManager:
    """Google's Secret Manager, or the sandbox's (``sandbox``: its client) as its service
    account."""
    if sandbox is None:
        return SecretManager.on_google()
    return SecretManager.on_sandbox(sandbox.url, sandbox.ca_file,
                                    sandbox.service_account_key(), SANDBOX_PROJECT)


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
