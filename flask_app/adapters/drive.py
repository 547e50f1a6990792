"""Google Drive, as the service uses it: find or create a doc by its app properties, share it."""
from __future__ import annotations

from googleapiclient.errors import HttpError

from .google_clients import translate

DOC_MIME = "application/vnd.google-apps.document"
RETRIES = 4


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class DriveAdapter:
    """The Drive API for one user, within the files this app created (drive.file)."""

    def __init__(self, service):
        self._files = service.files()
        self._permissions = service.permissions()

    def find_doc(self, key: str, value: str) -> dict | None:
        """The non-trashed doc this app marked with appProperties ``key=value``."""
        query = (f"appProperties has {{ key={_quoted(key)} and value={_quoted(value)} }} "
                 f"and mimeType = {_quoted(DOC_MIME)} and trashed = false")
        try:
            found = self._files.list(q=query, spaces="drive", pageSize=10,
                                     fields="files(id,name,webViewLink)",
                                     orderBy="createdTime").execute(num_retries=RETRIES)
        except HttpError as error:
            raise translate(error, "drive.files.list") from error
        files = found.get("files", [])
        return files[0] if files else None

    def create_doc(self, name: str, app_properties: dict[str, str]) -> dict:
        """A new, empty Google Doc marked with ``app_properties`` (one call)."""
        try:
            return self._files.create(
                body={"name": name, "mimeType": DOC_MIME, "appProperties": app_properties},
                fields="id,name,webViewLink").execute()
        except HttpError as error:
            raise translate(error, "drive.files.create") from error

    def share(self, file_id: str, email: str, role: str = "writer") -> None:
        """Give ``email`` access without an email of its own (the calendar invite tells them)."""
        try:
            self._permissions.create(
                fileId=file_id, sendNotificationEmail=False,
                body={"type": "user", "role": role, "emailAddress": email},
            ).execute(num_retries=RETRIES)
        except HttpError as error:
            raise translate(error, "drive.permissions.create") from error

    def permissions(self, file_id: str) -> list[dict]:
        try:
            return self._permissions.list(
                fileId=file_id, fields="permissions(id,emailAddress,role,type)",
            ).execute(num_retries=RETRIES).get("permissions", [])
        except HttpError as error:
            raise translate(error, "drive.permissions.list") from error

    def unshare(self, file_id: str, permission_id: str) -> None:
        try:
            self._permissions.delete(fileId=file_id, permissionId=permission_id).execute(
                num_retries=RETRIES)
        except HttpError as error:
            raise translate(error, "drive.permissions.delete") from error
