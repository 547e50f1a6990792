"""The token endpoint of the sandbox's account server: its three grants, revocation, userinfo.

Answers and errors follow Google's token endpoint (``https://oauth2.googleapis.com/token``).
Access tokens last 3599 s on the sandbox clock; authorization codes 10 minutes, once.
A refresh token is issued whenever ``access_type=offline`` was asked for (Google issues one only
on the first consent, or with ``prompt=consent``).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from urllib.parse import unquote_plus

from workspace_sandbox.oauth import clients
from workspace_sandbox.core import signing
from workspace_sandbox.directory.api import find_user
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.tokens import issue_access_token, lookup_access_token
from workspace_sandbox.core.world import Tx

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ACCESS_LIFETIME = timedelta(seconds=3599)
CODE_LIFETIME = timedelta(minutes=10)
GOOGLE_TOKEN_URIS = ("https://oauth2.googleapis.com/token",
                     "https://accounts.google.com/o/oauth2/token",
                     "https://www.googleapis.com/oauth2/v4/token")
UNAUTHORIZED_CLIENT = ("Client is unauthorized to retrieve access tokens using this method, or "
                       "client not authorized for any of the scopes requested.")
BAD_JWT_TIMES = ("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
                 "timeframe. Check your iat and exp values in the JWT claim.")


class OAuthError(Exception):
    """An error answer of the token endpoint: ``{"error", "error_description"}``."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


def exchange(tx: Tx, form, authorization, base_url: str) -> dict:
    """Answer one token request (form fields, HTTP Basic credentials or None)."""
    grant = form.get("grant_type")
    if not grant:
        raise OAuthError("invalid_request", "Missing required parameter: grant_type")
    if grant == "authorization_code":
        return _authorization_code(tx, form, _authenticate(tx, form, authorization))
    if grant == "refresh_token":
        return _refresh(tx, form, _authenticate(tx, form, authorization))
    if grant == JWT_BEARER:
        return _jwt_bearer(tx, form.get("assertion"), base_url)
    raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant}")


def issue_code(tx: Tx, grant: dict) -> str:
    """Store an authorization grant (user, client, redirect URI, scopes, PKCE...) as a code."""
    code = "4/0" + secrets.token_urlsafe(48)
    tx.put("oauth.code", code, {**grant, "expires": (tx.now() + CODE_LIFETIME).timestamp()})
    return code


def _authenticate(tx: Tx, form, authorization) -> str:
    if authorization is not None and authorization.type == "basic":
        client_id = unquote_plus(authorization.username or "")
        secret = unquote_plus(authorization.password or "")
    else:
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
    registered = clients.client(tx, client_id)
    if registered is None:
        raise OAuthError("invalid_client", "The OAuth client was not found.", 401)
    if not secret:
        raise OAuthError("invalid_request", "client_secret is missing.")
    if not hmac.compare_digest(secret, registered["secret"]):
        raise OAuthError("invalid_client", "Unauthorized", 401)
    return client_id


def _authorization_code(tx: Tx, form, client_id: str) -> dict:
    code = form.get("code")
    if not code:
        raise OAuthError("invalid_request", "Missing required parameter: code")
    grant = tx.get("oauth.code", code)
    if grant is None or grant["expires"] <= tx.now().timestamp() or grant["client_id"] != client_id:
        raise OAuthError("invalid_grant", "Bad Request")
    if form.get("redirect_uri") != grant["redirect_uri"]:
        raise OAuthError("redirect_uri_mismatch", "Bad Request")
    _check_code_verifier(grant, form.get("code_verifier"))
    tx.delete("oauth.code", code)
    return _tokens(tx, grant["user"], client_id, grant["scopes"],
                   offline=grant["access_type"] == "offline", nonce=grant.get("nonce"))


def _check_code_verifier(grant: dict, verifier: str | None) -> None:
    challenge = grant.get("code_challenge")
    if not challenge:
        return
    if not verifier:
        raise OAuthError("invalid_grant", "Missing code verifier.")
    if not re.fullmatch(r"[A-Za-z0-9._~-]{43,128}", verifier):
        raise OAuthError("invalid_grant", "Invalid code verifier.")
    if grant["code_challenge_method"] == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        verifier = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    if not hmac.compare_digest(verifier, challenge):
        raise OAuthError("invalid_grant", "Invalid code verifier.")


def _refresh(tx: Tx, form, client_id: str) -> dict:
    token = form.get("refresh_token")
    if not token:
        raise OAuthError("invalid_request", "Missing required parameter: refresh_token")
    grant = tx.get("oauth.refresh", token)
    if grant is None or grant["client_id"] != client_id:
        raise OAuthError("invalid_grant", "Token has been expired or revoked.")
    scopes = grant["scopes"]
    if form.get("scope"):
        asked, _ = clients.normalize_scopes(form["scope"].split())
        if not set(asked) <= set(scopes):
            raise OAuthError("invalid_scope", "Bad Request")
        scopes = asked
    return _tokens(tx, grant["user"], client_id, scopes, offline=False)


def _tokens(tx: Tx, user: str, client_id: str, scopes: list[str], *, offline: bool,
            nonce: str | None = None) -> dict:
    issued = issue_access_token(tx, user, client_id, scopes, ACCESS_LIFETIME)
    body = {"access_token": issued["access_token"], "expires_in": issued["expires_in"],
            "scope": " ".join(scopes), "token_type": "Bearer"}
    if offline:
        body["refresh_token"] = "1//0" + secrets.token_urlsafe(72)
        tx.put("oauth.refresh", body["refresh_token"],
               {"user": user, "client_id": client_id, "scopes": list(scopes)},
               parent=f"{client_id} {user}")
    if "openid" in scopes:
        body["id_token"] = signing.sign_id_token(tx, _id_claims(
            tx, user, client_id, scopes, issued["access_token"], nonce))
    return body


def _id_claims(tx: Tx, user: str, client_id: str, scopes: list[str], access_token: str,
               nonce: str | None) -> dict:
    """Google's ID token claims: email ones with the email scope, names with the profile scope."""
    person = identity(tx, user)
    claims = {"iss": signing.ISSUER, "azp": client_id, "aud": client_id, "sub": person["sub"]}
    if "hd" in person:
        claims["hd"] = person["hd"]
    if clients.EMAIL_SCOPE in scopes:
        claims.update(email=person["email"], email_verified=True)
    claims["at_hash"] = signing.at_hash(access_token)
    if nonce:
        claims["nonce"] = nonce
    if clients.PROFILE_SCOPE in scopes and "name" in person:
        claims.update(name=person["name"], given_name=person["given_name"],
                      family_name=person["family_name"])
    return claims


def identity(tx: Tx, email: str) -> dict:
    """What the account server says about a principal: ``sub``, ``email``, names, ``hd``."""
    user = find_user(tx, email)
    if user is not None:
        return {"sub": user["id"], "email": user["primaryEmail"],
                "name": user["name"]["fullName"], "given_name": user["name"]["givenName"],
                "family_name": user["name"]["familyName"], "hd": tx.setting("domain")}
    account = clients.service_account(tx, email)
    return {"sub": account["client_id"] if account else email, "email": email}


def _jwt_bearer(tx: Tx, assertion: str | None, base_url: str) -> dict:
    if not assertion:
        raise OAuthError("invalid_request", "Missing required parameter: assertion")
    try:
        issuer = str(signing.unverified_claims(assertion).get("iss", ""))
        account = clients.service_account(tx, issuer)
        if account is None:
            raise OAuthError("invalid_grant", "Invalid grant: account not found")
        claims = signing.verify(assertion, account["certificate"])
    except signing.JwtError as error:
        raise OAuthError("invalid_grant", str(error)) from None
    if claims.get("aud") not in (f"{base_url}/token", f"{base_url}/o/oauth2/token",
                                 *GOOGLE_TOKEN_URIS):
        raise OAuthError("invalid_grant", "Invalid JWT: Failed audience check. The right "
                         f"audience is {base_url}/token")
    if not isinstance(claims.get("exp"), int) or claims["exp"] - claims["iat"] > 3600:
        raise OAuthError("invalid_grant", BAD_JWT_TIMES)
    if claims.get("target_audience"):
        return {"id_token": signing.sign_id_token(tx, {
            "aud": claims["target_audience"], "azp": account["client_id"],
            "sub": account["client_id"], "email": issuer, "email_verified": True})}
    scopes, unknown = clients.normalize_scopes(str(claims.get("scope", "")).split())
    if not scopes or unknown:
        raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    user = issuer
    if claims.get("sub") and claims["sub"] != issuer:
        person = find_user(tx, str(claims["sub"]))
        if person is None:
            raise OAuthError("invalid_grant", "Invalid email or User ID")
        if not set(scopes) <= set(clients.delegated_scopes(tx, account["client_id"])):
            raise OAuthError("unauthorized_client", UNAUTHORIZED_CLIENT, 401)
        user = person["primaryEmail"]
    issued = issue_access_token(tx, user, account["client_id"], scopes, ACCESS_LIFETIME)
    return {"access_token": issued["access_token"], "expires_in": issued["expires_in"],
            "token_type": "Bearer"}


def revoke(tx: Tx, token: str) -> bool:
    """Revoke a refresh or access token and, like Google, the whole grant it belongs to."""
    holder = (tx.get("oauth.refresh", token) or tx.get("token", token)) if token else None
    if holder is None:
        return False
    user, client_id = holder["user"], holder["client_id"]
    for key, _ in tx.items("oauth.refresh", parent=f"{client_id} {user}"):
        tx.delete("oauth.refresh", key)
    for key, grant in tx.items("token"):
        if grant["user"] == user and grant["client_id"] == client_id:
            tx.delete("token", key)
    tx.delete("oauth.grant", f"{client_id} {user}")
    return True


def userinfo(tx: Tx, token: str | None, version: int) -> dict | None:
    """The OpenID userinfo of a token's user (v3 claims or the v2 shape), or None if not allowed."""
    try:
        grant = lookup_access_token(tx, token)
    except ApiError:
        return None
    scopes = set(grant["scopes"])
    if not scopes & {"openid", clients.EMAIL_SCOPE, clients.PROFILE_SCOPE}:
        return None
    person = identity(tx, grant["user"])
    info = {"sub": person["sub"]} if version == 3 else {"id": person["sub"]}
    if clients.PROFILE_SCOPE in scopes and "name" in person:
        info.update(name=person["name"], given_name=person["given_name"],
                    family_name=person["family_name"])
    if clients.EMAIL_SCOPE in scopes:
        info["email"] = person["email"]
        info["email_verified" if version == 3 else "verified_email"] = True
    if "hd" in person:
        info["hd"] = person["hd"]
    return info
