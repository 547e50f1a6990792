"""The HR console on the sandbox: Google sign-in through the sandbox's account server, who may
use it, rollout with its preview, opting out, templates, the audit log and the figures."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests

from flask_app import create_app
from flask_app.domain.rollout import Rollout

ADMIN = "fatima.haddad@example.com"  # the demo's Workspace admin (HR business partner)
HR = "noah.williams@example.com"  # in the HR group, not an admin
ANA, BO = "ana.silva@example.com", "bo.nilsson@example.com"
KEN = "ken.sato@example.com"


@pytest.fixture
def web(coach, tmp_path):
    coach.app.settings = coach.app.settings.__class__(**{**coach.app.settings.__dict__,
                                                         "hr_group": "hr@example.com"})
    app = create_app(coach=coach.app, test_config={"TESTING": True})
    return app.test_client()


def consent(sandbox, url: str, user: str, decision: str = "allow") -> str:
    """The sandbox's consent page, answered as ``user``: where it sends the browser back."""
    page = requests.get(url, verify=sandbox.ca_file, allow_redirects=False)
    assert page.status_code == 200, page.text
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text).group(1)
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    target = action if action.startswith("http") else sandbox.url + action
    answer = requests.post(target, data={"request_id": request_id, "user": user,
                                         "decision": decision},
                           verify=sandbox.ca_file, allow_redirects=False)
    assert answer.status_code in (302, 303), answer.text
    return answer.headers["Location"]


def sign_in(web, sandbox, user: str, path: str = "/signin"):
    started = web.get(path)
    assert started.status_code == 302
    back = urlsplit(consent(sandbox, started.headers["Location"], user))
    return web.get(f"{back.path}?{back.query}")


def csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_an_admin_signs_in_and_sees_the_figures(web, sandbox, coach):
    assert web.get("/admin").status_code == 302  # not signed in yet
    signed = sign_in(web, sandbox, ADMIN)
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/admin")
    page = web.get("/admin").get_data(as_text=True)
    assert "Outcome figures" in page and ADMIN in page


def test_a_member_of_the_hr_group_may_sign_in_and_anyone_else_is_refused(web, sandbox):
    assert sign_in(web, sandbox, HR).status_code == 302
    other = create_app(coach=web.application.extensions["coach"],
                       test_config={"TESTING": True}).test_client()
    refused = sign_in(other, sandbox, ANA)
    assert refused.status_code == 403 and "This console is for HR" in refused.get_data(
        as_text=True)
    assert other.get("/admin").status_code == 302


def test_a_callback_started_elsewhere_or_replayed_is_refused(web, sandbox):
    started = web.get("/signin")
    back = urlsplit(consent(sandbox, started.headers["Location"], ADMIN))
    stranger = create_app(coach=web.application.extensions["coach"],
                          test_config={"TESTING": True}).test_client()
    assert stranger.get(f"{back.path}?{back.query}").status_code == 400
    assert web.get(f"{back.path}?{back.query}").status_code == 400  # the state was used up


def test_the_rollout_preview_then_save_and_only_enabled_managers_are_synced(web, sandbox, coach):
    coach.store.save_rollout(Rollout())
    sign_in(web, sandbox, ADMIN)
    page = web.get("/admin/rollout")
    token = csrf(page)
    preview = web.post("/admin/rollout", data={"csrf_token": token, "mode": "delegation",
                                               "unit": "/Engineering/Platform",
                                               "action": "preview"})
    assert "Preview, not saved yet" in preview.get_data(as_text=True)
    assert "managers: <b>1</b>, with <b>5</b> reports" in preview.get_data(as_text=True)
    assert coach.store.rollout().units == []
    saved = web.post("/admin/rollout", data={"csrf_token": token, "mode": "delegation",
                                             "unit": "/Engineering/Platform",
                                             "groups": "engineering-managers@example.com",
                                             "action": "save"})
    assert saved.status_code == 302
    assert coach.store.rollout().groups == ["engineering-managers@example.com"]
    results = coach.sync()
    assert sorted(r.manager for r in results) == [  # the group's members, its owner too
        ANA, "fang.wang@example.com", "jose.alvarez@example.com", KEN]


def test_a_form_post_without_its_csrf_token_is_refused(coach, sandbox):
    app = create_app(coach=coach.app, test_config={"TESTING": True})
    web = app.test_client()
    sign_in(web, sandbox, ADMIN)
    refused = web.post("/admin/rollout", data={"mode": "delegation", "unit": "/",
                                               "action": "save"})
    assert refused.status_code == 400 and "expired" in refused.get_data(as_text=True)


def test_a_manager_who_opts_out_is_no_longer_read(web, sandbox, coach):
    coach.sync(ANA)
    back = sign_in(web, sandbox, ANA, "/optout")
    assert back.headers["Location"].endswith("/optout/confirm")
    page = web.get("/optout/confirm")
    assert f"Stop the coach for {ANA}?" in page.get_data(as_text=True)
    done = web.post("/optout/confirm", data={"csrf_token": csrf(page)})
    assert "The coach has stopped" in done.get_data(as_text=True)
    sandbox.clear_calls()
    results = coach.sync()
    assert ANA not in [r.manager for r in results]
    assert sandbox.calls(user=ANA) == 0


def test_a_malformed_template_upload_names_the_file_and_line(web, sandbox):
    sign_in(web, sandbox, ADMIN)
    page = web.get("/admin/templates")
    bad = b"## What's the obstacle? {#obstacle}\n\n```\ncode\n```\n"
    answer = web.post("/admin/templates/upload", data={
        "csrf_token": csrf(page), "template": (__import__("io").BytesIO(bad), "team-lead.md")},
        content_type="multipart/form-data")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "team-lead.md:3:" in text
