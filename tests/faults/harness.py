"""Rounds of sync and gather on the demo organisation under faults, crashes, concurrency and
people's edits, checked from the sandbox's own state (not the service's database).

A :class:`FaultWorld` holds one sandbox and the service wired to it. Each step is one thing
that happens in real life: a sync (with an injected Google failure, a lost answer, or a crash
after the n-th Google call followed by a restart), two syncs of one manager at once, a person
typing a marked phrase into an answer, a title, a table or a plan entry, renaming a heading,
deleting a section, a meeting moved or cancelled, the clock moving. :meth:`FaultWorld.check`
then counts, from the sandbox's world: pairs with two docs, meetings with two sections or two
plan entries, phrases people typed that are gone, and tracebacks logged by the service.
"""
from __future__ import annotations

import json
import logging
import random
import shutil
import threading
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from flask_app.bootstrap import build
from flask_app.config import load_settings
from flask_app.domain.document import utf16_len
from flask_app.services.pair_docs import PAIR_PROPERTY
from flask_app.services.plans import PLAN_PROPERTY
from tests.conftest import LocalSandbox, WorldClock, pin_clock
from workspace_sandbox import SEED_DIR, demo_admin, seed_world

MANAGERS = ("ana.silva@example.com", "fang.wang@example.com")
FAULTY_METHODS = ("calendar.events.list", "calendar.events.patch", "docs.documents.get",
                  "docs.documents.batchUpdate", "drive.files.create", "drive.files.list",
                  "drive.permissions.create", "drive.permissions.list", "directory.users.list")
FAULTS = ({"status": 429, "reason": "rateLimitExceeded"},
          {"status": 403, "reason": "userRateLimitExceeded"},
          {"status": 500, "reason": "backendError"}, {"status": 503, "reason": "backendError"})


class Crash(BaseException):
    """The process dies right after a Google call returned (nothing catches it)."""


@dataclass
class Tally:
    rounds: int = 0
    steps: int = 0
    faults: int = 0
    crashes: int = 0
    edits: int = 0
    duplicates: int = 0
    characters_lost: int = 0
    tracebacks: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"rounds: {self.rounds}, steps: {self.steps}, faults: {self.faults}, crashes: "
                f"{self.crashes}, people's edits: {self.edits}, duplicates: {self.duplicates}, "
                f"characters lost: {self.characters_lost}, tracebacks: {self.tracebacks}")


@dataclass
class Failure:
    """An exception a step of a round raised (kept even when Hypothesis reports another)."""

    round: int
    step: str
    error: str  # type and message (not the exception: its frames would hold a whole round)
    traceback: str

    def describe(self) -> str:
        """On one line (the traceback has the whole message)."""
        first, *more = self.error.splitlines() or [""]
        return f"round {self.round}, step {self.step}: {first}{' [...]' if more else ''}"


class _Tracebacks(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record):
        if record.exc_info:
            self.count += 1


class FaultWorld:
    """One sandbox and the service on it, stepped through a round at a time."""

    def __init__(self, sandbox: LocalSandbox, folder, tally: Tally):
        self.sandbox, self.folder, self.tally = sandbox, Path(folder), tally
        self.random = random.Random(0)  # each round seeds its own (start_round)
        # What each round reads from files, copied once: the agenda templates (every build
        # loads them) and the demo organisation (every round is seeded from it). The checkout is
        # shared: a template someone adds to agendas/ for a few seconds, or a seed file half
        # written, must not change or stop the rounds that run meanwhile.
        self.templates_dir = self.folder / "agendas"
        self.templates_dir.mkdir(parents=True, exist_ok=True)
        checkout = load_settings({"COACH_INSTANCE_DIR": str(self.folder)})
        for template in checkout.templates_dir.glob("*.md"):
            shutil.copy2(template, self.templates_dir)
        self.seed_dir = Path(shutil.copytree(SEED_DIR, self.folder / "seed", dirs_exist_ok=True))
        self.admin = demo_admin(self.seed_dir)
        self._tracebacks = _Tracebacks()
        logging.getLogger("flask_app").addHandler(self._tracebacks)
        self._round = 0
        self.failures: list[Failure] = []  # every exception a step raised, in order
        self.on_round: Callable[[int], object] | None = None  # told each round's number

    @property
    def round(self) -> int:
        return self._round

    def note_failure(self, step: str, error: BaseException) -> None:
        """Remember what a step raised (the step re-raises it)."""
        self.failures.append(Failure(self._round, step, f"{type(error).__name__}: {error}",
                                     "".join(traceback.format_exception(error))))

    def close(self) -> None:
        logging.getLogger("flask_app").removeHandler(self._tracebacks)

    # --- rounds --------------------------------------------------------------------------------
    def start_round(self, seed: int = 0) -> None:
        """A fresh demo organisation, an empty store, the clock on the seeded week's Monday, and
        people's choices (which doc, section or paragraph) from ``seed``: a round replayed by
        Hypothesis makes the same choices whatever the rounds before it did."""
        self._round += 1
        self.random = random.Random(seed)
        self.tally.rounds += 1
        if self.on_round is not None:
            self.on_round(self._round)
        self.sandbox.clear_faults()
        seed_world(self.sandbox.world, seed_dir=self.seed_dir)
        pin_clock(self.sandbox.world)
        self.database = f"sqlite:///{self.folder}/round{self._round}.sqlite"
        self.typed: dict[str, str] = {}  # phrase -> document id it was typed into
        self.crash_after: int | None = None
        self.edit_between = False
        self.coach = self._service()
        self._tracebacks.count = 0

    def _service(self):
        settings = load_settings({"COACH_INSTANCE_DIR": str(self.folder)},
                                 instance_dir=self.folder, google_api_root=self.sandbox.url,
                                 sandbox_ca=self.sandbox.ca_file, database_url=self.database,
                                 templates_dir=self.templates_dir, admin_email=self.admin,
                                 retry_base_seconds=0, retry_attempts=3)
        coach = build(settings, clock=WorldClock(self.sandbox.world))
        coach.workspace.clients.on_call = self._on_call
        return coach

    def _on_call(self, method: str, request) -> None:
        if self.crash_after is not None:
            self.crash_after -= 1
            if self.crash_after <= 0:
                self.crash_after = None
                raise Crash(method)
        if self.edit_between and method == "docs.documents.get":
            self.edit_between = False
            document_id = request.uri.split("/documents/")[1].split("?")[0]
            self._type(document_id, 1, "between read and write")

    # --- what happens --------------------------------------------------------------------------
    def sync(self, manager: str, fault: dict | None = None) -> None:
        self.tally.steps += 1
        if fault:
            self.tally.faults += 1
            self.sandbox.fault(fault.pop("method"), **fault)
        try:
            self.coach.sync_pass().run([manager])
        finally:
            self.sandbox.clear_faults()

    def crash_during_sync(self, manager: str, after_calls: int) -> None:
        """Die after the n-th Google call of a sync; start again once the lease has expired."""
        self.tally.steps += 1
        self.sandbox.advance(timedelta(days=2).total_seconds())  # so that the sync has work
        self.crash_after = after_calls
        try:
            self.coach.sync_pass().run([manager])
        except Crash:
            self.tally.crashes += 1
            self.sandbox.advance(timedelta(minutes=11).total_seconds())
        self.crash_after = None
        self.coach = self._service()  # a new process: nothing kept in memory
        self.coach.sync_pass().run([manager])

    def edit_between_read_and_write(self, manager: str) -> None:
        self.tally.steps += 1
        self.edit_between = True
        self.sandbox.advance(timedelta(days=1).total_seconds())  # something to write
        self.coach.sync_pass().run([manager])
        self.edit_between = False

    def concurrent_syncs(self, manager: str) -> None:
        self.tally.steps += 1
        others = [self._service() for _ in range(2)]
        errors: list[BaseException] = []

        def run(other):
            try:
                other.sync_pass().run([manager])
            except BaseException as error:  # raised again below, in the step's own thread
                errors.append(error)

        threads = [threading.Thread(target=run, args=(other,)) for other in others]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        if any(thread.is_alive() for thread in threads):
            raise RuntimeError(f"a sync of {manager} still runs after 300 s (a hang)")
        if errors:
            raise errors[0]

    def advance(self, hours: int) -> None:
        self.tally.steps += 1
        self.sandbox.advance(hours * 3600)

    # --- people --------------------------------------------------------------------------------
    def _phrase(self, where: str) -> str:
        return f"«{where} {self.random.randrange(10**6):06d} ✍️»"

    def _type(self, document_id: str, index: int, where: str) -> None:
        phrase = self._phrase(where)
        self.sandbox.person_types(document_id, self._owner(document_id), index, phrase)
        self.typed[phrase] = document_id
        self.tally.edits += 1

    def _owner(self, document_id: str) -> str:
        with self.sandbox.world.transaction() as tx:
            return tx.get("drive.file", document_id)["owner"]

    def _document(self, document_id: str) -> dict:
        return self.sandbox.call("GET", f"/docs/{document_id}")["document"]

    def _pairs(self):
        return [p for p in self.coach.store.pairs() if p.doc_id]

    def _sections(self, document: dict) -> list[tuple[str, int, int]]:
        tab = document["tabs"][0]["documentTab"]
        found = []
        for name, group in tab.get("namedRanges", {}).items():
            if name.startswith("coach.m.") and name.count(".") == 2:
                spans = group["namedRanges"][0]["ranges"]
                found.append((name, spans[0].get("startIndex", 0), spans[-1]["endIndex"]))
        return sorted(found, key=lambda s: s[1])

    def _paragraphs(self, document: dict) -> list[dict]:
        return [e for e in document["tabs"][0]["documentTab"]["body"]["content"]
                if "paragraph" in e]

    def person_types_answer(self) -> None:
        self.tally.steps += 1
        pairs = self._pairs()
        if not pairs:
            return
        pair = self.random.choice(pairs)
        document = self._document(pair.doc_id)
        sections = self._sections(document)
        if not sections:
            return
        name, start, end = self.random.choice(sections)
        inside = [p for p in self._paragraphs(document) if start < p["endIndex"] <= end]
        paragraph = self.random.choice(inside[1:] or inside)
        self._type(pair.doc_id, paragraph["endIndex"] - 1, "answer")

    def person_types_title(self) -> None:
        self.tally.steps += 1
        pairs = self._pairs()
        if not pairs:
            return
        pair = self.random.choice(pairs)
        sections = self._sections(self._document(pair.doc_id))
        if sections:
            _, start, _ = self.random.choice(sections)
            self._type(pair.doc_id, start + 3, "title")

    def person_adds_a_table(self) -> None:
        self.tally.steps += 1
        pairs = self._pairs()
        if not pairs:
            return
        pair = self.random.choice(pairs)
        document = self._document(pair.doc_id)
        sections = self._sections(document)
        if not sections:
            return
        _, start, end = self.random.choice(sections)
        last = [p for p in self._paragraphs(document) if start < p["endIndex"] <= end][-1]
        owner = self._owner(pair.doc_id)
        self.sandbox.person_edits(pair.doc_id, owner, [{"insertTable": {
            "rows": 1, "columns": 2, "location": {"index": last["endIndex"] - 1}}}])
        table = next(e for e in self._document(pair.doc_id)["tabs"][0]["documentTab"]["body"]
                     ["content"] if "table" in e and e["startIndex"] >= last["endIndex"] - 1)
        self._type(pair.doc_id, table["startIndex"] + 3, "table cell")

    def person_renames_a_heading(self) -> None:
        self.tally.steps += 1
        pairs = self._pairs()
        if not pairs:
            return
        pair = self.random.choice(pairs)
        document = self._document(pair.doc_id)
        headings = [p for p in self._paragraphs(document)
                    if p["paragraph"]["paragraphStyle"].get("namedStyleType") == "HEADING_2"]
        if headings:
            heading = self.random.choice(headings)
            self._type(pair.doc_id, heading["startIndex"], "heading")

    def person_deletes_a_section(self) -> None:
        """Someone deletes a meeting's whole section (with nothing they typed in it)."""
        self.tally.steps += 1
        pairs = self._pairs()
        if not pairs:
            return
        pair = self.random.choice(pairs)
        document = self._document(pair.doc_id)
        text = json.dumps(document, ensure_ascii=False)
        for name, start, end in self._sections(document):
            group = document["tabs"][0]["documentTab"]["namedRanges"][name]
            if not any(phrase in text and self.typed[phrase] == pair.doc_id
                       for phrase in self.typed) and len(group["namedRanges"]) == 1:
                owner = self._owner(pair.doc_id)
                self.sandbox.person_edits(pair.doc_id, owner, [{"deleteContentRange": {
                    "range": {"startIndex": start, "endIndex": end}}}])
                self.tally.edits += 1
                return

    def person_edits_a_plan_entry(self) -> None:
        self.tally.steps += 1
        plans = self.coach.store.plans()
        if not plans:
            return
        plan = self.random.choice(plans)
        document = self._document(plan.doc_id)
        entries = [group["namedRanges"][0]["ranges"][0]
                   for name, group in document["tabs"][0]["documentTab"].get(
                       "namedRanges", {}).items() if name.startswith("coach.plan.2")]
        if entries:
            entry = self.random.choice(entries)
            self._type(plan.doc_id, entry.get("startIndex", 0) + 1, "plan entry")

    def person_writes_then_the_meeting_is_cancelled(self) -> None:
        """Someone answers in the next meeting's section, then that meeting is cancelled."""
        self.tally.steps += 1
        upcoming = [(m, pair) for pair in self._pairs()
                    for m in self.coach.store.meetings(pair.key)
                    if m.status == "scheduled" and m.start > self.coach.now()]
        if not upcoming:
            return
        meeting, pair = min(upcoming, key=lambda found: found[0].start)
        document = self._document(pair.doc_id)
        extent = next((s for s in self._sections(document) if s[0] == meeting.range_name), None)
        if extent is None:
            return
        inside = [p for p in self._paragraphs(document) if extent[1] < p["endIndex"] <= extent[2]]
        self._type(pair.doc_id, inside[-1]["endIndex"] - 1, "before a cancellation")
        series, _, stamp = meeting.occurrence.rpartition("@")
        for person in (pair.manager, pair.report):  # whoever organises it cancels it
            token = self.sandbox.token(person, ["https://www.googleapis.com/auth/calendar"])
            answer = self.sandbox.http.delete(
                f"{self.sandbox.url}/calendar/v3/calendars/primary/events/{series}_{stamp}",
                headers={"Authorization": f"Bearer {token}"}, timeout=30)
            if answer.ok:
                break
        self.coach.sync_pass().run([pair.manager])

    def move_or_cancel_a_meeting(self, cancel: bool) -> None:
        self.tally.steps += 1
        manager = self.random.choice(MANAGERS)
        token = self.sandbox.token(manager, ["https://www.googleapis.com/auth/calendar"])
        api = f"{self.sandbox.url}/calendar/v3/calendars/primary/events"
        headers = {"Authorization": f"Bearer {token}"}
        now = self.coach.now()
        listed = self.sandbox.http.get(api, headers=headers, timeout=30, params={
            "singleEvents": "true", "timeMin": now.isoformat(),
            "timeMax": (now + timedelta(days=10)).isoformat()}).json().get("items", [])
        ours = [e for e in listed if e.get("attachments") and e.get("recurringEventId")]
        if not ours:
            return
        event = self.random.choice(ours)
        if cancel:
            self.sandbox.http.delete(f"{api}/{event['id']}", headers=headers, timeout=30)
            return
        start = _parse(event["start"]["dateTime"]) + timedelta(hours=2)
        self.sandbox.http.patch(f"{api}/{event['id']}", headers=headers, timeout=30, json={
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + timedelta(minutes=30)).isoformat()}})

    # --- what must hold ------------------------------------------------------------------------
    def check(self) -> list[str]:
        """What went wrong so far this round, from the sandbox's state; also tallied."""
        found: list[str] = []
        with self.sandbox.world.transaction() as tx:
            files = [record for _, record in tx.items("drive.file")]
            documents = {key: record["document"] for key, record in tx.items("docs.doc")}
        marks: dict[tuple[str, str], int] = {}
        for record in files:
            if record.get("explicitlyTrashed") or record.get("trashed"):
                continue
            for key in (PAIR_PROPERTY, PLAN_PROPERTY):
                value = record.get("appProperties", {}).get(key)
                if value:
                    marks[(key, value)] = marks.get((key, value), 0) + 1
        duplicates = [f"{count} docs for one {key}" for (key, _), count in marks.items()
                      if count > 1]
        for document_id, document in documents.items():
            for tab in document.get("tabs", []):
                for name, group in tab["documentTab"].get("namedRanges", {}).items():
                    if name.startswith("coach.") and len(group["namedRanges"]) > 1:
                        duplicates.append(f"{len(group['namedRanges'])} ranges named {name}")
        lost = [phrase for phrase, document_id in self.typed.items()
                if phrase not in json.dumps(documents.get(document_id, {}), ensure_ascii=False)]
        self.tally.duplicates += len(duplicates)
        self.tally.characters_lost += sum(utf16_len(phrase) for phrase in lost)
        self.tally.tracebacks += self._tracebacks.count
        found += duplicates + [f"lost: {phrase}" for phrase in lost]
        if self._tracebacks.count:
            found.append(f"{self._tracebacks.count} traceback(s) logged")
        self._tracebacks.count = 0
        self.tally.problems += found
        return found


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
