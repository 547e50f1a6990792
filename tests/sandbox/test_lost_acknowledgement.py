"""The sandbox's "lost acknowledgement" fault: Google applies the call, the answer is an error."""
from __future__ import annotations

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from flask_app.adapters.google.clients import GoogleEndpoints, build_service

CAL = "https://www.googleapis.com/auth/calendar"
ANA = "ana.silva@example.com"


def calendar(sandbox):
    credentials = Credentials(sandbox.token(ANA, [CAL]))
    return build_service("calendar", credentials, GoogleEndpoints(sandbox.url, sandbox.ca_file))


def event_body(summary):
    return {"summary": summary, "start": {"dateTime": "2030-01-07T10:00:00Z"},
            "end": {"dateTime": "2030-01-07T10:30:00Z"}}


def titles(service):
    return [e.get("summary") for e in service.events().list(calendarId="primary").execute()["items"]]


def test_an_applied_fault_changes_the_world_and_answers_the_error(sandbox):
    service = calendar(sandbox)
    sandbox.fault("calendar.events.insert", status=503, applied=True, times=1)
    with pytest.raises(HttpError) as raised:
        service.events().insert(calendarId="primary", body=event_body("Lost answer")).execute()
    assert raised.value.resp.status == 503
    assert titles(service).count("Lost answer") == 1  # Google did the work all the same


def test_a_blind_retry_after_a_lost_acknowledgement_does_the_work_twice(sandbox):
    service = calendar(sandbox)
    sandbox.fault("calendar.events.insert", status=503, applied=True, times=1)
    service.events().insert(calendarId="primary", body=event_body("Twice")).execute(num_retries=1)
    assert titles(service).count("Twice") == 2  # why inserts are not retried blindly


def test_a_plain_fault_leaves_the_world_alone(sandbox):
    service = calendar(sandbox)
    sandbox.fault("calendar.events.insert", status=503, times=1)
    with pytest.raises(HttpError):
        service.events().insert(calendarId="primary", body=event_body("Never")).execute()
    assert "Never" not in titles(service)
