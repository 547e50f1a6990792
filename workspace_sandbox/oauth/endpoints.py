"""The sandbox's Google account server over HTTP: OAuth 2.0, OpenID Connect, service accounts.

Google's endpoints (authorization, token, revocation, certificates, discovery, userinfo) and the
control plane under ``/_sandbox/oauth``. The clients and keys are described in :mod:`.oauth_clients`.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify, request

from workspace_sandbox.oauth import clients
from workspace_sandbox.oauth import pages as oauth_pages
from workspace_sandbox.oauth import tokens as oauth_tokens
from workspace_sandbox.core import signing
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx
from workspace_sandbox.core.control_plane import json_body, world

bp = Blueprint("sandbox_oauth", __name__, template_folder="templates")


def _base_url() -> str:
    return request.host_url.rstrip("/")


def seed_auth(tx: Tx, seed_dir) -> None:
    """Seeder: the web client, the service account with its delegation, the signing key."""
    clients.seed(tx)


# --- Google-facing endpoints -----------------------------------------------------------------

@bp.route("/o/oauth2/v2/auth", methods=["GET", "POST"])
@bp.route("/o/oauth2/auth", methods=["GET", "POST"])
def authorize():
    with world().transaction() as tx:
        if request.method == "POST":
            return oauth_pages.decide(tx, request.form, request.path)
        return oauth_pages.consent_page(tx, request.args, request.path)


@bp.post("/token")
@bp.post("/o/oauth2/token")
def token():
    with world().transaction() as tx:
        try:
            body = oauth_tokens.exchange(tx, request.form, request.authorization, _base_url())
            status = 200
        except oauth_tokens.OAuthError as error:
            body, status = error.body(), error.status
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-cache, no-store, max-age=0, must-revalidate"
    return response


@bp.route("/revoke", methods=["GET", "POST"])
@bp.route("/o/oauth2/revoke", methods=["GET", "POST"])
def revoke():
    value = request.values.get("token", "")
    with world().transaction() as tx:
        if not oauth_tokens.revoke(tx, value):
            return {"error": "invalid_token", "error_description": "Token expired or revoked"}, 400
    return {}


@bp.get("/oauth2/v1/certs")
def certs_v1():
    with world().transaction() as tx:
        return _cacheable(signing.certificates(tx))


@bp.get("/oauth2/v3/certs")
def certs_v3():
    with world().transaction() as tx:
        return _cacheable(signing.jwks(tx))


@bp.get("/robot/v1/metadata/x509/<path:email>")
def service_account_certs(email):
    with world().transaction() as tx:
        sa = clients.service_account(tx, email)
    if sa is None:
        return {"error": {"code": 404, "message": "Not Found"}}, 404
    return _cacheable({sa["kid"]: sa["certificate"]})


def _cacheable(data: dict) -> Response:
    response = jsonify(data)
    response.headers["Cache-Control"] = "public, max-age=21600, must-revalidate, no-transform"
    return response


@bp.get("/.well-known/openid-configuration")
def openid_configuration():
    base = _base_url()
    return {
        "issuer": signing.ISSUER, "authorization_endpoint": f"{base}/o/oauth2/v2/auth",
        "token_endpoint": f"{base}/token", "userinfo_endpoint": f"{base}/oauth2/v3/userinfo",
        "revocation_endpoint": f"{base}/revoke", "jwks_uri": f"{base}/oauth2/v3/certs",
        "response_types_supported": ["code"], "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "email", "email_verified", "exp", "family_name", "given_name",
                             "hd", "iat", "iss", "name", "sub"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": ["authorization_code", "refresh_token",
                                  "urn:ietf:params:oauth:grant-type:jwt-bearer"],
    }


@bp.get("/oauth2/v3/userinfo")
def userinfo_v3():
    return _userinfo(version=3)


@bp.get("/oauth2/v2/userinfo")
def userinfo_v2():
    return _userinfo(version=2)


def _userinfo(version: int):
    header = request.headers.get("Authorization", "")
    value = header[7:].strip() if header.lower().startswith("bearer ") else request.args.get(
        "access_token")
    with world().transaction() as tx:
        info = oauth_tokens.userinfo(tx, value, version)
    if info is None:
        return {"error": "invalid_request", "error_description": "Invalid Credentials"}, 401
    return info


# --- control plane ---------------------------------------------------------------------------

@bp.post("/_sandbox/oauth/clients")
def register_client():
    """Register a web client with exact redirect URIs: ``{client_id?, redirect_uris, name?}``."""
    body = json_body()
    uris = body.get("redirect_uris")
    if not isinstance(uris, list) or not uris or not all(
            isinstance(u, str) and urlsplit(u).scheme in ("http", "https")
            and urlsplit(u).netloc and not urlsplit(u).fragment for u in uris):
        raise ApiError(400, "invalid", "'redirect_uris' must be a non-empty list of absolute "
                       "http(s) URLs without fragments.")
    with world().transaction() as tx:
        try:
            created = clients.register(tx, uris, body.get("client_id"), body.get("name"))
        except ValueError as error:
            raise ApiError(409, "duplicate", str(error)) from None
    return {**created, "redirect_uris": uris}, 201


@bp.get("/_sandbox/oauth/clients/<client_id>")
def client_secrets(client_id):
    """A client's ``client_secret.json``, in the shape the Cloud console downloads."""
    with world().transaction() as tx:
        found = clients.client_secrets(tx, client_id, _base_url())
    if found is None:
        raise ApiError(404, "notFound", f"No OAuth client {client_id}.")
    return found


@bp.put("/_sandbox/oauth/delegation")
def set_delegation():
    """Set the scopes a client may use with domain-wide delegation: ``{client_id, scopes}``."""
    body = json_body()
    scopes = body.get("scopes")
    if not body.get("client_id") or not isinstance(scopes, list) or not all(
            isinstance(s, str) for s in scopes):
        raise ApiError(400, "invalid", "Delegation needs 'client_id' and a list of 'scopes'.")
    with world().transaction() as tx:
        clients.set_delegation(tx, str(body["client_id"]), scopes)
    return {"client_id": str(body["client_id"]), "scopes": scopes}


@bp.get("/_sandbox/oauth/service-account")
def service_account_key():
    """The service account's key file (JSON), with this sandbox as its token endpoint."""
    with world().transaction() as tx:
        return clients.service_account_info(tx, _base_url())


@bp.post("/_sandbox/oauth/id-token")
def mint_id_token():
    """An ID token signed like Google's: ``{claims}`` -> ``{id_token}``."""
    claims = json_body().get("claims")
    if not isinstance(claims, dict) or not claims.get("aud"):
        raise ApiError(400, "invalid", "'claims' must be an object with at least 'aud'.")
    with world().transaction() as tx:
        return {"id_token": signing.sign_id_token(tx, claims)}
