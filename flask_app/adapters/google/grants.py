"""Credentials for the opt-in mode: each manager's own authorisation, and one admin's for the
directory, their refresh tokens decrypted from the store only when a call needs them.

:class:`ByMode` chooses, per call, between the service account's domain-wide delegation and
these grants, following HR's rollout mode (read again every few seconds).
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from ...errors import PermissionDenied
from .clients import GoogleEndpoints, oauth_credentials

MODE_TTL_SECONDS = 5


class StoredGrants:
    """``credentials(api, user)`` from the grants people gave (see web/signin.py)."""

    def __init__(self, grant: Callable[[str, str], object | None],
                 directory_grant: Callable[[], object | None], open_token: Callable[[str], str],
                 endpoints: GoogleEndpoints, client: Callable[[], tuple[str, str]]):
        self._grant, self._directory = grant, directory_grant
        self._open, self._endpoints, self._client = open_token, endpoints, client
        self._cache: dict[tuple[str, str], tuple[str, object]] = {}
        self._lock = threading.Lock()

    def __call__(self, api: str, user: str):
        stored = self._directory() if api == "directory" else self._grant(user, "calendar")
        if stored is None:
            who = "No admin" if api == "directory" else user
            raise PermissionDenied(403, "notAuthorised",
                                   f"{who} has not authorised the coach (opt-in mode)")
        key = ("directory" if api == "directory" else "calendar", stored.email)
        with self._lock:
            found = self._cache.get(key)
            if found is None or found[0] != stored.token:  # a new grant replaces the old
                client_id, secret = self._client()
                credentials = oauth_credentials(
                    {"refresh_token": self._open(stored.token), "scopes": stored.scopes},
                    client_id, secret, self._endpoints)
                found = (stored.token, credentials)
                self._cache[key] = found
            return found[1]


class ByMode:
    """Delegation or the people's own grants, by the rollout's mode."""

    def __init__(self, delegation, grants: StoredGrants, opt_in: Callable[[], bool]):
        self._delegation, self._grants, self._opt_in = delegation, grants, opt_in
        self._mode: tuple[float, bool] | None = None
        self.client_id = getattr(delegation, "client_id", "")

    def __call__(self, api: str, user: str):
        if self._mode is None or time.monotonic() - self._mode[0] > MODE_TTL_SECONDS:
            self._mode = (time.monotonic(), self._opt_in())
        return self._grants(api, user) if self._mode[1] else self._delegation(api, user)
