"""The Cloud Tasks part of the sandbox's control plane (``/_sandbox/tasks``).

What Google does outside the API, and what tests and the demo steer or observe: where App Engine
is (per service), every dispatch attempt, waiting until the queues are idle, the sandbox's
Cloud Tasks settings (pausing all dispatch among them).
"""
from __future__ import annotations

import time

from flask import Blueprint, request

from workspace_sandbox.core.control_plane import json_body, world
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.tasks import store
from workspace_sandbox.tasks.dispatcher import TICK

bp = Blueprint("sandbox_tasks", __name__, url_prefix="/_sandbox/tasks")

# Settings a client may change: JSON name -> (world setting, expected type).
SETTINGS = {"taskTombstoneSeconds": ("tasks.task_tombstone_seconds", (int, float)),
            "queueTombstoneSeconds": ("tasks.queue_tombstone_seconds", (int, float)),
            "dispatchPaused": ("tasks.dispatch_paused", bool),
            "receiverCaFile": ("tasks.receiver_ca_file", str)}


@bp.get("/target")
def get_targets():
    with world().transaction() as tx:
        return {"targets": store.setting(tx, "tasks.targets")}


@bp.put("/target")
def set_target():
    """Where App Engine serves a service: ``{"url": "http://127.0.0.1:8080", "service"?}``
    (``"default"`` unless named; ``url`` null forgets it)."""
    body = json_body()
    url, service = body.get("url"), body.get("service") or "default"
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise ApiError(400, "invalid", "'url' must be an http(s) URL or null.")
    with world().transaction() as tx:
        targets = {**store.setting(tx, "tasks.targets"), service: url}
        tx.set_setting("tasks.targets", {k: v for k, v in targets.items() if v})
        return {"targets": store.setting(tx, "tasks.targets")}


@bp.get("/log")
def attempt_log():
    """Every dispatch attempt, oldest first (``?queue=`` and ``?task=`` filter: a name or id)."""
    with world().transaction() as tx:
        rows = store.attempts(tx)
    for key in ("queue", "task"):
        wanted = request.args.get(key)
        if wanted:
            rows = [row for row in rows if wanted in (row[key], row[key].rpartition("/")[2])]
    return {"attempts": rows}


@bp.delete("/log")
def clear_log():
    with world().transaction() as tx:
        tx.delete_kind(store.ATTEMPT)
    return {"ok": True}


@bp.post("/drain")
def drain():
    """Wait until no task is due in a running queue and no attempt runs: ``{"timeout": 10}``.
    Answers ``{drained, due, running}``; tasks waiting for a later time do not count."""
    timeout = (request.get_json(silent=True) or {}).get("timeout", 10)
    if not isinstance(timeout, (int, float)) or timeout < 0:
        raise ApiError(400, "invalid", "'timeout' must be a non-negative number of seconds.")
    deadline = time.monotonic() + timeout
    while True:
        with world().transaction() as tx:
            due, running = _pending(tx)
        if (due == running == 0) or time.monotonic() >= deadline:
            return {"drained": due == running == 0, "due": due, "running": running}
        time.sleep(TICK / 2)


def _pending(tx) -> tuple[int, int]:
    """Tasks due now in running queues, and tasks an attempt holds (counted in the index)."""
    now, real, due, running = store.epoch(tx), time.time(), 0, 0
    for name, record in tx.items(store.QUEUE):
        running += store.held(tx, name, real)
        if record["queue"]["state"] == "RUNNING":
            due += store.count_ready(tx, name, now, real)
    return due, running


@bp.get("/settings")
def get_settings():
    with world().transaction() as tx:
        return _settings(tx)


@bp.put("/settings")
def put_settings():
    """Change settings: ``taskTombstoneSeconds`` (how long a used task name stays taken),
    ``queueTombstoneSeconds``, ``dispatchPaused`` (no task is dispatched, RunTask aside) and
    ``receiverCaFile`` (the CA bundle HTTPS targets are verified against); ``null`` restores the
    default."""
    body = json_body()
    unknown = set(body) - set(SETTINGS)
    if unknown:
        raise ApiError(400, "invalid", f"Unknown settings: {', '.join(sorted(unknown))}.")
    for name, value in body.items():
        kind = SETTINGS[name][1]
        if value is not None and (not isinstance(value, kind)
                                  or (kind is not bool and isinstance(value, bool))):
            raise ApiError(400, "invalid", f"'{name}' has the wrong type.")
    with world().transaction() as tx:
        for name, value in body.items():
            tx.set_setting(SETTINGS[name][0], value)
        return _settings(tx)


def _settings(tx) -> dict:
    return {name: store.setting(tx, key) for name, (key, _) in SETTINGS.items()}
