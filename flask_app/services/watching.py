"""Push channels on the managers' calendars: a change reaches the service at once and becomes a
sync of that manager alone (a task, or inline), instead of waiting for the next sweep.

Each enabled manager's calendar has one channel (``events.watch``) with a random secret token,
of which the store keeps only a digest. A notification is believed only if its channel is
known, its token matches and its resource id is the channel's; the first (``sync``) message of
a channel is only acknowledged. Each manager's sync task opens the channel or renews it a day
before it expires (lifetimes are spread over two days by manager, so an organisation enabled at
once is not renewed at once); the sweep stops the channels of managers no longer enabled, and
an opt-out stops its channel at once. The sweep stays, as the net for lost messages.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Callable

from ..domain.people import Directory
from ..domain.records import ChannelRecord
from ..errors import GoogleApiError
from ..ports import Clock, Store, Workspace

log = logging.getLogger(__name__)
TTL = timedelta(days=7)  # Google's default channel lifetime; it may grant less
RENEW_BEFORE = timedelta(days=1)
SPREAD = timedelta(days=2)  # channels' lifetimes spread over this, by manager


@dataclass(frozen=True)
class Renewed:
    opened: int = 0
    kept: int = 0
    stopped: int = 0
    failed: int = 0


class Refused(Exception):
    """A notification not to believe: ``status`` is what to answer (404 unknown channel, 403
    wrong token or resource)."""

    def __init__(self, status: int, why: str):
        super().__init__(why)
        self.status = status


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime(manager: str) -> timedelta:
    """The lifetime asked for a manager's channel: Google's default less a share of SPREAD
    fixed by the manager, so that channels opened together are not all renewed together."""
    share = int(hashlib.sha256(manager.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return TTL - timedelta(seconds=round(share * SPREAD.total_seconds()))


@dataclass
class Watching:
    workspace: Workspace
    store: Store
    clock: Clock
    managers: Callable[[Directory], list[str]]  # whom to watch: the enabled, not opted out
    address: str  # the HTTPS endpoint Google posts to (COACH_PUBLIC_URL + /notifications/calendar)

    def renew(self, directory: Directory) -> Renewed:
        """Open a channel for each manager without a lasting one; stop the others' channels."""
        wanted = set(self.managers(directory))
        stopped = self.stop_unwanted(wanted)
        done = Counter(self.ensure(manager) for manager in sorted(wanted))
        return Renewed(done["opened"], done["kept"], stopped, done["failed"])

    def stop_unwanted(self, wanted: set[str]) -> int:
        """Stop the channels of managers no longer ``wanted``; how many were stopped."""
        unwanted = [r.manager for r in self.store.channels() if r.manager not in wanted]
        for manager in unwanted:
            self.stop(manager)
        return len(unwanted)

    def ensure(self, manager: str) -> str:
        """The manager's channel opened, or renewed if it ends within a day: ``opened``,
        ``kept`` or ``failed`` (logged; the sweep still syncs the manager)."""
        record = self.store.channel(manager)
        if record is not None and record.expiration - self.clock.now() > RENEW_BEFORE:
            return "kept"
        try:
            self._open(manager, record)
        except GoogleApiError as error:
            log.warning("a calendar channel could not be opened: %s", error.summary)
            return "failed"
        return "opened"

    def _open(self, manager: str, old: ChannelRecord | None) -> None:
        token, channel_id = secrets.token_urlsafe(32), uuid.uuid4().hex
        ttl = lifetime(manager)
        # kept before asking: Google sends the sync message before watch() has answered
        opening = ChannelRecord(manager, channel_id, "", digest(token), self.clock.now() + ttl)
        self.store.save_channel(opening)
        calendar = self.workspace.calendar(manager)
        try:
            channel = calendar.watch(self.address, channel_id, token, int(ttl.total_seconds()))
        except GoogleApiError:
            if old is not None:
                self.store.save_channel(old)  # still open: keep listening on it
            else:
                self.store.delete_channel(manager)
            raise
        self.store.save_channel(replace(opening, resource_id=channel.resource_id,
                                        expiration=channel.expiration))
        if old is not None:  # the new one is open: the old one may go
            calendar.stop_channel(old.channel_id, old.resource_id)

    def stop(self, manager: str) -> None:
        """Close a manager's channel (disabled, opted out); never raises for Google's errors."""
        record = self.store.channel(manager)
        if record is None:
            return
        try:
            self.workspace.calendar(manager).stop_channel(record.channel_id, record.resource_id)
        except GoogleApiError as error:
            log.warning("a calendar channel could not be stopped: %s", error.summary)
        self.store.delete_channel(manager)

    def notified(self, channel_id: str, token: str, resource_id: str,
                 state: str) -> str | None:
        """The manager whose calendar changed, or None for a channel's first (sync) message.

        :raises Refused: a notification not to believe.
        """
        record = self.store.channel_by_id(channel_id)
        if record is None:
            raise Refused(404, "unknown channel")
        if not hmac.compare_digest(digest(token), record.token_digest):
            raise Refused(403, "wrong channel token")
        if record.resource_id and resource_id != record.resource_id:
            raise Refused(403, "stale resource id")
        if not record.resource_id and state != "sync":  # still opening: only its first message
            raise Refused(403, "channel not open yet")
        return None if state == "sync" else record.manager
