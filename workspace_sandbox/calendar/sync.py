"""Sync tokens and page tokens of Calendar listings.

A sync token is a position on the world's ``cal.change`` counter for one calendar, signed with a
secret of this world, so tokens of another calendar, another world (before a reset) or a forged one
are rejected like expired ones: 410 ``fullSyncRequired`` with Google's exact body. Tokens expire after
``cal.sync_token_ttl`` seconds of the sandbox clock (default :data:`DEFAULT_SYNC_TOKEN_TTL`, one week;
Google does not publish its lifetime) and all at once through the control plane.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets

from workspace_sandbox.calendar.times import CalendarError
from workspace_sandbox.core.world import Tx

DEFAULT_SYNC_TOKEN_TTL = 7 * 24 * 3600
# Parameters Google refuses together with syncToken (events.list reference).
NOT_WITH_SYNC_TOKEN = ("iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty",
                       "timeMin", "timeMax", "updatedMin")
# Parameters that do not change which items a listing holds, so pages may differ in them.
_NOT_IN_FINGERPRINT = {"pageToken", "maxResults", "fields", "prettyPrint", "alt", "quotaUser",
                       "access_token", "key", "oauth_token", "userIp", "uploadType", "$.xgafv",
                       "callback"}


def full_sync_required() -> CalendarError:
    """Google's 410 for a sync token that can no longer be used."""
    return CalendarError(410, "fullSyncRequired",
                         "Sync token is no longer valid, a full sync is required.")


def check_sync_params(params: dict) -> None:
    """Reject a syncToken listing that also filters (Google answers 400)."""
    for name in NOT_WITH_SYNC_TOKEN:
        if name in params:
            raise CalendarError(400, "invalid",
                                f"The '{name}' parameter cannot be used together with 'syncToken'.",
                                location=name)


def _secret(tx: Tx) -> bytes:
    secret = tx.setting("cal.token_secret")
    if secret is None:
        secret = secrets.token_hex(16)
        tx.set_setting("cal.token_secret", secret)
    return secret.encode()


def _seal(tx: Tx, payload: list) -> str:
    data = json.dumps(payload, separators=(",", ":")).encode()
    mac = hmac.new(_secret(tx), data, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(mac + data).decode()


def _open(tx: Tx, token: str) -> list | None:
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except (binascii.Error, ValueError):
        return None
    mac, data = raw[:12], raw[12:]
    if not hmac.compare_digest(mac, hmac.new(_secret(tx), data, hashlib.sha256).digest()[:12]):
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return payload if isinstance(payload, list) else None


def sync_token(tx: Tx, calendar_id: str, position: int) -> str:
    return _seal(tx, ["s", calendar_id, position, tx.setting("cal.sync_epoch", 0),
                      int(tx.now().timestamp())])


def sync_position(tx: Tx, token: str, calendar_id: str) -> int:
    """The change position a sync token stands for, or 410 when it is no longer valid."""
    payload = _open(tx, token)
    if payload is None or len(payload) != 5 or payload[0] != "s" or payload[1] != calendar_id:
        raise full_sync_required()
    _, _, position, epoch, issued = payload
    ttl = tx.setting("cal.sync_token_ttl", DEFAULT_SYNC_TOKEN_TTL)
    if epoch != tx.setting("cal.sync_epoch", 0) or tx.now().timestamp() - issued > ttl:
        raise full_sync_required()
    return position


def expire_sync_tokens(tx: Tx) -> None:
    """Make every sync token issued so far invalid."""
    tx.set_setting("cal.sync_epoch", tx.setting("cal.sync_epoch", 0) + 1)


def fingerprint(method_id: str, params: dict) -> str:
    kept = {k: v for k, v in params.items() if k not in _NOT_IN_FINGERPRINT}
    text = json.dumps([method_id, kept], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def page_token(tx: Tx, print_: str, after: list, position: int) -> str:
    """A token for the page after the item with sort key ``after``."""
    return _seal(tx, ["p", print_, after, position])


def read_page_token(tx: Tx, token: str, print_: str) -> tuple[list, int]:
    payload = _open(tx, token)
    if payload is None or len(payload) != 4 or payload[0] != "p" or payload[1] != print_:
        raise CalendarError(400, "invalid", "Invalid page token value.", location="pageToken")
    return payload[2], payload[3]
