"""Google's HTTP batch endpoints: ``POST /batch/drive/v3`` and ``POST /batch``.

The body is ``multipart/mixed``, one ``application/http`` part per call. Each call runs through
the same front end as a direct request (auth, validation, quota, faults), so each one counts.
The answer is ``multipart/mixed`` too, each part carrying ``Content-ID: <response-ID>``. Calls
past the endpoint's limit fail one by one with Drive's "soft limit" 403, as Google's do.
"""
from __future__ import annotations

import json
import secrets
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from urllib.parse import urlsplit

from flask import Blueprint, Request, Response, current_app, request
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder

from workspace_sandbox.core import front as api
from workspace_sandbox.core.errors import ApiError

bp = Blueprint("sandbox_batch", __name__)

LIMITS = {"/drive/v3/": 100, "": 1000}


def _error(error: ApiError) -> Response:
    return Response(json.dumps(error.body()), status=error.code,
                    content_type="application/json; charset=UTF-8")


def _parts(outer: Request) -> list:
    content_type = outer.headers.get("Content-Type", "")
    if not content_type.startswith("multipart/mixed"):
        raise ApiError(400, "badContent", "A batch request must be multipart/mixed.")
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + outer.get_data())
    if not message.is_multipart():
        raise ApiError(400, "badContent", "The batch body has no parts.")
    return list(message.iter_parts())


def _inner_request(outer: Request, text: bytes) -> Request:
    """The request one ``application/http`` part describes, as Flask would have received it."""
    head, _, body = text.replace(b"\r\n", b"\n").partition(b"\n\n")
    lines = head.decode("utf-8").split("\n")
    try:
        method, target, _ = lines[0].split(" ", 2)
    except ValueError:
        raise ApiError(400, "badContent", f"Bad request line in a batch part: {lines[0]!r}") \
            from None
    headers = Headers()
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip():
            headers.add(name.strip(), value.strip())
    if "Authorization" not in headers and "Authorization" in outer.headers:
        headers["Authorization"] = outer.headers["Authorization"]
    headers.remove("Host")
    headers.remove("Content-Length")
    parts = urlsplit(target)
    builder = EnvironBuilder(path=parts.path, query_string=parts.query, method=method,
                             headers=headers, data=body, base_url=outer.host_url)
    try:
        return builder.get_request(Request)
    finally:
        builder.close()


def _serialize(response: Response) -> bytes:
    reason = HTTPStatus(response.status_code).phrase
    lines = [f"HTTP/1.1 {response.status_code} {reason}"]
    lines += [f"{name}: {value}" for name, value in response.headers.items()
              if name.lower() not in ("content-length",)]
    payload = response.get_data()
    lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def _answer(prefix: str) -> Response:
    try:
        parts = _parts(request)
    except ApiError as error:
        return _error(error)
    world = current_app.config["WORLD"]
    boundary = "batch_" + secrets.token_hex(12)
    chunks = []
    for n, part in enumerate(parts, start=1):
        try:
            inner = _inner_request(request, part.get_payload(decode=True) or b"")
            if not inner.path.startswith(prefix) or inner.path.startswith("/batch"):
                raise ApiError(400, "badRequest", f"Calls in this batch must address {prefix}.")
            if n > LIMITS[prefix]:
                raise ApiError(403, "forbidden",
                               "Exceeds allowed inner batch requests soft limit. Please retry.")
            answer = api.dispatch(world, inner)
        except ApiError as error:
            answer = _error(error)
        content_id = (part.get("Content-ID") or f"<{n}>").strip()
        chunks.append(f"--{boundary}\r\nContent-Type: application/http\r\n"
                      f"Content-ID: <response-{content_id.strip('<>')}>\r\n\r\n".encode()
                      + _serialize(answer) + b"\r\n")
    body = b"".join(chunks) + f"--{boundary}--\r\n".encode()
    return Response(body, status=200, content_type=f"multipart/mixed; boundary={boundary}")


@bp.post("/batch/drive/v3")
def drive_batch():
    return _answer("/drive/v3/")


@bp.post("/batch")
def global_batch():
    return _answer("")
