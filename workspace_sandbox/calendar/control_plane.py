"""The Calendar part of the sandbox's control plane (``/_sandbox/calendar``).

What Google does outside its API, and what tests and the demo need to steer or observe:
"this and following" edits as Calendar's UI makes them, sync-token expiry, the invitations
Google would have e-mailed, push deliveries, the groups free/busy expands, and the sandbox's
Calendar settings.
"""
from __future__ import annotations

from flask import Blueprint, request

from workspace_sandbox.calendar import invitations as mails
from workspace_sandbox.calendar import push
from workspace_sandbox.calendar.freebusy import GROUP
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
    """Invitation, update and cancellation e-mails "sent", oldest first: to whom, for which
    event, which kind, what changed (``?to=`` and ``?eventId=`` filter)."""
    with world().transaction() as tx:
        return {"invitations": mails.sent(tx, request.args.get("to"),
                                          request.args.get("eventId"))}


@bp.put("/groups")
def put_group():
    """A group free/busy expands to its members: ``{"email", "members": [emails]}`` (no members
    forgets it). The sandbox's directory has no groups; this is Calendar's view of one."""
    body = json_body()
    email, members = body.get("email"), body.get("members") or []
    if not isinstance(email, str) or "@" not in email:
        raise ApiError(400, "required", "A group needs its 'email'.")
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise ApiError(400, "invalid", "'members' must be a list of e-mail addresses.")
    with world().transaction() as tx:
        if members:
            tx.put(GROUP, email.lower(), {"members": [m.lower() for m in members]})
        else:
            tx.delete(GROUP, email.lower())
    return {"email": email.lower(), "members": [m.lower() for m in members]}


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
