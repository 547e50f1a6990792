"""The Calendar part of the sandbox's control plane (``/_sandbox/calendar``).

What Google does outside its API, and what tests and the demo need to steer or observe:
"this and following" edits as Calendar's UI makes them, sync-token expiry, the invitations
Google would have e-mailed, push deliveries, and the sandbox's Calendar settings.
"""
from __future__ import annotations

from flask import Blueprint, request

from workspace_sandbox.calendar import push
from workspace_sandbox.calendar.api import split_series
from workspace_sandbox.calendar.sync import expire_sync_tokens
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.control_plane import json_body, world

bp = Blueprint("sandbox_calendar", __name__, url_prefix="/_sandbox/calendar")

# Settings a client may change: JSON name -> (world setting, expected type).
SETTINGS = {"syncTokenTtlSeconds": ("cal.sync_token_ttl", int),
            "horizonDays": ("cal.horizon_days", int),
            "allowHttpReceivers": ("push.allow_http", bool),
            "receiverCaFile": ("push.ca_file", str)}


@bp.post("/split")
def split():
    """``{calendarId, eventId, instanceStart, changes?}``: edit one instance "and following"."""
    body = json_body()
    missing = [name for name in ("calendarId", "eventId", "instanceStart") if not body.get(name)]
    if missing:
        raise ApiError(400, "required", f"A split needs {', '.join(missing)}.")
    changes = body.get("changes") or {}
    if not isinstance(changes, dict):
        raise ApiError(400, "invalid", "'changes' must be an object of Event fields.")
    with world().transaction() as tx:
        original, following = split_series(tx, body["calendarId"], body["eventId"],
                                           body["instanceStart"], changes)
    return {"original": original, "following": following}


@bp.post("/expire-sync-tokens")
def expire():
    """Make every sync token issued so far answer 410."""
    with world().transaction() as tx:
        expire_sync_tokens(tx)
    return {"ok": True}


@bp.get("/invitations")
def invitations():
    """Invitation, update and cancellation e-mails "sent" (``?to=`` and ``?eventId=`` filter)."""
    with world().transaction() as tx:
        rows = [row for _, row in tx.items("cal.invitation")]
    if request.args.get("to"):
        rows = [row for row in rows if row["to"] == request.args["to"].lower()]
    if request.args.get("eventId"):
        rows = [row for row in rows if row["eventId"] == request.args["eventId"]]
    return {"invitations": rows}


@bp.get("/notifications")
def notifications():
    """Push notifications sent, with their delivery outcome (``?channelId=`` filters)."""
    with world().transaction() as tx:
        return {"notifications": push.deliveries(tx, request.args.get("channelId"))}


@bp.get("/settings")
def get_settings():
    with world().transaction() as tx:
        return {name: tx.setting(key) for name, (key, _) in SETTINGS.items()}


@bp.put("/settings")
def put_settings():
    """Change settings: ``syncTokenTtlSeconds``, ``horizonDays``, ``allowHttpReceivers`` (accept
    ``http://`` push addresses on the loopback interface) and ``receiverCaFile`` (CA bundle HTTPS
    receivers are verified against); ``null`` restores the default."""
    body = json_body()
    unknown = set(body) - set(SETTINGS)
    if unknown:
        raise ApiError(400, "invalid", f"Unknown settings: {', '.join(sorted(unknown))}.")
    for name, value in body.items():
        kind = SETTINGS[name][1]
        if value is not None and (not isinstance(value, kind)
                                  or (kind is int and isinstance(value, bool))):
            raise ApiError(400, "invalid", f"'{name}' must be a {kind.__name__} or null.")
    with world().transaction() as tx:
        for name, value in body.items():
            tx.set_setting(SETTINGS[name][0], value)
        return {name: tx.setting(key) for name, (key, _) in SETTINGS.items()}
