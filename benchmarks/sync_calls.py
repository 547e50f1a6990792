"""API calls the agenda sync makes, beside a naive approach, measured in one run on the sandbox.

    .venv/bin/python benchmarks/sync_calls.py

Figures (calls to Google's APIs, as the sandbox counts them):
- per new one-on-one: a first pass over the demo organisation, calls spent on pairs (doc,
  sharing, attachment, agenda sections for the meetings in the window) per pair;
- per new meeting in an existing doc: a week later, calls per section added (agendas only);
- per gathered meeting: then the gathering of the week's ended meetings (none filled in);
- per sync of an unchanged calendar: the next pass, calls per manager;
- naive: every pass lists every event in the window and reads every pair doc.
The per-manager calendar listing and the once-per-pass directory listing are shown apart.
"""
from __future__ import annotations

import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

import requests

from flask_app.adapters.sql_store import SqlStore
from flask_app.adapters.workspace import connect
from flask_app.config import load_settings
from workspace_sandbox.core.seed import seed_world
from workspace_sandbox.core.server import SandboxServer
from flask_app.services.runner import SyncPass

LISTING = {"calendar.events.list", "directory.users.list"}


class Calls:
    def __init__(self, server: SandboxServer):
        self.url, self.ca = server.url + "/_sandbox", str(server.ca_file)
        self.http = requests.Session()
        self.http.trust_env = False

    def take(self) -> Counter:
        """Calls since the last take, by method."""
        rows = self.http.get(self.url + "/calls", verify=self.ca, timeout=30).json()["calls"]
        self.http.delete(self.url + "/calls", verify=self.ca, timeout=30)
        counts = Counter()
        for row in rows:
            counts[row["method"]] += row["count"]
        return counts


def naive_pass(sync: SyncPass, store: SqlStore, managers: list[str]) -> None:
    """List every event in the window and read every pair doc, for every manager."""
    now = sync.clock()
    for manager in managers:
        events = sync.workspace.service("calendar", manager).events()
        page = None
        while True:
            answer = events.list(calendarId="primary", singleEvents=True, pageToken=page,
                                 timeMin=now.isoformat(),
                                 timeMax=(now + timedelta(days=14)).isoformat()).execute()
            page = answer.get("nextPageToken")
            if not page:
                break
        docs = sync.workspace.service("docs", manager).documents()
        for pair in store.pairs(manager):
            if pair.doc_id:
                docs.get(documentId=pair.doc_id).execute()


def ratio(calls: int, per: int) -> str:
    return f"{calls / per:5.2f}" if per else "  n/a"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        server = SandboxServer(folder / "sandbox").start()
        try:
            seed_world(server.world)
            settings = load_settings({}, instance_dir=folder, google_api_root=server.url,
                                     sandbox_ca=server.ca_file,
                                     database_url=f"sqlite:///{folder / 'coach.sqlite'}")
            store = SqlStore(settings.database_url)

            def clock():
                with server.world.transaction() as tx:
                    return tx.now()

            sync = SyncPass(settings, store, connect(settings), clock=clock)
            calls = Calls(server)
            calls.take()

            first = sync.run()
            c1 = calls.take()
            managers = [r.manager for r in first]
            pairs = sum(r.docs_created + r.docs_reused for r in first)
            sections1 = sum(r.sections_added for r in first)

            with server.world.transaction() as tx:
                tx.set_setting("clock_offset", tx.setting("clock_offset", 0) + 7 * 86400)
            later = sync.run(gather=False)
            c2 = calls.take()
            sections2 = sum(r.sections_added for r in later)
            gathered = sync.run(write_agendas=False)
            c5 = calls.take()
            meetings_gathered = sum(r.meetings_gathered for r in gathered)

            sync.run()
            c3 = calls.take()
            naive_pass(sync, store, managers)
            c4 = calls.take()
        finally:
            server.stop()

    def spent(counts: Counter) -> int:
        return sum(n for method, n in counts.items() if method not in LISTING)

    print(f"demo organisation: {len(managers)} managers, {pairs} new one-on-ones, "
          f"{sections1} sections in the first pass, {sections2} a week later\n")
    print(f"{'figure':48} {'sync':>6} {'naive':>6}")
    print(f"{'calls per new one-on-one (doc, share, attach, sections)':48} "
          f"{ratio(spent(c1), pairs):>6} {'':>6}")
    print(f"{'calls per new meeting in an existing doc':48} {ratio(spent(c2), sections2):>6}")
    print(f"{'calls per gathered meeting':48} {ratio(spent(c5), meetings_gathered):>6}")
    print(f"{'calls per sync of an unchanged calendar':48} "
          f"{ratio(sum(c3.values()) - c3['directory.users.list'], len(managers)):>6} "
          f"{ratio(sum(c4.values()), len(managers)):>6}")
    print(f"{'directory listings per pass':48} {c3['directory.users.list']:>6}")
    print("\nby method, first pass:", dict(sorted(c1.items())))
    print("by method, a week later:", dict(sorted(c2.items())))
    print("by method, gathering:", dict(sorted(c5.items())))
    print("by method, unchanged:", dict(sorted(c3.items())))
    print("by method, naive pass:", dict(sorted(c4.items())))


if __name__ == "__main__":
    main()
