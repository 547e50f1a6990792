"""The browser and the service served on this machine, for the browser tests."""
from __future__ import annotations

import shutil
import threading
from dataclasses import replace

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from flask_app import create_app
from flask_app.adapters.addon_manifest import deployment

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed: run scripts/system-packages")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture
def served(coach, sandbox):
    """The service on http://127.0.0.1:<port> (its public URL), with HR's group, installed as
    the sandbox's add-on; its base URL."""
    app = create_app(coach=coach.app, test_config={"TESTING": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    coach.app.settings = replace(coach.app.settings, public_url=base, hr_group="hr@example.com")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sandbox.install_addon(deployment(base))
    yield base
    server.shutdown()
