"""Server time of the add-on's side-panel cards against the sandbox, per kind of card.

    .venv/bin/python benchmarks/addon.py [requests per kind, default 200]

The sandbox runs in its own process (as Google runs elsewhere) and the service in this one, as
the sandbox's add-on (the host posts Google-signed event objects to it, as Google would). Server
time is measured around the service's WSGI app: from
the request arriving to the answer leaving, including token checks and the service's own calls
to the sandbox's APIs (the event read as the person, the doc read, the checklist export), but
not the host's own work. Printed: median and 95th percentile per kind (the aim is 150 ms at the
95th for the event-open card), and the calls to Google per request.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from werkzeug.serving import make_server

from flask_app import create_app
from flask_app.adapters.addon_manifest import deployment
from flask_app.bootstrap import build
from flask_app.config import load_settings
from flask_app.domain.rollout import Rollout
from workspace_sandbox import SandboxClient, running_sandbox

ANA, BO, FANG = "ana.silva@example.com", "bo.nilsson@example.com", "fang.wang@example.com"
AIM_MS = 150


class Timed:
    """WSGI middleware: the server time of each request, by path."""

    def __init__(self, app):
        self.app, self.times = app, defaultdict(list)

    def __call__(self, environ, start_response):
        began = time.perf_counter()
        try:
            return list(self.app(environ, start_response))
        finally:
            self.times[environ["PATH_INFO"]].append((time.perf_counter() - began) * 1000)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def sandbox_process(folder: Path) -> tuple[subprocess.Popen, dict]:
    """``coach sandbox serve`` in its own process, seeded with the demo organisation."""
    env = {**os.environ, "COACH_INSTANCE_DIR": str(folder)}
    process = subprocess.Popen([str(Path(sys.executable).with_name("coach")), "sandbox",
                                "serve", "--port", "0"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(300):
        info = running_sandbox(folder / "sandbox")
        if info:
            return process, info
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the sandbox did not start")


def main(per_kind: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="coach-addon-bench-"))
    process, info = sandbox_process(folder)
    client = SandboxClient(info["url"], info["ca_file"])
    settings = load_settings({}, instance_dir=folder, google_api_root=info["url"],
                             sandbox_ca=info["ca_file"],
                             database_url=f"sqlite:///{folder}/coach.sqlite")
    coach = build(settings)
    coach.store.save_rollout(Rollout(units=["/"]))  # HR enabled everyone
    coach.sync_pass().run()
    timed = Timed(create_app(coach=coach))
    web = make_server("127.0.0.1", 0, timed, threaded=True)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    client.install_addon(deployment(f"http://127.0.0.1:{web.server_port}"))

    state = coach.store.manager(ANA)
    pair = next(e for e in state.events.values() if not e.recurring_event_id
                and {a.email for a in e.attendees} == {ANA, BO})
    other = next(e for e in state.events.values() if not e.recurring_event_id
                 and len({a.email for a in e.attendees}) > 2)
    doc_id = coach.store.pair(ANA, BO).doc_id
    docs = client.open_addon(BO, "docs", document_id=doc_id)
    granted = client.click_addon(BO, docs["session"], button="Use the coach in this doc")
    assert granted["error"] is None, granted["error"]

    kinds = {
        "event open, a one-on-one (manager)": (
            "/addon/calendar/open", lambda: client.open_addon(ANA, "calendar",
                                                              event_id=pair.id)),
        "event open, another event": (
            "/addon/calendar/open", lambda: client.open_addon(ANA, "calendar",
                                                              event_id=other.id)),
        "docs, the pair doc (report)": (
            "/addon/docs/home", lambda: client.open_addon(BO, "docs", document_id=doc_id)),
    }
    print(f"add-on server time, {per_kind} requests per kind (aim: p95 ≤ {AIM_MS} ms for "
          "the event-open card)\n")
    print(f"{'card':40} {'median ms':>10} {'p95 ms':>8} {'calls/request':>14}")
    for name, (path, request) in kinds.items():
        timed.times[path].clear()
        request()  # warm: connections, the directory, certificates
        timed.times[path].clear()
        client.clear_calls()
        for _ in range(per_kind):
            answer = request()
            assert answer["error"] is None, answer["error"]
        times = timed.times[path]
        calls = sum(row["count"] for row in client.call_log()) / len(times)
        print(f"{name:40} {statistics.median(times):10.1f} {percentile(times, 0.95):8.1f} "
              f"{calls:14.2f}")
    web.shutdown()
    coach.close()
    process.terminate()
    process.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("requests", nargs="?", type=int, default=200, help="per kind of card")
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("the requests per kind must be positive")
    main(args.requests)
