"""API calls and client CPU time the sync spends, beside fair naive approaches, measured in one run
on the sandbox.

    .venv/bin/python benchmarks/sync_calls.py

Part 1, the demo organisation's first passes (calls to Google's APIs as the sandbox counts them;
CPU time of the service's own thread, ``time.thread_time``, which leaves out the sandbox):
- per new one-on-one: the first pass's calls spent on pairs (doc, sharing, attachment, the next
  meeting's section), per pair;
- per sync of an unchanged calendar: the next pass, calls per manager; a naive pass lists every
  event in the window and reads every pair doc.

Part 2, a simulated quarter (13 weeks, a sync pass every 12 hours; before each meeting the report
types answers, a concrete success statement, a need and a commitment into its section):
- per full meeting cycle: every call but the calendar listings, divided by the meetings gathered
  (gather the ended meeting, update the report's plan, write the next agenda);
- per sync of an unchanged calendar: listings per manager in passes where nothing happened;
- the fair naive baseline polls every event and every pair doc on each pass but remembers what it
  wrote: it makes the same writes, reads each plan before writing it, and its listings and reads
  are counted from the same passes.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from flask_app.bootstrap import build
from flask_app.config import load_settings
from flask_app.domain.rollout import Rollout
from flask_app.domain.document import utf16_len
from workspace_sandbox import SandboxClient, SandboxServer, seed_world

LISTING = {"calendar.events.list", "directory.users.list"}
STEP = timedelta(hours=12)
QUARTER = timedelta(weeks=13)


class WorldClock:
    def __init__(self, world):
        self.world = world

    def now(self):
        with self.world.transaction() as tx:
            return tx.now()


def take(client: SandboxClient, by_user: Counter | None = None) -> Counter:
    """Calls since the last take, by method (and into ``by_user``, by user)."""
    counts = Counter()
    for row in client.call_log():
        counts[row["method"]] += row["count"]
        if by_user is not None:
            by_user[row["user"]] += row["count"]
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


def answer_upcoming(coach, client, until) -> int:
    """The report types into the sections of meetings that start before ``until``; how many."""
    typed = 0
    for pair in coach.store.pairs():
        for meeting in coach.store.meetings(pair.key):
            if (meeting.status != "scheduled" or meeting.gathered_at is not None
                    or not coach.now() < meeting.start <= until or not pair.doc_id):
                continue
            doc = coach.workspace.docs(pair.report, any_doc=True).get(pair.doc_id)
            edits = []
            for key, text in (("obstacle", "Reviews wait for days"),
                              ("success", "Median review under 4 hours by 15 March"),
                              ("needs", "A second reviewer on the team")):
                extent = doc.range(f"{meeting.range_name}.{key}")
                if extent:
                    line = doc.paragraphs_in(*extent)[-1]
                    edits.append((line.start + utf16_len(line.text), text))
            extent = doc.range(f"{meeting.range_name}.commitments")
            boxes = [p for p in doc.paragraphs_in(*extent) if p.checkbox] if extent else []
            if boxes:
                edits.append((boxes[-1].start + utf16_len(boxes[-1].text),
                              f"{pair.report.split('.')[0].title()} drafts the rota"))
            for index, text in sorted(edits, reverse=True):
                client.person_types(pair.doc_id, pair.report, index, text)
            typed += 1
    return typed


def quarter(coach, client) -> dict:
    """Sync every 12 hours for 13 weeks; the calls by method, cycles and unchanged syncs."""
    sync = coach.sync_pass()
    cycles = unchanged = manager_syncs = polls = quiet_calls = 0
    calls = Counter()
    end = coach.now() + QUARTER
    while coach.now() < end:
        answer_upcoming(coach, client, coach.now() + STEP)
        client.advance(STEP.total_seconds())
        take(client)
        outcome = sync.run()
        by_user = Counter()
        calls += take(client, by_user)
        for result in outcome.results:
            manager_syncs += 1
            cycles += result.meetings_gathered
            if not (result.meetings_gathered or result.sections_added or result.sections_removed
                    or result.sections_redated or result.docs_created or result.attached):
                unchanged += 1
                quiet_calls += by_user[result.manager]  # what that manager's sync cost
        pairs = sum(1 for p in coach.store.pairs() if p.doc_id)
        polls += len(outcome.results) + pairs  # the naive pass: a listing each, a read each
    return {"calls": calls, "cycles": cycles, "unchanged": unchanged,
            "manager_syncs": manager_syncs, "polls": polls, "quiet_calls": quiet_calls}


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
            coach.store.save_rollout(Rollout(units=["/"]))  # HR enabled everyone
            sync = coach.sync_pass()
            take(client)
            first, cpu_first = timed(sync.run)
            c1 = take(client)
            managers = [r.manager for r in first.results]
            pairs = sum(r.docs_created + r.docs_reused for r in first.results)
            _, cpu_unchanged = timed(sync.run)
            c3 = take(client)
            naive_pass(coach, managers)
            c4 = take(client)
            q = quarter(coach, client)
        finally:
            server.stop()

    def spent(counts: Counter) -> int:
        return sum(n for method, n in counts.items() if method not in LISTING)

    print(f"demo organisation: {len(managers)} managers, {pairs} one-on-ones\n")
    print(f"{'figure':58} {'sync':>6} {'naive':>6}")
    print(f"{'calls per new one-on-one (doc, share, attach, next section)':58} "
          f"{ratio(spent(c1), pairs)}")
    print(f"{'calls per sync of an unchanged calendar':58} "
          f"{ratio(sum(c3.values()) - c3['directory.users.list'], len(managers))} "
          f"{ratio(sum(c4.values()), len(managers))}")
    print(f"{'client CPU ms per manager, first sync':58} "
          f"{ratio(cpu_first * 1000, len(managers))}")
    print(f"{'client CPU ms per manager, unchanged calendar':58} "
          f"{ratio(cpu_unchanged * 1000, len(managers))}")
    calls, cycles = q["calls"], q["cycles"]
    # The naive baseline makes the same writes, reads every pair doc on every pass (its polls
    # less its listings) and each plan before writing it, instead of our reads.
    naive_cycle = (spent(calls) - calls["docs.documents.get"] - calls["drive.files.export"]
                   + q["polls"] - q["manager_syncs"] + cycles)
    print(f"\na simulated quarter: {q['manager_syncs'] // len(managers)} passes, "
          f"{cycles} meetings gathered")
    print(f"{'calls per full meeting cycle (gather, plan, next agenda)':58} "
          f"{ratio(spent(calls), cycles)} {ratio(naive_cycle, cycles)}")
    print(f"{'  of which Docs writes':58} {ratio(calls['docs.documents.batchUpdate'], cycles)}")
    print(f"{'  of which the checklist ticks (Drive export)':58} "
          f"{ratio(calls['drive.files.export'], cycles)}")
    print(f"{'calls per sync of an unchanged calendar':58} "
          f"{ratio(q['quiet_calls'], q['unchanged'])} "
          f"{ratio(q['polls'], q['manager_syncs'])}")
    print("\nby method, first pass:", dict(sorted(c1.items())))
    print("by method, unchanged:", dict(sorted(c3.items())))
    print("by method, naive pass:", dict(sorted(c4.items())))
    print("by method, the quarter:", dict(sorted(calls.items())))


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    main()
