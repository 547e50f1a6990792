"""An employee's development-plan doc: its layout, one coaching-log entry per meeting, and the
batch that writes new entries and rewrites changed ones in place (pure).

Layout, written once (the skeleton)::

    Development plan · <Employee>                    heading 1
    Performance objectives (current role)           heading 2, range coach.plan.objectives
        hint, then an empty line for people
    Growth targets (next role)                      heading 2, range coach.plan.targets
        hint, then an empty line for people
    Coaching log                                    heading 2, range coach.plan.log
        a note on where entries come from
    Tue 8 Dec 2026 · with <Manager>                 heading 3, range coach.plan.20261208.<hash>
        Obstacle / What was tried / What success looks like (⚑ prompt when vague) /
        What <Employee> needs from <Manager> / Commitments (☐ open, ☑ done) / Other notes
    ... older entries below, newest first

Decisions:

- The objectives and targets areas are people's: written with the skeleton, never touched.
- An entry is regenerated from its meeting's notes, which live in the pair doc and are the
  source of truth. When they change, the entry's range is deleted and the new entry written at
  the same place — but only while the entry is exactly as the service wrote it (its fingerprint,
  kept in the store, still matches). An entry a person edited is theirs: it is left alone and
  reported. Nothing outside the service's entry ranges is deleted or changed.
- Commitments are "☐ text" / "☑ text" lines rather than checkboxes: the Docs API can neither
  read nor set a checkbox's tick, and ticking in the plan would not reach the pair doc.
- An entry's range name holds its meeting date (``coach.plan.<yyyymmdd>.<hash of the meeting
  key>``), so new entries are placed in date order without reading dates out of text people can
  edit, and an entry whose meeting moved to another day moves with it.
- Composing the same entries again gives no requests: an entry whose text in the doc equals
  the text it would be written with is left alone.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

from .agenda import human_date
from .concrete import check_success
from .doc_edits import DocEdits
from .section_requests import section_requests
from .document import Block, DocumentModel, Run, clean_text
from .notes import MeetingNotes
from .snapshot import DocSnapshot, Paragraph, fingerprint_lines

PLAN_RANGE = "coach.plan"
OBJECTIVES_RANGE = PLAN_RANGE + ".objectives"
TARGETS_RANGE = PLAN_RANGE + ".targets"
LOG_RANGE = PLAN_RANGE + ".log"
SUMMARY_RANGE = PLAN_RANGE + ".summary"
OBJECTIVE_PREFIX = PLAN_RANGE + ".objective."
LOG_NOTE = ("One entry per one-on-one, newest first, gathered from the notes in your one-on-one "
            "doc, and brought up to date when those notes change. Once you edit an entry here, "
            "it is yours: the service no longer changes it.")
_ENTRY_RANGE = re.compile(re.escape(PLAN_RANGE) + r"\.(\d{8})\.([0-9a-f]{20})")


@dataclass(frozen=True)
class PlanEntry:
    """One meeting's entry in the coaching log."""

    occurrence: str
    day: date
    employee_name: str
    manager_name: str
    notes: MeetingNotes
    link: str | None = None  # the meeting's section in the pair doc

    def __post_init__(self) -> None:
        for name in ("occurrence", "employee_name", "manager_name"):
            if not clean_text(getattr(self, name)).strip():
                raise ValueError(f"plan entry: {name} must not be blank")

    @property
    def range_name(self) -> str:
        return entry_range(self.occurrence, self.day)


def entry_range(occurrence_key: str, day: date) -> str:
    """The named range of a meeting's entry (no personal data in it)."""
    return f"{PLAN_RANGE}.{day:%Y%m%d}.{_digest(occurrence_key)}"


def plan_skeleton(employee_name: str) -> DocumentModel:
    """The plan's fixed parts; written with ``range_prefix=PLAN_RANGE`` its keyed headings get
    the ranges OBJECTIVES_RANGE, TARGETS_RANGE and LOG_RANGE (entries go below LOG_RANGE)."""
    name = _one_line(employee_name)
    if not name:
        raise ValueError("plan skeleton: employee_name must not be blank")
    return DocumentModel((
        Block("heading", (Run(f"Development plan · {name}"),), 1),
        Block("heading", (Run("Performance objectives (current role)"),), 2, key="objectives"),
        Block("paragraph", (Run("What the current role asks for, agreed together. Concrete "
                                "goals from your one-on-ones are added below, each open until "
                                "you mark it met or strike it through; edit them or move them "
                                "to the growth targets as you like: a line you changed is "
                                "never changed back.", italic=True),)),
        Block("paragraph"),
        Block("heading", (Run("Growth targets (next role)"),), 2, key="targets"),
        Block("paragraph", (Run("Where to grow next and how you will both know. This part is "
                                "yours too.", italic=True),)),
        Block("paragraph"),
        *_log_model("log").blocks,
    ))


def _log_model(key: str | None) -> DocumentModel:
    """The log's heading and note; keyed inside the skeleton, unkeyed when written alone."""
    return DocumentModel((Block("heading", (Run("Coaching log"),), 2, key=key),
                          Block("paragraph", (Run(LOG_NOTE, italic=True),))))


def entry_model(entry: PlanEntry) -> DocumentModel:
    """One meeting's entry: dated heading (a link to the meeting's section), the topic, the four
    answers, feedback, commitments (done ones struck through) and other notes."""
    notes = entry.notes
    answers = notes.answers
    employee, manager = _one_line(entry.employee_name), _one_line(entry.manager_name)
    blocks = [Block("heading", (Run(f"{human_date(entry.day)} · with {manager}",
                                    link=entry.link),), 3)]
    if _lines(notes.topic):
        blocks += _field("This time", notes.topic)
    blocks += _field("Obstacle", answers.get("obstacle", ""))
    blocks += _field("What was tried", answers.get("tried", ""))
    blocks += _field("What success looks like", answers.get("success", ""))
    verdict = check_success(answers.get("success", ""))
    if verdict.prompt:
        blocks.append(Block("paragraph", (Run(f"⚑ {verdict.prompt}", italic=True),)))
    blocks += _field(f"What {employee} needs from {manager}", answers.get("needs", ""))
    if _lines(notes.feedback):
        blocks += _field("Feedback on a moment", notes.feedback)
    commitments = [(c.done, _one_line(c.text)) for c in notes.commitments]
    commitments = [(done, text) for done, text in commitments if text]
    heading = (Run("Commitments:", bold=True),) + (() if commitments else
                                                   (Run(" none", italic=True),))
    blocks.append(Block("paragraph", heading))
    blocks += [Block("paragraph", (Run(f"✓ {text}", strike=True),) if done
                     else (Run(f"☐ {text}"),)) for done, text in commitments]
    if _lines(notes.other):
        blocks += _field("Other notes", notes.other)
    return DocumentModel(tuple(blocks))


@dataclass(frozen=True)
class Objective:
    """A concrete success statement from a meeting, as a line under Performance objectives."""

    occurrence: str
    day: date
    text: str

    @property
    def range_name(self) -> str:
        return objective_range(self.occurrence)


def objective_range(occurrence_key: str) -> str:
    return OBJECTIVE_PREFIX + _digest(occurrence_key)


def objective_model(objective: Objective) -> DocumentModel:
    return DocumentModel((Block("paragraph", (
        Run(_one_line(objective.text)),
        Run(f" · since {human_date(objective.day)} · open", italic=True))),))


@dataclass(frozen=True)
class PlanSummary:
    """Numbers only: this quarter's meetings, how many had all four questions answered, the
    needs still open and the oldest one's age, the last few usefulness scores (oldest first)."""

    meetings: int
    all_four: int
    needs_open: int
    oldest_open_days: int | None
    pulses: tuple[int, ...] = ()


def summary_model(summary: PlanSummary) -> DocumentModel:
    parts = [f"{summary.meetings} one-on-one{'s' * (summary.meetings != 1)}",
             f"{summary.all_four} with all four questions answered"]
    if summary.needs_open:
        parts.append(f"{summary.needs_open} item{'s' * (summary.needs_open != 1)} open"
                     + (f", the oldest for {summary.oldest_open_days} days"
                        if summary.oldest_open_days is not None else ""))
    else:
        parts.append("nothing open")
    if summary.pulses:
        parts.append("usefulness " + " → ".join(str(p) for p in summary.pulses))
    return DocumentModel((Block("paragraph", (Run("This quarter: ", bold=True),
                                              Run(" · ".join(parts)))),))


def _field(label: str, text: str) -> list[Block]:
    lines = _lines(text)
    if not lines:
        return [Block("paragraph", (Run(f"{label}: ", bold=True),
                                    Run("not answered", italic=True)))]
    return [Block("paragraph", (Run(f"{label}: ", bold=True), Run(lines[0]))),
            *(Block("paragraph", (Run(line),)) for line in lines[1:])]


def _lines(text: str) -> list[str]:
    return [line for line in (_one_line(part) for part in text.splitlines()) if line]


def _one_line(text: str) -> str:
    return clean_text(text).strip()


@dataclass(frozen=True)
class PlanLayout:
    """A plan doc as the service left it with its last write: where its ranges are, their
    fingerprints, and the revision that write made. While the doc is still at that revision
    (nobody edited since) it stands in for a fresh read; a write against it is made at that
    revision, so if anyone did edit, the write fails and the doc is read after all."""

    document_id: str
    revision_id: str
    ranges: dict[str, tuple[int, int]]
    fingerprints: dict[str, str]  # by range name: entries, objectives, the summary

    @property
    def title(self) -> tuple[int, int]:
        """The title paragraph: from the plan's start to the first of its parts."""
        start = self.ranges.get(PLAN_RANGE, (1, 1))[0]
        parts = [self.ranges[name][0] for name in (SUMMARY_RANGE, OBJECTIVES_RANGE,
                                                   TARGETS_RANGE, LOG_RANGE)
                 if name in self.ranges]
        return start, min(parts, default=start)

    @property
    def named_ranges(self) -> dict[str, tuple[tuple[int, int], ...]]:
        return {name: (extent,) for name, extent in self.ranges.items()}

    def range(self, name: str) -> tuple[int, int] | None:
        return self.ranges.get(name)

    def fingerprint(self, start: int, end: int) -> str:
        return next((self.fingerprints.get(name, "") for name, extent in self.ranges.items()
                     if extent == (start, end) and name in self.fingerprints), "")

    def paragraph_at(self, index: int) -> Paragraph | None:
        start, end = self.title
        return Paragraph(start, end, "", "HEADING_1") if start <= index < end else None


@dataclass(frozen=True)
class _Placed:
    """An entry found in the doc."""

    name: str
    day: date
    start: int
    end: int


@dataclass
class _Writes:
    """What happens at one index of the snapshot: the entry starting there deleted, then models
    inserted there from the bottom up (each one goes above the one inserted before)."""

    delete: _Placed | None = None
    insert: list[tuple[DocumentModel, str]] = field(default_factory=list)


@dataclass
class PlanWrite:
    """One batch for the plan doc, the fingerprints of the entries as written, and the meetings
    whose entries people edited (left as they are: the notes in the pair doc stay the source)."""

    requests: list[dict]
    hashes: dict[str, str] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    objectives: dict[str, str] = field(default_factory=dict)  # meeting key -> line fingerprint
    summary: str | None = None  # the summary's fingerprint as written
    incomplete: bool = False  # the skeleton is new: objectives and summary come next batch
    layout: dict[str, tuple[int, int]] = field(default_factory=dict)  # the service's ranges after


def compose_plan(doc: DocSnapshot, entries: list[PlanEntry], *, written: dict[str, str],
                 remove: Iterable[str] = (), employee_name: str | None = None,
                 objectives: Iterable[Objective] = (),
                 written_objectives: dict[str, str] | None = None,
                 summary: PlanSummary | None = None,
                 written_summary: str | None = None) -> PlanWrite:
    """One batch that writes ``entries`` into the plan doc: new ones in date order under the
    coaching log, changed ones in place, unchanged ones not at all.

    ``written``: the fingerprint of each entry as the service last wrote it, by meeting key. An
    entry is rewritten, moved or removed only while it still has that fingerprint; an entry a
    person changed is left alone and its meeting is listed in ``conflicts``.
    ``remove``: meeting keys whose entries go (their notes were emptied after being gathered).
    The skeleton is written first if the doc has none (a new blank doc), titled with
    ``employee_name`` or else the entries' employee. Entries of other meetings stay as they are.
    ``objectives`` are added below Performance objectives once each (``written_objectives``:
    their lines' fingerprints, by meeting key), and updated while untouched; ``summary`` is
    written under the title and rewritten while untouched (``written_summary``).
    """
    keys = [entry.occurrence for entry in entries] + list(remove)
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"plan entries repeat meetings: {', '.join(repeated)}")
    placed = _placed_entries(doc)
    out = PlanWrite([])
    writes: dict[int, _Writes] = {}
    new: list[tuple[PlanEntry, DocumentModel]] = []
    moved: set[str] = set()  # entries that leave their place

    def ours(key: str, old: _Placed) -> bool:
        return doc.fingerprint(old.start, old.end) == written.get(key)

    for key in remove:
        old = placed.get(_digest(key))
        if old is not None and ours(key, old):
            _at(writes, old.start).delete = old
            moved.add(old.name)
        elif old is not None:
            out.conflicts.append(key)
    for entry in sorted(entries, key=lambda e: (e.day, e.occurrence)):
        model = entry_model(entry)
        old = placed.get(_digest(entry.occurrence))
        if old is not None and doc.fingerprint(old.start, old.end) == \
                fingerprint_lines(model.lines()):
            if old.day == entry.day:
                out.hashes[entry.occurrence] = doc.fingerprint(old.start, old.end)
                continue
        if old is not None and not ours(entry.occurrence, old):
            out.conflicts.append(entry.occurrence)
            continue
        out.hashes[entry.occurrence] = fingerprint_lines(model.lines())
        if old is None or old.day != entry.day:
            if old is not None:  # the meeting moved: its entry goes to the new date's place
                _at(writes, old.start).delete = old
                moved.add(old.name)
            new.append((entry, model))
        else:
            at = _at(writes, old.start)
            at.delete = old
            at.insert.append((model, old.name))
    staying = sorted((p for p in placed.values() if p.name not in moved), key=lambda p: p.start)
    log_index = _log_index(doc, writes, staying,
                           employee_name or (entries[0].employee_name if entries else None))
    if log_index is None:
        return PlanWrite([])  # no skeleton and no name to write one with: nothing to write
    if doc.range(PLAN_RANGE) is None and doc.range(LOG_RANGE) is None:
        out.incomplete = bool(list(objectives) or summary)
    else:
        _objectives(doc, writes, list(objectives), written_objectives or {}, out)
        _summary(doc, writes, summary, written_summary, out)
    for entry, model in new:
        index = next((p.start for p in staying if p.day < entry.day), None)
        if index is None:
            index = staying[-1].end if staying else log_index
        at = _at(writes, index)
        at.insert.insert(_below_log(at), (model, entry.range_name))
    out.requests, out.layout = _requests(doc, writes)
    return out


def _objectives(doc: DocSnapshot, writes: dict[int, _Writes], objectives: list[Objective],
                written: dict[str, str], out: PlanWrite) -> None:
    """New objectives below the others (at the growth targets' heading); changed ones in place
    while untouched. An objective written once is never written again, wherever people put it."""
    targets, mine = doc.range(TARGETS_RANGE), doc.range(OBJECTIVES_RANGE)
    below = targets[0] if targets else (mine[1] if mine else None)
    new = []
    for objective in sorted(objectives, key=lambda o: (o.day, o.occurrence)):
        model = objective_model(objective)
        fingerprint = fingerprint_lines(model.lines())
        extent = doc.range(objective.range_name)
        if objective.occurrence not in written:
            new.append((objective, model))
            out.objectives[objective.occurrence] = fingerprint
        elif extent and doc.fingerprint(*extent) == written[objective.occurrence] != fingerprint:
            at = _at(writes, extent[0])
            at.delete = _Placed(objective.range_name, objective.day, *extent)
            at.insert.append((model, objective.range_name))
            out.objectives[objective.occurrence] = fingerprint
    if new and below is not None:  # inserted bottom up: each goes above the one before
        _at(writes, below).insert += [(model, o.range_name) for o, model in reversed(new)]


def _summary(doc: DocSnapshot, writes: dict[int, _Writes], summary: PlanSummary | None,
             written: str | None, out: PlanWrite) -> None:
    """The summary under the title: added once, then rewritten while untouched."""
    if summary is None:
        return
    model = summary_model(summary)
    fingerprint = fingerprint_lines(model.lines())
    extent = doc.range(SUMMARY_RANGE)
    if extent is None:
        plan = doc.range(PLAN_RANGE)
        title = doc.paragraph_at(plan[0]) if plan else None
        if written is None and title is not None:
            _at(writes, title.end).insert.append((model, SUMMARY_RANGE))
            out.summary = fingerprint
    elif doc.fingerprint(*extent) == written:
        if fingerprint != written:
            at = _at(writes, extent[0])
            at.delete = _Placed(SUMMARY_RANGE, date.min, *extent)
            at.insert.append((model, SUMMARY_RANGE))
        out.summary = fingerprint


def _digest(occurrence_key: str) -> str:
    return hashlib.sha256(occurrence_key.encode()).hexdigest()[:20]


def _placed_entries(doc: DocSnapshot) -> dict[str, _Placed]:
    """The entries in the doc, by the digest of their meeting key."""
    found = {}
    for name in doc.named_ranges:
        match = _ENTRY_RANGE.fullmatch(name)
        extent = doc.range(name)
        if match and extent:
            try:
                day = datetime.strptime(match.group(1), "%Y%m%d").date()
            except ValueError:
                continue  # not a date, so not one of the service's entries
            found[match.group(2)] = _Placed(name, day, *extent)
    return found


def _at(writes: dict[int, _Writes], index: int) -> _Writes:
    return writes.setdefault(index, _Writes())


def _below_log(at: _Writes) -> int:
    """Where a new entry goes in an index's bottom-up list: above the others, below the log."""
    names = [name for _, name in at.insert]
    return next((n for n, name in enumerate(names) if name in (PLAN_RANGE, LOG_RANGE)),
                len(names))


def _log_index(doc: DocSnapshot, writes: dict[int, _Writes], staying: list[_Placed],
               employee_name: str | None) -> int | None:
    """Where entries go when there are none: below the log's note. The skeleton is written when
    the doc has none, and the log's heading alone when people deleted it."""
    log = doc.range(LOG_RANGE)
    if log:
        return log[1]
    ends = [extent[1] for extent in map(doc.range, (PLAN_RANGE, OBJECTIVES_RANGE, TARGETS_RANGE))
            if extent]
    if ends:
        index = min([max(ends)] + [p.start for p in staying])
        _at(writes, index).insert.append((_log_model(None), LOG_RANGE))
        return index
    if not employee_name:
        return None
    _at(writes, 1).insert.append((plan_skeleton(employee_name), PLAN_RANGE))
    return 1


def _requests(doc: DocSnapshot, writes: dict[int, _Writes]
              ) -> tuple[list[dict], dict[str, tuple[int, int]]]:
    """The writes as requests, from the highest index down, so that every index of the
    snapshot below the one being written still holds; and where the service's ranges are once
    they are applied."""
    edits = DocEdits({name: doc.range(name) for name in doc.named_ranges})
    deleted = {index: at.delete.end for index, at in writes.items() if at.delete}
    written: set[int] = set()
    for index in sorted(writes, reverse=True):
        at = writes[index]
        if at.delete:
            edits.requests.append({"deleteNamedRange": {"name": at.delete.name}})
            edits.delete(at.delete.start, at.delete.end)
        for model, name in at.insert:
            unbullet = index not in written and _list_follows(doc, index, deleted, written)
            edits.insert(index, section_requests(model, index, range_prefix=name),
                         unbullet=unbullet)
            written.add(index)
    return edits.requests, dict(edits.ranges)


def _list_follows(doc: DocSnapshot, index: int, deleted: dict[int, int],
                  written: set[int]) -> bool:
    """Whether the paragraph that will follow text inserted at ``index`` is a list item, whose
    bullet the inserted paragraphs would copy."""
    while index in deleted:
        index = deleted[index]
        if index in written:
            return False
    paragraph = doc.paragraph_at(index)
    return bool(paragraph and paragraph.is_list)
