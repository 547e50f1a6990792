"""Who calls one of Google's newer Cloud APIs (Cloud Tasks, Secret Manager): a sandbox access
token, or — as google-auth sends for service accounts to Cloud APIs (AIP-4111) — a JWT the
service account signs itself, with a ``scope`` claim or ``aud`` = ``https://<service>/``."""
from __future__ import annotations

from workspace_sandbox.core import signing
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.tokens import lookup_access_token
from workspace_sandbox.core.world import Tx
from workspace_sandbox.oauth import clients


def grant_for(tx: Tx, token: str, service: str, scopes: tuple[str, ...]) -> dict | None:
    """``{"user", "scopes", ...}`` for a bearer token, or None when nobody issued or signed it."""
    try:
        if token.count(".") == 2:
            return _self_signed(tx, token, service, scopes)
        return lookup_access_token(tx, token)
    except (ApiError, signing.JwtError):
        return None


def _self_signed(tx: Tx, token: str, service: str, scopes: tuple[str, ...]) -> dict | None:
    issuer = str(signing.unverified_claims(token).get("iss", ""))
    account = clients.service_account(tx, issuer)
    if account is None:
        return None
    claims = signing.verify(token, account["certificate"])
    if claims.get("sub", issuer) != issuer:
        return None
    granted = str(claims.get("scope", "")).split()
    if not granted and claims.get("aud") == f"https://{service}/":
        granted = list(scopes)
    return {"user": issuer, "client_id": account["client_id"], "scopes": granted}
