"""The sandbox as Google's add-on host (Calendar and Docs side panels), driving a tiny HTTP add-on
defined here and served over plain HTTP on 127.0.0.1 (the host accepts loopback ``http://``
endpoints so local services can be the add-on; Google wants HTTPS).

What the add-on receives is checked the way an add-on checks it: the system ID token with
google-auth against the sandbox's certificates, the user's tokens against the sandbox's APIs.
"""
from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
import requests
from flask import Flask, Response, request
from google.auth.transport.requests import Request
from google.oauth2 import id_token
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError
from werkzeug.serving import make_server

from flask_app.adapters.google.clients import GoogleEndpoints, build_service
from tests.sandbox.test_calendar import ANA, BO, SAM, calendar, timed
from workspace_sandbox.drive.files import create_google_doc

AUTH = "https://www.googleapis.com/auth/"
SCOPES = [AUTH + s for s in ("calendar.addons.execute", "calendar.addons.current.event.read",
                             "calendar.addons.current.event.write", "calendar.events.readonly",
                             "drive.file", "userinfo.email")]
ERROR_TITLE = "The add-on returned an invalid response"


class TestAddon:
    """A tiny HTTP add-on: records every request the host sends; answers what a test says."""

    __test__ = False

    def __init__(self):
        self.received: list[dict] = []
        self.replies: dict = {}
        app = Flask("test_addon")

        @app.post("/<path:path>")
        def endpoint(path):
            event = request.get_json()
            self.received.append({"path": path, "url": request.url, "event": event,
                                  "authorization": request.headers.get("Authorization")})
            return self.replies.get(path, lambda _: {})(event)

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def last(self, path: str) -> dict:
        return [r for r in self.received if r["path"] == path][-1]


@pytest.fixture(scope="module")
def addon_server():
    server = TestAddon()
    yield server
    server.server.shutdown()


@pytest.fixture
def addon(addon_server, sandbox):
    addon_server.received.clear()
    addon_server.replies.clear()
    sandbox.install_addon(deployment(addon_server.base))
    return addon_server


def deployment(base: str, access: str = "READ_WRITE", scopes=SCOPES, **common) -> dict:
    return {"oauthScopes": list(scopes), "addOns": {
        "common": {"name": "Test <Coach>", "logoUrl": f"{base}/logo.png",
                   "homepageTrigger": {"runFunction": f"{base}/home"},
                   "universalActions": [{"label": "Settings", "runFunction": f"{base}/settings"}],
                   **common},
        "calendar": {"currentEventAccess": access,
                     "eventOpenTrigger": {"runFunction": f"{base}/calendar/open?trigger=open"}},
        "docs": {"homepageTrigger": {"runFunction": f"{base}/docs/home"},
                 "onFileScopeGrantedTrigger": {"runFunction": f"{base}/docs/granted"}},
        "httpOptions": {"authorizationHeader": "SYSTEM_ID_TOKEN"}}}


def card(*widgets, title="Coach") -> dict:
    return {"header": {"title": title}, "sections": [{"widgets": list(widgets)}]}


def push(body: dict) -> dict:
    return {"action": {"navigations": [{"pushCard": body}]}}


def button(text: str, url: str, **parameters) -> dict:
    return {"text": text, "onClick": {"action": {"function": url, "parameters": [
        {"key": k, "value": v} for k, v in parameters.items()]}}}


@pytest.fixture
def one_on_one(sandbox) -> dict:
    """Ana's one-on-one with Bo tomorrow (Ana organises)."""
    start = sandbox.now() + timedelta(days=1)
    return calendar(sandbox, ANA).events().insert(calendarId="primary", body=timed(
        f"{start:%Y-%m-%d}T10:00:00", f"{start:%Y-%m-%d}T10:30:00", summary="Ana / Bo 1:1",
        attendees=[{"email": ANA}, {"email": BO}])).execute()


@pytest.fixture
def notes(sandbox) -> dict:
    with sandbox.world.transaction() as tx:
        record = create_google_doc(tx, ANA, "Ana & Bo notes", "<p>Agenda</p>")
        record["permissions"].append({"type": "user", "emailAddress": BO, "role": "writer"})
        tx.put("drive.file", record["id"], record)
    return record


def google_request(sandbox) -> Request:
    session = requests.Session()
    session.verify = sandbox.ca_file
    return Request(session)


# --- the deployment and the add-on's identity ---------------------------------------------------

def test_a_deployment_is_installed_with_its_name_and_the_projects_authorization(sandbox,
                                                                                addon_server):
    installed = sandbox.install_addon(deployment(addon_server.base), deployment_id="coach")
    assert re.fullmatch(r"projects/\d+/deployments/coach", installed["name"])
    assert installed["etag"]
    authorization = sandbox.addon_authorization()
    number = installed["name"].split("/")[1]
    assert authorization == {
        "name": f"projects/{number}/authorization", "oauthClientId": authorization["oauthClientId"],
        "serviceAccountEmail": f"service-{number}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"}


@pytest.mark.parametrize("change, field", [
    (lambda d: d["addOns"]["calendar"].update(eventOpenTriger={"runFunction": "x"}),
     "Unknown name \"eventOpenTriger\" at 'deployment.addOns.calendar'"),
    (lambda d: d["addOns"]["common"].pop("name"), "'name' at 'deployment.addOns.common'"),
    (lambda d: d["addOns"]["common"].pop("logoUrl"), "'logoUrl' at 'deployment.addOns.common'"),
    (lambda d: d["addOns"]["docs"]["homepageTrigger"].update(runFunction="onDocsHomepage"),
     "'deployment.addOns.docs.homepageTrigger.runFunction'"),
    (lambda d: d["addOns"]["calendar"]["eventOpenTrigger"].update(
        runFunction="http://coach.example.com/open"),
     "'deployment.addOns.calendar.eventOpenTrigger.runFunction'"),
    (lambda d: d["addOns"]["calendar"].update(currentEventAccess="EVERYTHING"),
     "'deployment.addOns.calendar.currentEventAccess' (TYPE_ENUM)"),
])
def test_a_bad_deployment_is_refused_naming_the_field(sandbox, addon_server, change, field):
    bad = deployment(addon_server.base)
    change(bad)
    with pytest.raises(requests.HTTPError) as raised:
        sandbox.install_addon(bad)
    error = raised.value.response.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert field in error["message"]


# --- what the endpoints receive -----------------------------------------------------------------

def test_the_system_id_token_is_googles_for_the_exact_endpoint_url(sandbox, addon, one_on_one):
    addon.replies["calendar/open"] = lambda event: push(card({"divider": {}}))
    sandbox.open_addon(ANA, "calendar", event_id=one_on_one["id"])
    received = addon.last("calendar/open")
    token = received["authorization"].removeprefix("Bearer ")
    assert received["event"]["authorizationEventObject"]["systemIdToken"] == token
    url = f"{addon.base}/calendar/open?trigger=open"
    certs = f"{sandbox.url}/oauth2/v1/certs"
    claims = id_token.verify_token(token, google_request(sandbox), audience=url, certs_url=certs)
    agent = sandbox.addon_authorization()["serviceAccountEmail"]
    assert (claims["iss"], claims["email"], claims["email_verified"]) == (
        "https://accounts.google.com", agent, True)
    assert claims["exp"] - claims["iat"] == 3600
    for other in (f"{addon.base}/calendar/open", f"{addon.base}/home"):
        with pytest.raises(ValueError, match="audience"):
            id_token.verify_token(token, google_request(sandbox), audience=other,
                                  certs_url=certs)


def test_the_users_tokens_are_for_the_add_on_with_the_deployments_scopes(sandbox, addon,
                                                                         one_on_one):
    sandbox.open_addon(ANA, "calendar", event_id=one_on_one["id"])
    auth = addon.last("calendar/open")["event"]["authorizationEventObject"]
    client_id = sandbox.addon_authorization()["oauthClientId"]
    claims = id_token.verify_token(auth["userIdToken"], google_request(sandbox),
                                   audience=client_id, certs_url=f"{sandbox.url}/oauth2/v1/certs")
    assert claims["email"] == ANA and claims["sub"]
    assert auth["authorizedScopes"] == SCOPES
    endpoints = GoogleEndpoints(sandbox.url, sandbox.ca_file)
    events = build_service("calendar", Credentials(auth["userOAuthToken"]), endpoints).events()
    assert events.get(calendarId="primary", eventId=one_on_one["id"]).execute()["summary"] == \
        "Ana / Bo 1:1"
    with pytest.raises(HttpError) as raised:  # calendar.events.readonly only
        events.patch(calendarId="primary", eventId=one_on_one["id"],
                     body={"summary": "x"}).execute()
    assert raised.value.resp.status == 403
    users = build_service("directory", Credentials(auth["userOAuthToken"]), endpoints).users()
    with pytest.raises(HttpError):
        users.list(customer="my_customer").execute()


@pytest.mark.parametrize("access, sees_guests, can_change", [
    ("METADATA", False, False), ("WRITE", False, False), ("READ", True, False),
    ("READ_WRITE", True, True)])
def test_attendees_and_capabilities_come_only_with_read_access(sandbox, addon_server, one_on_one,
                                                               access, sees_guests, can_change):
    addon_server.received.clear()
    sandbox.install_addon(deployment(addon_server.base, access))
    sandbox.open_addon(ANA, "calendar", event_id=one_on_one["id"])
    event = addon_server.last("calendar/open")["event"]
    assert event["commonEventObject"] == {"hostApp": "CALENDAR", "platform": "WEB"}
    part = event["calendar"]
    assert (part["calendarId"], part["id"], part["organizer"]) == (
        ANA, one_on_one["id"], {"email": ANA})
    assert ("attendees" in part, "capabilities" in part) == (sees_guests, sees_guests)
    if sees_guests:
        assert [a["email"] for a in part["attendees"]] == [ANA, BO]
        assert part["capabilities"]["canSeeAttendees"] is True
        assert part["capabilities"]["canAddAttachments"] is can_change


def test_locale_and_time_zone_come_only_with_use_locale_from_app(sandbox, addon_server,
                                                                 one_on_one):
    sandbox.install_addon(deployment(addon_server.base, scopes=SCOPES + [AUTH + "script.locale"],
                                     useLocaleFromApp=True))
    sandbox.open_addon(ANA, "calendar", event_id=one_on_one["id"])
    common = addon_server.last("calendar/open")["event"]["commonEventObject"]
    assert common["userLocale"] == "en"
    assert common["timeZone"]["id"] == "Europe/Lisbon"
    assert common["timeZone"]["offset"] in (0, 3_600_000)


# --- host actions -------------------------------------------------------------------------------

ATTACH = {"renderActions": {"hostAppAction": {"calendarAction": {"addAttachmentsActionMarkup": {
    "addonAttachments": [{"resourceUrl": "https://docs.google.com/document/d/abc123/edit",
                          "title": "Agenda", "mimeType": "application/vnd.google-apps.document",
                          "iconUrl": "https://example.com/doc.png"}]}}}}}


def test_add_attachments_is_applied_to_the_organisers_event(sandbox, addon, one_on_one):
    addon.replies["calendar/open"] = lambda e: push(card({"buttonList": {"buttons": [
        button("Attach the agenda", f"{addon.base}/attach")]}}))
    addon.replies["attach"] = lambda e: ATTACH
    opened = sandbox.open_addon(ANA, "calendar", event_id=one_on_one["id"])
    answer = sandbox.click_addon(ANA, opened["session"], button="Attach the agenda")
    assert answer["applied"] == [{"action": "addAttachments", "ok": True,
                                  "eventId": one_on_one["id"],
                                  "added": ["https://docs.google.com/document/d/abc123/edit"]}]
    seen = calendar(sandbox, BO).events().get(calendarId="primary",
                                              eventId=one_on_one["id"]).execute()
    assert [(a["title"], a["fileUrl"]) for a in seen["attachments"]] == [
        ("Agenda", "https://docs.google.com/document/d/abc123/edit")]


def test_add_attachments_is_refused_for_a_guest(sandbox, addon, one_on_one):
    addon.replies["calendar/open"] = lambda e: ATTACH
    answer = sandbox.open_addon(BO, "calendar", event_id=one_on_one["id"])
    assert addon.last("calendar/open")["event"]["calendar"]["capabilities"][
        "canAddAttachments"] is False
    assert answer["applied"][0]["ok"] is False
    assert "organizer" in answer["applied"][0]["reason"]
    seen = calendar(sandbox, ANA).events().get(calendarId="primary",
                                               eventId=one_on_one["id"]).execute()
    assert "attachments" not in seen


def test_request_file_scope_grants_the_doc_and_calls_the_granted_trigger(sandbox, addon, notes):
    def home(event):
        if event["docs"]["addonHasFileScopePermission"]:
            return push(card({"textParagraph": {"text": event["docs"]["title"]}}))
        return push(card({"buttonList": {"buttons": [button("Allow", f"{addon.base}/grant")]}}))

    addon.replies["docs/home"] = home
    addon.replies["grant"] = lambda e: {"renderActions": {"hostAppAction": {"editorAction": {
        "requestFileScopeForActiveDocument": {}}}}}
    addon.replies["docs/granted"] = lambda e: {"action": {"navigations": [
        {"updateCard": card({"textParagraph": {"text": f"Granted: {e['docs']['title']}"}})}]}}
    opened = sandbox.open_addon(BO, "docs", document_id=notes["id"])
    assert addon.last("docs/home")["event"]["docs"] == {"addonHasFileScopePermission": False}
    assert addon.last("docs/home")["event"]["commonEventObject"]["hostApp"] == "DOCS"
    answer = sandbox.click_addon(BO, opened["session"], button="Allow")
    assert answer["applied"] == [{"action": "requestFileScopeForActiveDocument", "ok": True,
                                  "documentId": notes["id"]}]
    granted = addon.last("docs/granted")["event"]
    assert granted["docs"] == {"id": notes["id"], "title": "Ana & Bo notes",
                               "addonHasFileScopePermission": True}
    assert answer["card"]["sections"][0]["widgets"][0]["textParagraph"]["text"] == \
        "Granted: Ana & Bo notes"
    token = granted["authorizationEventObject"]["userOAuthToken"]
    docs = build_service("docs", Credentials(token), GoogleEndpoints(sandbox.url, sandbox.ca_file))
    assert docs.documents().get(documentId=notes["id"]).execute()["title"] == "Ana & Bo notes"


# --- answers the host refuses -------------------------------------------------------------------

def _slow(event):
    time.sleep(1.5)
    return {}


@pytest.mark.parametrize("reply, reason", [
    (lambda e: push(card({"textParagraf": {"text": "x"}})), 'Unknown name "textParagraf"'),
    (lambda e: push(card({"textInput": {"name": "n", "type": "ONE_LINE"}})),
     "textInput.type' (TYPE_ENUM), \"ONE_LINE\""),
    (lambda e: push({"header": {"subtitle": "no title"}, "sections": [{"widgets": [
        {"divider": {}}]}]}), "Missing required field 'title'"),
    (lambda e: push(card({"buttonList": {"buttons": [button("Go", "goToView")]}})),
     '"goToView" is not an HTTPS URL'),
    (lambda e: ({"error": "boom"}, 500), "answered HTTP 500"),
    (lambda e: Response("<html>hello</html>", content_type="text/html"), "not JSON"),
    (_slow, "did not answer within 0.5 s"),
])
def test_an_invalid_answer_shows_googles_error_card_and_says_why(sandbox, addon, reply, reason):
    sandbox.addon_timeout(0.5)
    addon.replies["home"] = reply
    try:
        answer = sandbox.open_addon(ANA, "calendar")
    finally:
        sandbox.addon_timeout(None)
    assert reason in answer["error"]
    assert answer["card"]["header"]["title"] == ERROR_TITLE
    assert ERROR_TITLE in answer["html"]


# --- clicks -------------------------------------------------------------------------------------

def form_card(base: str) -> dict:
    return card({"textInput": {"name": "note", "label": "Note", "value": "draft"}},
                {"selectionInput": {"name": "mood", "type": "CHECK_BOX", "label": "Mood", "items": [
                    {"text": "Happy", "value": "happy", "selected": True},
                    {"text": "Calm", "value": "calm"}]}},
                {"buttonList": {"buttons": [button("Save", f"{base}/save?x=1", step="2"),
                                            {"text": "Docs", "onClick": {"openLink": {
                                                "url": "http://docs.google.com/"}}}]}})


def test_a_click_posts_its_parameters_and_the_forms_inputs(sandbox, addon):
    addon.replies["home"] = lambda e: push(form_card(addon.base))
    addon.replies["save"] = lambda e: {"action": {
        "navigations": [{"pushCard": card({"textParagraph": {"text": "Saved"}}, title="Done")}],
        "notification": {"text": "Saved!"}}}
    opened = sandbox.open_addon(ANA, "calendar")
    assert sandbox.click_addon(ANA, opened["session"], button="Docs")["opened"] == [
        "https://docs.google.com/"]  # Card v1 opens HTTP links as HTTPS
    with pytest.raises(requests.HTTPError):
        sandbox.click_addon(ANA, opened["session"], button="Nothing like this")
    answer = sandbox.click_addon(ANA, opened["session"], function=f"{addon.base}/save?x=1",
                                 parameters={"step": "2"}, form={"note": "Talk <growth>"})
    common = addon.last("save")["event"]["commonEventObject"]
    assert common["parameters"] == {"step": "2"}
    assert common["formInputs"] == {"note": {"stringInputs": {"value": ["Talk <growth>"]}},
                                    "mood": {"stringInputs": {"value": ["happy"]}}}
    assert (answer["notifications"], answer["depth"], answer["card"]["header"]["title"]) == (
        ["Saved!"], 2, "Done")


def test_the_panel_page_is_a_form_a_browser_can_use(sandbox, addon):
    addon.replies["home"] = lambda e: push(form_card(addon.base))
    addon.replies["save"] = lambda e: {"action": {"navigations": [{"updateCard": card(
        {"textParagraph": {"text": "Saved"}})}]}}
    opened = sandbox.open_addon(ANA, "calendar")
    page = sandbox.addon_panel(opened["session"])
    turn = re.search(r'name="_turn" value="(\d+)"', page)[1]
    save = re.search(r'name="_click" value="(\d+)">Save<', page)[1]
    browser = requests.Session()
    browser.verify = sandbox.ca_file
    after = browser.post(f"{sandbox.url}/_sandbox/addons/panel/{opened['session']}", data={
        "_turn": turn, "_click": save, "input.note": "from the page",
        "input.mood": ["happy", "calm"]})
    assert after.status_code == 200 and "Saved" in after.text
    common = addon.last("save")["event"]["commonEventObject"]
    assert common["formInputs"]["mood"] == {"stringInputs": {"value": ["happy", "calm"]}}
    assert common["formInputs"]["note"] == {"stringInputs": {"value": ["from the page"]}}
    assert '<a class="btn" href="https://docs.google.com/" target="_blank"' in page


def test_the_panel_escapes_card_text_but_keeps_googles_formatting(sandbox, addon):
    addon.replies["home"] = lambda e: push(card(
        {"textParagraph": {"text": "<b>Bold</b> <script>alert(1)</script> & "
                                   "<font color=\"#ff0000\">red</font>"}},
        {"decoratedText": {"topLabel": "<i>Top</i>", "text": "<img src=x onerror=alert(2)>"}},
        {"buttonList": {"buttons": [button("<Go>", f"{addon.base}/go")]}}, title="<Title>"))
    html = sandbox.open_addon(ANA, "calendar")["html"]
    assert "<b>Bold</b>" in html and '<font color="#ff0000">red</font>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and "<i>Top</i>" in html
    assert "&lt;Go&gt;" in html and "&lt;Title&gt;" in html and "Test &lt;Coach&gt;" in html


def test_the_calendar_page_opens_the_panel_beside_the_event(sandbox, addon, one_on_one):
    addon.replies["calendar/open"] = lambda e: push(card({"textParagraph": {"text": "On the 1:1"}}))
    browser = requests.Session()
    browser.verify = sandbox.ca_file
    page = browser.get(f"{sandbox.url}/_sandbox/addons/calendar/{ANA}")
    assert "Ana / Bo 1:1" in page.text and "Open Test &lt;Coach&gt;" in page.text
    opened = browser.post(f"{sandbox.url}/_sandbox/addons/calendar/{ANA}/open",
                          data={"event_id": one_on_one["id"]})
    assert "?session=" in opened.url and "On the 1:1" in opened.text
    assert f"Organiser: {ANA}" in opened.text


def test_the_docs_page_shows_the_document_beside_the_panel(sandbox, addon, notes):
    addon.replies["docs/home"] = lambda e: push(card({"textParagraph": {"text": "Docs panel"}}))
    browser = requests.Session()
    browser.verify = sandbox.ca_file
    url = f"{sandbox.url}/_sandbox/addons/docs/{BO}/{notes['id']}"
    assert f'src="/_sandbox/docs/{notes["id"]}/html"' in browser.get(url).text
    assert "Docs panel" in browser.post(url + "/open").text
    assert browser.get(f"{sandbox.url}/_sandbox/addons/docs/{SAM}/{notes['id']}").status_code == 404


def test_navigations_the_back_arrow_and_universal_actions_move_through_the_card_stack(
        sandbox, addon):
    def step(event):
        go = event["commonEventObject"].get("parameters", {}).get("go")
        pushed = card({"buttonList": {"buttons": [
            button(label, f"{addon.base}/step", go=go) for label, go in (
                ("Next", "push"), ("Back", "pop"), ("Root", "root"))]}})
        return {"action": {"navigations": {
            None: [{"pushCard": pushed}], "push": [{"pushCard": pushed}],
            "pop": [{"popCard": True}], "root": [{"popToRoot": True}]}[go]}}

    addon.replies["home"] = step
    addon.replies["step"] = step
    addon.replies["settings"] = lambda e: push(card({"textParagraph": {"text": "Settings"}},
                                                    title="Settings"))
    session = sandbox.open_addon(ANA, "calendar")["session"]
    assert "calendar" not in addon.last("home")["event"]
    depths = [sandbox.click_addon(ANA, session, button=label)["depth"]
              for label in ("Next", "Next", "Back", "Root")]
    assert depths == [2, 3, 2, 1]
    assert sandbox.click_addon(ANA, session, button="Settings")["card"]["header"]["title"] == \
        "Settings"
    browser = requests.Session()
    browser.verify = sandbox.ca_file
    page = sandbox.addon_panel(session)
    turn = re.search(r'name="_turn" value="(\d+)"', page)[1]
    url = f"{sandbox.url}/_sandbox/addons/panel/{session}"
    stale = browser.post(url, data={"_turn": "0", "_nav": "back"})
    settings = '<div class="title">Settings</div>'
    assert settings in stale.text  # a click on a page the panel no longer shows does nothing
    after = browser.post(url, data={"_turn": turn, "_nav": "back"})
    assert settings not in after.text and ">Next<" in after.text


@pytest.mark.parametrize("header, sent", [("SYSTEM_ID_TOKEN", "systemIdToken"),
                                          ("USER_ID_TOKEN", "userIdToken"), ("NONE", None)])
def test_the_authorization_header_is_the_one_the_deployment_asks_for(sandbox, addon_server,
                                                                     header, sent):
    chosen = deployment(addon_server.base)
    chosen["addOns"]["httpOptions"]["authorizationHeader"] = header
    sandbox.install_addon(chosen)
    sandbox.open_addon(ANA, "calendar")
    received = addon_server.last("home")
    auth = received["event"]["authorizationEventObject"]
    assert received["authorization"] == (f"Bearer {auth[sent]}" if sent else None)


def test_a_homepage_without_a_trigger_shows_the_overview_card(sandbox, addon_server):
    chosen = deployment(addon_server.base)
    chosen["addOns"]["common"]["homepageTrigger"]["enabled"] = False
    sandbox.install_addon(chosen)
    calls_before = len(addon_server.received)
    answer = sandbox.open_addon(ANA, "calendar")
    assert answer["calls"] == [] and len(addon_server.received) == calls_before
    assert answer["card"]["header"]["title"] == "Test <Coach>"
