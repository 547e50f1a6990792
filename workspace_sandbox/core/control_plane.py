"""The sandbox's control plane (``/_sandbox``): what tests, benchmarks and the demo steer.

Not part of any Google API; it only exists on the sandbox's loopback server.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request

from workspace_sandbox.core import limits
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.tokens import issue_access_token

bp = Blueprint("sandbox_control", __name__, url_prefix="/_sandbox")


def world():
    """The world of the sandbox app handling this request."""
    return current_app.config["WORLD"]


def json_body() -> dict:
    """A control request's JSON object body, or a 400."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "badRequest", "Expected a JSON object body.")
    return body


@bp.get("/health")
def health():
    with world().transaction() as tx:
        world_id, seeded = tx.setting("world_id", ""), tx.setting("seeded_at")
    return {"ok": True, "world": str(world().path), "world_id": world_id, "seeded_at": seeded}


@bp.post("/reset")
def reset():
    """Restore the seeded demo organisation (or an empty world with ``{"empty": true}``)."""
    from workspace_sandbox.core.seed import seed_world
    body = request.get_json(silent=True) or {}
    seed_world(world(), empty=bool(body.get("empty")))
    return {"ok": True}


@bp.get("/calls")
def calls():
    with world().transaction() as tx:
        return {"calls": limits.call_counts(tx)}


@bp.delete("/calls")
def clear_calls():
    with world().transaction() as tx:
        tx.clear_counters("calls:")
    return {"ok": True}


@bp.put("/faults")
def set_fault():
    """Inject a fault: ``{method, status?, reason?, message?, probability?, latency_ms?, times?,
    applied?}``. With ``applied`` the call takes effect and only its answer is the error (a lost
    acknowledgement: Google did the work, the client never heard)."""
    body = json_body()
    method = body.pop("method", None)
    if not method:
        raise ApiError(400, "required", "A fault needs 'method' (a discovery method id).")
    with world().transaction() as tx:
        faults = tx.setting("faults", {})
        faults[method] = body
        tx.set_setting("faults", faults)
    return {"ok": True}


@bp.delete("/faults")
def clear_faults():
    with world().transaction() as tx:
        tx.set_setting("faults", None)
    return {"ok": True}


@bp.put("/quotas")
def set_quotas():
    """Override per-minute quotas: ``{group: {per_user?, per_project?}}``."""
    body = json_body()
    unknown = set(body) - set(limits.DEFAULT_QUOTAS)
    if unknown:
        raise ApiError(400, "invalid", f"Unknown quota groups: {', '.join(sorted(unknown))}.")
    with world().transaction() as tx:
        tx.set_setting("quotas", {**tx.setting("quotas", {}), **body})
    return {"ok": True}


@bp.get("/clock")
def clock():
    """The sandbox clock (real time plus what tests and the demo advanced it by)."""
    with world().transaction() as tx:
        return {"now": tx.now().isoformat()}


@bp.post("/clock")
def advance_clock():
    """Move the sandbox clock forward: ``{"seconds": n}``."""
    seconds = json_body().get("seconds")
    if not isinstance(seconds, (int, float)) or seconds < 0:
        raise ApiError(400, "invalid", "'seconds' must be a non-negative number.")
    with world().transaction() as tx:
        tx.set_setting("clock_offset", tx.setting("clock_offset", 0) + seconds)
        return {"now": tx.now().isoformat()}


@bp.post("/token")
def mint_token():
    """A ready access token for a sandbox user: ``{user, scopes, client_id?}`` (tests only)."""
    body = json_body()
    if not body.get("user") or not body.get("scopes"):
        raise ApiError(400, "required", "A token needs 'user' and 'scopes'.")
    with world().transaction() as tx:
        return issue_access_token(tx, body["user"], body.get("client_id", "sandbox-tests"),
                                  body["scopes"])
