"""Tasks: CreateTask, GetTask, ListTasks, DeleteTask and RunTask.

A task is stored with what Cloud Tasks adds at creation (recorded from Google by the
aertje/cloud-tasks-emulator goldens): App Engine tasks get ``User-Agent: AppEngine-Google;
(+http://code.google.com/appengine)`` (appended to the caller's), ``Content-Type:
application/octet-stream`` when they have a body and no type, and ``Content-Length``; HTTP tasks get
``User-Agent: Google-Cloud-Tasks``. Headers Google reserves (``Host``, ``X-Google-*``,
``X-AppEngine-*``) are dropped (unconfirmed: Google may reject them). The BASIC view (the default)
leaves bodies out. A task's name, once used, answers ALREADY_EXISTS until its tombstone expires
(see :mod:`store`).
"""
from __future__ import annotations

import base64
from datetime import timedelta

from workspace_sandbox.oauth import clients
from workspace_sandbox.tasks import delivery, names, paging, retry, store, wire
from workspace_sandbox.tasks.dispatcher import wake_after_commit
from workspace_sandbox.tasks.errors import (TASK_EXISTS, TASK_GONE, TASK_TOO_RECENT, RpcError,
                                            already_exists, invalid, not_found)
from workspace_sandbox.tasks.front import Call, handles

MAX_PAGE = 1000
MAX_URI = 2083
MAX_SCHEDULE_AHEAD = timedelta(days=30)
MAX_SIZE = {"appEngineHttpRequest": 100 * 1024, "httpRequest": 1024 * 1024}
DEADLINES = {"appEngineHttpRequest": (15, 24 * 3600 + 15), "httpRequest": (15, 1800)}
BODY_METHODS = {"appEngineHttpRequest": ("POST", "PUT"), "httpRequest": ("POST", "PUT", "PATCH")}
_VIEWS = {"0": "BASIC", "1": "BASIC", "2": "FULL", "VIEW_UNSPECIFIED": "BASIC", "BASIC": "BASIC",
          "FULL": "FULL"}
_RESERVED = ("host", "x-google-", "x-appengine-")


def shown(call: Call, task: dict, view) -> dict:
    """A task as a response in the view asked for (BASIC: without bodies)."""
    name = _VIEWS.get(str(view or "BASIC"))
    if name is None:
        raise invalid(f"Invalid value for responseView: {view}")  # (unconfirmed)
    out = {**task, "view": name}
    for kind in ("appEngineHttpRequest", "httpRequest"):
        if name == "BASIC" and kind in out:
            out[kind] = {k: v for k, v in out[kind].items() if k != "body"}
    return wire.render(wire.TASK, out, int_enums=call.int_enums)


@handles("CreateTask")
def create_task(call: Call) -> dict:
    tx, parent = call.tx, call.params["parent"]
    request = wire.canonical(wire.parse(wire.REQUESTS["CreateTaskRequest"], call.body))
    queue = store.live_queue(tx, parent)
    task = request.get("task")
    if not task:
        raise invalid("Task must be specified.")  # (unconfirmed)
    if task.get("name"):
        name = names.task_name(task["name"], parent)
        if store.get_task(tx, name) is not None:
            raise already_exists(TASK_EXISTS)
        if store.tombstoned(tx, name):
            raise already_exists(TASK_TOO_RECENT)
    else:
        name = names.new_task_name(parent)
        while store.get_task(tx, name) is not None or store.tombstoned(tx, name):
            name = names.new_task_name(parent)
    stored = _new_task(call, task, name, queue)
    store.put_task(tx, {"task": stored})
    store.schedule(tx, name, wire.instant(stored["scheduleTime"]).timestamp())
    wake_after_commit(tx)
    return shown(call, stored, request.get("responseView"))


def _new_task(call: Call, task: dict, name: str, queue: dict) -> dict:
    kinds = [kind for kind in ("appEngineHttpRequest", "httpRequest") if kind in task]
    if len(kinds) != 1:
        raise invalid("Task.message_type must be set.")  # (unconfirmed)
    kind = kinds[0]
    request = (_app_engine_request(task[kind], queue, names.project_of(name))
               if kind == "appEngineHttpRequest" else _http_request(call, task[kind]))
    now = call.tx.now()
    when = wire.instant(task["scheduleTime"]) if "scheduleTime" in task else now
    if when > now + MAX_SCHEDULE_AHEAD:  # (unconfirmed message)
        raise invalid("The task's schedule time must be at most 30 days in the future.")
    out = {"name": name, kind: request, "scheduleTime": wire.timestamp(max(when, now)),
           "createTime": wire.timestamp(now.replace(microsecond=0))}
    if "dispatchDeadline" in task:
        low, high = DEADLINES[kind]
        if not low <= wire.seconds(task["dispatchDeadline"]) <= high:  # (unconfirmed message)
            raise invalid(f"Task.dispatch_deadline must be between {low}s and {high}s.")
        out["dispatchDeadline"] = task["dispatchDeadline"]
    if "retryConfig" in task:
        retry.check(task["retryConfig"])
        out["retryConfig"] = task["retryConfig"]
    size = wire.parse(wire.TASK, out).ByteSize()
    if size > MAX_SIZE[kind]:
        raise invalid(f"Task size {size} bytes is larger than the maximum of {MAX_SIZE[kind]} "
                      "bytes.")  # (unconfirmed)
    return out


def _headers(given: dict) -> dict:
    return {k: v for k, v in given.items()
            if not k.lower().startswith(_RESERVED) and k.lower() != "content-length"}


def _check_body(kind: str, method: str, body: str | None) -> None:
    if body and method not in BODY_METHODS[kind]:
        raise invalid(f"A request body is allowed only with HTTP method "
                      f"{' or '.join(BODY_METHODS[kind])}.")  # (unconfirmed)


def _app_engine_request(given: dict, queue: dict, project: str) -> dict:
    method = given.get("httpMethod", "POST")
    uri = given.get("relativeUri") or "/"
    if not uri.startswith("/") or " " in uri or len(uri) > MAX_URI:
        raise invalid("AppEngineHttpRequest.relative_uri must begin with \"/\", contain no spaces "
                      f"and be at most {MAX_URI} characters.")  # (unconfirmed)
    _check_body("appEngineHttpRequest", method, given.get("body"))
    headers = _headers(given.get("headers", {}))
    agent = next((k for k in headers if k.lower() == "user-agent"), "User-Agent")
    headers[agent] = f"{headers[agent]} {delivery.APP_ENGINE_AGENT}" if agent in headers \
        else delivery.APP_ENGINE_AGENT
    if given.get("body"):
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/octet-stream"
        headers["Content-Length"] = str(len(base64.b64decode(given["body"])))
    routing = {k: v for k, v in given.get("appEngineRouting", {}).items() if k != "host"}
    effective = queue["queue"].get("appEngineRoutingOverride") or routing
    parts = [effective.get(k) for k in ("instance", "version", "service")]  # (unconfirmed form)
    routing["host"] = ".".join([p for p in parts if p] + [f"{project}.appspot.com"])
    out = {"httpMethod": method, "appEngineRouting": routing, "relativeUri": uri,
           "headers": headers}
    if given.get("body"):
        out["body"] = given["body"]
    return out


def _http_request(call: Call, given: dict) -> dict:
    url = given.get("url", "")
    if not url.startswith(("http://", "https://")) or len(url) > MAX_URI:
        raise invalid("HttpRequest.url must begin with \"http://\" or \"https://\" and be at most "
                      f"{MAX_URI} characters.")  # (unconfirmed)
    method = given.get("httpMethod", "POST")
    _check_body("httpRequest", method, given.get("body"))
    headers = {k: v for k, v in _headers(given.get("headers", {})).items()
               if k.lower() != "user-agent"}
    headers["User-Agent"] = delivery.HTTP_AGENT
    for auth in ("oidcToken", "oauthToken"):
        email = given.get(auth, {}).get("serviceAccountEmail")
        if auth in given and clients.service_account(call.tx, email or "") is None:
            raise RpcError(403, f"The principal (user or service account) lacks IAM permission "
                           f"\"iam.serviceAccounts.actAs\" for the resource \"{email}\" (or the "
                           "resource may not exist).")
    return {**given, "url": url, "httpMethod": method, "headers": headers}


def _existing(tx, name: str) -> dict:
    record = store.get_task(tx, name)
    if record is None:
        raise not_found(TASK_GONE) if store.tombstoned(tx, name) else not_found()
    return record


@handles("GetTask")
def get_task(call: Call) -> dict:
    return shown(call, _existing(call.tx, call.params["name"])["task"],
                 call.params.get("responseView"))


@handles("ListTasks")
def list_tasks(call: Call) -> dict:
    parent = call.params["parent"]
    store.live_queue(call.tx, parent)
    tasks = [record["task"] for _, record in call.tx.items(store.TASK, parent=parent)]
    page, token = paging.page(tasks, call.params, MAX_PAGE)
    out = {"tasks": [shown(call, task, call.params.get("responseView")) for task in page]}
    if token:
        out["nextPageToken"] = token
    return out if page else {}


@handles("DeleteTask")
def delete_task(call: Call) -> dict:
    store.remove_task(call.tx, _existing(call.tx, call.params["name"])["task"]["name"])
    return {}


@handles("RunTask")
def run_task(call: Call) -> dict:
    """Dispatch a task now, even if it is running, its queue paused or out of tokens."""
    tx = call.tx
    record = _existing(tx, call.params["name"])
    request = wire.canonical(wire.parse(wire.REQUESTS["RunTaskRequest"], call.body))
    queue = store.live_queue(tx, names.queue_of(record["task"]["name"]))
    attempt = delivery.start(tx, record, queue)
    wake_after_commit(tx, attempt)
    return shown(call, record["task"], request.get("responseView"))
