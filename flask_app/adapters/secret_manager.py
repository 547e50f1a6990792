"""Settings kept in Secret Manager (google-cloud-secret-manager, REST).

A setting whose value is ``secret:projects/P/secrets/S/versions/V`` — or ``secret:S`` for the
latest version of S in the project the service runs in (``GOOGLE_CLOUD_PROJECT``, which App
Engine sets) — is replaced by the secret's text when the service is built, so that app.yaml
holds names, never values. ``COACH_SERVICE_ACCOUNT_FILE=secret:…`` holds the key's JSON itself.
A secret that cannot be read stops the start with a one-line error naming the setting.
"""
from __future__ import annotations

import os
import re
from dataclasses import fields, replace
from pathlib import Path

import google_crc32c
from google.api_core import exceptions
from google.cloud import secretmanager
from google.oauth2 import service_account

from ..config import Settings
from ..errors import ConfigError

PREFIX = "secret:"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
_FULL = re.compile(r"projects/[^/]+/secrets/[A-Za-z0-9_-]+/versions/(latest|[0-9]+)")
_REQUEST = re.compile(r"^[A-Z]+ \S+: ")
_SHORT = re.compile(r"[A-Za-z0-9_-]{1,255}")


class SecretManager:
    """Reads secret versions' text."""

    def __init__(self, client: secretmanager.SecretManagerServiceClient, project: str = ""):
        self._client, self._project = client, project

    @classmethod
    def on_google(cls) -> "SecretManager":
        """With App Engine's default credentials, in its project."""
        return cls(secretmanager.SecretManagerServiceClient(transport="rest"),
                   os.environ.get("GOOGLE_CLOUD_PROJECT", ""))

    @classmethod
    def on_sandbox(cls, url: str, ca_file: str | Path, key: dict,
                   project: str) -> "SecretManager":
        """The sandbox's Secret Manager, as the sandbox's service account."""
        credentials = service_account.Credentials.from_service_account_info(
            key, scopes=[CLOUD_PLATFORM])
        client = secretmanager.SecretManagerServiceClient(
            transport="rest", credentials=credentials, client_options={"api_endpoint": url})
        session = client._transport._session
        session.verify, session.trust_env = str(ca_file), False
        return cls(client, project)

    def name(self, reference: str) -> str:
        """The version a ``secret:`` value names. :raises ConfigError: a malformed one."""
        if _FULL.fullmatch(reference):
            return reference
        if _SHORT.fullmatch(reference) and self._project:
            return f"projects/{self._project}/secrets/{reference}/versions/latest"
        raise ConfigError(f"{PREFIX}{reference} is not {PREFIX}projects/P/secrets/S/versions/V"
                          + (f" or {PREFIX}S" if self._project else
                             " (GOOGLE_CLOUD_PROJECT is not set for the short form)"))

    def read(self, reference: str) -> str:
        """The text of the version ``reference`` names.

        :raises ConfigError: it cannot be read, or arrived damaged.
        """
        name = self.name(reference)
        try:
            answer = self._client.access_secret_version(name=name, timeout=30)
        except exceptions.GoogleAPICallError as error:
            said = _REQUEST.sub("", error.message or "")  # REST: "GET <url>: <Google's>"
            raise ConfigError(f"Secret Manager could not give {name}: {error.code} "
                              f"{said}") from error
        data = answer.payload.data
        if answer.payload.data_crc32c and google_crc32c.value(data) != answer.payload.data_crc32c:
            raise ConfigError(f"Secret Manager's answer for {name} is damaged (CRC32C differs).")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ConfigError(f"{name} is not UTF-8 text.") from error


def setting(name: str, value: str, secrets: SecretManager) -> str:
    """The value of the setting ``name`` (``database_url``): ``value``, or the text of the
    secret it names.

    :raises ConfigError: the secret cannot be read (the message names COACH_<NAME>).
    """
    if not value.startswith(PREFIX):
        return value
    try:
        return secrets.read(value[len(PREFIX):])
    except ConfigError as error:
        raise ConfigError(f"COACH_{name.upper()}: {error}") from error


def with_secrets(settings: Settings, secrets: SecretManager) -> Settings:
    """``settings`` with every ``secret:`` value read from Secret Manager (the service account
    key's JSON is kept in memory, not written to a file)."""
    read = {field.name: setting(field.name, value, secrets) for field in fields(settings)
            if isinstance(value := getattr(settings, field.name), str)
            and value.startswith(PREFIX)}
    key = str(settings.service_account_file or "")
    if key.startswith(PREFIX):
        read["service_account_json"] = setting("service_account_file", key, secrets)
    return replace(settings, **read) if read else settings
