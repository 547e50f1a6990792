"""The sandbox's front end, common to every API: authentication, scopes, faults, quotas,
accounting, partial responses, and one world shared across processes."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from flask_app.adapters.google.clients import GoogleEndpoints, build_service, translate
from flask_app.cli import main
from flask_app.errors import RateLimited
from workspace_sandbox.core.world import World

CAL = "https://www.googleapis.com/auth/calendar"
ANA, BO = "ana.silva@example.com", "bo.nilsson@example.com"


def calendar(sandbox, user=ANA, scopes=(CAL,), client_id="sandbox-tests"):
    credentials = Credentials(sandbox.token(user, list(scopes), client_id))
    return build_service("calendar", credentials, GoogleEndpoints(sandbox.url, sandbox.ca_file))


def status_and_reason(call) -> tuple[int, str]:
    with pytest.raises(HttpError) as raised:
        call()
    error = translate(raised.value)
    return error.status, error.reason


def raw(sandbox, method, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return sandbox.http.request(method, sandbox.url + path, headers=headers, timeout=30, **kwargs)


def test_requests_without_valid_credentials_are_refused(sandbox):
    assert raw(sandbox, "GET", "/calendar/v3/calendars/primary/events").status_code == 401
    token = sandbox.token(ANA, [CAL])
    sandbox.advance(3601)  # tokens last an hour
    answer = raw(sandbox, "GET", "/calendar/v3/calendars/primary/events", token)
    assert answer.status_code == 401 and answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_a_token_without_one_of_the_methods_scopes_is_refused(sandbox):
    docs_only = sandbox.token(ANA, ["https://www.googleapis.com/auth/documents"])
    answer = raw(sandbox, "GET", "/calendar/v3/calendars/primary/events", docs_only)
    assert answer.status_code == 403
    assert answer.json()["error"]["errors"][0]["reason"] == "insufficientPermissions"


def test_unknown_paths_parameters_and_unimplemented_methods(sandbox):
    token = sandbox.token(ANA, [CAL])
    assert raw(sandbox, "GET", "/calendar/v3/nowhere", token).status_code == 404
    bad = raw(sandbox, "GET", "/calendar/v3/calendars/primary/events?bogus=1", token)
    assert bad.status_code == 400 and "bogus" in bad.json()["error"]["message"]
    wrong_type = raw(sandbox, "GET", "/calendar/v3/calendars/primary/events?maxResults=ten", token)
    assert wrong_type.status_code == 400
    not_here = raw(sandbox, "POST", "/calendar/v3/calendars/primary/events/quickAdd?text=x", token)
    assert not_here.status_code == 501
    assert "does not implement calendar.events.quickAdd" in not_here.json()["error"]["message"]


def test_an_injected_fault_fails_the_call_then_goes_away(sandbox):
    service = calendar(sandbox)
    sandbox.fault("calendar.events.list", status=500, reason="backendError", times=1)
    assert status_and_reason(lambda: service.events().list(calendarId="primary").execute()) \
        == (500, "backendError")
    assert "items" in service.events().list(calendarId="primary").execute()


def test_the_client_librarys_retries_ride_out_transient_faults(sandbox, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # the library's backoff
    service = calendar(sandbox)
    sandbox.clear_calls()
    sandbox.fault("calendar.events.list", status=503, reason="backendError", times=2)
    assert "items" in service.events().list(calendarId="primary").execute(num_retries=3)
    assert sandbox.calls("calendar.events.list", ANA) == 3


def test_a_fault_with_probability_zero_never_fires_and_latency_delays(sandbox):
    service = calendar(sandbox)
    sandbox.fault("calendar.events.list", status=500, probability=0.0)
    service.events().list(calendarId="primary").execute()
    sandbox.fault("calendar.events.list", latency_ms=300, times=1)
    started = time.monotonic()
    service.events().list(calendarId="primary").execute()
    assert time.monotonic() - started >= 0.3


def test_per_user_and_per_project_quotas_answer_like_calendar_and_reset_each_minute(sandbox):
    sandbox.quotas(calendar={"per_user": 2, "per_project": 3})
    ana, bo = calendar(sandbox, ANA), calendar(sandbox, BO)
    ana.events().list(calendarId="primary").execute()
    ana.events().list(calendarId="primary").execute()
    assert status_and_reason(lambda: ana.events().list(calendarId="primary").execute()) \
        == (403, "userRateLimitExceeded")
    # A refused call does not count: Bo makes the project's third call, then is refused.
    bo.events().list(calendarId="primary").execute()
    assert status_and_reason(lambda: bo.events().list(calendarId="primary").execute()) \
        == (403, "rateLimitExceeded")
    with pytest.raises(HttpError) as raised:
        bo.events().list(calendarId="primary").execute()
    assert isinstance(translate(raised.value), RateLimited)
    sandbox.advance(61)
    assert "items" in bo.events().list(calendarId="primary").execute()


def test_calls_are_counted_per_method_and_user(sandbox):
    sandbox.clear_calls()
    calendar(sandbox, ANA).events().list(calendarId="primary").execute()
    calendar(sandbox, BO).calendarList().list().execute()
    assert sandbox.calls("calendar.events.list", ANA) == 1
    assert sandbox.calls("calendar.calendarList.list", BO) == 1
    assert sandbox.calls(user=ANA) == 1


def test_partial_responses_keep_only_the_fields_asked_for(sandbox):
    page = calendar(sandbox).events().list(calendarId="primary", maxResults=2,
                                           fields="items(id,summary),nextPageToken").execute()
    assert set(page) <= {"items", "nextPageToken"} and page["items"]
    assert all(set(item) <= {"id", "summary"} for item in page["items"])


def test_the_world_is_shared_with_other_processes(sandbox, tmp_path):
    script = ("import json, sys; from workspace_sandbox.core.world import World\n"
              "with World(sys.argv[1]).transaction() as tx:\n"
              "    print(json.dumps(tx.get('dir.user', sys.argv[2])))")
    seen = subprocess.run([sys.executable, "-c", script, str(sandbox.world.path), BO],
                          capture_output=True, text=True, check=True)
    assert json.loads(seen.stdout)["family_name"] == "Nilsson"


def test_coach_sandbox_reset_restores_the_seed(tmp_path):
    runner = CliRunner()
    env = {"COACH_INSTANCE_DIR": str(tmp_path)}
    assert runner.invoke(main, ["sandbox", "reset"], env=env).exit_code == 0
    world = World(tmp_path / "sandbox" / "world.sqlite")
    with world.transaction() as tx:
        tx.delete("dir.user", BO)
    assert runner.invoke(main, ["sandbox", "reset"], env=env).exit_code == 0
    with world.transaction() as tx:
        assert tx.get("dir.user", BO) is not None


def test_a_command_starts_a_sandbox_in_process_when_none_runs(tmp_path):
    result = CliRunner().invoke(main, ["sync", "--manager", ANA],
                                env={"COACH_INSTANCE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "managers synced: 1 (1 full syncs)" in result.output
    assert "one-on-one pairs: 5" in result.output
    assert not (tmp_path / "sandbox" / "server.json").exists()  # stopped when done


def test_a_star_selects_every_field(sandbox):
    page = calendar(sandbox).events().list(calendarId="primary", maxResults=1,
                                           fields="items(*)").execute()
    assert set(page) == {"items"} and {"id", "start", "end", "etag"} <= set(page["items"][0])
    assert "kind" in calendar(sandbox).events().list(calendarId="primary", maxResults=1,
                                                     fields="*").execute()
