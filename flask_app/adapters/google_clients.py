"""Building google-api-python-client services for a credential, against Google or the sandbox.

The one place that knows endpoints, TLS trust and credentials; every Google adapter gets its
service objects from here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import google_auth_httplib2
import httplib2
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from ..errors import (Conflict, GoogleApiError, NotFound, PermissionDenied, RateLimited,
                      SyncTokenExpired)

_APIS = {"calendar": ("calendar", "v3", "calendar/v3/"),
         "directory": ("admin", "directory_v1", ""),
         "docs": ("docs", "v1", ""),
         "drive": ("drive", "v3", "drive/v3/")}
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}


@dataclass(frozen=True)
class GoogleEndpoints:
    """Where the Google APIs are: Google itself (``root=None``) or a sandbox URL and its CA."""

    root: str | None = None
    ca_file: str | None = None

    @property
    def token_uri(self) -> str:
        return f"{self.root}/token" if self.root else GOOGLE_TOKEN_URI

    def api_endpoint(self, api: str) -> str | None:
        return f"{self.root}/{_APIS[api][2]}" if self.root else None

    def http(self, timeout: int = 60) -> httplib2.Http:
        return httplib2.Http(ca_certs=self.ca_file, timeout=timeout)


def build_service(api: str, credentials, endpoints: GoogleEndpoints):
    """A discovery-based service (``calendar``, ``directory``, ``docs`` or ``drive``)."""
    name, version, _ = _APIS[api]
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=endpoints.http())
    options = {"api_endpoint": endpoints.api_endpoint(api)} if endpoints.root else None
    return build(name, version, http=http, client_options=options, static_discovery=True,
                 cache_discovery=False)


def delegated_credentials(service_account_info: dict, subject: str, scopes: list[str]):
    """Credentials of a service account acting for ``subject`` (domain-wide delegation)."""
    base = service_account.Credentials.from_service_account_info(service_account_info,
                                                                 scopes=scopes)
    return base.with_subject(subject)


def oauth_credentials(token: dict, client_id: str, client_secret: str,
                      endpoints: GoogleEndpoints):
    """Credentials from a user's stored OAuth grant (``access_token``, ``refresh_token``, scopes)."""
    return user_credentials.Credentials(
        token.get("access_token"), refresh_token=token.get("refresh_token"),
        token_uri=endpoints.token_uri, client_id=client_id, client_secret=client_secret,
        scopes=token.get("scopes"))


def translate(error: HttpError, method: str = "") -> GoogleApiError:
    """Turn a client library HttpError into the project's own error."""
    status = int(error.resp.status)
    reason, message = "", str(error)
    try:
        body = json.loads(error.content.decode("utf-8"))["error"]
        message = body.get("message", message)
        reason = (body.get("errors") or [{}])[0].get("reason", "") or body.get("status", "")
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    if status == 404:
        kind = NotFound
    elif status == 410:
        kind = SyncTokenExpired
    elif status == 429 or (status == 403 and reason in RATE_LIMIT_REASONS):
        kind = RateLimited
    elif status == 403:
        kind = PermissionDenied
    elif status in (409, 412):
        kind = Conflict
    else:
        kind = GoogleApiError
    return kind(status, reason, message, method=method)
