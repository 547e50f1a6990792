"""The add-on's endpoints over the in-memory fakes, with ID tokens signed by a test key: who is
let in, what every answer looks like (Google's Card v1, checked two ways), and what the log
never holds."""
from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.apps import card_v1
from google.auth import crypt, jwt
from google.protobuf import json_format

from flask_app import create_app
from flask_app.adapters.addon_manifest import PATHS
from flask_app.adapters.google.addon_tokens import AddonTokens
from flask_app.bootstrap import build
from flask_app.config import load_settings
from flask_app.domain.events import Attendee, CalendarEvent
from flask_app.errors import GoogleApiError
from tests.services.conftest import ANA, BO, FANG, MONDAY, Org, weekly
from tests.services.test_addon import FIRST
from tests.services.test_running_doc import after_meeting, type_answer
from workspace_sandbox.addons.responses import parse as check_response

BASE = "https://coach.example.com"
SERVICE_ACCOUNT = "service-123456789@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
CLIENT_ID = "123456789-addon.apps.googleusercontent.com"
SECRET_NOTE = "Secret salary worry 🤫"


def _key():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return crypt.RSASigner.from_string(pem, key_id="k1"), public


GOOGLE, GOOGLE_PUBLIC = _key()
FORGER, _ = _key()


class _Certs:
    def get(self, *, fresh=False):
        return {"k1": GOOGLE_PUBLIC}


def token(audience: str, email: str, *, signer=GOOGLE, issuer="https://accounts.google.com",
          expires_in: int = 3600, **claims) -> str:
    now = int(time.time())
    payload = {"iss": issuer, "aud": audience, "email": email, "email_verified": True,
               "sub": "1" + email, "iat": now - 10, "exp": now + expires_in, **claims}
    return jwt.encode(signer, payload).decode()


@pytest.fixture
def org():
    return Org()


@pytest.fixture
def app(org, tmp_path):
    settings = load_settings({}, instance_dir=tmp_path, public_url=BASE,
                             database_url=f"sqlite:///{tmp_path}/coach.sqlite")
    coach = build(settings, workspace=org.workspace, clock=org.clock, store=org.store)
    coach.addon_tokens = lambda: AddonTokens(_Certs(), SERVICE_ACCOUNT, CLIENT_ID)
    coach.manager_sync = lambda **kw: org.sync
    return create_app(coach=coach, test_config={"TESTING": True})


def post(app, path: str, user: str, *, system: str | None = None, user_token=None, **event):
    url = BASE + path
    body = {"commonEventObject": {"hostApp": "CALENDAR", "platform": "WEB",
                                  "parameters": event.pop("parameters", {})},
            "authorizationEventObject": {
                "userOAuthToken": "ya29.person-token",
                "userIdToken": user_token or token(CLIENT_ID, user),
                "systemIdToken": system or token(url, SERVICE_ACCOUNT)}, **event}
    return app.test_client().post(path, json=body, headers={
        "Authorization": f"Bearer {system or token(url, SERVICE_ACCOUNT)}"})


def valid(answer) -> dict:
    """The answer, checked as Google's host checks it and its cards against Google's protos."""
    assert answer.status_code == 200
    body = answer.get_json()
    check_response(body)
    action = body["renderActions"].get("action", {})
    for navigation in action.get("navigations", []):
        for card in navigation.values():
            json_format.Parse(json.dumps(card), card_v1.Card.pb()())
    return body


def card(body: dict) -> dict:
    return next(iter(body["renderActions"]["action"]["navigations"][0].values()))


def texts(card_json: dict) -> str:
    return json.dumps(card_json, ensure_ascii=False)


def open_event(app, user, event_id, **calendar):
    return post(app, PATHS["calendar_open"], user,
                calendar={"calendarId": user, "id": event_id, **calendar})


# --- who is let in -----------------------------------------------------------------------------
@pytest.mark.parametrize("forged, why", [
    (dict(signer=FORGER), "bad signature"),
    (dict(expires_in=-120), "expired"),
    (dict(audience=BASE + PATHS["calendar_update"]), "wrong audience"),
    (dict(issuer="https://evil.example.com"), "issuer is not Google"),
    (dict(email="someone-else@appspot.gserviceaccount.com"), "not issued to the expected service account"),
])
def test_a_token_google_did_not_issue_for_this_endpoint_is_refused(app, org, forged, why,
                                                                   caplog):
    org.run()
    audience = forged.pop("audience", BASE + PATHS["calendar_open"])
    email = forged.pop("email", SERVICE_ACCOUNT)
    bad = token(audience, email, **forged)
    with caplog.at_level(logging.WARNING):
        answer = post(app, PATHS["calendar_open"], ANA, system=bad,
                      calendar={"calendarId": ANA, "id": "ab"})
    assert answer.status_code == 401 and answer.get_json() == {"error": "unauthorized"}
    assert "refused: " in caplog.text and why in caplog.text and bad not in caplog.text
    assert org.google.calls["calendar.event"] == 0


def test_no_token_a_garbled_one_and_a_forged_user_are_refused(app, org):
    path = PATHS["calendar_open"]
    assert app.test_client().post(path, json={}).status_code == 401
    assert app.test_client().post(path, data="x", headers={
        "Authorization": "Bearer x"}).status_code == 401
    forged_user = token(CLIENT_ID, ANA, signer=FORGER)
    assert post(app, path, ANA, user_token=forged_user,
                calendar={"id": "ab"}).status_code == 401
    other_audience = token("another-client.apps.googleusercontent.com", ANA)
    assert post(app, path, ANA, user_token=other_audience,
                calendar={"id": "ab"}).status_code == 401


# --- what people see ---------------------------------------------------------------------------
def test_the_manager_opens_the_one_on_one(app, org):
    org.run()
    body = valid(open_event(app, ANA, "ab"))
    shown = texts(card(body))
    assert "One-on-one with Bo Nilsson" in shown and "Open the doc" in shown
    assert f"{ANA} manages {BO}" in shown
    assert "Add the agenda now" not in shown  # it is there already


def test_the_report_sees_no_plan_and_no_mirror(app, org):
    org.run()
    first = org.meetings()[0]
    type_answer(org, first, "obstacle", "Flaky CI")
    after_meeting(org, first)
    org.run()
    manager = texts(card(valid(open_event(app, ANA, "ab"))))
    report = texts(card(valid(open_event(app, BO, "ab"))))
    assert "Development plan" in manager and "Coaching mirror" in manager
    assert "Development plan" not in report and "Coaching mirror" not in report


def test_someone_else_changing_the_event_id_gets_a_notification_only(app, org):
    org.run()
    body = valid(open_event(app, FANG, "ab"))
    assert body == {"renderActions": {"action": {"notification": {
        "text": "This event is not on your calendar."}}}}


def test_marking_an_event_is_a_button_that_the_next_sync_honours(app, org):
    org.google.events.clear()
    org.google.put_event(CalendarEvent("chat", "Coffee", FIRST, FIRST + timedelta(minutes=30),
                                       organizer_email=BO,
                                       attendees=(Attendee(BO, organizer=True), Attendee(ANA))))
    shown = card(valid(open_event(app, ANA, "chat")))
    button = next(b for w in shown["sections"][0]["widgets"] if "buttonList" in w
                  for b in w["buttonList"]["buttons"])
    assert button["text"] == "Mark as a one-on-one"
    action = button["onClick"]["action"]
    assert action["function"] == BASE + PATHS["action"]
    parameters = {p["key"]: p["value"] for p in action["parameters"]}
    for _ in range(2):
        clicked = valid(post(app, PATHS["action"], ANA, parameters=parameters,
                             calendar={"calendarId": ANA, "id": "chat"}))
    assert "One-on-one with Bo Nilsson" in texts(card(clicked))
    assert len(org.store.marks()) == 1 and org.run().sections_added == 1


def test_add_the_agenda_now_from_the_panel(app, org):
    org.google.events.clear()
    org.google.put_event(weekly("later", ANA, BO, MONDAY + timedelta(days=12)))
    shown = texts(card(valid(open_event(app, ANA, "later"))))
    assert "No agenda in the doc yet" in shown and "Add the agenda now" in shown
    parameters = {"do": "add_agenda", "event": "later"}
    first = valid(post(app, PATHS["action"], ANA, parameters=parameters))
    assert first["renderActions"]["action"]["notification"]["text"] == "The agenda is in the doc."
    second = valid(post(app, PATHS["action"], ANA, parameters=parameters))
    assert "already in the doc" in second["renderActions"]["action"]["notification"]["text"]
    assert len(org.google.files) == 1


def docs_event(org, user, **extra):
    return {"docs": {"id": org.store.pair(ANA, BO).doc_id, "title": "One-on-ones",
                     "addonHasFileScopePermission": True}, **extra}


def test_docs_asks_for_the_file_then_shows_the_check_and_marks_done(app, org):
    org.run()
    first = org.meetings()[0]
    type_answer(org, first, "needs", "A mentor")
    after_meeting(org, first)
    org.run()
    asked = card(valid(post(app, PATHS["docs_home"], BO,
                            docs={"addonHasFileScopePermission": False})))
    assert "Use the coach in this doc" in texts(asked)
    grant = valid(post(app, PATHS["action"], BO, parameters={"do": "grant"}))
    assert grant == {"renderActions": {"hostAppAction": {"editorAction": {
        "requestFileScopeForActiveDocument": {}}}}}
    panel = card(valid(post(app, PATHS["docs_granted"], BO, **docs_event(org, BO))))
    shown = texts(panel)
    assert "Not answered yet" in shown and "A mentor" in shown and "Gather now" in shown
    done = next(w["decoratedText"]["button"] for s in panel["sections"] for w in s["widgets"]
                if "decoratedText" in w and "button" in w["decoratedText"])
    parameters = {p["key"]: p["value"] for p in done["onClick"]["action"]["parameters"]}
    marked = valid(post(app, PATHS["action"], BO, parameters=parameters))
    assert marked["renderActions"]["action"]["notification"]["text"] == "Marked done."
    assert "A mentor" not in texts(card(marked)).split("Still open")[-1]


def test_another_pairs_doc_shows_only_what_the_add_on_does(app, org):
    org.run()
    panel = texts(card(valid(post(app, PATHS["docs_home"], FANG, **docs_event(org, FANG)))))
    assert "not the doc of one of your one-on-ones" in panel and "Bo" not in panel
    refused = valid(post(app, PATHS["action"], FANG, parameters={
        "do": "gather", "doc": org.store.pair(ANA, BO).doc_id}))
    assert "not the doc of a one-on-one you are in" in texts(refused)


def test_no_note_text_and_no_token_reaches_the_log(app, org, caplog):
    org.run()
    first = org.meetings()[0]
    type_answer(org, first, "needs", SECRET_NOTE)
    org.google.fail("docs.get", GoogleApiError(500, "backendError", f"quoting {SECRET_NOTE}"))
    system = token(BASE + PATHS["docs_home"], SERVICE_ACCOUNT)
    with caplog.at_level(logging.DEBUG):
        for path, user in ((PATHS["docs_home"], BO), (PATHS["docs_home"], ANA)):
            valid(post(app, path, user, **docs_event(org, user)))
        after_meeting(org, first)
        valid(post(app, PATHS["action"], ANA, parameters={
            "do": "gather", "doc": org.store.pair(ANA, BO).doc_id}))
        valid(open_event(app, ANA, "ab"))
        post(app, PATHS["docs_home"], ANA, system=token("https://wrong", SERVICE_ACCOUNT))
    logged = caplog.text
    assert SECRET_NOTE not in logged and "ya29.person-token" not in logged
    assert system not in logged and "authorizationEventObject" not in logged


def test_a_moved_one_on_one_refreshes_the_open_card(app, org):
    org.run()
    before = texts(card(valid(open_event(app, ANA, "ab"))))
    assert "Tue 1 Dec 2026 · 10:00" in before
    series = org.google.events["ab"]
    org.google.put_event(replace(series, start=series.start + timedelta(hours=3),
                               end=series.end + timedelta(hours=3), summary="Ana / Bo 1:1"))
    body = valid(post(app, PATHS["calendar_update"], ANA,
                      calendar={"calendarId": ANA, "id": "ab"}))
    navigation = body["renderActions"]["action"]["navigations"][0]
    assert "updateCard" in navigation
    assert "Tue 1 Dec 2026 · 13:00" in texts(navigation["updateCard"])
