"""Google Drive as the Drive port: find or create a doc by its app properties, share it."""
from __future__ import annotations

from datetime import datetime

from ...domain.events import GOOGLE_DOC
from ...domain.workspace import DriveFile, Permission
from ...errors import NotFound
from .clients import GoogleClients

_FILE_FIELDS = "id,name,createdTime,appProperties"


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _file(data: dict) -> DriveFile:
    created = data.get("createdTime")
    return DriveFile(data["id"], data.get("name", ""),
                     datetime.fromisoformat(created.replace("Z", "+00:00")) if created else None,
                     dict(data.get("appProperties", {})))


class GoogleDrive:
    """The Drive API acting as one user, within the files this app created (drive.file)."""

    def __init__(self, clients: GoogleClients, user: str):
        self._clients, self._user = clients, user

    def _resource(self, name: str):
        return self._clients.resource("drive", self._user, name)

    def find_docs(self, key: str, value: str) -> list[DriveFile]:
        query = (f"appProperties has {{ key={_quoted(key)} and value={_quoted(value)} }} "
                 f"and mimeType = {_quoted(GOOGLE_DOC)} and trashed = false")
        request = self._resource("files").list(q=query, spaces="drive", pageSize=100,
                                               fields=f"files({_FILE_FIELDS})",
                                               orderBy="createdTime")
        found = self._clients.execute(request, "drive.files.list").get("files", [])
        return sorted((_file(f) for f in found),
                      key=lambda f: (f.created is None, f.created, f.id))

    def create_doc(self, name: str, app_properties: dict[str, str]) -> DriveFile:
        request = self._resource("files").create(
            body={"name": name, "mimeType": GOOGLE_DOC, "appProperties": app_properties},
            fields=_FILE_FIELDS)
        return _file(self._clients.execute(request, "drive.files.create"))

    def share(self, file_id: str, email: str, role: str = "writer") -> None:
        request = self._resource("permissions").create(
            fileId=file_id, sendNotificationEmail=False,
            body={"type": "user", "role": role, "emailAddress": email})
        self._clients.execute(request, "drive.permissions.create")

    def permissions(self, file_id: str) -> list[Permission]:
        request = self._resource("permissions").list(
            fileId=file_id, fields="permissions(id,emailAddress,role,type)")
        found = self._clients.execute(request, "drive.permissions.list").get("permissions", [])
        return [Permission(p["id"], p.get("emailAddress", "").lower(), p.get("role", ""),
                           p.get("type", "user")) for p in found]

    def unshare(self, file_id: str, permission_id: str) -> None:
        request = self._resource("permissions").delete(fileId=file_id, permissionId=permission_id)
        try:
            self._clients.execute(request, "drive.permissions.delete")
        except NotFound:
            pass  # already gone: a retry after a lost answer

    def export_markdown(self, file_id: str) -> str:
        request = self._resource("files").export(fileId=file_id, mimeType="text/markdown")
        return self._clients.execute(request, "drive.files.export").decode("utf-8-sig")

    def trash(self, file_id: str) -> None:
        request = self._resource("files").update(fileId=file_id, body={"trashed": True},
                                                 fields="id")
        self._clients.execute(request, "drive.files.update")
