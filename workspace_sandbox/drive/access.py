"""Drive's file records, who may see and change them, and Drive's error answers.

A file is stored as kind ``drive.file`` with its permissions inside it. Access follows Google: a
person's role comes from the file's permissions and its folders'; an app holding only the
``drive.file`` scope sees a file only if it created it for that person or the person opened the
file with it (kind ``drive.grant``). The Docs API shares these rules (documents are Drive files).
"""
from __future__ import annotations

import hashlib
import secrets
import string
from datetime import datetime, timezone

from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx

FOLDER = "application/vnd.google-apps.folder"
GOOGLE_DOC = "application/vnd.google-apps.document"
SCOPE = "https://www.googleapis.com/auth/"
# Scopes that see every file the person can access (metadata or more), per API.
FULL_SCOPES = {
    "drive": tuple(SCOPE + s for s in ("drive", "drive.readonly", "drive.metadata",
                                        "drive.metadata.readonly")),
    "docs": tuple(SCOPE + s for s in ("documents", "documents.readonly", "drive",
                                       "drive.readonly")),
}
FILE_SCOPE = SCOPE + "drive.file"

ROLES = ("reader", "commenter", "writer", "fileOrganizer", "organizer", "owner")
RANK = {role: rank for rank, role in enumerate(ROLES)}
NEED = {"read": "reader", "comment": "commenter", "write": "writer", "owner": "owner"}
_ID_CHARS = string.ascii_letters + string.digits + "-_"


class DriveError(ApiError):
    """A Drive v3 error, which names the offending parameter like Google's do."""

    def __init__(self, code: int, reason: str, message: str, *, location: str | None = None,
                 location_type: str = "parameter"):
        super().__init__(code, reason, message)
        self.location = location
        self.location_type = location_type

    def body(self) -> dict:
        body = super().body()
        if self.location:
            body["error"]["errors"][0].update(locationType=self.location_type,
                                              location=self.location)
        return body


def file_not_found(file_id: str, location: str = "fileId") -> DriveError:
    return DriveError(404, "notFound", f"File not found: {file_id}.", location=location)


def insufficient_permissions() -> DriveError:
    return DriveError(403, "insufficientFilePermissions",
                      "The user does not have sufficient permissions for this file.")


def invalid_value(location: str, message: str = "Invalid Value") -> DriveError:
    return DriveError(400, "invalid", message, location=location)


def timestamp(moment: datetime) -> str:
    """Google's RFC 3339 form: UTC, milliseconds, ``Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}Z"


def new_file_id(mime_type: str) -> str:
    """A random id shaped like Google's: 44 characters for Docs editors files, else 33."""
    length = 43 if mime_type.startswith("application/vnd.google-apps.") and \
        mime_type != FOLDER else 32
    return "1" + "".join(secrets.choice(_ID_CHARS) for _ in range(length))


def permission_id(kind: str, value: str) -> str:
    """A stable permission id per grantee, numeric like Google's (``anyoneWithLink`` for anyone)."""
    if kind == "anyone":
        return "anyoneWithLink"
    digits = str(int(hashlib.sha256(f"{kind}:{value.lower()}".encode()).hexdigest(), 16))[:20]
    return digits + ("k" if kind == "domain" else "")


def display_name(tx: Tx, email: str) -> str:
    """The person's name from the sandbox directory, else one made from the address."""
    person = tx.get("dir.user", email.lower())
    if person:
        return f"{person['given_name']} {person['family_name']}"
    local = email.split("@")[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part)


def user_permission(tx: Tx, email: str, role: str) -> dict:
    return {"kind": "drive#permission", "id": permission_id("user", email), "type": "user",
            "emailAddress": email.lower(), "role": role, "displayName": display_name(tx, email),
            "deleted": False, "pendingOwner": False}


def root_id(tx: Tx, user: str) -> str:
    """The id of the person's "My Drive" folder, made on first use."""
    user = user.lower()
    known = tx.get("drive.root", user)
    if known:
        return known["id"]
    folder_id = "0A" + "".join(secrets.choice(string.ascii_letters + string.digits)
                               for _ in range(17)) + "Uk9PVA"
    now = timestamp(tx.now())
    tx.put("drive.file", folder_id, {
        "id": folder_id, "name": "My Drive", "mimeType": FOLDER, "parents": [], "owner": user,
        "root": True, "createdTime": now, "modifiedTime": now, "explicitlyTrashed": False,
        "appProperties": {}, "properties": {}, "version": 1,
        "permissions": [user_permission(tx, user, "owner")]})
    tx.put("drive.root", user, {"id": folder_id})
    return folder_id


def resolve(tx: Tx, user: str, file_id: str) -> str:
    """Google's alias ``root`` names the caller's My Drive folder."""
    return root_id(tx, user) if file_id == "root" else file_id


def save(tx: Tx, record: dict) -> None:
    """Store a file, findable by any app's properties and its parents (see Tx.lookup)."""
    tx.put("drive.file", record["id"], record)
    tx.index("drive.file", record["id"],
             [("appProperty", f"{k}={v}") for mine in record.get("appProperties", {}).values()
              for k, v in mine.items()]
             + [("parent", parent) for parent in record.get("parents", [])])


def index_files(tx: Tx) -> None:
    """Index every file again (a world written before files were indexed)."""
    for _, record in tx.items("drive.file"):
        save(tx, record)


def touch(tx: Tx, record: dict, user: str) -> None:
    """Mark a change: new version, modified now by ``user``."""
    record["version"] = record.get("version", 1) + 1
    record["modifiedTime"] = timestamp(tx.now())
    record["lastModifyingUser"] = user.lower()


def ancestors(tx: Tx, record: dict) -> list[dict]:
    """The folders above a file, nearest first (cycles cannot occur but are guarded)."""
    found, seen, queue = [], {record["id"]}, list(record.get("parents", []))
    while queue:
        parent_id = queue.pop(0)
        if parent_id in seen:
            continue
        seen.add(parent_id)
        parent = tx.get("drive.file", parent_id)
        if parent:
            found.append(parent)
            queue.extend(parent.get("parents", []))
    return found


def is_trashed(tx: Tx, record: dict) -> bool:
    """Trashed itself or inside a trashed folder."""
    return record.get("explicitlyTrashed", False) or any(
        a.get("explicitlyTrashed") for a in ancestors(tx, record))


def _grants(permission: dict, user: str, *, discoverable_only: bool = False) -> bool:
    kind = permission["type"]
    if kind == "user":
        return permission.get("emailAddress", "").lower() == user
    if discoverable_only and not permission.get("allowFileDiscovery", False):
        return False
    if kind == "domain":
        return permission.get("domain", "").lower() == user.rsplit("@", 1)[-1]
    # Group membership is not modelled by the sandbox: a group permission grants nobody.
    return kind == "anyone"


def role_of(tx: Tx, record: dict, user: str, *, direct_only: bool = False) -> str | None:
    """The person's strongest role on a file, counting folder permissions (inheritance).

    ``direct_only`` counts only permissions naming the person, as "My Drive" and "Shared with
    me" listings do (a file shared with the whole domain or by link is not listed).
    """
    user, best = user.lower(), None
    for holder in [record, *ancestors(tx, record)]:
        for permission in holder.get("permissions", []):
            if direct_only and permission["type"] != "user":
                continue
            stronger = best is None or RANK[permission["role"]] > RANK[best]
            if stronger and _grants(permission, user):
                best = permission["role"]
    return best


def can(role: str | None, need: str) -> bool:
    return role is not None and RANK[role] >= RANK[NEED[need]]


def grant_app(tx: Tx, client_id: str, user: str, file_id: str) -> None:
    """Record that the person created or opened the file with this app (``drive.file``)."""
    tx.put("drive.grant", f"{client_id}|{user.lower()}|{file_id}", {"fileId": file_id},
           parent=f"{client_id}|{user.lower()}")


def app_file_ids(tx: Tx, client_id: str, user: str) -> set[str]:
    return {data["fileId"] for _, data in tx.items("drive.grant", f"{client_id}|{user.lower()}")}


def app_sees(tx: Tx, api: str, scopes: tuple[str, ...], client_id: str, user: str,
             record: dict) -> bool:
    """Whether an app with these scopes may see this file for this person."""
    if any(scope in scopes for scope in FULL_SCOPES[api]):
        return True
    if FILE_SCOPE in scopes:
        return record.get("root", False) or tx.get(
            "drive.grant", f"{client_id}|{user.lower()}|{record['id']}") is not None
    return False


class Access:
    """Finds a file for a caller, answering with the API's own not-found / forbidden errors."""

    def __init__(self, api: str, not_found, forbidden):
        self.api = api
        self.not_found = not_found
        self.forbidden = forbidden

    def file(self, tx: Tx, user: str, client_id: str, scopes: tuple[str, ...], file_id: str,
             need: str = "read") -> tuple[dict, str]:
        """The file record and the caller's role, or the API's 404 / 403."""
        key = resolve(tx, user, file_id) if self.api == "drive" else file_id  # Drive's "root"
        record = tx.get("drive.file", key)
        role = role_of(tx, record, user) if record else None
        if role is None or not app_sees(tx, self.api, scopes, client_id, user, record):
            raise self.not_found(file_id)
        if not can(role, need):
            raise self.forbidden()
        return record, role


DRIVE = Access("drive", file_not_found, insufficient_permissions)
