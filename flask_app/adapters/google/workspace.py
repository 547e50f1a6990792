"""Google Workspace as the Workspace port: the directory, and each API acting as one person
through the service account's domain-wide delegation."""
from __future__ import annotations

from google.oauth2 import credentials as user_credentials

from ...domain.people import Directory
from .calendar import GoogleCalendar
from .clients import ConnectionPool, Delegation, GoogleClients, GoogleEndpoints, RetryPolicy
from .directory import group_members, load_directory
from .docs import GoogleDocs
from .drive import GoogleDrive

CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events"
CALENDAR_FREEBUSY = "https://www.googleapis.com/auth/calendar.freebusy"
DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
DOCUMENTS = "https://www.googleapis.com/auth/documents"
DIRECTORY_USERS = "https://www.googleapis.com/auth/admin.directory.user.readonly"
DIRECTORY_ORG_UNITS = "https://www.googleapis.com/auth/admin.directory.orgunit.readonly"
DIRECTORY_MEMBERS = "https://www.googleapis.com/auth/admin.directory.group.member.readonly"

# What the service asks for, per API, when acting for a person. drive.file reaches only the docs
# the service made; documents also reaches a doc already attached to a series, which HR turns on
# in the console (rollout: "write into a doc already attached").
SCOPES = {
    "calendar": (CALENDAR_EVENTS,),
    "freebusy": (CALENDAR_FREEBUSY,),  # the cohort organiser reads managers' free/busy
    "docs": (DRIVE_FILE,),
    "docs.any": (DRIVE_FILE, DOCUMENTS),  # only when HR lets the service reuse people's docs
    "drive": (DRIVE_FILE,),
    "directory": (DIRECTORY_USERS, DIRECTORY_ORG_UNITS, DIRECTORY_MEMBERS),
}
DIRECTORY_SCOPES = SCOPES["directory"]


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

    def members(self, group: str) -> frozenset[str]:
        return group_members(self.clients, self.admin_email, group)

    def calendar(self, user: str) -> GoogleCalendar:
        return GoogleCalendar(self.clients, user)

    def docs(self, user: str, *, any_doc: bool = False) -> GoogleDocs:
        return GoogleDocs(self.clients, user, grant="docs.any" if any_doc else "docs")

    def drive(self, user: str) -> GoogleDrive:
        return GoogleDrive(self.clients, user)
