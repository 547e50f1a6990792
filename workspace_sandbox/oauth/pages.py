"""The authorization endpoint: checks a sign-in request, asks a person to consent, redirects back.

As at Google, a request with an unknown client or a redirect URI the client did not register gets
an error page (the app cannot be trusted with the answer); any other problem, and a refusal, goes
back to the app as ``redirect_uri?error=...&state=...``. The sandbox has no passwords: the consent
page lets whoever uses it pick a person of the domain (``login_hint`` preselects one).
"""
from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Response, redirect, render_template

from workspace_sandbox.oauth import clients
from workspace_sandbox.directory.api import find_user, users
from workspace_sandbox.oauth.tokens import issue_code
from workspace_sandbox.core.world import Tx

PROMPTS = {"none", "consent", "select_account"}
_CHALLENGE = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def consent_page(tx: Tx, args, action: str) -> Response:
    """Answer ``GET /o/oauth2/v2/auth``: an error page, an error redirect or the consent page."""
    registered = clients.client(tx, args.get("client_id"))
    if registered is None:
        return _error_page(401, "invalid_client", "The OAuth client was not found.")
    redirect_uri = args.get("redirect_uri")
    if not redirect_uri:
        return _error_page(400, "invalid_request", "Missing required parameter: redirect_uri")
    if not clients.redirect_allowed(registered, redirect_uri):
        return _error_page(400, "redirect_uri_mismatch", (
            f"You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 "
            f"policy. Request details: redirect_uri={redirect_uri}"))
    scopes, unknown = clients.normalize_scopes(args.get("scope", "").split())
    problem = _problem(args, scopes, unknown)
    if problem:
        return _back(redirect_uri, {"error": problem[0], "error_description": problem[1],
                                    "state": args.get("state")})
    request_id = secrets.token_urlsafe(24)
    tx.put("oauth.pending", request_id, {
        "client_id": args["client_id"], "redirect_uri": redirect_uri, "scopes": scopes,
        "state": args.get("state"), "access_type": args.get("access_type", "online"),
        "include_granted_scopes": args.get("include_granted_scopes") == "true",
        "code_challenge": args.get("code_challenge"),
        "code_challenge_method": args.get("code_challenge_method") or (
            "plain" if args.get("code_challenge") else None),
        "nonce": args.get("nonce"), "login_hint": (args.get("login_hint") or "").lower()})
    return _render_consent(tx, request_id, action)


def _problem(args, scopes: list[str], unknown: list[str]) -> tuple[str, str] | None:
    if args.get("response_type") != "code":
        return "unsupported_response_type", f"Invalid response_type: {args.get('response_type')}"
    if not scopes:
        return "invalid_request", "Missing required parameter: scope"
    if unknown:
        return "invalid_scope", f"Some requested scopes were invalid. {{invalid={unknown}}}"
    if args.get("access_type", "online") not in ("online", "offline"):
        return "invalid_request", f"Invalid access_type: {args.get('access_type')}"
    if args.get("include_granted_scopes", "false") not in ("true", "false"):
        return "invalid_request", "Invalid include_granted_scopes: use true or false"
    prompts = set(args.get("prompt", "").split())
    if prompts - PROMPTS or ("none" in prompts and len(prompts) > 1):
        return "invalid_request", f"Invalid prompt: {args.get('prompt')}"
    challenge, method = args.get("code_challenge"), args.get("code_challenge_method")
    if method and (not challenge or method not in ("S256", "plain")):
        return "invalid_request", f"Invalid code_challenge_method: {method}"
    if challenge and not _CHALLENGE.fullmatch(challenge):
        return "invalid_request", "Invalid code_challenge"
    if "none" in prompts:
        return "login_required", "The sandbox has no signed-in session: drop prompt=none"
    return None


def decide(tx: Tx, form, action: str) -> Response:
    """Answer the consent form: redirect back with a code, or with ``error=access_denied``."""
    request_id = form.get("request_id", "")
    pending = tx.get("oauth.pending", request_id)
    if pending is None:
        return _error_page(400, "invalid_request",
                           "This sign-in request is no longer valid. Start again from the app.")
    if form.get("decision") == "deny":
        tx.delete("oauth.pending", request_id)
        return _back(pending["redirect_uri"], {"error": "access_denied",
                                               "state": pending["state"]})
    person = find_user(tx, form.get("user", ""))
    if person is None or form.get("decision") != "allow":
        return _render_consent(tx, request_id, action,
                               error="Choose a person of the domain, then Allow or Cancel.")
    tx.delete("oauth.pending", request_id)
    user = person["primaryEmail"]
    scopes = list(pending["scopes"])
    grant_key = f"{pending['client_id']} {user}"
    if pending["include_granted_scopes"]:
        earlier = (tx.get("oauth.grant", grant_key) or {}).get("scopes", [])
        scopes += [s for s in earlier if s not in scopes]
    tx.put("oauth.grant", grant_key, {"scopes": scopes})
    code = issue_code(tx, {
        "client_id": pending["client_id"], "redirect_uri": pending["redirect_uri"], "user": user,
        "scopes": scopes, "access_type": pending["access_type"], "nonce": pending["nonce"],
        "code_challenge": pending["code_challenge"],
        "code_challenge_method": pending["code_challenge_method"]})
    return _back(pending["redirect_uri"], {
        "state": pending["state"], "code": code, "scope": " ".join(scopes), "authuser": "0",
        "hd": tx.setting("domain"), "prompt": "consent"})


def _render_consent(tx: Tx, request_id: str, action: str, error: str | None = None) -> Response:
    pending = tx.get("oauth.pending", request_id)
    registered = clients.client(tx, pending["client_id"])
    descriptions = clients.known_scopes()
    people = [{"email": u["primaryEmail"], "name": u["name"]["fullName"],
               "selected": pending["login_hint"] in (u["primaryEmail"], u["id"])}
              for u in users(tx)]
    html = render_template("oauth/consent.html", app_name=registered["name"], people=people,
                           scopes=[descriptions[s] for s in pending["scopes"]],
                           request_id=request_id, action=action, error=error)
    return Response(html, status=400 if error else 200, content_type="text/html; charset=utf-8")


def _error_page(status: int, error: str, description: str) -> Response:
    html = render_template("oauth/error.html", status=status, error=error,
                           description=description)
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _back(redirect_uri: str, params: dict) -> Response:
    """Redirect to the app, adding ``params`` (those not None) to its redirect URI's query."""
    parts = urlsplit(redirect_uri)
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return redirect(urlunsplit(parts._replace(query="&".join(filter(None, (parts.query, query))))),
                    code=302)
