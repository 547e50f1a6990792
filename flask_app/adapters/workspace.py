"""Connecting to Google Workspace, or to the sandbox that stands in for it.

``connect(settings)`` gives the endpoints and the service account to act for people with. With
no Google endpoint configured it uses the sandbox announced in the instance folder, or starts
one in this process.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import requests

from ..config import Settings
from ..errors import ConfigError
from .google_clients import GoogleEndpoints, build_service, delegated_credentials

log = logging.getLogger(__name__)

# What the service asks for when acting for a manager (domain-wide delegation).
SYNC_SCOPES = [
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/drive.file",
    "https://www.googleapis.com/auth/documents",
]
DIRECTORY_SCOPES = [
    "https://www.googleapis.com/auth/admin.directory.user.readonly",
    "https://www.googleapis.com/auth/admin.directory.orgunit.readonly",
]


@dataclass
class Workspace:
    """Endpoints plus the service account that acts for people through delegation."""

    endpoints: GoogleEndpoints
    service_account_info: dict
    admin_email: str = ""
    _server: object | None = field(default=None, repr=False)

    def service(self, api: str, user: str, scopes: list[str] | None = None):
        """A client library service acting as ``user``."""
        credentials = delegated_credentials(self.service_account_info, user,
                                            scopes or (DIRECTORY_SCOPES if api == "directory"
                                                       else SYNC_SCOPES))
        return build_service(api, credentials, self.endpoints)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def connect(settings: Settings, *, start_sandbox: bool = True) -> Workspace:
    """The Workspace the settings point at (Google, a given sandbox, or a local one)."""
    if settings.google_api_root == "google":
        info = json.loads(settings.service_account_file.read_text())
        return Workspace(GoogleEndpoints(), info, settings.admin_email)
    server = None
    if settings.google_api_root:
        url, ca_file = settings.google_api_root.rstrip("/"), str(settings.sandbox_ca)
    else:
        from workspace_sandbox import SandboxServer, running_sandbox, seed_world
        info = running_sandbox(settings.sandbox_dir)
        if info is None:
            if not start_sandbox:
                raise ConfigError("No sandbox is running; start one with `coach sandbox serve`.")
            server = SandboxServer(settings.sandbox_dir).start()
            if server.world.is_empty():
                seed_world(server.world)
            info = {"url": server.url, "ca_file": str(server.ca_file)}
            log.info("started an in-process sandbox at %s", server.url)
        url, ca_file = info["url"], info["ca_file"]
    key = requests.get(f"{url}/_sandbox/oauth/service-account", verify=ca_file, timeout=30)
    key.raise_for_status()
    return Workspace(GoogleEndpoints(url, ca_file), key.json(),
                     settings.admin_email or _sandbox_admin(), _server=server)


def _sandbox_admin() -> str:
    """The demo organisation's Workspace admin."""
    from workspace_sandbox import demo_admin
    admin = demo_admin()
    if admin:
        return admin
    raise ConfigError("The sandbox's demo organisation has no admin; set COACH_ADMIN_EMAIL.")
