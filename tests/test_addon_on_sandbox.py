"""The add-on end to end: the service's endpoints served on this machine, installed in the
sandbox's add-on host, which posts Google-signed event objects and shows the answers as Calendar's
and Docs' side panels."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests
from werkzeug.serving import make_server

from flask_app import create_app
from flask_app.adapters.addon_manifest import deployment
from tests.test_running_doc import ANA, BO, end, meetings, pair_doc, type_answer

FANG = "fang.wang@example.com"


@pytest.fixture
def served(coach, sandbox):
    """The service on http://127.0.0.1:<port>, installed as the sandbox's add-on."""
    app = create_app(coach=coach.app, test_config={"TESTING": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    sandbox.install_addon(deployment(base))
    yield base
    server.shutdown()


def one_on_one(coach, manager=ANA, report=BO):
    state = coach.store.manager(manager)
    return next(e for e in state.events.values() if not e.recurring_event_id
                and {a.email for a in e.attendees} == {manager, report})


def test_the_manager_opens_the_one_on_one_adds_its_agenda_and_sees_it(coach, sandbox, served):
    coach.sync(ANA)
    event = one_on_one(coach)
    opened = sandbox.open_addon(ANA, "calendar", event_id=event.id)
    assert opened["error"] is None, opened["error"]
    assert "One-on-one with Bo Nilsson" in opened["html"]
    assert f"{ANA} manages {BO}" in opened["html"]
    assert "Its agenda is in the doc" in opened["html"]
    report = sandbox.open_addon(BO, "calendar", event_id=event.id)
    assert "One-on-one with Ana Silva" in report["html"] and "Development plan" not in report["html"]


def test_someone_else_cannot_open_the_pairs_event_nor_its_doc(coach, sandbox, served):
    coach.sync(ANA)
    event = one_on_one(coach)
    with pytest.raises(requests.HTTPError) as refused:  # not on Fang's calendar
        sandbox.open_addon(FANG, "calendar", event_id=event.id)
    assert refused.value.response.status_code == 404
    with pytest.raises(requests.HTTPError):  # not shared with her
        sandbox.open_addon(FANG, "docs", document_id=coach.store.pair(ANA, BO).doc_id)


def test_docs_panel_asks_for_the_doc_then_marks_done_and_gathers(coach, sandbox, served):
    coach.sync(ANA)
    first = meetings(coach)[0]
    type_answer(coach, sandbox, first, "needs", "A review rota")
    type_answer(coach, sandbox, first, "obstacle", "Reviews wait for days")
    end(coach, sandbox, first)
    coach.sync(ANA)
    doc_id = coach.store.pair(ANA, BO).doc_id
    opened = sandbox.open_addon(BO, "docs", document_id=doc_id)
    assert "Use the coach in this doc" in opened["html"]
    granted = sandbox.click_addon(BO, opened["session"], button="Use the coach in this doc")
    assert granted["error"] is None, granted["error"]
    assert "Still open" in granted["html"] and "A review rota" in granted["html"]
    done = sandbox.click_addon(BO, granted["session"], button="Mark done")
    assert done["error"] is None and "Marked done." in done["notifications"]
    second = meetings(coach)[1]
    doc = pair_doc(coach)
    carried = [p for p in doc.paragraphs_in(*doc.range(f"{second.range_name}.open_items"))
               if "review rota" in p.text]
    assert carried and carried[0].struck
    type_answer(coach, sandbox, second, "obstacle", "Still slow reviews")
    sandbox.advance_to(second.start + timedelta(minutes=10))
    gathered = sandbox.click_addon(BO, done["session"], button="Gather now into the plan")
    assert "Gathered into the development plan." in gathered["notifications"]
    plan = coach.store.plan(BO)
    assert plan and len(coach.store.plan_entries(BO)) == 2
