"""Access tokens the sandbox issues and checks: who, for which client, with which scopes."""
from __future__ import annotations

import secrets
from datetime import timedelta

from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx

TOKEN_LIFETIME = timedelta(hours=1)


def issue_access_token(tx: Tx, user: str, client_id: str, scopes: list[str] | tuple[str, ...],
                       lifetime: timedelta = TOKEN_LIFETIME) -> dict:
    """Store and return a token grant: ``{access_token, expires_in, scope, token_type}``."""
    token = "ya29.sandbox-" + secrets.token_urlsafe(32)
    expires = tx.now() + lifetime
    tx.put("token", token, {"user": user, "client_id": client_id, "scopes": sorted(set(scopes)),
                            "expires": expires.timestamp()})
    return {"access_token": token, "expires_in": int(lifetime.total_seconds()),
            "scope": " ".join(sorted(set(scopes))), "token_type": "Bearer"}


def lookup_access_token(tx: Tx, token: str | None) -> dict:
    """The grant behind a bearer token, or Google's 401."""
    if not token:
        raise ApiError(401, "required", "Request is missing required authentication credential. "
                       "Expected OAuth 2 access token, login cookie or other valid authentication "
                       "credential.", status="UNAUTHENTICATED")
    grant = tx.get("token", token)
    if grant is None or grant["expires"] <= tx.now().timestamp():
        raise ApiError(401, "authError", "Invalid Credentials", status="UNAUTHENTICATED")
    return grant
