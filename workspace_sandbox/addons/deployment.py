"""The installed HTTP deployment: checked as ``gcloud workspace-add-ons deployments create`` /
``replace`` would have it checked, stored in the world (kind ``addons.deployment``), and read by
the host for its triggers, scopes and options.

One deployment is installed at a time (``deployments.install``: the developer's test install,
for every user of the sandbox's domain). Google wants HTTPS endpoints; the sandbox also accepts
``http://`` on the loopback interface (``127.0.0.1``, ``localhost``, ``[::1]``) so that a service
running on this machine can be the add-on.
"""
from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import urlsplit

from workspace_sandbox.addons.identity import PROJECT_NUMBER
from workspace_sandbox.addons.manifest import ENDPOINT_FIELDS, SCHEMAS
from workspace_sandbox.addons.schema import SchemaError
from workspace_sandbox.core.errors import ApiError, not_found
from workspace_sandbox.core.world import Tx

KIND, KEY = "addons.deployment", "installed"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_NAME = re.compile(r"projects/[^/]+/deployments/[A-Za-z0-9_.~-]{1,100}")
_AUTH = "https://www.googleapis.com/auth/"
READ_SCOPE = _AUTH + "calendar.addons.current.event.read"
WRITE_SCOPE = _AUTH + "calendar.addons.current.event.write"
LOCALE_SCOPE = _AUTH + "script.locale"
FILE_SCOPE = _AUTH + "drive.file"


def invalid(message: str) -> ApiError:
    return ApiError(400, "invalid", message, status="INVALID_ARGUMENT")


def is_endpoint(url) -> bool:
    """An absolute HTTPS URL, or HTTP on the loopback interface."""
    parts = urlsplit(url) if isinstance(url, str) else None
    return bool(parts and parts.netloc and not parts.fragment and (
        parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)))


def opened_url(url: str) -> str:
    """Where a link the add-on opens goes: Card v1 converts ``http://`` to ``https://`` (the
    sandbox leaves the loopback interface's alone, as it accepts its endpoints)."""
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        return parts._replace(scheme="https").geturl()
    return url


def check(body, deployment_id: str | None = None) -> dict:
    """The deployment a create/replace request stores (its ``name`` and ``etag`` filled in), or
    a 400 naming the offending field."""
    try:
        SCHEMAS.check(body, "Deployment", "deployment")
    except SchemaError as error:
        raise invalid(str(error)) from None
    deployment = dict(body)
    name = deployment.get("name") or f"projects/{PROJECT_NUMBER}/deployments/" \
                                     f"{deployment_id or 'sandbox'}"
    if not _NAME.fullmatch(name):
        raise invalid(f"Invalid value at 'deployment.name': \"{name}\" is not "
                      "projects/PROJECT/deployments/DEPLOYMENT_ID.")
    for where, url in _endpoints(deployment["addOns"], "deployment.addOns"):
        if not is_endpoint(url):
            raise invalid(f"Invalid value at '{where}': \"{url}\" is not an HTTPS URL (an HTTP "
                          "deployment's functions are the endpoints Google calls).")
    deployment["name"] = name
    deployment.pop("etag", None)
    deployment["etag"] = hashlib.sha256(json.dumps(deployment, sort_keys=True).encode()) \
        .hexdigest()[:16]
    return deployment


def _endpoints(node, where: str):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ENDPOINT_FIELDS:
                yield f"{where}.{key}", value
            else:
                yield from _endpoints(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _endpoints(item, f"{where}[{i}]")


def install(tx: Tx, deployment: dict) -> None:
    tx.put(KIND, KEY, deployment)


def uninstall(tx: Tx) -> bool:
    return tx.delete(KIND, KEY)


def installed(tx: Tx) -> dict:
    """The installed deployment, or Google's 404."""
    found = tx.get(KIND, KEY)
    if found is None:
        raise not_found("No add-on deployment is installed: PUT /_sandbox/addons/deployment.")
    return found


def scopes(deployment: dict) -> list[str]:
    return list(deployment.get("oauthScopes") or ())


def host_manifest(deployment: dict, host: str) -> dict:
    return deployment["addOns"].get(host) or {}


def homepage(deployment: dict, host: str) -> str | None:
    """The homepage endpoint in a host (its own, else the common one); None if there is none
    or it is disabled."""
    trigger = (host_manifest(deployment, host).get("homepageTrigger")
               or deployment["addOns"]["common"].get("homepageTrigger") or {})
    return trigger.get("runFunction") if trigger.get("enabled", True) else None


def trigger(deployment: dict, host: str, name: str) -> str | None:
    return (host_manifest(deployment, host).get(name) or {}).get("runFunction")


def event_access(deployment: dict) -> tuple[bool, bool, bool]:
    """(metadata, read, write) access to the open event: ``currentEventAccess``, each of READ and
    WRITE also needing its ``calendar.addons.current.event.*`` scope (unconfirmed: Google may
    refuse such a deployment instead)."""
    access = host_manifest(deployment, "calendar").get("currentEventAccess", "UNSPECIFIED")
    granted = scopes(deployment)
    read = access in ("READ", "READ_WRITE") and READ_SCOPE in granted
    write = access in ("WRITE", "READ_WRITE") and WRITE_SCOPE in granted
    return access != "UNSPECIFIED", read, write


def uses_locale(deployment: dict) -> bool:
    """``userLocale`` and ``timeZone`` are sent only with ``common.useLocaleFromApp`` and the
    ``script.locale`` scope."""
    return bool(deployment["addOns"]["common"].get("useLocaleFromApp")) and \
        LOCALE_SCOPE in scopes(deployment)


def universal_actions(deployment: dict) -> list[dict]:
    return list(deployment["addOns"]["common"].get("universalActions") or ())


def authorization_header(deployment: dict) -> str:
    header = (deployment["addOns"].get("httpOptions") or {}).get("authorizationHeader")
    return "SYSTEM_ID_TOKEN" if header in (None, "HTTP_AUTHORIZATION_HEADER_UNSPECIFIED") \
        else header
