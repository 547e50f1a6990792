"""Drive API v3 ``files``: create (with HTML-to-Doc conversion), get, list, update, delete.

File records live in the world as kind ``drive.file`` (see drive_access); plain files' bytes as
``drive.content``. Responses follow v3: without ``fields`` only kind, id, name and mimeType.
"""
from __future__ import annotations

import base64
import hashlib
import html
from typing import Any

from markdown_it import MarkdownIt

from workspace_sandbox.docs import store as docs_store
from workspace_sandbox.core.front import Call, handles
from workspace_sandbox.docs.document import Document
from workspace_sandbox.drive.access import (DRIVE, FOLDER, GOOGLE_DOC, DriveError, can, display_name, grant_app,
                           insufficient_permissions, invalid_value,
                           is_trashed, new_file_id, resolve, role_of, root_id, save, timestamp,
                           touch, user_permission)
from workspace_sandbox.drive.listing import list_files
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx

DEFAULT_FIELDS = ("kind", "id", "name", "mimeType")
# Fields a client may set (create / update); others are Google's to fill in.
CREATE_WRITABLE = {"name", "mimeType", "parents", "appProperties", "properties", "description",
                   "starred", "trashed", "createdTime", "modifiedTime", "originalFilename",
                   "contentHints", "copyRequiresWriterPermission", "writersCanShare",
                   "viewersCanCopyContent", "folderColorRgb", "kind"}
UPDATE_WRITABLE = CREATE_WRITABLE - {"parents", "createdTime"}
_CONVERTIBLE = ("text/html", "text/plain", "text/markdown")
_WEB_LINKS = {GOOGLE_DOC: "https://docs.google.com/document/d/{}/edit",
              FOLDER: "https://drive.google.com/drive/folders/{}"}


def default_view(resource: dict, call: Call) -> dict:
    """v3 answers only kind, id, name and mimeType unless ``fields`` asks for more."""
    if "fields" in call.params:
        return resource
    return {key: resource[key] for key in DEFAULT_FIELDS if key in resource}


def _person(tx: Tx, email: str, user: str) -> dict:
    return {"kind": "drive#user", "displayName": display_name(tx, email), "me": email == user,
            "permissionId": user_permission(tx, email, "reader")["id"], "emailAddress": email}


def resource(tx: Tx, record: dict, user: str, client_id: str) -> dict:
    """The full v3 File resource of a record, as the caller sees it."""
    user = user.lower()
    role = role_of(tx, record, user)
    link = _WEB_LINKS.get(record["mimeType"], "https://drive.google.com/file/d/{}/view")
    out: dict[str, Any] = {
        "kind": "drive#file", "id": record["id"], "name": record["name"],
        "mimeType": record["mimeType"], "starred": user in record.get("starredBy", []),
        "trashed": is_trashed(tx, record),
        "explicitlyTrashed": record.get("explicitlyTrashed", False),
        "spaces": ["drive"], "version": str(record.get("version", 1)),
        "webViewLink": link.format(record["id"]),
        "iconLink": "https://drive-thirdparty.googleusercontent.com/16/type/" + record["mimeType"],
        "createdTime": record["createdTime"], "modifiedTime": record["modifiedTime"],
        "owners": [_person(tx, record["owner"], user)],
        "lastModifyingUser": _person(tx, record.get("lastModifyingUser", record["owner"]), user),
        "shared": len(record.get("permissions", [])) > 1, "ownedByMe": record["owner"] == user,
        "isAppAuthorized": record.get("createdByClient") == client_id,
        "writersCanShare": record.get("writersCanShare", True),
        "copyRequiresWriterPermission": record.get("copyRequiresWriterPermission", False),
        "viewersCanCopyContent": record.get("viewersCanCopyContent", True),
        "capabilities": _capabilities(record, role, user)}
    if record.get("parents"):
        out["parents"] = list(record["parents"])
    for key in ("description", "originalFilename", "trashedTime", "folderColorRgb"):
        if key in record:
            out[key] = record[key]
    if "size" in record:
        out["size"], out["md5Checksum"] = str(record["size"]), record["md5Checksum"]
    app_properties = record.get("appProperties", {}).get(client_id)
    if app_properties:
        out["appProperties"] = dict(app_properties)
    if record.get("properties"):
        out["properties"] = dict(record["properties"])
    if can(role, "write"):
        out["permissions"] = [dict(p) for p in record.get("permissions", [])]
        out["permissionIds"] = [p["id"] for p in record.get("permissions", [])]
    return out


def _capabilities(record: dict, role: str | None, user: str) -> dict:
    write, owner = can(role, "write"), record["owner"] == user
    share = owner or (write and record.get("writersCanShare", True))
    return {"canEdit": write, "canComment": can(role, "comment"), "canShare": share,
            "canRename": write, "canTrash": owner, "canDelete": owner,
            "canAddChildren": write and record["mimeType"] == FOLDER,
            "canDownload": True, "canCopy": record["mimeType"] != FOLDER,
            "canModifyContent": write, "canReadRevisions": write}


# --- creating ------------------------------------------------------------------------------------
def new_record(tx: Tx, owner: str, name: str, mime_type: str, parents: list[str] | None = None,
               client_id: str | None = None) -> dict:
    """A new file owned by ``owner`` (in their My Drive unless ``parents``), saved.

    ``client_id`` is the app that created it: with ``drive.file`` that app (only) may see it.
    """
    owner = owner.lower()
    now = timestamp(tx.now())
    record = {"id": new_file_id(mime_type), "name": name, "mimeType": mime_type,
              "parents": parents or [root_id(tx, owner)], "owner": owner, "createdTime": now,
              "modifiedTime": now, "explicitlyTrashed": False, "appProperties": {},
              "properties": {}, "version": 1, "lastModifyingUser": owner,
              "permissions": [user_permission(tx, owner, "owner")]}
    if client_id:
        record["createdByClient"] = client_id
        grant_app(tx, client_id, owner, record["id"])
    save(tx, record)
    return record


def create_google_doc(tx: Tx, owner: str, title: str, html_text: str | None = None,
                      client_id: str | None = None, parents: list[str] | None = None) -> dict:
    """A Google Doc owned by ``owner`` (blank, or converted from HTML); its Drive record.

    For other sandbox areas too, e.g. Calendar's "Take meeting notes" (``client_id=None``: no app
    has ``drive.file`` access until the person opens it with one).
    """
    record = new_record(tx, owner, title, GOOGLE_DOC, parents, client_id)
    document = (Document.from_html(record["id"], title, html_text) if html_text is not None
                else Document.new(record["id"], title))
    docs_store.create(tx, document, owner)
    return record


def _upload_html(media) -> str:
    """The HTML a Google Doc is made from, for the upload types Drive converts."""
    kind = media.content_type.split(";")[0].strip().lower()
    if kind not in _CONVERTIBLE:
        raise DriveError(400, "badContent", f"The Workspace sandbox cannot convert {kind} to a "
                         f"Google Doc; upload one of {', '.join(_CONVERTIBLE)}.")
    try:
        text = media.data.decode("utf-8")
    except UnicodeDecodeError:
        raise DriveError(400, "badContent", "The uploaded text is not valid UTF-8.") from None
    if kind == "text/plain":
        return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    if kind == "text/markdown":
        return MarkdownIt().render(text)
    return text


def _check_writable(body: dict, writable: set[str]) -> None:
    if "parents" in body and "parents" not in writable:
        raise DriveError(403, "fieldNotWritable", "The parents field is not directly writable in "
                         "update requests. Use the addParents and removeParents parameters "
                         "instead.")
    if set(body) - writable:
        raise DriveError(403, "fieldNotWritable",
                         "The resource body includes fields which are not directly writable.")


def _parent_folder(call: Call, parent_id: str) -> str:
    """A folder the caller may add files to, or Google's 404 naming it."""
    folder, _ = DRIVE.file(call.tx, call.user, call.client_id, call.scopes, parent_id, "write")
    if folder["mimeType"] != FOLDER:
        raise invalid_value("parents", "The specified parent is not a folder.")
    return folder["id"]


@handles("drive.files.create")
def files_create(call: Call) -> dict:
    body = dict(call.body or {})
    _check_writable(body, CREATE_WRITABLE)
    media = call.media
    mime_type = body.get("mimeType") or (media.content_type if media else
                                         "application/octet-stream")
    parents = [_parent_folder(call, p) for p in body.get("parents", [])]
    if len(parents) > 1:
        raise DriveError(403, "cannotAddParent", "Increasing the number of parents is not allowed.")
    name = body.get("name") or "Untitled"
    if mime_type == GOOGLE_DOC:
        record = create_google_doc(call.tx, call.user, name,
                                   _upload_html(media) if media else None, call.client_id, parents)
    elif mime_type.startswith("application/vnd.google-apps.") and mime_type != FOLDER:
        raise DriveError(400, "badRequest", f"The Workspace sandbox does not model {mime_type} "
                         "files (only Google Docs and folders).")
    else:
        record = new_record(call.tx, call.user, name, mime_type, parents, call.client_id)
        if media is not None:
            _store_content(call.tx, record, media.data)
    _apply_metadata(call, record, body)
    save(call.tx, record)
    return default_view(resource(call.tx, record, call.user, call.client_id), call)


def _store_content(tx: Tx, record: dict, data: bytes) -> None:
    tx.put("drive.content", record["id"], {"data": base64.b64encode(data).decode("ascii")})
    record["size"] = len(data)
    record["md5Checksum"] = hashlib.md5(data).hexdigest()


def _merge(current: dict, given: dict) -> dict:
    """Google's map update: given keys set, a null value deletes the key."""
    merged = dict(current)
    for key, value in given.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _apply_metadata(call: Call, record: dict, body: dict) -> None:
    """Apply the writable metadata fields of a create or update body."""
    user = call.user.lower()
    for key in ("name", "description", "originalFilename", "folderColorRgb", "writersCanShare",
                "copyRequiresWriterPermission", "viewersCanCopyContent", "createdTime",
                "modifiedTime"):
        if key in body and body[key] is not None:
            record[key] = body[key]
    if "appProperties" in body:
        mine = _merge(record["appProperties"].get(call.client_id, {}), body["appProperties"] or {})
        record["appProperties"][call.client_id] = mine
    if "properties" in body:
        record["properties"] = _merge(record.get("properties", {}), body["properties"] or {})
    if "starred" in body:
        starred = set(record.get("starredBy", [])) - {user}
        record["starredBy"] = sorted(starred | ({user} if body["starred"] else set()))
    if "trashed" in body:
        record["explicitlyTrashed"] = bool(body["trashed"])
        if body["trashed"]:
            record["trashedTime"] = timestamp(call.tx.now())
        else:
            record.pop("trashedTime", None)


# --- reading -------------------------------------------------------------------------------------
@handles("drive.files.get")
def files_get(call: Call) -> dict:
    record, _ = DRIVE.file(call.tx, call.user, call.client_id, call.scopes, call.params["fileId"])
    if call.params.get("alt") == "media":
        if record["mimeType"].startswith("application/vnd.google-apps."):
            raise DriveError(403, "fileNotDownloadable", "Only files with binary content can be "
                             "downloaded. Use Export with Docs Editors files.", location="alt")
        raise ApiError(501, "notImplemented", "The Workspace sandbox does not serve file content "
                       "(alt=media).")
    return default_view(resource(call.tx, record, call.user, call.client_id), call)


@handles("drive.files.list")
def files_list(call: Call) -> dict:
    records, next_token = list_files(call)
    files = [resource(call.tx, r, call.user, call.client_id) for r in records]
    if "fields" not in call.params:
        files = [{key: f[key] for key in DEFAULT_FIELDS} for f in files]
    out: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False}
    if next_token:
        out["nextPageToken"] = next_token
    out["files"] = files
    return out


# --- changing ------------------------------------------------------------------------------------
@handles("drive.files.update")
def files_update(call: Call) -> dict:
    body = dict(call.body or {})
    _check_writable(body, UPDATE_WRITABLE)
    adding = [p for p in call.params.get("addParents", "").split(",") if p]
    removing = [p for p in call.params.get("removeParents", "").split(",") if p]
    changes_file = bool(set(body) - {"starred", "kind"} or adding or removing or call.media)
    # Trashing is the owner's; starring is each person's own; everything else needs a writer.
    need = "owner" if "trashed" in body else "write" if changes_file else "read"
    record, _ = DRIVE.file(call.tx, call.user, call.client_id, call.scopes, call.params["fileId"],
                           need)
    if "mimeType" in body and body["mimeType"] != record["mimeType"] and \
            record["mimeType"].startswith("application/vnd.google-apps."):
        raise invalid_value("mimeType", "The MIME type of a Google Docs Editors file or folder "
                            "cannot be changed.")
    parents = [p for p in record.get("parents", [])
               if p not in {resolve(call.tx, call.user, r) for r in removing}]
    for parent_id in adding:
        folder_id = _parent_folder(call, parent_id)
        if folder_id not in parents:
            parents.append(folder_id)
    if len(parents) > 1:
        raise DriveError(403, "cannotAddParent", "Increasing the number of parents is not allowed.")
    record["parents"] = parents
    if "mimeType" in body:
        record["mimeType"] = body["mimeType"]
    if call.media is not None:
        _replace_content(call, record)
    _apply_metadata(call, record, body)
    if changes_file:
        touch(call.tx, record, call.user)
    save(call.tx, record)
    return default_view(resource(call.tx, record, call.user, call.client_id), call)


def _replace_content(call: Call, record: dict) -> None:
    if record["mimeType"] != GOOGLE_DOC:
        _store_content(call.tx, record, call.media.data)
        return
    stored = docs_store.load(call.tx, record["id"])
    converted = Document.from_html(record["id"], record["name"], _upload_html(call.media))
    op = docs_store.change(docs_store.units(stored.document), docs_store.units(converted))
    docs_store.store(call.tx, converted, [op] if op else [], call.user, stored.seq)


@handles("drive.files.delete")
def files_delete(call: Call) -> None:
    record, _ = DRIVE.file(call.tx, call.user, call.client_id, call.scopes, call.params["fileId"],
                           "owner")
    if record.get("root"):
        raise insufficient_permissions()
    _delete_tree(call.tx, record)


def _delete_tree(tx: Tx, record: dict) -> None:
    """Delete a file and, for a folder, everything in it its owner owns (as Drive does)."""
    if record["mimeType"] == FOLDER:
        for key in tx.lookup("drive.file", "parent", record["id"]):
            child = tx.get("drive.file", key)
            if child and child["owner"] == record["owner"]:
                _delete_tree(tx, child)
    tx.delete("drive.file", record["id"])
    tx.delete("drive.content", record["id"])
    docs_store.delete(tx, record["id"])

