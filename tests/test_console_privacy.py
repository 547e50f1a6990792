"""What HR can reach never holds what people wrote: a marker typed into a meeting's section,
synced and gathered, appears in no console page, export, audit entry or log line, and the
console reads no doc to answer."""
from __future__ import annotations

import logging

from flask_app import create_app
from flask_app.web.signin import scopes_for
from tests.test_console import ADMIN, sign_in
from tests.test_running_doc import ANA, BO, end, meetings, type_answer

MARKER = "ZQX-private-7731 — Bo's worry about his visa 🛂"


def test_nothing_anyone_wrote_reaches_the_console_the_audit_log_or_the_logs(
        coach, sandbox, caplog):
    web = create_app(coach=coach.app, test_config={"TESTING": True}).test_client()
    with caplog.at_level(logging.DEBUG):
        coach.sync(ANA)
        first = meetings(coach)[0]
        for key in ("topic", "obstacle", "needs", "success"):
            type_answer(coach, sandbox, first, key, f"{MARKER} ({key})")
        end(coach, sandbox, first)
        coach.sync()
        assert coach.store.plan_entries(BO)  # gathered into the plan, as people expect
        sign_in(web, sandbox, ADMIN)
        sandbox.clear_calls()
        app = web.application
        pages = sorted(rule.rule for rule in app.url_map.iter_rules()
                       if rule.rule.startswith("/admin") and "GET" in rule.methods
                       and not rule.arguments and "grant" not in rule.rule)
        assert {"/admin", "/admin/rollout", "/admin/templates", "/admin/audit",
                "/admin/audit.csv", "/admin/figures.csv"} <= set(pages)
        seen = []
        for page in pages + ["/admin/templates?show=one-on-one.de"]:
            answer = web.get(page)
            assert answer.status_code == 200, page
            seen.append(answer.get_data(as_text=True))
    reads = {row["method"] for row in sandbox.call_log()}
    assert not {m for m in reads if m.startswith(("docs.", "drive."))}, reads
    assert all(MARKER not in text and "ZQX-private" not in text for text in seen)
    assert all("ZQX-private" not in repr(entry) for entry in coach.store.audit())
    assert "ZQX-private" not in caplog.text
    assert len(coach.store.audit()) > 20  # the writes are there, without their content


def test_the_consoles_sign_in_asks_for_no_docs_or_drive_scope(coach):
    app = create_app(coach=coach.app, test_config={"TESTING": True})
    with app.test_request_context():
        asked = scopes_for("console")
    assert asked == ("openid", "https://www.googleapis.com/auth/userinfo.email",
                     "https://www.googleapis.com/auth/userinfo.profile")
