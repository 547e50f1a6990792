"""Drive API v3 ``permissions``: sharing, ownership transfer, and sharing notifications.

Control endpoints (not Google's): ``GET /_sandbox/drive/notifications[?user=]`` lists the sharing
emails Drive would have sent; ``POST /_sandbox/drive/open {user, fileId, client_id}`` is a person
opening a file with an app (e.g. granting an add-on file access), which ``drive.file`` needs.
"""
from __future__ import annotations

from flask import Blueprint, request

from workspace_sandbox.core.front import Call, handles
from workspace_sandbox.drive.access import (DRIVE, ROLES, DriveError, can, display_name, grant_app,
                           insufficient_permissions, invalid_value, permission_id, role_of, save, timestamp, touch,
                           user_permission)
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx
from workspace_sandbox.core.control_plane import world

DEFAULT_FIELDS = ("kind", "id", "type", "role")
SHARED_DRIVE_ROLES = ("organizer", "fileOrganizer")

bp = Blueprint("sandbox_drive", __name__, url_prefix="/_sandbox/drive")


def _view(permission: dict, call: Call) -> dict:
    if "fields" in call.params:
        return dict(permission)
    return {key: permission[key] for key in DEFAULT_FIELDS}


def _sharer(call: Call, need_owner: bool = False) -> dict:
    """The file, if the caller may change who has access to it."""
    record, role = DRIVE.file(call.tx, call.user, call.client_id, call.scopes,
                              call.params["fileId"])
    owner = role == "owner"
    if need_owner and not owner:
        raise insufficient_permissions()
    if not owner and not (can(role, "write") and record.get("writersCanShare", True)):
        raise insufficient_permissions()
    return record


def _find(record: dict, permission_id_: str) -> dict:
    for permission in record.get("permissions", []):
        if permission["id"] == permission_id_:
            return permission
    raise DriveError(404, "notFound", f"Permission not found: {permission_id_}.",
                     location="permissionId")


def _required(field: str) -> DriveError:
    return DriveError(400, "required", f"The permission {field} field is required.",
                      location=f"permission.{field}", location_type="other")


def _sharing_refused(message: str) -> DriveError:
    return DriveError(400, "invalidSharingRequest", f'Bad Request. User message: "{message}"')


def _new_permission(tx: Tx, body: dict) -> dict:
    kind, role = body.get("type"), body.get("role")
    if not role:
        raise _required("role")
    if not kind:
        raise _required("type")
    if role not in ROLES:
        raise invalid_value("permission.role", "The permission role is invalid.")
    if kind not in ("user", "group", "domain", "anyone"):
        raise invalid_value("permission.type", "The permission type is invalid.")
    if role in SHARED_DRIVE_ROLES:
        raise _sharing_refused(f"The {role} role can only be granted on items in a shared drive.")
    if kind in ("user", "group"):
        email = (body.get("emailAddress") or "").lower()
        if "@" not in email:
            raise _required("emailAddress")
        permission = user_permission(tx, email, role)
        permission.update(type=kind, id=permission_id(kind, email))
        return permission
    if role == "owner":
        raise invalid_value("permission.role", "The owner role can only be granted to a user.")
    if kind == "domain":
        if not body.get("domain"):
            raise _required("domain")
        return {"kind": "drive#permission", "id": permission_id("domain", body["domain"]),
                "type": "domain", "role": role, "domain": body["domain"].lower(),
                "displayName": body["domain"].lower(), "deleted": False,
                "allowFileDiscovery": bool(body.get("allowFileDiscovery", False))}
    return {"kind": "drive#permission", "id": "anyoneWithLink", "type": "anyone", "role": role,
            "deleted": False, "allowFileDiscovery": bool(body.get("allowFileDiscovery", False))}


def _notify(call: Call, record: dict, permission: dict) -> None:
    if permission["type"] not in ("user", "group"):
        return
    number = call.tx.next_value("drive.notification")
    call.tx.put("drive.notification", f"{number:010d}", {
        "to": permission["emailAddress"], "from": call.user.lower(),
        "fromName": display_name(call.tx, call.user), "fileId": record["id"],
        "fileName": record["name"], "role": permission["role"],
        "emailMessage": call.params.get("emailMessage", ""), "time": timestamp(call.tx.now())},
        parent=permission["emailAddress"])


def _transfer(tx: Tx, record: dict, permission: dict) -> None:
    """Make ``permission``'s user the owner; the previous owner keeps edit access."""
    old, new = record["owner"], permission["emailAddress"]
    if old.rsplit("@", 1)[-1] != new.rsplit("@", 1)[-1]:
        raise _sharing_refused("Ownership can only be transferred to another user in the same "
                               "organization as the current owner.")
    for existing in record["permissions"]:
        if existing["role"] == "owner":
            existing["role"] = "writer"
    record["owner"] = new


def _grant(call: Call, record: dict, permission: dict, notify: bool) -> dict:
    """Add (or change) a permission on a file, transferring ownership when it is the owner role."""
    if permission["role"] == "owner":
        if not call.params.get("transferOwnership"):
            raise DriveError(403, "forbidden", "The transferOwnership parameter must be enabled "
                             "when the permission role is 'owner'.", location="transferOwnership")
        if role_of(call.tx, record, call.user) != "owner":
            raise insufficient_permissions()
        _transfer(call.tx, record, permission)
    elif permission["id"] == permission_id("user", record["owner"]):
        raise DriveError(403, "cannotModifyOwner", "The owner of a file cannot be modified.")
    record["permissions"] = [p for p in record["permissions"] if p["id"] != permission["id"]]
    record["permissions"].append(permission)
    if notify or permission["role"] == "owner":
        _notify(call, record, permission)
    touch(call.tx, record, call.user)
    save(call.tx, record)
    return permission


@handles("drive.permissions.create")
def permissions_create(call: Call) -> dict:
    record = _sharer(call)
    permission = _new_permission(call.tx, call.body or {})
    return _view(_grant(call, record, permission, call.params.get("sendNotificationEmail", True)),
                 call)


@handles("drive.permissions.update")
def permissions_update(call: Call) -> dict:
    record = _sharer(call)
    permission = dict(_find(record, call.params["permissionId"]))
    body = call.body or {}
    if set(body) - {"role", "expirationTime", "kind"}:
        raise DriveError(403, "fieldNotWritable",
                         "The resource body includes fields which are not directly writable.")
    if body.get("role") not in (None, *ROLES):
        raise invalid_value("permission.role", "The permission role is invalid.")
    if body.get("role") in SHARED_DRIVE_ROLES:
        raise _sharing_refused(f"The {body['role']} role can only be granted on items in a "
                               "shared drive.")
    permission["role"] = body.get("role", permission["role"])
    return _view(_grant(call, record, permission, False), call)


@handles("drive.permissions.list")
def permissions_list(call: Call) -> dict:
    record = _sharer(call)
    permissions = record.get("permissions", [])
    size, token = call.params.get("pageSize", 100), call.params.get("pageToken") or "0"
    if not 1 <= size <= 100:
        raise invalid_value("pageSize")
    if not token.isdigit():
        raise invalid_value("pageToken")
    start = int(token)
    out: dict = {"kind": "drive#permissionList",
                 "permissions": [_view(p, call) for p in permissions[start:start + size]]}
    if start + size < len(permissions):
        out["nextPageToken"] = str(start + size)
    return out


@handles("drive.permissions.get")
def permissions_get(call: Call) -> dict:
    record = _sharer(call)
    return _view(_find(record, call.params["permissionId"]), call)


@handles("drive.permissions.delete")
def permissions_delete(call: Call) -> None:
    record = _sharer(call)
    permission = _find(record, call.params["permissionId"])
    if permission["role"] == "owner":
        raise DriveError(403, "cannotRemoveOwner", "The owner of a file cannot be removed.")
    record["permissions"] = [p for p in record["permissions"] if p["id"] != permission["id"]]
    touch(call.tx, record, call.user)
    save(call.tx, record)


# --- control plane -------------------------------------------------------------------------------
@bp.get("/notifications")
def notifications():
    """The sharing emails sent so far (to one recipient with ``?user=``), oldest first."""
    recipient = request.args.get("user")
    with world().transaction() as tx:
        rows = tx.items("drive.notification", recipient.lower() if recipient else None)
    return {"notifications": [data for _, data in rows]}


@bp.post("/open")
def open_with_app():
    """A person opens a file with an app: ``{user, fileId, client_id}``."""
    body = request.get_json(silent=True) or {}
    missing = [key for key in ("user", "fileId", "client_id") if not body.get(key)]
    if missing:
        raise ApiError(400, "required", f"Opening a file needs {', '.join(missing)}.")
    with world().transaction() as tx:
        record = tx.get("drive.file", body["fileId"])
        if record is None or role_of(tx, record, body["user"]) is None:
            raise ApiError(404, "notFound",
                           f"{body['user']} has no access to file {body['fileId']}.")
        grant_app(tx, body["client_id"], body["user"], record["id"])
    return {"ok": True}
