"""Cloud Tasks' JSON on the wire, read and written through Google's own protobuf types.

Requests are parsed strictly into the ``google.cloud.tasks.v2`` messages (unknown names and wrong
types are rejected as Google's front end rejects them; enums come as names or, from the generated
clients, as numbers). The world stores resources as canonical proto3 JSON (camelCase, enum names,
``"0.100s"`` durations, RFC 3339 times); responses render them again, with enum numbers when the
request asked ``$alt=json;enum-encoding=int`` as the generated REST clients do.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from google.cloud.tasks_v2.types import cloudtasks, queue, task
from google.protobuf import duration_pb2, json_format, timestamp_pb2

from workspace_sandbox.tasks.errors import invalid

QUEUE, TASK = queue.Queue.pb(), task.Task.pb()
REQUESTS = {name: getattr(cloudtasks, name).pb() for name in (
    "CreateTaskRequest", "RunTaskRequest", "PauseQueueRequest", "ResumeQueueRequest",
    "PurgeQueueRequest")}
_UNKNOWN = re.compile(r'has no field named "([^"]+)" at "([^"]+)"')


def parse(message_type, body: dict | None):
    """A request body as a protobuf message of ``message_type``, or Google's 400."""
    message = message_type()
    try:
        json_format.ParseDict(body or {}, message)
    except json_format.ParseError as error:
        raise _parse_error(str(error), message_type.DESCRIPTOR.name) from None
    return message


def _parse_error(text: str, root: str):
    unknown = _UNKNOWN.search(text)
    if unknown is None:
        return invalid(f"Invalid JSON payload received. {text.splitlines()[0]}")
    name, where = unknown.groups()
    path = where[len(root) + 1:] if where.startswith(root + ".") else ""
    at = f" at '{path}'" if path else ""
    message = f'Invalid JSON payload received. Unknown name "{name}"{at}: Cannot find field.'
    violation = {"field": path, "description": message} if path else {"description": message}
    return invalid(message, [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                              "fieldViolations": [violation]}])


def canonical(message) -> dict:
    """A message as the world stores it: proto3 JSON with enum names."""
    return json_format.MessageToDict(message)


def render(message_type, stored: dict, *, int_enums: bool) -> dict:
    """A stored resource as a response (in field order), enums as numbers when asked for."""
    message = message_type()
    json_format.ParseDict(stored, message)
    return json_format.MessageToDict(message, use_integers_for_enums=int_enums)


def timestamp(moment: datetime) -> str:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment.astimezone(timezone.utc))
    return stamp.ToJsonString()


def instant(text: str) -> datetime:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromJsonString(text)
    return stamp.ToDatetime(tzinfo=timezone.utc)


def seconds(text: str | None) -> float:
    """A proto3 JSON duration (``"0.100s"``) in seconds; 0 when absent."""
    if not text:
        return 0.0
    duration = duration_pb2.Duration()
    duration.FromJsonString(text)
    return duration.ToTimedelta().total_seconds()


def duration(value: float) -> str:
    out = duration_pb2.Duration()
    out.FromNanoseconds(round(value * 1e9))
    return out.ToJsonString()
