"""Google's discovery documents, as shipped inside google-api-python-client.

They give the sandbox its routes, the scopes each method accepts, and the shapes it validates
every request against, so the sandbox rejects what Google rejects.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import googleapiclient

from workspace_sandbox.core.errors import ApiError

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
APIS = {"calendar": "calendar.v3", "directory": "admin.directory_v1", "docs": "docs.v1",
        "drive": "drive.v3"}


@dataclass(frozen=True)
class Method:
    """One API method: its id (``calendar.events.list``), route and schema."""

    api: str
    id: str
    http_method: str
    pattern: re.Pattern
    spec: dict
    media: bool = False

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(self.spec.get("scopes", ()))


@cache
def document(api: str) -> dict:
    return json.loads((DOCUMENTS / f"{APIS[api]}.json").read_text(encoding="utf-8"))


def _pattern(path: str) -> re.Pattern:
    regex = ""
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{+"):
            regex += f"(?P<{_group(part[2:-1])}>.+)"
        elif part.startswith("{"):
            regex += f"(?P<{_group(part[1:-1])}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile("^" + regex + "$")


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _walk(resources: dict):
    for resource in resources.values():
        yield from resource.get("methods", {}).values()
        yield from _walk(resource.get("resources", {}))


@cache
def methods() -> tuple[Method, ...]:
    """Every method of every sandboxed API, media-upload routes included."""
    found = []
    for api in APIS:
        doc = document(api)
        for spec in _walk(doc["resources"]):
            path = "/" + doc["servicePath"] + spec.get("flatPath", spec["path"])
            found.append(Method(api, spec["id"], spec["httpMethod"], _pattern(path), spec))
            upload = spec.get("mediaUpload", {}).get("protocols", {}).get("simple")
            if upload:
                found.append(Method(api, spec["id"], spec["httpMethod"], _pattern(upload["path"]),
                                    spec, media=True))
    return tuple(found)


def route(http_method: str, path: str) -> tuple[Method, dict[str, str]] | None:
    """The method a request addresses and its path parameters, or None."""
    for method in methods():
        if method.http_method != http_method:
            continue
        match = method.pattern.match(path)
        if match:
            names = [p for p in method.spec.get("parameterOrder", [])] + list(
                method.spec.get("parameters", {}))
            by_group = {_group(n): n for n in names}
            return method, {by_group.get(k, k): v for k, v in match.groupdict().items()}
    return None


def invalid(message: str, reason: str = "invalid") -> ApiError:
    return ApiError(400, reason, message)


def parse_params(method: Method, query: dict[str, list[str]], path_params: dict[str, str]) -> dict:
    """Check query and path parameters against the method's spec and convert their types."""
    doc = document(method.api)
    specs = {**doc.get("parameters", {}), **method.spec.get("parameters", {})}
    # Parameters every Google API front end accepts, whatever the discovery document lists.
    specs.setdefault("uploadType", {"type": "string", "location": "query"})
    specs.setdefault("access_token", {"type": "string", "location": "query"})
    specs.setdefault("$.xgafv", {"type": "string", "location": "query"})
    values: dict = {}
    for name, raw in path_params.items():
        values[name] = _convert(name, [raw], specs.get(name, {"type": "string"}))
    for name, raw in query.items():
        spec = specs.get(name)
        if spec is None or spec.get("location") == "path":
            raise invalid(f"Invalid parameter '{name}' for {method.id}.", "invalidParameter")
        values[name] = _convert(name, raw, spec)
    for name, spec in specs.items():
        if spec.get("required") and name not in values:
            raise invalid(f"Required parameter: {name}", "required")
    return values


def _convert(name: str, raw: list[str], spec: dict):
    if len(raw) > 1 and not spec.get("repeated"):
        raise invalid(f"Invalid value for '{name}': it may be given only once.", "invalidParameter")
    converted = [_scalar(name, value, spec) for value in raw]
    return converted if spec.get("repeated") else converted[0]


def _scalar(name: str, value: str, spec: dict):
    kind = spec.get("type", "string")
    if kind == "integer":
        try:
            number = int(value)
        except ValueError:
            raise invalid(f"Invalid value '{value}' for '{name}': an integer is required.",
                          "invalidParameter") from None
        if "minimum" in spec and number < int(spec["minimum"]):
            raise invalid(f"Invalid value '{value}' for '{name}': below the minimum "
                          f"{spec['minimum']}.", "invalidParameter")
        if "maximum" in spec and number > int(spec["maximum"]):
            raise invalid(f"Invalid value '{value}' for '{name}': above the maximum "
                          f"{spec['maximum']}.", "invalidParameter")
        return number
    if kind == "boolean":
        if value not in ("true", "false"):
            raise invalid(f"Invalid value '{value}' for '{name}': true or false.",
                          "invalidParameter")
        return value == "true"
    if "enum" in spec and value not in spec["enum"]:
        raise invalid(f"Invalid value '{value}' for '{name}': expected one of "
                      f"{', '.join(spec['enum'])}.", "invalidParameter")
    if spec.get("format") == "date-time":
        parse_datetime(value, name)
    return value


def parse_datetime(value: str, where: str) -> datetime:
    """An RFC 3339 timestamp with a mandatory offset, as Google requires."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in value:
        raise ApiError(400, "badRequest",
                       f"Invalid value '{value}' for '{where}': an RFC 3339 timestamp with a time "
                       "zone offset is required.")
    return parsed


def validate_body(method: Method, body) -> None:
    """Reject bodies whose field names, types or enum values the schema does not allow."""
    request = method.spec.get("request")
    if request is None:
        if body not in (None, {}):
            raise invalid(f"{method.id} takes no request body.")
        return
    if body is None:
        return
    _check(method.api, body, {"$ref": request["$ref"]}, request["$ref"])


def _check(api: str, value, schema: dict, where: str) -> None:
    if "$ref" in schema:
        schema = document(api)["schemas"][schema["$ref"]]
    kind = schema.get("type")
    if value is None:
        return
    if kind == "object" or "properties" in schema:
        if not isinstance(value, dict):
            raise invalid(f"Invalid JSON payload received. Invalid value at '{where}': "
                          f"expected an object.")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                _check(api, item, properties[key], f"{where}.{key}")
            elif extra is not None:
                _check(api, item, extra, f"{where}[{key!r}]")
            else:
                raise invalid(f"Invalid JSON payload received. Unknown name \"{key}\" at "
                              f"'{where}': Cannot find field.")
    elif kind == "array":
        if not isinstance(value, list):
            raise invalid(f"Invalid JSON payload received. Invalid value at '{where}': "
                          "expected a list.")
        for i, item in enumerate(value):
            _check(api, item, schema.get("items", {}), f"{where}[{i}]")
    elif kind == "string":
        if schema.get("format") in ("int64", "uint64") and isinstance(value, int):
            return
        if not isinstance(value, str):
            raise invalid(f"Invalid JSON payload received. Invalid value at '{where}' "
                          f"({type(value).__name__}): expected a string.")
        if "enum" in schema and value not in schema["enum"]:
            raise invalid(f"Invalid value at '{where}' (TYPE_ENUM), \"{value}\"")
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise invalid(f"Invalid value at '{where}' ({type(value).__name__}): expected an "
                          "integer.")
        if isinstance(value, str) and not re.fullmatch(r"-?\d+", value):
            raise invalid(f"Invalid value at '{where}' (TYPE_INT32), \"{value}\"")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise invalid(f"Invalid value at '{where}': expected a number.")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise invalid(f"Invalid value at '{where}' ({type(value).__name__}): expected a "
                          "boolean.")
