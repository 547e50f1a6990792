"""Secret Manager v1 over REST in the Workspace sandbox: ``AccessSecretVersion``, what a service
reading its settings calls (``GET /v1/projects/P/secrets/S/versions/V:access``, V a number or
``latest``), as the generated client (google-cloud-secret-manager, REST) calls it.

Secrets and their versions are put in through the control plane (``/_sandbox/secrets``), as
``gcloud secrets create`` / ``versions add`` would. Errors are ``google.rpc.Status`` JSON; the
messages are Google's as remembered (not confirmed against a capture): a missing secret or
version is 404 "Secret [NAME] not found or has no versions.", a disabled or destroyed version
400 FAILED_PRECONDITION "Secret Version [NAME] is in DISABLED state.". Callers need the
cloud-platform scope; IAM (``secretmanager.versions.access``) is not modelled: any service
account of the world may read.
"""
from __future__ import annotations

import base64
import json
import re

import google_crc32c
from flask import Blueprint, Response, current_app, request

from workspace_sandbox.core import limits
from workspace_sandbox.core.cloud_auth import grant_for
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx

bp = Blueprint("secret_manager", __name__)
SERVICE = "secretmanager.googleapis.com"
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
METHOD = "secretmanager.projects.secrets.versions.access"
KIND = "secret"  # a secret's versions, oldest first: {"versions": [{"data", "state"}]}
_NAME = re.compile(r"^projects/([^/]+)/secrets/([A-Za-z0-9_-]{1,255})$")


class _Status(ApiError):
    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def put_version(tx: Tx, secret: str, data: bytes, state: str = "ENABLED") -> int:
    """Add a version to ``secret`` (``projects/P/secrets/S``, made if new); its number."""
    if not _NAME.match(secret):
        raise ApiError(400, "invalid", f"{secret!r} is not projects/P/secrets/S.")
    if state not in ("ENABLED", "DISABLED", "DESTROYED"):
        raise ApiError(400, "invalid", f"state must be ENABLED, DISABLED or DESTROYED, not "
                                       f"{state!r}.")
    record = tx.get(KIND, secret) or {"versions": []}
    record["versions"].append({"data": base64.b64encode(data).decode(), "state": state})
    tx.put(KIND, secret, record)
    return len(record["versions"])


@bp.get("/v1/projects/<project>/secrets/<secret>/versions/<version>:access")
def access(project: str, secret: str, version: str):
    try:
        return _json(_access(f"projects/{project}/secrets/{secret}", version), 200)
    except ApiError as error:
        return _json(_Status(error.code, "", error.message, status=error.status).body(),
                     error.code)


def _access(secret: str, version: str) -> dict:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    with current_app.config["WORLD"].transaction() as tx:
        grant = grant_for(tx, token, SERVICE, SCOPES) if token else None
        if grant is None:
            raise ApiError(401, "", "Request had invalid authentication credentials. Expected "
                           "OAuth 2 access token, login cookie or other valid authentication "
                           "credential.", status="UNAUTHENTICATED")
        if not set(grant["scopes"]) & set(SCOPES):
            raise ApiError(403, "", "Request had insufficient authentication scopes.",
                           status="PERMISSION_DENIED")
        limits.record(tx, METHOD, grant["user"])
        record = tx.get(KIND, secret) if _NAME.match(secret) else None
        versions = (record or {}).get("versions", [])
        if version == "latest":
            enabled = [n for n, v in enumerate(versions, 1) if v["state"] == "ENABLED"]
            number = enabled[-1] if enabled else None
        else:
            number = int(version) if version.isdigit() and 0 < int(version) <= len(versions) \
                else None
        if number is None:
            raise ApiError(404, "", f"Secret [{secret}] not found or has no versions.",
                           status="NOT_FOUND")
        found = versions[number - 1]
        name = f"{secret}/versions/{number}"
        if found["state"] != "ENABLED":
            raise ApiError(400, "", f"Secret Version [{name}] is in {found['state']} state.",
                           status="FAILED_PRECONDITION")
    data = base64.b64decode(found["data"])
    return {"name": name, "payload": {"data": found["data"],
                                      "dataCrc32c": str(google_crc32c.value(data))}}


def _json(data: dict, status: int) -> Response:
    return Response(json.dumps(data), status=status,
                    content_type="application/json; charset=UTF-8")
