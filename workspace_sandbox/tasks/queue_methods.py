"""Queues: CreateQueue, GetQueue, ListQueues, UpdateQueue, DeleteQueue, Pause/Resume/PurgeQueue.

A queue made here gets Google's defaults for what it leaves out: 500 dispatches per second, 1000
concurrent dispatches and the retry defaults of :mod:`retry`; UpdateQueue gives them again to a
``rateLimits`` or ``retryConfig`` it replaces whole, while a masked field left out becomes zero.
``maxBurstSize`` is output only; Google picks it from the rate ("generally at least equal to"
it); the sandbox takes the rate rounded up, at most 100 (what Google shows for the default
500/s, from memory; unconfirmed). Queue-level ``httpTarget`` overrides are not modelled (501).
"""
from __future__ import annotations

import math
import re

from workspace_sandbox.tasks import names, paging, retry, store, wire
from workspace_sandbox.tasks.dispatcher import wake_after_commit
from workspace_sandbox.tasks.errors import (QUEUE_TOO_RECENT, already_exists,
                                            failed_precondition, invalid, not_found, unimplemented)
from workspace_sandbox.tasks.front import Call, handles

DEFAULTS = {"rateLimits": {"maxDispatchesPerSecond": 500.0, "maxConcurrentDispatches": 1000},
            "retryConfig": retry.DEFAULTS}
MAX_RATE, MAX_CONCURRENT, MAX_BURST = 500, 5000, 100
MAX_PAGE = 9800  # ListQueues' largest (and default) page
_UPDATABLE = ("appEngineRoutingOverride", "rateLimits", "retryConfig", "stackdriverLoggingConfig",
              "httpTarget")
_OUTPUT_ONLY = ("name", "state", "purgeTime", "rateLimits.maxBurstSize")
_FILTER = re.compile(r"\s*state\s*(:|=|!=)\s*(\w+)\s*")


def rendered(call: Call, record: dict) -> dict:
    return wire.render(wire.QUEUE, record["queue"], int_enums=call.int_enums)


def _given(body: dict | None) -> dict:
    """A Queue from a request, without the output-only fields Google ignores."""
    queue = wire.canonical(wire.parse(wire.QUEUE, body))
    return {key: value for key, value in queue.items() if key not in ("state", "purgeTime")}


def _with_defaults(part: str, value: dict) -> dict:
    """A queue's ``rateLimits`` or ``retryConfig`` with Google's values for what it leaves out."""
    return {**DEFAULTS.get(part, {}), **value}


def _checked(queue: dict) -> dict:
    """A queue as stored: checked, with its burst size, in canonical JSON (zeros left out)."""
    if "httpTarget" in queue:
        raise unimplemented("queue-level httpTarget overrides")
    rates = dict(queue.get("rateLimits", {}))
    rate = rates.get("maxDispatchesPerSecond", 0)
    if not 0 < rate <= MAX_RATE:  # the messages are unconfirmed
        raise invalid(f"RateLimits.max_dispatches_per_second must be in (0, {MAX_RATE}].")
    if not 0 < rates.get("maxConcurrentDispatches", 0) <= MAX_CONCURRENT:
        raise invalid(f"RateLimits.max_concurrent_dispatches must be in [1, {MAX_CONCURRENT}].")
    rates["maxBurstSize"] = min(MAX_BURST, max(1, math.ceil(rate)))
    retry.check(queue.get("retryConfig", {}))
    return wire.canonical(wire.parse(wire.QUEUE, {**queue, "rateLimits": rates}))


def _new_record(queue: dict, now: float) -> dict:
    queue = _checked({**queue, "state": "RUNNING",
                      **{part: _with_defaults(part, queue.get(part, {})) for part in DEFAULTS}})
    return {"queue": queue, "bucket": {"tokens": queue["rateLimits"]["maxBurstSize"], "at": now},
            "throttle": 1.0}


def _create(call: Call, queue: dict) -> dict:
    tx = call.tx
    if store.get_queue(tx, queue["name"]) is not None:
        raise already_exists("Queue already exists")
    if store.tombstoned(tx, queue["name"]):
        raise failed_precondition(QUEUE_TOO_RECENT)
    record = _new_record(queue, store.epoch(tx))
    store.put_queue(tx, record)
    return rendered(call, record)


@handles("CreateQueue")
def create_queue(call: Call) -> dict:
    queue = _given(call.body)
    names.check_queue(queue.get("name", ""), call.params["parent"])
    return _create(call, queue)


@handles("GetQueue")
def get_queue(call: Call) -> dict:
    return rendered(call, store.live_queue(call.tx, call.params["name"]))


@handles("ListQueues")
def list_queues(call: Call) -> dict:
    parent = call.params["parent"]
    wanted = _state_filter(call.params.get("filter", ""))
    queues = [record["queue"] for name, record in call.tx.items(store.QUEUE)
              if name.startswith(parent + "/queues/") and wanted(record["queue"]["state"])]
    page, token = paging.page(queues, call.params, MAX_PAGE)
    out = {"queues": [wire.render(wire.QUEUE, q, int_enums=call.int_enums) for q in page]}
    if token:
        out["nextPageToken"] = token
    return out if page else {}


def _state_filter(text: str):
    if not text:
        return lambda state: True
    match = _FILTER.fullmatch(text)
    if match is None:
        raise invalid(f"The sandbox filters queues only by state, not by: {text}")  # (unconfirmed)
    operator, state = match.groups()
    return (lambda s: s != state) if operator == "!=" else (lambda s: s == state)


@handles("UpdateQueue")
def update_queue(call: Call) -> dict:
    name, tx = call.params["name"], call.tx
    names.check_queue(name)
    body = _given(call.body)
    record = store.get_queue(tx, name)
    if record is None:
        return _create(call, {**body, "name": name})
    mask = [_camel(p) for p in call.params.get("updateMask", "").split(",") if p] or _UPDATABLE
    queue = record["queue"]
    for path in mask:
        if path in _OUTPUT_ONLY:
            continue
        top, _, leaf = path.partition(".")
        if top not in _UPDATABLE:
            raise invalid(f"Invalid update_mask path: {path}")  # (unconfirmed)
        part = dict(queue.get(top, {}))
        if not leaf:  # replaced: what the body leaves out gets the defaults again
            part = _with_defaults(top, body.get(top, {}))
        elif leaf in body.get(top, {}):
            part[leaf] = body[top][leaf]
        else:  # a field the body leaves out is a zero (proto3 JSON leaves zeros out)
            part.pop(leaf, None)
        queue[top] = part
        if not part:
            del queue[top]
    record["queue"] = _checked(queue)
    burst = record["queue"]["rateLimits"]["maxBurstSize"]
    record["bucket"]["tokens"] = min(record["bucket"]["tokens"], burst)
    store.put_queue(tx, record)
    wake_after_commit(tx)
    return rendered(call, record)


def _camel(path: str) -> str:
    """A field mask path in JSON names (``rate_limits.max_burst_size`` -> ``rateLimits...``)."""
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), path.strip())


def _set_state(call: Call, state: str) -> dict:
    record = store.live_queue(call.tx, call.params["name"])
    record["queue"]["state"] = state
    store.put_queue(call.tx, record)
    wake_after_commit(call.tx)
    return rendered(call, record)


@handles("PauseQueue")
def pause_queue(call: Call) -> dict:
    return _set_state(call, "PAUSED")


@handles("ResumeQueue")
def resume_queue(call: Call) -> dict:
    return _set_state(call, "RUNNING")


@handles("PurgeQueue")
def purge_queue(call: Call) -> dict:
    """Delete every task of the queue at once (Google: "can take up to one minute")."""
    tx, name = call.tx, call.params["name"]
    record = store.live_queue(tx, name)
    for task_name, _ in tx.items(store.TASK, parent=name):
        store.remove_task(tx, task_name)
    record["queue"]["purgeTime"] = wire.timestamp(tx.now())
    store.put_queue(tx, record)
    return rendered(call, record)


@handles("DeleteQueue")
def delete_queue(call: Call) -> dict:
    tx, name = call.tx, call.params["name"]
    if store.get_queue(tx, name) is None:
        raise not_found()
    for task_name, _ in tx.items(store.TASK, parent=name):
        store.remove_task(tx, task_name)
    tx.delete(store.QUEUE, name)
    store.bury(tx, name, store.setting(tx, "tasks.queue_tombstone_seconds"))
    return {}
