"""The development-plan doc, composed and applied to the sandbox's model of a Google Doc."""
from __future__ import annotations

from datetime import date

import pytest

from flask_app.adapters.google.docs import snapshot
from flask_app.domain.concrete import EMPTY_PROMPT, PROMPT
from flask_app.domain.notes import Commitment, MeetingNotes
from flask_app.domain.plan import (LOG_NOTE, LOG_RANGE, OBJECTIVES_RANGE, PLAN_RANGE,
                                   TARGETS_RANGE, PlanEntry, compose_plan, entry_model,
                                   entry_range, plan_skeleton)
from flask_app.domain.snapshot import DocSnapshot
from workspace_sandbox.docs.document import Document

EMPLOYEE, MANAGER = "王芳 🚀", "José Álvarez"


def notes(obstacle="", tried="", success="", needs="", commitments=(), other="") -> MeetingNotes:
    return MeetingNotes({"obstacle": obstacle, "tried": tried, "success": success,
                         "needs": needs}, tuple(commitments), (), other)


def entry(day: int, month: int = 12, *, key: str | None = None, manager: str = MANAGER,
          **answers) -> PlanEntry:
    answers.setdefault("obstacle", f"Obstacle of the {day}th")
    return PlanEntry(key or f"series1/2026-{month:02d}-{day:02d}", date(2026, month, day),
                     EMPLOYEE, manager, notes(**answers))


def read(document: Document) -> DocSnapshot:
    return snapshot(document.to_json())


def write(document: Document, entries: list[PlanEntry], **kw) -> list[dict]:
    """Compose, apply, and check that composing the same again changes nothing. What was written
    is remembered on the document (as the store remembers it)."""
    written = document.__dict__.setdefault("written", {})
    objectives = document.__dict__.setdefault("objectives", {})
    batch = compose_plan(read(document), entries, written=written,
                         written_objectives=objectives, **kw)
    if batch.requests:
        document.apply(batch.requests)
    written.update(batch.hashes)
    objectives.update(batch.objectives)
    again = compose_plan(read(document), entries, written=written,
                         written_objectives=objectives, **kw)
    assert again.requests == [] and again.conflicts == []
    return batch.requests


def entry_headings(document: Document) -> list[str]:
    return [p.text for p in read(document).paragraphs if p.style == "HEADING_3"]


def entry_text(document: Document, e: PlanEntry) -> str:
    doc = read(document)
    return doc.text_in(*doc.range(e.range_name))


@pytest.fixture
def document() -> Document:
    return Document.new("plan", "Development plan")


def test_a_blank_doc_gets_the_skeleton(document):
    write(document, [], employee_name=EMPLOYEE)
    doc = read(document)
    assert [(p.style, p.text) for p in doc.paragraphs if p.style != "NORMAL_TEXT"] == [
        ("HEADING_1", "Development plan · 王芳 🚀"),
        ("HEADING_2", "Performance objectives (current role)"),
        ("HEADING_2", "Growth targets (next role)"),
        ("HEADING_2", "Coaching log"),
    ]
    assert doc.text_in(*doc.range(LOG_RANGE)) == f"Coaching log\n{LOG_NOTE}\n"
    assert doc.range(OBJECTIVES_RANGE)[1] == doc.range(TARGETS_RANGE)[0]
    assert doc.range(TARGETS_RANGE)[1] == doc.range(LOG_RANGE)[0]


def test_nothing_to_write_without_a_name_or_entries(document):
    assert compose_plan(read(document), [], written={}).requests == []


def test_skeleton_and_entries_in_one_batch_newest_first(document):
    write(document, [entry(1), entry(15), entry(8)])
    assert entry_headings(document) == [
        "Tue 15 Dec 2026 · with José Álvarez", "Tue 8 Dec 2026 · with José Álvarez",
        "Tue 1 Dec 2026 · with José Álvarez"]
    doc = read(document)
    assert doc.range(LOG_RANGE)[1] == doc.range(entry(15).range_name)[0]
    assert doc.range(entry(15).range_name)[1] == doc.range(entry(8).range_name)[0]


def test_entries_added_over_time_in_any_order_stay_newest_first(document):
    for batch in ([entry(8)], [entry(1)], [entry(15)], [entry(22), entry(3)], [entry(10)]):
        write(document, batch)
    assert [h.split(" · ")[0] for h in entry_headings(document)] == [
        "Tue 22 Dec 2026", "Tue 15 Dec 2026", "Thu 10 Dec 2026", "Tue 8 Dec 2026",
        "Thu 3 Dec 2026", "Tue 1 Dec 2026"]
    doc = read(document)
    extents = [doc.range(entry(d).range_name) for d in (22, 15, 10, 8, 3, 1)]
    assert all(a[1] == b[0] for a, b in zip(extents, extents[1:]))
    for d in (22, 15, 10, 8, 3, 1):
        assert entry_text(document, entry(d)) == "".join(
            b.text + "\n" for b in entry_model(entry(d)).blocks)


def test_an_entry_is_updated_in_place_not_duplicated(document):
    write(document, [entry(1), entry(8), entry(15)])
    before = entry_text(document, entry(15)), entry_text(document, entry(1))
    changed = entry(8, tried="Pairing with Zoë", commitments=[Commitment("Ana drafts the RFC")])
    requests = write(document, [entry(1), changed, entry(15)])
    assert [r for r in requests if "deleteContentRange" in r]  # only the changed one went
    assert len([r for r in requests if "insertText" in r]) == 1
    assert [h.split(" · ")[0] for h in entry_headings(document)] == [
        "Tue 15 Dec 2026", "Tue 8 Dec 2026", "Tue 1 Dec 2026"]
    text = entry_text(document, changed)
    assert "What was tried: Pairing with Zoë\n" in text and "☐ Ana drafts the RFC\n" in text
    assert (entry_text(document, entry(15)), entry_text(document, entry(1))) == before


def test_an_update_and_new_entries_in_one_batch(document):
    write(document, [entry(8)])
    write(document, [entry(22), entry(8, tried="Retries"), entry(15), entry(1)])
    assert [h.split(" · ")[0] for h in entry_headings(document)] == [
        "Tue 22 Dec 2026", "Tue 15 Dec 2026", "Tue 8 Dec 2026", "Tue 1 Dec 2026"]
    assert "What was tried: Retries" in entry_text(document, entry(8))


def test_hand_written_objectives_and_targets_are_never_touched(document):
    write(document, [], employee_name=EMPLOYEE)
    doc = read(document)
    objectives_line = doc.paragraphs_in(*doc.range(OBJECTIVES_RANGE))[-1]
    document.type_text(objectives_line.start, "Own the billing service 💳\nCut p95 to 200 ms")
    doc = read(document)
    targets_line = doc.paragraphs_in(*doc.range(TARGETS_RANGE))[-1]
    document.type_text(targets_line.start, "Lead a team of three by 2027")
    before = read(document)
    people = before.text_in(1, before.range(LOG_RANGE)[0])
    write(document, [entry(1), entry(8)])
    write(document, [entry(8, needs="Budget"), entry(15)])
    after = read(document)
    assert after.text_in(1, after.range(LOG_RANGE)[0]) == people
    assert after.paragraphs[:len(before.paragraphs) - 1] == before.paragraphs[:-1]


def test_text_people_add_around_entries_stays(document):
    write(document, [entry(8)])
    end = read(document).range(entry(8).range_name)[1]
    document.type_text(end, "First point\nOur own summary\n")
    point = read(document).paragraph_at(end)
    document.apply([{"createParagraphBullets": {
        "range": {"startIndex": point.start, "endIndex": point.end},
        "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE"}}])
    write(document, [entry(1)])  # older: goes right after the 8th, above people's list
    doc = read(document)
    ours = doc.paragraphs_in(*doc.range(entry(1).range_name))
    assert ours[0].text == "Tue 1 Dec 2026 · with José Álvarez"
    assert not any(p.is_list for p in ours)
    after = doc.paragraph_at(doc.range(entry(1).range_name)[1])
    assert after.text == "First point" and after.is_list
    assert [p.text for p in doc.paragraphs if p.is_list] == ["First point"]
    assert doc.paragraph_at(after.end).text == "Our own summary"


def test_an_entry_a_person_edited_is_left_as_it_is_and_reported(document):
    write(document, [entry(8)])
    doc = read(document)
    heading = doc.paragraphs_in(*doc.range(entry(8).range_name))[0]
    document.type_text(heading.end, "my aside\n")
    written = document.__dict__["written"]
    later = entry(8, tried="Pairing on the flaky tests")
    batch = compose_plan(read(document), [later], written=written)
    assert batch.requests == [] and batch.conflicts == [later.occurrence]
    assert "my aside" in entry_text(document, entry(8))


def test_an_entry_a_person_edited_is_not_removed_when_its_notes_are_emptied(document):
    write(document, [entry(8), entry(15)])
    doc = read(document)
    heading = doc.paragraphs_in(*doc.range(entry(8).range_name))[0]
    document.type_text(heading.end, "keep this\n")
    batch = compose_plan(read(document), [], remove=[entry(8).occurrence, entry(15).occurrence],
                         written=document.__dict__["written"])
    document.apply(batch.requests)
    assert batch.conflicts == [entry(8).occurrence]
    assert "keep this" in read(document).text_in(1, read(document).end_index)
    assert read(document).range(entry(15).range_name) is None


def test_a_moved_meeting_moves_its_entry(document):
    write(document, [entry(1), entry(8), entry(15)])
    moved = entry(20, key="series1/2026-12-08")
    write(document, [moved])
    assert [h.split(" · ")[0] for h in entry_headings(document)] == [
        "Sun 20 Dec 2026", "Tue 15 Dec 2026", "Tue 1 Dec 2026"]
    doc = read(document)
    assert entry_range("series1/2026-12-08", date(2026, 12, 8)) not in doc.named_ranges


def test_an_entry_whose_notes_were_emptied_is_removed(document):
    write(document, [entry(1), entry(8), entry(15)])
    write(document, [], remove=["series1/2026-12-08", "series1/2026-12-20"])
    assert [h.split(" · ")[0] for h in entry_headings(document)] == [
        "Tue 15 Dec 2026", "Tue 1 Dec 2026"]
    doc = read(document)
    assert entry(8).range_name not in doc.named_ranges
    assert doc.range(entry(15).range_name)[1] == doc.range(entry(1).range_name)[0]


def test_a_meeting_both_written_and_removed_is_refused(document):
    with pytest.raises(ValueError, match="repeat meetings: series1/2026-12-01"):
        compose_plan(read(document), [entry(1)], remove=["series1/2026-12-01"], written={})


def test_the_log_heading_comes_back_if_people_delete_it(document):
    write(document, [entry(8)])
    doc = read(document)
    log = doc.range(LOG_RANGE)
    document.apply([{"deleteContentRange": {"range": {"startIndex": log[0],
                                                      "endIndex": log[1]}}}])
    assert LOG_RANGE not in read(document).named_ranges
    write(document, [entry(1)])
    write(document, [entry(15)])
    doc = read(document)
    texts = [p.text for p in doc.paragraphs]
    assert texts.index("Coaching log") < texts.index("Tue 15 Dec 2026 · with José Álvarez") \
        < texts.index("Tue 8 Dec 2026 · with José Álvarez") \
        < texts.index("Tue 1 Dec 2026 · with José Álvarez")
    assert doc.range(TARGETS_RANGE)[1] == doc.range(LOG_RANGE)[0]


def test_an_entry_holds_the_answers_commitments_and_other_notes(document):
    e = entry(1, obstacle="Reviews wait three days\nand block releases", tried="",
              success="Ship the beta by Jan 15", needs="An intro to the data team",
              commitments=[Commitment("Ana drafts the RFC"), Commitment("Book the room", True)],
              other="Notes from Ana\nAsk about budget")
    write(document, [e])
    assert entry_text(document, e) == (
        "Tue 1 Dec 2026 · with José Álvarez\n"
        "Obstacle: Reviews wait three days\n"
        "and block releases\n"
        "What was tried: not answered\n"
        "What success looks like: Ship the beta by Jan 15\n"
        "What 王芳 🚀 needs from José Álvarez: An intro to the data team\n"
        "Commitments:\n"
        "☐ Ana drafts the RFC\n"
        "✓ Book the room\n"
        "Other notes: Notes from Ana\n"
        "Ask about budget\n")
    doc = read(document)
    labels = [s for p in doc.paragraphs_in(*doc.range(e.range_name)) for s in p.spans if s.bold]
    assert [s.text.rstrip("\n") for s in labels] == [
        "Obstacle: ", "What was tried: ", "What success looks like: ",
        "What 王芳 🚀 needs from José Álvarez: ", "Commitments:", "Other notes: "]


@pytest.mark.parametrize("success, flag", [
    ("Be better at presenting", PROMPT),
    ("", EMPTY_PROMPT),
    ("Present the roadmap at the all-hands on Jan 12", None),
])
def test_a_vague_success_statement_is_flagged(document, success, flag):
    e = entry(1, success=success)
    write(document, [e])
    doc = read(document)
    flags = [p for p in doc.paragraphs_in(*doc.range(e.range_name)) if p.text.startswith("⚑")]
    if flag is None:
        assert flags == []
    else:
        assert [p.text for p in flags] == [f"⚑ {flag}"]
        assert all(s.italic for s in flags[0].spans if s.text.strip())


def test_no_commitments_reads_none(document):
    write(document, [entry(1)])
    assert "Commitments: none\n" in entry_text(document, entry(1))
    assert "Other notes" not in entry_text(document, entry(1))


def test_a_new_manager_shows_on_later_entries(document):
    write(document, [entry(1), entry(8, manager="Ngozi Okonkwo-Šimić")])
    assert entry_headings(document) == ["Tue 8 Dec 2026 · with Ngozi Okonkwo-Šimić",
                                        "Tue 1 Dec 2026 · with José Álvarez"]


def test_an_existing_doc_gets_the_skeleton_above_what_is_there():
    document = Document.new("plan", "Plan")
    document.type_text(1, "Notes I kept before")
    write(document, [entry(1)])
    texts = [p.text for p in read(document).paragraphs]
    assert texts[0] == "Development plan · 王芳 🚀" and texts[-1] == "Notes I kept before"


def test_entries_repeating_a_meeting_are_refused(document):
    with pytest.raises(ValueError, match="repeat meetings: series1/2026-12-01"):
        compose_plan(read(document), [entry(1), entry(1, tried="x")], written={})


@pytest.mark.parametrize("field", ["occurrence", "employee_name", "manager_name"])
def test_blank_names_are_refused(field):
    values = {"occurrence": "k", "employee_name": EMPLOYEE, "manager_name": MANAGER}
    values[field] = " \t"
    with pytest.raises(ValueError, match=field):
        PlanEntry(day=date(2026, 12, 1), notes=notes(), **values)


def test_the_skeleton_needs_a_name():
    with pytest.raises(ValueError, match="employee_name"):
        plan_skeleton("  ")


def test_ranges_are_the_services_own(document):
    write(document, [entry(1)])
    names = set(read(document).named_ranges)
    assert names == {PLAN_RANGE, OBJECTIVES_RANGE, TARGETS_RANGE, LOG_RANGE, entry(1).range_name}
    assert EMPLOYEE not in entry(1).range_name and "2026-12-01" not in entry(1).range_name


def test_notes_read_from_a_pair_doc_become_an_entry():
    from datetime import datetime, timedelta, timezone
    from pathlib import Path

    from flask_app.adapters.templates import load_templates
    from flask_app.domain.agenda import AgendaContext
    from flask_app.domain.notes import read_meeting
    from flask_app.domain.occurrences import Occurrence
    from flask_app.domain.pair_doc import compose, header_model
    from flask_app.domain.sections import range_name

    template = load_templates(Path(__file__).parents[2] / "agendas")["one-on-one"]
    start = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    m = Occurrence("series1", start, start, start + timedelta(minutes=30))
    section = template.render(AgendaContext(MANAGER, EMPLOYEE, start.date()))
    pair = Document.new("pair", "One-on-ones")
    pair.apply(compose(read(pair), {}, insert=[m], redate=[], remove=[],
                       render=lambda *_: section, header=header_model(MANAGER, EMPLOYEE)).requests)
    doc = read(pair)
    name = range_name(m.key)
    pair.type_text(doc.paragraphs_in(*doc.range(f"{name}.success"))[-1].start,
                   "Feel better about presenting MARKER-qzx")
    notes_read = read_meeting(read(pair), name, section)
    plan = Document.new("plan", "Plan")
    e = PlanEntry(m.key, start.date(), EMPLOYEE, MANAGER, notes_read)
    write(plan, [e])
    text = entry_text(plan, e)
    assert "What success looks like: Feel better about presenting MARKER-qzx\n" in text
    assert f"⚑ {PROMPT}\n" in text


# --- objectives, the summary, links ----------------------------------------------------------
def test_a_concrete_success_statement_becomes_an_objective_once(document):
    from flask_app.domain.plan import Objective
    write(document, [entry(1)])
    goal = Objective("series1/2026-12-01", date(2026, 12, 1), "Median review time under 4h by March")
    write(document, [entry(1)], objectives=[goal])
    doc = read(document)
    objectives = doc.text_in(*doc.range(OBJECTIVES_RANGE))
    after = doc.text_in(doc.range(OBJECTIVES_RANGE)[1], doc.range(TARGETS_RANGE)[0])
    assert "Median review time under 4h by March · since Tue 1 Dec 2026 · open" in after
    assert "Median review" not in objectives  # below the objectives people wrote, not inside
    written = document.__dict__["written"]
    again = compose_plan(read(document), [entry(1)], written=written, objectives=[goal],
                         written_objectives={goal.occurrence: "x"})
    assert again.requests == []  # once written, never written again


def test_an_objective_a_person_changed_is_never_changed_back(document):
    from flask_app.domain.plan import Objective
    goal = Objective("series1/2026-12-01", date(2026, 12, 1), "Ship the rota by Friday")
    write(document, [entry(1)])
    first = compose_plan(read(document), [entry(1)], written=document.__dict__["written"],
                         objectives=[goal])
    document.apply(first.requests)
    doc = read(document)
    line = doc.paragraph_at(doc.range(goal.range_name)[0])
    document.type_text(line.start, "MET — ")
    changed = Objective(goal.occurrence, goal.day, "Ship the rota by Thursday")
    batch = compose_plan(read(document), [entry(1)], written=document.__dict__["written"],
                         objectives=[changed], written_objectives=first.objectives)
    assert batch.requests == []
    assert "MET — Ship the rota by Friday" in read(document).text_in(1, 10**6)


def test_the_summary_sits_under_the_title_and_follows_the_numbers(document):
    from flask_app.domain.plan import SUMMARY_RANGE, PlanSummary
    write(document, [entry(1)])
    one = PlanSummary(1, 1, 2, 14, (3,))
    first = compose_plan(read(document), [entry(1)], written=document.__dict__["written"],
                         summary=one)
    document.apply(first.requests)
    doc = read(document)
    assert doc.paragraphs[1].text == ("This quarter: 1 one-on-one · 1 with all four questions "
                                      "answered · 2 items open, the oldest for 14 days · "
                                      "usefulness 3")
    two = PlanSummary(2, 1, 0, None, (3, 4))
    second = compose_plan(doc, [entry(1)], written=document.__dict__["written"], summary=two,
                          written_summary=first.summary)
    document.apply(second.requests)
    text = read(document).text_in(*read(document).range(SUMMARY_RANGE))
    assert text == ("This quarter: 2 one-on-ones · 1 with all four questions answered · "
                    "nothing open · usefulness 3 → 4\n")
    document.type_text(read(document).range(SUMMARY_RANGE)[0], "My note. ")
    third = compose_plan(read(document), [entry(1)], written=document.__dict__["written"],
                         summary=one, written_summary=second.summary)
    assert third.requests == []


def test_an_entry_links_to_its_meeting_and_shows_done_commitments_struck(document):
    from flask_app.domain.notes import Commitment
    link = "https://docs.google.com/document/d/pair/edit#heading=h.abc"
    done = entry(1, commitments=(Commitment("Ana: intro Arjun to the SRE lead", done=True),
                                 Commitment("Bo: draft the RFC"),))
    write(document, [PlanEntry(done.occurrence, done.day, EMPLOYEE, MANAGER, done.notes,
                               link=link)])
    data = document.to_json()
    heading = next(e for e in data["body"]["content"] if "paragraph" in e and
                   e["paragraph"]["paragraphStyle"].get("namedStyleType") == "HEADING_3")
    assert heading["paragraph"]["elements"][0]["textRun"]["textStyle"]["link"]["url"] == link
    doc = read(document)
    struck = next(p for p in doc.paragraphs if "intro Arjun" in p.text)
    assert struck.text == "✓ Ana: intro Arjun to the SRE lead" and struck.struck
    assert any(p.text == "☐ Bo: draft the RFC" for p in doc.paragraphs)


def test_an_entry_with_a_done_commitment_is_still_the_services_to_update(document):
    from flask_app.domain.notes import Commitment
    done = entry(1, commitments=(Commitment("Ana: intro Arjun", done=True),))
    batch = compose_plan(read(document), [done], written={})
    document.apply(batch.requests)
    later = entry(1, tried="Pairing", commitments=(Commitment("Ana: intro Arjun", done=True),))
    again = compose_plan(read(document), [later], written=batch.hashes)
    assert again.conflicts == [] and again.requests


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sets(st.integers(1, 28), min_size=1, max_size=3),
                          st.integers(0, 3), st.integers(0, 5)), min_size=1, max_size=5))
def test_writing_from_the_last_layout_is_writing_from_a_fresh_read(rounds):
    """Composed against what the last write left (no read), a batch is the batch a fresh read
    gives: same requests, same ranges after."""
    from flask_app.domain.plan import (SUMMARY_RANGE, Objective, PlanLayout, PlanSummary,
                                       objective_range)
    document = Document.new("plan", "Development plan")
    hashes, days, objectives, summary_hash, layout, revision = {}, {}, {}, None, None, 0
    for chosen, variant, pulse in rounds:
        entries = [entry(day, tried=f"attempt {variant}") for day in sorted(chosen)]
        goals = [Objective(e.occurrence, e.day, f"Goal {e.day:%d}") for e in entries]
        summary = PlanSummary(len(hashes) + 1, variant, pulse, pulse or None, (pulse,))
        kw = dict(written=hashes, objectives=goals, written_objectives=objectives,
                  summary=summary, written_summary=summary_hash)
        fresh = compose_plan(read(document), entries, **kw)
        if layout is not None:
            fingerprints = {entry_range(k, days[k]): h for k, h in hashes.items()}
            fingerprints |= {objective_range(k): h for k, h in objectives.items()}
            if summary_hash:
                fingerprints[SUMMARY_RANGE] = summary_hash
            cached = compose_plan(PlanLayout("plan", str(revision), layout, fingerprints),
                                  entries, **kw)
            assert cached.requests == fresh.requests and cached.layout == fresh.layout
        if fresh.requests:
            document.apply(fresh.requests)
            revision += 1
        hashes = {**hashes, **fresh.hashes}
        days |= {e.occurrence: e.day for e in entries}
        objectives = {**objectives, **fresh.objectives}
        summary_hash = fresh.summary if fresh.summary is not None else summary_hash
        layout = fresh.layout
        assert layout == {n: read(document).range(n) for n in read(document).named_ranges
                          if n.startswith("coach.")}
