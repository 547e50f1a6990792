"""The front end of Cloud Tasks v2 over REST (``/v2/...``), as the generated clients call it.

Cloud Tasks is served by the newer Google front end: routes from the API's HTTP bindings
(``google/cloud/tasks/v2/cloudtasks.proto``), errors as ``google.rpc.Status``, enums as numbers
when asked (``$alt=json;enum-encoding=int``). A call carries a sandbox access token or a
service account's self-signed JWT (core/cloud_auth.py). Injected faults and call
counts are shared with the other APIs and use the discovery method ids
(``cloudtasks.projects.locations.queues.tasks.create``...).
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

from flask import Blueprint, Response, current_app, request

from workspace_sandbox.core import limits
from workspace_sandbox.core.cloud_auth import grant_for
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.fields import select_fields
from workspace_sandbox.core.world import Tx
from workspace_sandbox.tasks.errors import SERVICE, RpcError, error_info, invalid, not_found

bp = Blueprint("cloud_tasks", __name__)

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",
          "https://www.googleapis.com/auth/cloud-tasks")
_LOCATION = r"projects/[^/]+/locations/[^/]+"
_QUEUE = _LOCATION + r"/queues/[^/:]+"
_TASK = _QUEUE + r"/tasks/[^/:]+"
_DISCOVERY = "cloudtasks.projects.locations.queues."
# (HTTP method, path, rpc, discovery method id, query parameters of the request message)
ROUTES = tuple((verb, re.compile(f"^/v2/{path}$"), rpc, _DISCOVERY + method, params) for
               verb, path, rpc, method, params in (
    ("POST", rf"(?P<parent>{_LOCATION})/queues", "CreateQueue", "create", ()),
    ("GET", rf"(?P<parent>{_LOCATION})/queues", "ListQueues", "list",
     ("filter", "pageSize", "pageToken")),
    ("GET", rf"(?P<name>{_QUEUE})", "GetQueue", "get", ()),
    ("PATCH", rf"(?P<name>{_QUEUE})", "UpdateQueue", "patch", ("updateMask",)),
    ("DELETE", rf"(?P<name>{_QUEUE})", "DeleteQueue", "delete", ()),
    ("POST", rf"(?P<name>{_QUEUE}):pause", "PauseQueue", "pause", ()),
    ("POST", rf"(?P<name>{_QUEUE}):resume", "ResumeQueue", "resume", ()),
    ("POST", rf"(?P<name>{_QUEUE}):purge", "PurgeQueue", "purge", ()),
    ("POST", rf"(?P<parent>{_QUEUE})/tasks", "CreateTask", "tasks.create", ()),
    ("GET", rf"(?P<parent>{_QUEUE})/tasks", "ListTasks", "tasks.list",
     ("responseView", "pageSize", "pageToken")),
    ("GET", rf"(?P<name>{_TASK})", "GetTask", "tasks.get", ("responseView",)),
    ("DELETE", rf"(?P<name>{_TASK})", "DeleteTask", "tasks.delete", ()),
    ("POST", rf"(?P<name>{_TASK}):run", "RunTask", "tasks.run", ()),
))
# Parameters every Google front end takes, whatever the method.
_SYSTEM = ("$alt", "alt", "$.xgafv", "access_token", "fields", "key", "prettyPrint", "quotaUser")
_HANDLERS: dict[str, Callable[["Call"], Any]] = {}


def handles(rpc: str):
    """Register the decorated function as the handler of a Cloud Tasks RPC."""
    def register(function):
        _HANDLERS[rpc] = function
        return function
    return register


@dataclass
class Call:
    """One authenticated Cloud Tasks call, handled inside one transaction."""

    rpc: str
    tx: Tx
    user: str
    params: dict
    body: dict | None
    int_enums: bool


@bp.route("/v2/<path:path>", methods=["GET", "POST", "PATCH", "DELETE"])
def serve(path):
    try:
        return _serve()
    except ApiError as error:
        return _json(error.body(), error.code)


def _serve() -> Response:
    route = next(((rpc, method_id, names, found) for verb, pattern, rpc, method_id, names in ROUTES
                  if verb == request.method and (found := pattern.match(request.path))), None)
    if route is None:
        raise not_found("Method not found.")  # (unconfirmed)
    rpc, method_id, names, found = route
    query = request.args.to_dict()
    for name in query:
        if name not in names and name not in _SYSTEM:
            raise invalid(f'Invalid JSON payload received. Unknown name "{name}": Cannot bind '
                          f"query parameter. Field '{name}' could not be found in request "
                          "message.")
    token = _bearer() or query.get("access_token")
    body = _body()
    world = current_app.config["WORLD"]
    with world.transaction() as tx:
        user = _authorize(tx, token, rpc)
        limits.record(tx, method_id, user)
        fault = limits.take_fault(tx, method_id)
    if fault:
        time.sleep(fault.get("latency_ms", 0) / 1000)
        if fault.get("status") and not fault.get("applied"):
            raise _injected(fault)
    int_enums = "enum-encoding=int" in query.get("$alt", "")
    with world.transaction() as tx:
        result = _HANDLERS[rpc](Call(rpc, tx, user, {**query, **found.groupdict()}, body,
                                     int_enums))
    if fault and fault.get("status"):  # applied, then the answer is lost
        raise _injected(fault)
    if "fields" in query:
        result = select_fields(result, query["fields"])
    return _json(result, 200)


def _authorize(tx: Tx, token: str | None, rpc: str) -> str:
    if not token:
        raise RpcError(401, "Request is missing required authentication credential. Expected "
                       "OAuth 2 access token, login cookie or other valid authentication "
                       "credential. See https://developers.google.com/identity/sign-in/web/"
                       "devconsole-project.", details=error_info("CREDENTIALS_MISSING", rpc))
    grant = grant_for(tx, token, SERVICE, SCOPES)
    if grant is None:
        raise RpcError(401, "Request had invalid authentication credentials. Expected OAuth 2 "
                       "access token, login cookie or other valid authentication credential. See "
                       "https://developers.google.com/identity/sign-in/web/devconsole-project.")
    if not set(grant["scopes"]) & set(SCOPES):
        raise RpcError(403, "Request had insufficient authentication scopes.",
                       details=error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", rpc))
    return grant["user"]


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _body() -> dict | None:
    raw = request.get_data()
    if not raw:
        return None
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise invalid(f"Invalid JSON payload received. {error}") from None
    if not isinstance(body, dict):
        raise invalid("Invalid JSON payload received. Expected an object.")  # (unconfirmed)
    return body


def _injected(fault: dict) -> RpcError:
    return RpcError(fault["status"], fault.get("message", "Injected by the Workspace sandbox."))


def _json(data: Any, status: int) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status,
                    content_type="application/json; charset=UTF-8")
