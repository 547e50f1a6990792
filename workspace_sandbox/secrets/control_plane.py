"""Secret Manager's part of the control plane (``/_sandbox/secrets``): add a version to a
secret, as ``gcloud secrets create`` and ``gcloud secrets versions add`` do."""
from __future__ import annotations

from flask import Blueprint

from workspace_sandbox.core.control_plane import json_body, world
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.secrets.api import put_version

bp = Blueprint("sandbox_secrets", __name__, url_prefix="/_sandbox/secrets")


@bp.post("")
def add_version():
    """``{"secret": "projects/P/secrets/S", "data": "text", "state"?: "ENABLED"}``."""
    body = json_body()
    secret, data = body.get("secret"), body.get("data")
    if not isinstance(secret, str) or not isinstance(data, str):
        raise ApiError(400, "invalid", "'secret' and 'data' must be strings.")
    with world().transaction() as tx:
        number = put_version(tx, secret, data.encode(), body.get("state", "ENABLED"))
    return {"name": f"{secret}/versions/{number}"}
