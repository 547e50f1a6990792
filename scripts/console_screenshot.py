"""The screenshot of the HR console in the README (docs/console.png), taken from a live run:

    .venv/bin/python scripts/console_screenshot.py [docs/console.png]

The demo organisation on a fresh sandbox, everyone enabled, six weeks of one-on-ones in which
reports answer before each meeting (a pulse that varies from pair to pair), then the console
signed in as the demo's HR admin, in Debian's Chromium driven by Playwright.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_app import create_app  # noqa: E402
from flask_app.bootstrap import build  # noqa: E402
from flask_app.config import load_settings  # noqa: E402
from flask_app.domain.document import utf16_len  # noqa: E402
from flask_app.domain.rollout import Rollout  # noqa: E402
from workspace_sandbox import SandboxClient, SandboxServer, seed_world  # noqa: E402

WEEKS = 6
ANSWERS = (("obstacle", "Reviews wait for days"), ("tried", "Smaller pull requests"),
           ("success", "Median review under 4 hours by 15 March"),
           ("needs", "A second reviewer on the team"))


class WorldClock:
    def __init__(self, world):
        self.world = world

    def now(self):
        with self.world.transaction() as tx:
            return tx.now()


def answer(coach, client, until, week: int) -> None:
    """Reports answer the sections of meetings starting before ``until`` (some skip one)."""
    for n, pair in enumerate(coach.store.pairs()):
        for meeting in coach.store.meetings(pair.key):
            if (meeting.status != "scheduled" or meeting.gathered_at is not None
                    or not coach.now() < meeting.start <= until or not pair.doc_id):
                continue
            doc = coach.workspace.docs(pair.report, any_doc=True).get(pair.doc_id)
            edits = []
            for key, text in ANSWERS[: 4 - (n + week) % 3]:
                extent = doc.range(f"{meeting.range_name}.{key}")
                if extent:
                    line = doc.paragraphs_in(*extent)[-1]
                    edits.append((line.start + utf16_len(line.text), text))
            extent = doc.range(f"{meeting.range_name}.open_items")
            carried = [p for p in doc.paragraphs_in(*extent) if "(from " in p.text] \
                if extent else []
            if carried and (n + week) % 2:  # about half the needs were delivered in time
                edits.append((carried[0].start, "✓ "))
            extent = doc.range(f"{meeting.range_name}.pulse")
            if extent:
                line = doc.paragraphs_in(*extent)[-1]
                edits.append((line.start + utf16_len(line.text), str(2 + (n + week) % 4)))
            for index, text in sorted(edits, reverse=True):
                client.person_types(pair.doc_id, pair.report, index, text)


def main(out: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="coach-screenshot-"))
    server = SandboxServer(folder / "sandbox").start()
    seed_world(server.world)
    client = SandboxClient(server.url, server.ca_file)
    settings = load_settings({}, instance_dir=folder, google_api_root=server.url,
                             sandbox_ca=server.ca_file,
                             database_url=f"sqlite:///{folder}/coach.sqlite")
    coach = build(settings, clock=WorldClock(server.world))
    coach.store.save_rollout(Rollout(units=["/"], changed_by="screenshot"))
    for step in range(WEEKS * 4):  # a pass every 42 hours
        coach.sync_pass().run()
        answer(coach, client, coach.now() + timedelta(hours=42), step // 4)
        client.advance(42 * 3600)
    coach.sync_pass().run()
    app = create_app(coach=coach)
    web = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{web.server_port}"
    coach.settings = replace(coach.settings, public_url=base)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(ignore_https_errors=True,
                                   viewport={"width": 1100, "height": 900}).new_page()
        page.goto(base + "/admin")
        page.get_by_role("button", name="Allow").click()
        page.wait_for_selector("h1:has-text('Outcome figures')")
        page.screenshot(path=str(out), full_page=True)
        browser.close()
    web.shutdown()
    server.stop()
    print(f"Wrote {out}.")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/console.png"))
