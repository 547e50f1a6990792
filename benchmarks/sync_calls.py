"""API calls and client CPU time the sync spends, beside a naive approach, in one run on the sandbox.

    .venv/bin/python benchmarks/sync_calls.py

Figures (calls to Google's APIs as the sandbox counts them; CPU time of the service's own thread,
``time.thread_time``, which leaves out the sandbox serving it in other threads):
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
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from flask_app.bootstrap import build
from flask_app.config import load_settings
from workspace_sandbox import SandboxClient, SandboxServer, seed_world

LISTING = {"calendar.events.list", "directory.users.list"}


class WorldClock:
    def __init__(self, world):
        self.world = world

    def now(self):
        with self.world.transaction() as tx:
            return tx.now()


def take(client: SandboxClient) -> Counter:
    """Calls since the last take, by method."""
    counts = Counter()
    for row in client.call_log():
        counts[row["method"]] += row["count"]
    client.clear_calls()
    return counts


def timed(work):
    """``work()``'s result and the CPU seconds this thread spent on it."""
    start = time.thread_time()
    result = work()
    return result, time.thread_time() - start


def naive_pass(coach, managers: list[str]) -> None:
    """List every event in the window and read every pair doc, for every manager."""
    now = coach.now()
    for manager in managers:
        coach.workspace.calendar(manager).between(now, now + timedelta(days=14))
        docs = coach.workspace.docs(manager)
        for pair in coach.store.pairs(manager):
            if pair.doc_id:
                docs.get(pair.doc_id)


def ratio(calls: float, per: int) -> str:
    return f"{calls / per:6.2f}" if per else "   n/a"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        server = SandboxServer(folder / "sandbox").start()
        try:
            seed_world(server.world)
            client = SandboxClient(server.url, server.ca_file)
            settings = load_settings({}, instance_dir=folder, google_api_root=server.url,
                                     sandbox_ca=server.ca_file,
                                     database_url=f"sqlite:///{folder / 'coach.sqlite'}")
            coach = build(settings, clock=WorldClock(server.world))
            sync = coach.sync_pass()
            take(client)

            first, cpu_first = timed(sync.run)
            c1 = take(client)
            managers = [r.manager for r in first.results]
            pairs = sum(r.docs_created + r.docs_reused for r in first.results)
            sections1 = sum(r.sections_added for r in first.results)

            client.advance(7 * 86400)
            later = sync.run(gather=False)
            c2 = take(client)
            sections2 = sum(r.sections_added for r in later.results)
            gathered = sync.run(write_agendas=False)
            c5 = take(client)
            meetings_gathered = sum(r.meetings_gathered for r in gathered.results)

            _, cpu_unchanged = timed(sync.run)
            c3 = take(client)
            naive_pass(coach, managers)
            c4 = take(client)
        finally:
            server.stop()

    def spent(counts: Counter) -> int:
        return sum(n for method, n in counts.items() if method not in LISTING)

    print(f"demo organisation: {len(managers)} managers, {pairs} new one-on-ones, "
          f"{sections1} sections in the first pass, {sections2} a week later\n")
    print(f"{'figure':52} {'sync':>6} {'naive':>6}")
    print(f"{'calls per new one-on-one (doc, share, attach, sections)':52} "
          f"{ratio(spent(c1), pairs)}")
    print(f"{'calls per new meeting in an existing doc':52} {ratio(spent(c2), sections2)}")
    print(f"{'calls per gathered meeting':52} {ratio(spent(c5), meetings_gathered)}")
    print(f"{'calls per sync of an unchanged calendar':52} "
          f"{ratio(sum(c3.values()) - c3['directory.users.list'], len(managers))} "
          f"{ratio(sum(c4.values()), len(managers))}")
    print(f"{'directory listings per pass':52} {c3['directory.users.list']:>6}")
    print(f"{'client CPU ms per manager, first sync':52} "
          f"{ratio(cpu_first * 1000, len(managers))}")
    print(f"{'client CPU ms per manager, unchanged calendar':52} "
          f"{ratio(cpu_unchanged * 1000, len(managers))}")
    print("\nby method, first pass:", dict(sorted(c1.items())))
    print("by method, a week later:", dict(sorted(c2.items())))
    print("by method, gathering:", dict(sorted(c5.items())))
    print("by method, unchanged:", dict(sorted(c3.items())))
    print("by method, naive pass:", dict(sorted(c4.items())))


if __name__ == "__main__":
    main()
