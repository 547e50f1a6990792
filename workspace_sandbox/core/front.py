"""The sandbox's API front end: routing, authentication, scopes, validation, quotas, faults.

API modules register one handler per discovery method id with :func:`handles`; the front end
does everything Google's front end does before a handler runs.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Callable

from flask import Request, Response

from workspace_sandbox.core import discovery

from workspace_sandbox.core import limits
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.fields import select_fields
from workspace_sandbox.core.tokens import lookup_access_token
from workspace_sandbox.core.world import Tx, World

_HANDLERS: dict[str, Callable[["Call"], Any]] = {}


def handles(method_id: str):
    """Register the decorated function as the handler of a discovery method."""
    def register(function):
        _HANDLERS[method_id] = function
        return function
    return register


@dataclass
class Media:
    """Bytes and their type: an upload's media, or the download a handler answers with."""

    content_type: str
    data: bytes


@dataclass
class Call:
    """One authenticated, validated API call, handled inside one transaction."""

    method: discovery.Method
    tx: Tx
    user: str
    client_id: str
    scopes: tuple[str, ...]
    params: dict
    body: Any
    base_url: str
    media: Media | None = None
    status: int = 200
    extra: dict = field(default_factory=dict)

    def has_scope(self, *scopes: str) -> bool:
        return any(scope in self.scopes for scope in scopes)


def dispatch(world: World, request: Request) -> Response:
    """Answer one API request as Google would."""
    try:
        return _dispatch(world, request)
    except ApiError as error:
        return _json(error.body(), error.code)


def _dispatch(world: World, request: Request) -> Response:
    found = discovery.route(request.method, request.path)
    if found is None:
        raise ApiError(404, "notFound", f"The requested URL {request.path} was not found.")
    method, path_params = found
    query = {k: v for k, v in request.args.lists()}
    token = _bearer(request) or (query.pop("access_token", [None])[0])
    params = discovery.parse_params(method, query, path_params)
    body, media = _body(method, request)
    with world.transaction() as tx:
        grant = lookup_access_token(tx, token)
        if not set(grant["scopes"]) & set(method.scopes):
            raise ApiError(403, "insufficientPermissions",
                           "Request had insufficient authentication scopes.",
                           status="PERMISSION_DENIED")
        discovery.validate_body(method, body)
        handler = _HANDLERS.get(method.id)
        if handler is None:
            raise ApiError(501, "notImplemented",
                           f"The Workspace sandbox does not implement {method.id}.")
        limits.record(tx, method.id, grant["user"])
        limits.charge(tx, method.id, grant["user"], grant["client_id"])
        fault = limits.take_fault(tx, method.id)
    if fault:
        time.sleep(fault.get("latency_ms", 0) / 1000)
        if fault.get("status") and not fault.get("applied"):
            raise _injected(fault)
    with world.transaction() as tx:
        call = Call(method, tx, grant["user"], grant["client_id"], tuple(grant["scopes"]),
                    params, body, request.host_url.rstrip("/"), media)
        result = handler(call)
    if fault and fault.get("status"):  # applied, then the answer is lost: a lost acknowledgement
        raise _injected(fault)
    if isinstance(result, Media):  # a download: the bytes themselves
        return Response(result.data, status=call.status, content_type=result.content_type)
    if result is None:
        return Response(status=204)
    if "fields" in params:
        result = select_fields(result, params["fields"])
    return _json(result, call.status)


def _injected(fault: dict) -> ApiError:
    return ApiError(fault["status"], fault.get("reason", "backendError"),
                    fault.get("message", "Injected by the Workspace sandbox."))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _body(method: discovery.Method, request: Request) -> tuple[Any, Media | None]:
    raw = request.get_data()
    if method.media:
        content_type = request.headers.get("Content-Type", "")
        if content_type.startswith("multipart/"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
            parts = list(message.iter_parts())
            if len(parts) != 2:
                raise ApiError(400, "badContent", "A multipart upload needs metadata and media.")
            metadata = _parse_json(parts[0].get_content().encode()
                                   if isinstance(parts[0].get_content(), str)
                                   else parts[0].get_content())
            payload = parts[1].get_payload(decode=True)
            return metadata, Media(parts[1].get_content_type(), payload)
        return None, Media(content_type or "application/octet-stream", raw)
    return (_parse_json(raw) if raw else None), None


def _parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as error:
        raise ApiError(400, "parseError", f"Invalid JSON payload received. {error}") from None


def _json(data: Any, status: int) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status,
                    content_type="application/json; charset=UTF-8")
