"""The service's pages and task handlers, over the sandbox."""
from __future__ import annotations

import pytest

from flask_app import create_app
from flask_app.adapters.google.docs import snapshot

ANA = "ana.silva@example.com"
BO = "bo.nilsson@example.com"


@pytest.fixture
def client(coach):
    app = create_app(coach=coach.app, test_config={"TESTING": True, "WTF_CSRF_ENABLED": False})
    return app.test_client()


def test_the_cron_sweep_syncs_everyone_and_refuses_other_callers(client, coach):
    assert client.get("/tasks/sync").status_code == 403
    answer = client.get("/tasks/sync", headers={"X-Appengine-Cron": "true"})
    assert answer.status_code == 200
    assert answer.json["managers"] == 10 and answer.json["sections_added"] > 30
    assert coach.store.pair(ANA, BO).doc_id


def test_the_front_page_and_a_managers_calendar(client, coach):
    coach.sync(ANA)
    page = client.get("/").get_data(as_text=True)
    assert ANA in page and f"/_sandbox/docs/{coach.store.pair(ANA, BO).doc_id}/html" in page
    calendar = client.get(f"/demo/calendar/{ANA}").get_data(as_text=True)
    assert "Ana / Bo" in calendar and coach.store.pair(ANA, BO).doc_id in calendar


def test_a_person_answers_as_the_report_ends_the_meeting_and_reads_the_plan(client, coach):
    coach.sync(ANA)
    page = client.get(f"/demo/pair/{ANA}/{BO}").get_data(as_text=True)
    assert "Answer as Bo Nilsson" in page
    client.post(f"/demo/pair/{ANA}/{BO}/answer", data={
        "obstacle": "Reviews wait for days", "tried": "Smaller pull requests",
        "success": "Median review time under 4 hours by March",
        "needs": "A review rota", "commitment": "Bo proposes the rota by Friday"})
    doc = snapshot(coach.service("docs", BO).documents().get(
        documentId=coach.store.pair(ANA, BO).doc_id).execute())
    assert "Reviews wait for days" in doc.text_in(1, doc.end_index)
    typed = client.get(f"/demo/pair/{ANA}/{BO}").get_data(as_text=True)
    assert "Typed 5 answer(s) into the doc as Bo Nilsson." in typed
    assert client.post(f"/demo/pair/{ANA}/{BO}/end-meeting").status_code == 302
    plan = coach.store.plan(BO)
    text = snapshot(coach.service("docs", BO).documents().get(
        documentId=plan.doc_id).execute())
    body = text.text_in(1, text.end_index)
    assert "Reviews wait for days" in body and "Bo proposes the rota by Friday" in body
    assert f"/_sandbox/docs/{plan.doc_id}/html" in client.get(
        f"/demo/pair/{ANA}/{BO}").get_data(as_text=True)


def test_nothing_personal_is_served_outside_the_sandbox(tmp_path):
    from flask_app.bootstrap import build
    from flask_app.config import load_settings
    from tests.fakes.workspace import FakeGoogle, FakeWorkspace
    from tests.services.conftest import org
    from sqlalchemy import create_engine

    from flask_app.adapters.sql_store import upgrade
    key = tmp_path / "key.json"
    key.write_text("{}")
    database = f"sqlite:///{tmp_path / 'coach.sqlite'}"
    upgrade(create_engine(database))  # as `coach db upgrade` does before a deployment
    settings = load_settings({}, instance_dir=tmp_path, google_api_root="google",
                             database_url=database,
                             service_account_file=key, admin_email="admin@example.com",
                             addon_service_account="service-1@gcp-sa-gsuiteaddons.iam."
                             "gserviceaccount.com", addon_client_id="1-addon")
    app = create_app(build(settings, workspace=FakeWorkspace(FakeGoogle(org()))))
    client = app.test_client()
    front = client.get("/")
    assert client.post("/addon/calendar/open", json={}).status_code == 401
    assert front.status_code == 200 and "@example.com" not in front.get_data(as_text=True)
    for path in (f"/demo/calendar/{ANA}", f"/demo/pair/{ANA}/{BO}"):
        assert client.get(path).status_code == 404
    assert client.get("/tasks/sync").status_code == 403
    assert front.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" in front.headers


@pytest.fixture
def guarded(coach):
    """The demo app with CSRF protection on, as it runs."""
    return create_app(coach=coach.app, test_config={"TESTING": True}).test_client()


def test_a_form_post_without_its_csrf_token_is_refused(guarded, coach):
    coach.sync(ANA)
    answer = guarded.post(f"/demo/pair/{ANA}/{BO}/answer", data={"obstacle": "Reviews"})
    assert answer.status_code == 400
    assert "did not come from this site" in answer.get_data(as_text=True)
    assert "Traceback" not in answer.get_data(as_text=True)


def test_an_oversized_post_and_an_oversized_answer_are_refused(client, coach):
    coach.sync(ANA)
    huge = client.post(f"/demo/pair/{ANA}/{BO}/answer", data={"obstacle": "x" * 2_000_000})
    assert huge.status_code == 413
    long = client.post(f"/demo/pair/{ANA}/{BO}/answer", data={"obstacle": "word " * 1000})
    assert long.status_code == 400
    assert "at most 2000 per box" in long.get_data(as_text=True)


def test_an_unknown_person_is_a_404_not_a_500(client):
    answer = client.get("/demo/calendar/nobody@example.com")
    assert answer.status_code == 404
    assert "nobody@example.com is not in the demo organisation" in answer.get_data(as_text=True)


def test_names_show_on_a_machine_booted_a_minute_ago(coach, monkeypatch):
    import flask_app.bootstrap as bootstrap
    monkeypatch.setattr(bootstrap.time, "monotonic", lambda: 60.0)
    assert coach.app.name_of(ANA) == "Ana Silva"
