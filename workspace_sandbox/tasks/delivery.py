"""One dispatch attempt: the HTTP request Cloud Tasks sends for a task, and what the answer does.

App Engine tasks go to the sandbox's App Engine target for their service (``tasks.targets``:
service -> base URL, "default" unless routed elsewhere) + ``relativeUri``, with the
``X-AppEngine-*`` headers; HTTP tasks go to their URL with the ``X-CloudTasks-*`` headers and, with
``oidcToken``, an ID token signed by the sandbox's Google keys (``oauthToken``: a sandbox access
token). Header values follow recordings of real dispatches (aertje/cloud-tasks-emulator's
conformance goldens): App Engine counts every answer in ``TaskExecutionCount`` and gives
``TaskRetryReason: App Error`` after one; HTTP targets count only answers below 500 and send an
empty reason. After an attempt that got no answer (refused, timed out) neither
``TaskPreviousResponse`` nor an App Engine reason is sent (unconfirmed).

A 2xx completes the task. Anything else retries it per :mod:`retry` unless it gives up; either
end deletes the task (its name stays taken, see :mod:`store`). Congestion control: a 503 from App
Engine, or a 429/503 from an HTTP target, halves the queue's effective rate and empties its bucket;
each 2xx doubles the rate back, up to ``maxDispatchesPerSecond`` (Google documents only that it
"temporarily throttles"; the halving is the sandbox's). HTTP targets' ``Retry-After`` (seconds)
lengthens the wait.
"""
from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from workspace_sandbox.core import signing
from workspace_sandbox.core.tokens import issue_access_token
from workspace_sandbox.core.world import Tx
from workspace_sandbox.oauth import clients
from workspace_sandbox.tasks import names, retry, store, wire

APP_ENGINE_AGENT = "AppEngine-Google; (+http://code.google.com/appengine)"
HTTP_AGENT = "Google-Cloud-Tasks"
DEFAULT_DEADLINE = 600.0
LEASE_MARGIN = 30.0
MIN_THROTTLE = 1 / 64
_THROTTLING = {"appEngine": (503,), "http": (429, 503)}
# HTTP status -> google.rpc.Code, for Attempt.responseStatus; anything else is UNKNOWN (2).
_RPC_CODES = {200: (0, "OK"), 400: (3, "INVALID_ARGUMENT"), 401: (16, "UNAUTHENTICATED"),
              403: (7, "PERMISSION_DENIED"), 404: (5, "NOT_FOUND"), 409: (6, "ALREADY_EXISTS"),
              429: (8, "RESOURCE_EXHAUSTED"), 499: (1, "CANCELLED"), 500: (13, "INTERNAL"),
              501: (12, "UNIMPLEMENTED"), 503: (14, "UNAVAILABLE"), 504: (4, "DEADLINE_EXCEEDED")}


@dataclass
class Attempt:
    """A dispatched attempt: what to send, and what to find again when the answer comes."""

    world_id: str
    task: str
    number: int                 # the task's dispatchCount with this attempt
    kind: str                   # "appEngine" or "http"
    method: str
    url: str | None             # None: no App Engine target for the service
    headers: dict
    body: bytes
    timeout: float
    verify: str | bool
    dispatched: str
    scheduled: str

    @property
    def queue(self) -> str:
        return names.queue_of(self.task)


@dataclass
class Outcome:
    """The answer to an attempt: its status, or why there was none."""

    status: int | None
    error: str | None = None
    latency_ms: float = 0.0
    retry_after: float | None = None


def deadline(task: dict) -> float:
    return wire.seconds(task.get("dispatchDeadline")) or DEFAULT_DEADLINE


def start(tx: Tx, record: dict, queue: dict) -> Attempt:
    """Dispatch a task now: count the attempt, hold the task for it, and build its request."""
    task = record["task"]
    now = wire.timestamp(tx.now())
    retries = task.get("dispatchCount", 0)
    task["dispatchCount"] = retries + 1
    task.setdefault("firstAttempt", {"dispatchTime": now})
    task["lastAttempt"] = {"scheduleTime": task["scheduleTime"], "dispatchTime": now}
    kind = "appEngine" if "appEngineHttpRequest" in task else "http"
    request = task["appEngineHttpRequest" if kind == "appEngine" else "httpRequest"]
    headers = {k: v for k, v in request.get("headers", {}).items() if k.lower() != "content-length"}
    prefix = "X-AppEngine-" if kind == "appEngine" else "X-CloudTasks-"
    executions = (task.get("responseCount", 0) if kind == "appEngine"
                  else record.get("executions", 0))
    headers.update({prefix + "QueueName": names.short(names.queue_of(task["name"])),
                    prefix + "TaskName": names.short(task["name"]),
                    prefix + "TaskRetryCount": str(retries),
                    prefix + "TaskExecutionCount": str(executions),
                    prefix + "TaskETA": f"{wire.instant(task['scheduleTime']).timestamp():.6f}"})
    previous = record.get("previous")
    if previous and previous.get("status") is not None:
        headers[prefix + "TaskPreviousResponse"] = str(previous["status"])
    if retries and (kind == "http" or previous and previous.get("status") is not None):
        headers[prefix + "TaskRetryReason"] = "App Error" if kind == "appEngine" else ""
    if kind == "appEngine":
        url = _app_engine_url(tx, request, queue)
    else:
        url = request["url"]
        _authorization(tx, request, headers)
    timeout = deadline(task)
    store.put_task(tx, record)
    store.schedule(tx, task["name"], wire.instant(task["scheduleTime"]).timestamp(),
                   lease=time.time() + timeout + LEASE_MARGIN)
    return Attempt(tx.setting("world_id", ""), task["name"], task["dispatchCount"], kind,
                   request.get("httpMethod", "POST"), url, headers,
                   base64.b64decode(request.get("body", "")), timeout,
                   store.setting(tx, "tasks.receiver_ca_file") or True, now, task["scheduleTime"])


def _app_engine_url(tx: Tx, request: dict, queue: dict) -> str | None:
    routing = queue["queue"].get("appEngineRoutingOverride") or request.get("appEngineRouting", {})
    base = store.setting(tx, "tasks.targets").get(routing.get("service") or "default")
    return base.rstrip("/") + request.get("relativeUri", "/") if base else None


def _authorization(tx: Tx, request: dict, headers: dict) -> None:
    if "oidcToken" in request:
        token = request["oidcToken"]
        email = token["serviceAccountEmail"]
        subject = clients.service_account(tx, email)["client_id"]
        headers["Authorization"] = "Bearer " + signing.sign_id_token(tx, {
            "aud": token.get("audience") or request["url"], "azp": subject, "sub": subject,
            "email": email, "email_verified": True})
    elif "oauthToken" in request:
        token = request["oauthToken"]
        account = clients.service_account(tx, token["serviceAccountEmail"])
        scope = token.get("scope") or "https://www.googleapis.com/auth/cloud-platform"
        headers["Authorization"] = "Bearer " + issue_access_token(
            tx, token["serviceAccountEmail"], account["client_id"], scope.split())["access_token"]


def finish(tx: Tx, attempt: Attempt, outcome: Outcome) -> None:
    """Record an attempt's answer: complete the task, retry it later, or give up on it."""
    if tx.setting("world_id", "") != attempt.world_id:
        return  # the world was seeded anew meanwhile
    record = store.get_task(tx, attempt.task)
    if record is None:
        result = "dropped"  # deleted (or its queue purged) while the attempt ran
    elif record["task"]["dispatchCount"] != attempt.number:
        result = "superseded"  # RunTask dispatched it again meanwhile
    else:
        result = _apply(tx, record, attempt, outcome)
    store.record_attempt(tx, {
        "task": attempt.task, "queue": attempt.queue, "attempt": attempt.number,
        "target": attempt.kind, "method": attempt.method, "url": attempt.url,
        "scheduleTime": attempt.scheduled, "dispatchTime": attempt.dispatched,
        "responseTime": wire.timestamp(tx.now()), "status": outcome.status,
        "error": outcome.error, "latencyMs": round(outcome.latency_ms, 1), "outcome": result})


def _apply(tx: Tx, record: dict, attempt: Attempt, outcome: Outcome) -> str:
    task, now = record["task"], tx.now()
    queue = store.get_queue(tx, attempt.queue)
    if outcome.status is not None:
        task["responseCount"] = task.get("responseCount", 0) + 1
        task["lastAttempt"]["responseTime"] = wire.timestamp(now)
    task["lastAttempt"]["responseStatus"] = _status(outcome)
    _congestion(queue, attempt.kind, outcome.status)
    store.put_queue(tx, queue)
    if outcome.status is not None and 200 <= outcome.status < 300:
        store.remove_task(tx, task["name"])
        return "completed"
    config = retry.effective(queue["queue"].get("retryConfig", {}), task.get("retryConfig"))
    since_first = (now - wire.instant(task["firstAttempt"]["dispatchTime"])).total_seconds()
    if retry.gives_up(config, task["dispatchCount"], since_first):
        store.remove_task(tx, task["name"])
        return "gave up"
    wait = retry.backoff(config, task["dispatchCount"])
    if attempt.kind == "http" and outcome.retry_after:
        wait = max(wait, outcome.retry_after)
    due = now.timestamp() + wait
    task["scheduleTime"] = wire.timestamp(datetime.fromtimestamp(due, timezone.utc))
    record["previous"] = {"status": outcome.status}
    if outcome.status is not None and outcome.status < 500:
        record["executions"] = record.get("executions", 0) + 1
    store.put_task(tx, record)
    store.schedule(tx, task["name"], due)
    return "retrying"


def _status(outcome: Outcome) -> dict:
    if outcome.status is None:
        code, name = (4, "DEADLINE_EXCEEDED") if outcome.error == "timeout" else (14, "UNAVAILABLE")
        return {"code": code, "message": f"{name}({code}): {outcome.error}"}  # (unconfirmed)
    code, name = _RPC_CODES.get(outcome.status, (2, "UNKNOWN"))
    return {"code": code, "message": f"{name}({code}): HTTP status code {outcome.status}"}


def _congestion(queue: dict, kind: str, status: int | None) -> None:
    if status in _THROTTLING[kind]:
        queue["throttle"] = max(MIN_THROTTLE, queue["throttle"] / 2)
        queue["bucket"]["tokens"] = 0
    elif status is not None and 200 <= status < 300:
        queue["throttle"] = min(1.0, queue["throttle"] * 2)
