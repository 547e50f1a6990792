"""The backends every port contract runs on: the in-memory fake, the Google adapters against the
sandbox, and — with ``--live`` and credentials in the environment — the Google adapters against a
real Workspace test domain (otherwise reported as skipped: not run, never passed).

A backend is the Workspace port plus what a test needs around it: people creating events and
editing docs, and faults (not on a live domain).
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from flask_app.adapters.google.calendar import to_domain
from flask_app.adapters.google.clients import GoogleEndpoints, RetryPolicy, build_service
from flask_app.adapters.google.workspace import GoogleWorkspace
from flask_app.domain.events import Attendee, CalendarEvent
from flask_app.domain.people import Directory, Person
from flask_app.errors import GoogleApiError, PermissionDenied, RateLimited
from tests.fakes.workspace import FakeGoogle, FakeWorkspace

LIVE_VARIABLES = ("COACH_LIVE_SERVICE_ACCOUNT_FILE", "COACH_LIVE_ADMIN", "COACH_LIVE_MANAGER",
                  "COACH_LIVE_REPORT")
CALENDAR = "https://www.googleapis.com/auth/calendar"
DOCUMENTS = "https://www.googleapis.com/auth/documents"
START = datetime(2031, 3, 3, 9, tzinfo=timezone.utc)  # a Monday, well away from real meetings


class FakeBackend:
    name = "fake"
    can_fault = True

    def __init__(self):
        self.manager, self.report = "ana@example.com", "bo@example.com"
        self.outsider = "cy@example.com"
        self.manager_zone = "Europe/Lisbon"
        self.google = FakeGoogle(Directory([
            Person(self.outsider, "Cy Outsider"),
            Person(self.manager, "Ana Silva", time_zone=self.manager_zone),
            Person(self.report, "Bo Nilsson", manager_email=self.manager,
                   time_zone="Europe/Stockholm")]))
        self.workspace = FakeWorkspace(self.google)

    def create_event(self, organizer: str, guest: str, summary: str, *, weekly=False,
                     start=START) -> CalendarEvent:
        event = CalendarEvent(self.google.new_id("ev"), summary, start,
                              start + timedelta(minutes=30), organizer_email=organizer,
                              attendees=(Attendee(organizer, organizer=True), Attendee(guest)),
                              recurring=weekly,
                              recurrence=("RRULE:FREQ=WEEKLY;COUNT=4",) if weekly else ())
        return self.google.put_event(event)

    def rename_event(self, organizer: str, event_id: str, summary: str) -> None:
        from dataclasses import replace
        self.google.put_event(replace(self.google.events[event_id], summary=summary))

    def delete_event(self, organizer: str, event_id: str) -> None:
        self.google.cancel_event(event_id)

    def expire_sync_tokens(self) -> None:
        self.google.expired_tokens = True

    def person_edits(self, user: str, document_id: str, requests: list[dict]) -> None:
        self.google.person_edits(document_id, requests)

    def fail(self, port_method: str, status: int, reason: str) -> None:
        kind = RateLimited if status in (429,) or reason.endswith("RateLimitExceeded") else (
            PermissionDenied if status == 403 else GoogleApiError)
        self.google.fail(port_method, kind(status, reason, "injected"))


class GoogleBackend:
    """The Google adapters; arranged through the raw APIs as the people themselves."""

    name = "sandbox"
    can_fault = True
    _METHODS = {"docs.write": "docs.documents.batchUpdate", "docs.get": "docs.documents.get",
                "calendar.changes": "calendar.events.list",
                "drive.create_doc": "drive.files.create", "drive.find_docs": "drive.files.list"}

    def __init__(self, workspace: GoogleWorkspace, manager: str, report: str, credentials):
        self.workspace, self.manager, self.report = workspace, manager, report
        self._credentials = credentials
        self.sandbox = None

    def _raw(self, api: str, user: str):
        return build_service(api, self._credentials(user), self.workspace.endpoints)

    def create_event(self, organizer: str, guest: str, summary: str, *, weekly=False,
                     start=START) -> CalendarEvent:
        body = {"summary": summary, "start": {"dateTime": start.isoformat()},
                "end": {"dateTime": (start + timedelta(minutes=30)).isoformat()},
                "attendees": [{"email": guest}]}
        if weekly:
            body["recurrence"] = ["RRULE:FREQ=WEEKLY;COUNT=4"]
            body["start"]["timeZone"] = body["end"]["timeZone"] = "UTC"
        created = self._raw("calendar", organizer).events().insert(
            calendarId="primary", body=body, sendUpdates="none").execute()
        return to_domain(created)

    def rename_event(self, organizer: str, event_id: str, summary: str) -> None:
        self._raw("calendar", organizer).events().patch(
            calendarId="primary", eventId=event_id, body={"summary": summary}).execute()

    def delete_event(self, organizer: str, event_id: str) -> None:
        self._raw("calendar", organizer).events().delete(
            calendarId="primary", eventId=event_id, sendUpdates="none").execute()

    def expire_sync_tokens(self) -> None:
        self.sandbox.call("POST", "/calendar/expire-sync-tokens", json={})

    def person_edits(self, user: str, document_id: str, requests: list[dict]) -> None:
        if self.sandbox is not None:
            self.sandbox.person_edits(document_id, user, requests)
            return
        self._raw("docs", user).documents().batchUpdate(
            documentId=document_id, body={"requests": requests}).execute()

    def fail(self, port_method: str, status: int, reason: str) -> None:
        self.sandbox.fault(self._METHODS[port_method], status=status, reason=reason, times=9)


def _sandbox_backend(sandbox) -> GoogleBackend:
    from google.oauth2.credentials import Credentials
    endpoints = GoogleEndpoints(sandbox.url, sandbox.ca_file)
    workspace = GoogleWorkspace.delegated(endpoints, sandbox.service_account_key(),
                                          "zoe.angstrom@example.com",
                                          retry=RetryPolicy(attempts=2, base=0))

    def credentials(user):
        return Credentials(sandbox.token(user, [CALENDAR, DOCUMENTS]))

    backend = GoogleBackend(workspace, "ana.silva@example.com", "bo.nilsson@example.com",
                            credentials)
    backend.sandbox, backend.manager_zone = sandbox, "Europe/Lisbon"
    backend.outsider = "ruth.okafor@example.com"
    return backend


def _live_backend() -> GoogleBackend:
    missing = [name for name in LIVE_VARIABLES if not os.environ.get(name)]
    if missing:
        pytest.skip(f"--live needs {', '.join(missing)}: the live contract was not run")
    from google.oauth2 import service_account
    with open(os.environ["COACH_LIVE_SERVICE_ACCOUNT_FILE"], encoding="utf-8") as key:
        info = json.load(key)
    workspace = GoogleWorkspace.delegated(GoogleEndpoints(), info, os.environ["COACH_LIVE_ADMIN"])
    base = service_account.Credentials.from_service_account_info(info)

    def credentials(user):
        return base.with_scopes([CALENDAR, DOCUMENTS]).with_subject(user)

    backend = GoogleBackend(workspace, os.environ["COACH_LIVE_MANAGER"],
                            os.environ["COACH_LIVE_REPORT"], credentials)
    backend.name, backend.can_fault = "live", False
    backend.manager_zone = os.environ.get("COACH_LIVE_MANAGER_ZONE", "UTC")
    backend.outsider = os.environ["COACH_LIVE_ADMIN"]
    return backend


@pytest.fixture(params=["fake", "sandbox", "live"])
def backend(request):
    if request.param == "fake":
        return FakeBackend()
    if request.param == "sandbox":
        return _sandbox_backend(request.getfixturevalue("sandbox"))
    if not request.config.getoption("--live"):
        pytest.skip("the live contract runs with --live against a real Workspace test domain")
    return _live_backend()


@pytest.fixture
def faulty(backend):
    if not backend.can_fault:
        pytest.skip("faults cannot be injected into a live domain")
    return backend
