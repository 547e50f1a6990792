"""The one place that talks to Google's client libraries: endpoints and TLS trust, credentials,
services built once and reused, running a call, the retry policy, and Google's errors.

Services: each API's discovery document is parsed and its resources (``calendar.events()``,
``docs.documents()``...) built once per process; every request carries the credentials of the
person it acts as and goes over a keep-alive connection taken from a pool (httplib2 connections
are not thread-safe, so each is used by one call at a time).

Credentials: the service-account key is parsed once; each user's delegated credentials derive
from it with ``with_subject`` and are cached so that their access tokens are reused.

Retries: :data:`RETRIES` says, per method, what may be retried and why. A call is retried when
Google is known not to have applied it (429, a 403 rate limit) or when applying it twice does no
harm; a call that is not idempotent is never retried after an answer that may hide a success
(5xx, a dropped connection): its caller checks what Google holds instead.
"""
from __future__ import annotations

import email.utils
import json
import logging
import random
import socket
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from datetime import datetime, timezone
from typing import Callable, Iterator

import google_auth_httplib2
from google.auth import exceptions as auth_exceptions
import httplib2
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from ...errors import (Conflict, GoogleApiError, NotFound, PermissionDenied, RateLimited,
                       SyncTokenExpired)

log = logging.getLogger(__name__)

_APIS = {"calendar": ("calendar", "v3", "calendar/v3/"),
         "directory": ("admin", "directory_v1", ""),
         "docs": ("docs", "v1", ""),
         "drive": ("drive", "v3", "drive/v3/")}
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})

# Why each method may be retried. "safe": reading, or doing it twice changes nothing (the same
# permission, the same attachment list, a batch guarded by requiredRevisionId, which fails its
# revision check the second time). "unsafe": not idempotent; retried only on rate limits, which
# Google answers before doing anything. A method missing here is not retried at all.
RETRIES = {
    "calendar.events.list": "safe", "calendar.events.get": "safe",
    "calendar.events.instances": "safe", "calendar.freebusy.query": "safe",
    "calendar.events.patch": "safe",
    # always with the service's own event id: a repeat answers 409 and the caller reads it
    "calendar.events.insert": "safe",
    "calendar.channels.stop": "safe",  # a repeat answers 404, which the caller ignores
    "directory.users.list": "safe", "directory.users.get": "safe",
    "directory.orgunits.list": "safe",
    "docs.documents.get": "safe", "docs.documents.batchUpdate": "safe",
    "drive.files.list": "safe", "drive.files.get": "safe", "drive.files.update": "safe",
    "drive.permissions.list": "safe", "drive.permissions.create": "safe",
    "drive.permissions.delete": "safe", "drive.files.export": "safe",
    "drive.files.create": "unsafe",
}


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry: exponential backoff with jitter, honouring Retry-After,
    and never waiting longer than ``max_wait`` in one call (the caller re-enqueues instead)."""

    attempts: int = 5
    base: float = 1.0
    max_wait: float = 32.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return random.uniform(0, self.base * 2 ** attempt)


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


class Delegation:
    """A service account acting for the organisation's people (domain-wide delegation), with the
    scopes each API is used with."""

    def __init__(self, service_account_info: dict, scopes: dict[str, tuple[str, ...]], *,
                 cache_size: int = 4096):
        self._base = service_account.Credentials.from_service_account_info(service_account_info)
        self.client_id = service_account_info.get("client_id", "")
        self.email = service_account_info.get("client_email", "")
        self._scopes = scopes
        self._cache: OrderedDict = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()

    def __call__(self, api: str, user: str):
        """``user``'s credentials for ``api``: the same object (and token) on every call."""
        scopes = self._scopes[api]
        key = (user.lower(), scopes)
        with self._lock:
            found = self._cache.get(key)
            if found is None:
                found = self._base.with_scopes(list(scopes)).with_subject(user)
                self._cache[key] = found
                if len(self._cache) > self._size:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(key)
            return found


def oauth_credentials(token: dict, client_id: str, client_secret: str,
                      endpoints: GoogleEndpoints):
    """Credentials from a user's OAuth grant (``access_token``, ``refresh_token``, ``scopes``)."""
    return user_credentials.Credentials(
        token.get("access_token"), refresh_token=token.get("refresh_token"),
        token_uri=endpoints.token_uri, client_id=client_id, client_secret=client_secret,
        scopes=token.get("scopes"))


class ConnectionPool:
    """Keep-alive HTTPS connections to Google, shared by every thread: a call takes an idle one
    (or opens one) and gives it back, so a thread per request reuses connections too."""

    def __init__(self, endpoints: GoogleEndpoints, size: int = 16):
        self._endpoints, self._size = endpoints, size
        self._idle: list[httplib2.Http] = []
        self._lock = threading.Lock()

    @contextmanager
    def connection(self) -> Iterator[httplib2.Http]:
        with self._lock:
            http = self._idle.pop() if self._idle else None
        http = http or self._endpoints.http()
        try:
            yield http
        finally:
            with self._lock:
                if len(self._idle) < self._size:
                    self._idle.append(http)


class _Pooled:
    """What the client library calls an ``Http``: each request over a pooled connection."""

    connections = None
    follow_redirects = True

    def __init__(self, pool: ConnectionPool, timeout: int = 60):
        self._pool, self.timeout = pool, timeout

    def request(self, *args, **kwargs):
        with self._pool.connection() as http:
            return http.request(*args, **kwargs)

    def close(self) -> None:
        pass


class _Acting:
    """A resource shared by all threads whose requests go out with one person's credentials."""

    def __init__(self, resource, http):
        self._resource, self._http = resource, http

    def __getattr__(self, name: str):
        method = getattr(self._resource, name)

        def call(*args, **kwargs):
            request = method(*args, **kwargs)
            if isinstance(request, HttpRequest):
                request.http = self._http
            return request
        return call


class GoogleClients:
    """Client-library resources built once per process and shared by threads; each request
    carries the credentials of the person it acts as and goes over a pooled connection.

    ``credentials(api, user)`` gives the credentials to act as ``user`` with (a
    :class:`Delegation`, or one user's own OAuth grant).
    """

    def __init__(self, endpoints: GoogleEndpoints, credentials: Callable[[str, str], object], *,
                 retry: RetryPolicy = RetryPolicy(),
                 on_call: Callable[[str, object], None] | None = None,
                 pool: ConnectionPool | None = None):
        self.endpoints = endpoints
        self.credentials = credentials
        self.retry = retry
        self.on_call = on_call  # told of every call Google answered: (method, request)
        self._http = _Pooled(pool or ConnectionPool(endpoints))

    def resource(self, api: str, user: str, *path: str, grant: str | None = None):
        """The nested resource ``path`` (e.g. ``"events"``) of ``api``, acting as ``user`` with
        the scopes of ``grant`` (default: the API's own, see workspace.SCOPES)."""
        authorized = google_auth_httplib2.AuthorizedHttp(self.credentials(grant or api, user),
                                                         http=self._http)
        return _Acting(_shared(api, self.endpoints.api_endpoint(api), path), authorized)

    def execute(self, request, method: str):
        """Run one request under the retry policy; Google's errors become the project's."""
        kind = RETRIES.get(method)
        for attempt in range(self.retry.attempts):
            try:
                answer = request.execute()
                if self.on_call is not None:
                    self.on_call(method, request)
                return answer
            except HttpError as error:
                failure = translate(error, method)
                transient = isinstance(failure, RateLimited) or (
                    kind == "safe" and failure.status >= 500)
                if kind is None or not transient or attempt == self.retry.attempts - 1:
                    raise failure from error
            except auth_exceptions.RefreshError as error:  # the grant itself is missing
                raise PermissionDenied(401, "unauthorized_client", _refusal(error),
                                       method=method) from error
            except (socket.timeout, ConnectionError, httplib2.HttpLib2Error) as error:
                failure = GoogleApiError(503, "connectionError", str(error) or "no answer",
                                         method=method)
                if kind != "safe" or attempt == self.retry.attempts - 1:
                    raise failure from error
            wait = self.retry.delay(attempt, failure.retry_after)
            if wait > self.retry.max_wait:
                raise failure
            log.info("%s: %s %s; retrying in %.1f s", method, failure.status, failure.reason, wait)
            self.retry.sleep(wait)
        raise AssertionError("unreachable")


_BUILDING = threading.Lock()


@cache
def _shared(api: str, root: str | None, path: tuple[str, ...]):
    """An API's nested resource, built once per process (building the Docs API's alone takes a
    tenth of a second); requests made from it are given their own ``http``."""
    with _BUILDING:
        found = build_from_document(_discovery(api), http=httplib2.Http(),
                                    client_options={"api_endpoint": root} if root else None)
        for name in path:
            found = getattr(found, name)()
        return found


@cache
def _discovery(api: str) -> dict:
    """An API's discovery document as shipped with the client library, parsed once."""
    name, version, _ = _APIS[api]
    return json.loads(get_static_doc(name, version))


def build_service(api: str, credentials, endpoints: GoogleEndpoints,
                  http: httplib2.Http | None = None):
    """A client-library service (``calendar``, ``directory``, ``docs`` or ``drive``)."""
    authorized = google_auth_httplib2.AuthorizedHttp(credentials, http=http or endpoints.http())
    options = {"api_endpoint": endpoints.api_endpoint(api)} if endpoints.root else None
    return build_from_document(_discovery(api), http=authorized, client_options=options)


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
    return kind(status, reason, message, method=method,
                retry_after=_retry_after(error.resp.get("retry-after")))


def _refusal(error: Exception) -> str:
    """Why Google refused a token (its error code only: the message can name the account)."""
    parts = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], dict) else {}
    return str(parts.get("error") or "the account server refused a token")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number, or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())
