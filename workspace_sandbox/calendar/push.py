"""Push notification channels (the ``watch`` methods) and their delivery, as Google's API push works.

- ``push.channel`` (key ``<client id>/<channel id>``, parent: the watched resource key): a channel.
- ``push.delivery`` (key: a sequence number, parent: the channel key): every notification sent, with
  its headers and outcome (``pending``, ``delivered`` or ``failed``), for tests and the demo to inspect.

A new channel gets a ``sync`` message at once; every change to its resource then sends ``exists``.
Messages carry no body. They are POSTed after the change commits by a small pool of background
threads per process (:data:`WORKERS`), as Google delivers to many receivers at once: different
channels' messages go out concurrently, while each channel has at most one message in flight and
its messages go out in the order they were sent (their sequence numbers, i.e. commit order), so
each channel's messages arrive in order. The outbox holds only messages not yet delivered. Like Google, only HTTPS addresses are accepted;
the ``push.allow_http`` setting also admits ``http://`` on the loopback interface (local receivers),
and ``push.ca_file`` names the CA bundle that HTTPS receivers are verified against.
"""
from __future__ import annotations

import base64
import hashlib
import heapq
import logging
import sqlite3
import threading
from collections import deque
from datetime import datetime, timezone
from email.utils import format_datetime
from urllib.parse import urlsplit

import requests
from flask import current_app

from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx

CHANNEL, DELIVERY = "push.channel", "push.delivery"
# Google documents a default channel lifetime of 604800 s; the longest it grants for Calendar is not
# documented, so the sandbox caps at the same week (unconfirmed): a client must renew its channels.
DEFAULT_TTL_SECONDS = 604800
MAX_TTL_SECONDS = 604800
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
WORKERS = 12  # delivery threads per process
log = logging.getLogger(__name__)


def _resource_id(client_id: str, resource: str) -> str:
    digest = hashlib.sha256(f"{client_id}|{resource}".encode()).digest()
    return base64.b32encode(digest).decode().rstrip("=")[:27]


def _check_address(tx: Tx, address: str | None) -> None:
    if not address:
        raise ApiError(400, "required", "Required parameter: address", domain="push")
    parts = urlsplit(address)
    local_http = (parts.scheme == "http" and parts.hostname in _LOOPBACK
                  and tx.setting("push.allow_http", False))
    if parts.scheme != "https" and not local_http:
        raise ApiError(400, "push.webhookUrlNotHttps", f"WebHook callback must be HTTPS: {address}",
                       domain="push")


def _expiration(body: dict, now_ms: int) -> int:
    cap = now_ms + MAX_TTL_SECONDS * 1000
    ttl = (body.get("params") or {}).get("ttl")
    if ttl is not None:
        if not str(ttl).isdigit():
            raise ApiError(400, "invalid", f"Invalid ttl value for channel {ttl}", domain="push")
        return min(now_ms + int(ttl) * 1000, cap)
    if body.get("expiration") is not None:
        if not str(body["expiration"]).isdigit():
            raise ApiError(400, "invalid", f"Invalid expiration value for channel "
                           f"{body['expiration']}", domain="push")  # (unconfirmed)
        return min(int(body["expiration"]), cap)
    return now_ms + DEFAULT_TTL_SECONDS * 1000


def watch(tx: Tx, body: dict | None, *, client_id: str, user: str, resource: str,
          resource_uri: str) -> dict:
    """Open a channel on ``resource`` as a ``watch`` method does; returns the Channel resource."""
    body = body or {}
    if not body.get("id"):
        raise ApiError(400, "required", "Required parameter: id", domain="push")
    if body.get("type") not in ("web_hook", "webhook"):
        raise ApiError(400, "invalid", f"Unsupported channel type: {body.get('type')}",
                       domain="push")  # (unconfirmed)
    _check_address(tx, body.get("address"))
    key = f"{client_id}/{body['id']}"
    if tx.get(CHANNEL, key) is not None:
        raise ApiError(400, "channelIdNotUnique", f"Channel id {body['id']} not unique",
                       domain="push")
    now_ms = int(tx.now().timestamp() * 1000)
    expiration = _expiration(body, now_ms)
    if expiration <= now_ms:
        raise ApiError(400, "invalid", f"Invalid expiration value for channel {expiration}",
                       domain="push")  # (unconfirmed)
    channel = {"id": body["id"], "resourceId": _resource_id(client_id, resource),
               "resourceUri": resource_uri, "address": body["address"], "expiration": expiration,
               "client_id": client_id, "user": user, "resource": resource, "messages": 0}
    if body.get("token") is not None:
        channel["token"] = body["token"]
    tx.put(CHANNEL, key, channel, parent=resource)
    _send(tx, key, channel, "sync")
    out = {"kind": "api#channel", "id": channel["id"], "resourceId": channel["resourceId"],
           "resourceUri": resource_uri}
    if "token" in channel:
        out["token"] = channel["token"]
    out["expiration"] = str(expiration)
    return out


def stop(tx: Tx, body: dict | None, client_id: str) -> None:
    """Close a channel (``channels.stop``): it must exist for this client and resource id."""
    body = body or {}
    key = f"{client_id}/{body.get('id')}"
    channel = tx.get(CHANNEL, key)
    if channel is None or channel["resourceId"] != body.get("resourceId"):
        raise ApiError(404, "notFound",
                       f"Channel '{body.get('id')}' not found for project '{client_id}'")
    tx.delete(CHANNEL, key)


def notify(tx: Tx, resources, state: str = "exists") -> None:
    """Send a notification to every live channel watching one of ``resources``."""
    now_ms = tx.now().timestamp() * 1000
    for resource in sorted(set(resources)):
        for key, channel in tx.items(CHANNEL, parent=resource):
            if channel["expiration"] > now_ms:
                _send(tx, key, channel, state)


def _headers(channel: dict, state: str) -> dict:
    expires = datetime.fromtimestamp(channel["expiration"] / 1000, timezone.utc)
    headers = {"X-Goog-Channel-ID": channel["id"],
               "X-Goog-Channel-Expiration": format_datetime(expires, usegmt=True),
               "X-Goog-Resource-ID": channel["resourceId"],
               "X-Goog-Resource-URI": channel["resourceUri"],
               "X-Goog-Resource-State": state,
               "X-Goog-Message-Number": str(channel["messages"])}
    if "token" in channel:
        headers["X-Goog-Channel-Token"] = channel["token"]
    return headers


def _send(tx: Tx, key: str, channel: dict, state: str) -> None:
    channel["messages"] += 1
    tx.put(CHANNEL, key, channel, parent=channel["resource"])
    delivery_key = f"{tx.next_value(DELIVERY):010d}"
    headers = _headers(channel, state)
    tx.put(DELIVERY, delivery_key, {"channelId": channel["id"], "channelKey": key,
                                    "address": channel["address"],
                                    "headers": headers, "state": state, "status": "pending",
                                    "queuedAt": tx.now().isoformat()}, parent=key)
    verify = tx.setting("push.ca_file") or True
    world = current_app.config["WORLD"]
    tx.after_commit.append(lambda: _outbox.submit(
        key, delivery_key, (world, delivery_key, channel["address"], headers, verify)))


class _Outbox:
    """Messages waiting for delivery, per channel, and the threads that deliver them.

    A channel (of one world) is in ``_pending`` while it has a message waiting or one in flight
    (its heap then holds the messages waiting); it is in ``_ready`` (once) while it waits for a
    thread. So at most one thread serves a channel, in the order of its messages' sequence
    numbers, and channels take turns.
    """

    def __init__(self, workers: int):
        self._workers = workers
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: dict[tuple, list[tuple[str, int, tuple]]] = {}  # channel -> waiting
        self._ready: deque[tuple] = deque()
        self._submitted = 0
        self._threads: list[threading.Thread] = []

    def submit(self, channel_key: str, delivery_key: str, job: tuple) -> None:
        channel = (str(job[0].path), channel_key)
        with self._lock:
            if len(self._threads) < self._workers:
                self._start()
            self._submitted += 1
            message = (delivery_key, self._submitted, job)
            waiting = self._pending.get(channel)
            if waiting is None:
                self._pending[channel] = [message]
                self._ready.append(channel)
                self._wake.notify()
            else:
                heapq.heappush(waiting, message)

    def waiting(self) -> int:
        """Messages waiting for a thread (those in flight not counted)."""
        with self._lock:
            return sum(len(heap) for heap in self._pending.values())

    def _start(self) -> None:
        while len(self._threads) < self._workers:
            thread = threading.Thread(target=self._work_forever, daemon=True,
                                      name=f"push-delivery-{len(self._threads)}")
            self._threads.append(thread)
            thread.start()

    def _work_forever(self) -> None:
        while True:
            with self._lock:
                while not self._ready:
                    self._wake.wait()
                channel = self._ready.popleft()
                delivery_key, _, job = heapq.heappop(self._pending[channel])
            try:
                self._deliver(job)
            except Exception:  # noqa: BLE001 - a delivery thread must not die
                log.exception("push delivery of message %s failed", delivery_key)
            finally:
                with self._lock:
                    if self._pending[channel]:
                        self._ready.append(channel)
                        self._wake.notify()
                    else:
                        del self._pending[channel]

    def _deliver(self, job: tuple) -> None:
        world, key, address, headers, verify = job
        try:
            response = requests.post(address, headers=headers, data=b"", timeout=10, verify=verify)
            outcome = {"status": "delivered" if response.status_code < 300 else "failed",
                       "httpStatus": response.status_code}
        except requests.RequestException as error:
            outcome = {"status": "failed", "error": str(error)}
        try:
            with world.transaction() as tx:
                record = tx.get(DELIVERY, key)
                if record is not None:  # gone when the world was reset meanwhile
                    record.update(outcome, deliveredAt=tx.now().isoformat())
                    tx.put(DELIVERY, key, record, parent=record["channelKey"])
        except sqlite3.Error:
            log.exception("push delivery: recording message %s failed", key)


_outbox = _Outbox(WORKERS)


def deliveries(tx: Tx, channel_id: str | None = None) -> list[dict]:
    """Every notification sent so far (optionally of one channel id), oldest first."""
    rows = [dict(record, number=int(key)) for key, record in tx.items(DELIVERY)]
    return [r for r in rows if channel_id is None or r["channelId"] == channel_id]
