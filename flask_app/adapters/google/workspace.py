"""Google Workspace as the Workspace port: the directory, and each API acting as one person
through the service account's domain-wide delegation."""
from __future__ import annotations

from google.oauth2 import credentials as user_credentials

from ...domain.people import Directory
from .calendar import GoogleCalendar
from .clients import ConnectionPool, Delegation, GoogleClients, GoogleEndpoints, RetryPolicy
from .directory import load_directory
from .docs import GoogleDocs
from .drive import GoogleDrive

CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events"
DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
DOCUMENTS = "https://www.googleapis.com/auth/documents"
DIRECTORY_USERS = "https://www.googleapis.com/auth/admin.directory.user.readonly"
DIRECTORY_ORG_UNITS = "https://www.googleapis.com/auth/admin.directory.orgunit.readonly"

# What the service asks for, per API, when acting for a person. drive.file reaches only the docs
# the service made; documents also reaches a doc already attached to a series (see README).
SCOPES = {
    "calendar": (CALENDAR_EVENTS,),
    "docs": (DRIVE_FILE, DOCUMENTS),
    "drive": (DRIVE_FILE,),
    "directory": (DIRECTORY_USERS, DIRECTORY_ORG_UNITS),
}


class GoogleWorkspace:
    """The Workspace port over google-api-python-client, against Google or the sandbox."""

    def __init__(self, clients: GoogleClients, admin_email: str):
        self.clients = clients
        self.admin_email = admin_email

    @classmethod
    def delegated(cls, endpoints: GoogleEndpoints, service_account_info: dict,
                  admin_email: str, *, retry: RetryPolicy = RetryPolicy()) -> GoogleWorkspace:
        """Acting for people through a service account with domain-wide delegation."""
        return cls(GoogleClients(endpoints, Delegation(service_account_info, SCOPES),
                                 retry=retry), admin_email)

    @classmethod
    def with_token(cls, endpoints: GoogleEndpoints, access_token: str, *,
                   retry: RetryPolicy = RetryPolicy(),
                   pool: ConnectionPool | None = None) -> GoogleWorkspace:
        """Acting as one person with their own access token (the add-on's userOAuthToken):
        what they may see, with the scopes they granted."""
        credentials = user_credentials.Credentials(access_token)
        return cls(GoogleClients(endpoints, lambda api, user: credentials, retry=retry,
                                 pool=pool), "")

    @property
    def endpoints(self) -> GoogleEndpoints:
        return self.clients.endpoints

    def directory(self) -> Directory:
        return load_directory(self.clients, self.admin_email)

    def calendar(self, user: str) -> GoogleCalendar:
        return GoogleCalendar(self.clients, user)

    def docs(self, user: str) -> GoogleDocs:
        return GoogleDocs(self.clients, user)

    def drive(self, user: str) -> GoogleDrive:
        return GoogleDrive(self.clients, user)
