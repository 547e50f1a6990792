"""Settings, read from environment variables. This module is the one list of them.

Any of them may name a Secret Manager secret instead of holding the value:
``secret:projects/P/secrets/S/versions/V``, or ``secret:S`` (its latest version in the App
Engine project); the service reads it when it starts (adapters/secret_manager.py).

| variable | default | meaning |
|---|---|---|
| COACH_INSTANCE_DIR | ./instance | local state: database, sandbox world, keys |
| COACH_DATABASE_URL | sqlite:///<instance>/coach.sqlite | the service's store (PostgreSQL in production) |
| COACH_SECRET_KEY | generated per instance | Flask session signing and refresh-token encryption |
| COACH_GOOGLE_API_ROOT | (empty: the sandbox) | "google" for Google's own APIs, or a sandbox URL |
| COACH_SANDBOX_CA | <instance>/sandbox/tls/ca.pem | CA that signs the sandbox's certificate |
| COACH_SERVICE_ACCOUNT_FILE | (sandbox's key) | service-account key with domain-wide delegation |
| COACH_OAUTH_CLIENT_ID / _SECRET | sandbox web client | OAuth web client for HR sign-in |
| COACH_PUBLIC_URL | (the request's own URL) | where Google reaches the service (https://…): add-on endpoints and their token audience |
| COACH_ADDON_AUDIENCE | (each endpoint's URL) | a fixed audience expected in the add-on's system ID tokens instead |
| COACH_ADDON_SERVICE_ACCOUNT | (the sandbox's) | the add-on's service account, the email its system ID tokens carry (`gcloud workspace-add-ons get-authorization`) |
| COACH_ADDON_CLIENT_ID | (the sandbox's) | the add-on's OAuth client, the audience of user ID tokens (same command) |
| COACH_TOKEN_KEYS | (a key in the instance folder, on the sandbox) | Fernet keys, comma-separated, newest first, encrypting the refresh tokens of the opt-in mode (see adapters/token_vault.py) |
| COACH_HR_GROUP | (none: Workspace admins only) | the group whose members may use the HR console besides Workspace admins |
| COACH_SESSION_HOURS | 8 | how long a console sign-in lasts |
| COACH_TASKS | cloud with Google, inline on the sandbox | `cloud`: the sweep enqueues one Cloud Tasks task per manager (the sandbox serves Cloud Tasks too); `inline`: the sweep syncs everyone in its own request |
| COACH_TASKS_QUEUE | projects/one-on-one-coach/locations/europe-west1/queues/manager-sync | the Cloud Tasks queue of the managers' syncs (queue.yaml sets its rates) |
| COACH_TASKS_FIRST_QUEUE | first-sync, beside COACH_TASKS_QUEUE | the queue of managers' first syncs (many more writes each: a lower rate in queue.yaml) |
| COACH_TASKS_TARGET | appengine | where tasks go: `appengine` (the App Engine handler, checked by its queue header) or `http` (COACH_PUBLIC_URL/tasks/manager with an OIDC token, for hosts other than App Engine) |
| COACH_TASKS_ACCOUNT | (the service account's) | the service account Cloud Tasks signs the `http` target's OIDC tokens as |
| COACH_COHORT_ORGANIZER | (the admin the directory is read as) | whose calendar holds the cohorts' sessions and owns their docs: a programme account or HR's |
| COACH_COHORT_SIZE | 8 | the size cohorts aim for (six to ten) |
| COACH_COHORT_MINIMUM | 4 | the least a cohort may have when fewer than six managers can meet together |
| COACH_COHORT_MINUTES | 90 | how long a cohort's session is |
| COACH_DOMAIN | example.com | the organisation's primary domain |
| COACH_ADMIN_EMAIL | (the sandbox's admin) | Workspace admin to read the directory as |
| COACH_AGENDA_DAYS_BEFORE | 7 | how long before a first meeting (or one after a gap) its agenda is written; otherwise the next agenda follows the last meeting's gathering |
| COACH_DEFAULT_LANGUAGE | en | agendas' language when the directory gives the pair none in common |
| COACH_GATHER_GRACE_MINUTES | 30 | wait after a meeting ends before gathering its notes |
| COACH_TEMPLATES_DIR | ./agendas | Markdown agenda templates |
| COACH_MAX_MEETING_MINUTES | 90 | longer events are not one-on-ones |
| COACH_INCLUDE_SKIP_LEVEL | false | count skip-level one-on-ones |
| COACH_INCLUDE_PEER | false | count peer one-on-ones (titled as such) |
| COACH_RETRY_ATTEMPTS | 5 | tries of a Google call that may be retried (see adapters/google/clients.py) |
| COACH_RETRY_BASE_SECONDS | 1 | first backoff between tries; it doubles each time, with jitter |
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(env: dict, name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError(f"{name} must be true or false, not {raw!r}.")
    return raw in ("true", "1", "yes")


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None


def _float(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}.") from None


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    database_url: str
    secret_key: str
    google_api_root: str
    sandbox_ca: Path
    service_account_file: Path | None
    oauth_client_id: str
    oauth_client_secret: str
    addon_audience: str
    addon_service_account: str
    domain: str
    admin_email: str
    agenda_days_before: int
    gather_grace_minutes: int
    templates_dir: Path
    max_meeting_minutes: int = 90
    include_skip_level: bool = False
    include_peer: bool = False
    retry_attempts: int = 5
    retry_base_seconds: float = 1.0
    default_language: str = "en"
    public_url: str = ""
    addon_client_id: str = ""
    token_keys: str = ""
    hr_group: str = ""
    session_hours: int = 8
    cohort_organizer: str = ""
    tasks: str = "inline"
    tasks_queue: str = "projects/one-on-one-coach/locations/europe-west1/queues/manager-sync"
    tasks_first_queue: str = "projects/one-on-one-coach/locations/europe-west1/queues/first-sync"
    tasks_target: str = "appengine"
    tasks_account: str = ""
    cohort_size: int = 8
    cohort_minimum: int = 4
    cohort_minutes: int = 90
    service_account_json: str = ""  # the key itself, when read from Secret Manager

    @property
    def sandbox_dir(self) -> Path:
        return self.instance_dir / "sandbox"

    @property
    def uses_sandbox(self) -> bool:
        return self.google_api_root != "google"


def load_settings(env: dict | None = None, **overrides) -> Settings:
    """Settings from ``env`` (default: the process environment), then ``overrides``."""
    env = dict(os.environ if env is None else env)
    instance = Path(env.get("COACH_INSTANCE_DIR") or PROJECT_ROOT / "instance").resolve()
    queue = env.get("COACH_TASKS_QUEUE") or Settings.tasks_queue
    values = dict(
        instance_dir=instance,
        database_url=env.get("COACH_DATABASE_URL") or f"sqlite:///{instance / 'coach.sqlite'}",
        secret_key=env.get("COACH_SECRET_KEY") or _instance_secret(instance),
        google_api_root=env.get("COACH_GOOGLE_API_ROOT", ""),
        sandbox_ca=Path(env.get("COACH_SANDBOX_CA") or instance / "sandbox" / "tls" / "ca.pem"),
        service_account_file=Path(env["COACH_SERVICE_ACCOUNT_FILE"])
        if env.get("COACH_SERVICE_ACCOUNT_FILE") else None,
        oauth_client_id=env.get("COACH_OAUTH_CLIENT_ID", ""),
        oauth_client_secret=env.get("COACH_OAUTH_CLIENT_SECRET", ""),
        addon_audience=env.get("COACH_ADDON_AUDIENCE", ""),
        addon_service_account=env.get("COACH_ADDON_SERVICE_ACCOUNT", ""),
        domain=env.get("COACH_DOMAIN", "example.com"),
        admin_email=env.get("COACH_ADMIN_EMAIL", ""),
        agenda_days_before=_int(env, "COACH_AGENDA_DAYS_BEFORE", 7),
        default_language=env.get("COACH_DEFAULT_LANGUAGE") or "en",
        gather_grace_minutes=_int(env, "COACH_GATHER_GRACE_MINUTES", 30),
        templates_dir=Path(env.get("COACH_TEMPLATES_DIR") or PROJECT_ROOT / "agendas"),
        max_meeting_minutes=_int(env, "COACH_MAX_MEETING_MINUTES", 90),
        include_skip_level=_bool(env, "COACH_INCLUDE_SKIP_LEVEL", False),
        include_peer=_bool(env, "COACH_INCLUDE_PEER", False),
        retry_attempts=_int(env, "COACH_RETRY_ATTEMPTS", 5),
        retry_base_seconds=_float(env, "COACH_RETRY_BASE_SECONDS", 1.0),
        public_url=(env.get("COACH_PUBLIC_URL") or "").rstrip("/"),
        addon_client_id=env.get("COACH_ADDON_CLIENT_ID", ""),
        token_keys=env.get("COACH_TOKEN_KEYS", ""),
        hr_group=(env.get("COACH_HR_GROUP") or "").strip().lower(),
        session_hours=_int(env, "COACH_SESSION_HOURS", 8),
        cohort_organizer=(env.get("COACH_COHORT_ORGANIZER") or "").strip().lower(),
        tasks=(env.get("COACH_TASKS") or ("cloud" if env.get("COACH_GOOGLE_API_ROOT") == "google"
                                          else "inline")).strip().lower(),
        tasks_queue=queue,
        tasks_first_queue=env.get("COACH_TASKS_FIRST_QUEUE") or
        f"{queue.rpartition('/queues/')[0]}/queues/first-sync",
        tasks_target=(env.get("COACH_TASKS_TARGET") or "appengine").strip().lower(),
        tasks_account=(env.get("COACH_TASKS_ACCOUNT") or "").strip().lower(),
        cohort_size=_int(env, "COACH_COHORT_SIZE", 8),
        cohort_minimum=_int(env, "COACH_COHORT_MINIMUM", 4),
        cohort_minutes=_int(env, "COACH_COHORT_MINUTES", 90),
    )
    values.update(overrides)
    settings = Settings(**values)
    if settings.tasks not in ("cloud", "inline"):
        raise ConfigError(f"COACH_TASKS must be cloud or inline, not {settings.tasks!r}.")
    if settings.tasks_target not in ("appengine", "http"):
        raise ConfigError("COACH_TASKS_TARGET must be appengine or http, not "
                          f"{settings.tasks_target!r}.")
    for name, queue in (("COACH_TASKS_QUEUE", settings.tasks_queue),
                        ("COACH_TASKS_FIRST_QUEUE", settings.tasks_first_queue)):
        if not re.fullmatch(r"projects/[^/]+/locations/[^/]+/queues/[A-Za-z0-9-]+", queue):
            raise ConfigError(f"{name} must look like projects/P/locations/L/queues/Q, "
                              f"not {queue!r}.")
    if settings.tasks_first_queue == settings.tasks_queue:
        raise ConfigError("COACH_TASKS_FIRST_QUEUE must be another queue than COACH_TASKS_QUEUE.")
    if not 6 <= settings.cohort_size <= 10:
        raise ConfigError(f"COACH_COHORT_SIZE must be between 6 and 10, not "
                          f"{settings.cohort_size}.")
    if not 2 <= settings.cohort_minimum <= 6:
        raise ConfigError(f"COACH_COHORT_MINIMUM must be between 2 and 6, not "
                          f"{settings.cohort_minimum}.")
    if not 15 <= settings.cohort_minutes <= 240:
        raise ConfigError(f"COACH_COHORT_MINUTES must be between 15 and 240, not "
                          f"{settings.cohort_minutes}.")
    if settings.google_api_root == "google" and settings.service_account_file is None:
        raise ConfigError("COACH_GOOGLE_API_ROOT=google needs COACH_SERVICE_ACCOUNT_FILE "
                          "(a service-account key with domain-wide delegation).")
    if settings.google_api_root == "google" and not settings.admin_email:
        raise ConfigError("COACH_GOOGLE_API_ROOT=google needs COACH_ADMIN_EMAIL (a Workspace "
                          "admin the service reads the directory as).")
    if settings.google_api_root == "google" and not (settings.addon_service_account
                                                     and settings.addon_client_id):
        raise ConfigError("COACH_GOOGLE_API_ROOT=google needs COACH_ADDON_SERVICE_ACCOUNT and "
                          "COACH_ADDON_CLIENT_ID (from `gcloud workspace-add-ons "
                          "get-authorization`) to check the add-on's requests.")
    if settings.public_url and not settings.public_url.startswith(("https://", "http://")):
        raise ConfigError(f"COACH_PUBLIC_URL must be a URL (https://…), not "
                          f"{settings.public_url!r}.")
    if settings.agenda_days_before < 1:
        raise ConfigError("COACH_AGENDA_DAYS_BEFORE must be at least 1.")
    if settings.retry_attempts < 1 or settings.retry_base_seconds < 0:
        raise ConfigError("COACH_RETRY_ATTEMPTS must be at least 1 and "
                          "COACH_RETRY_BASE_SECONDS not negative.")
    return settings


def _instance_secret(instance: Path) -> str:
    """A secret kept in the instance folder, made on first use."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
