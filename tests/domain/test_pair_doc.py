"""Composing a pair doc's sections, applied to the sandbox's model of a Google Doc."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from flask_app.adapters.google.docs import snapshot
from flask_app.adapters.templates import load_templates
from flask_app.domain.agenda import AgendaContext
from flask_app.domain.occurrences import Occurrence
from flask_app.domain.pair_doc import HEADER_RANGE, compose, header_model
from flask_app.domain.sections import range_name
from workspace_sandbox.docs.document import Document

TEMPLATE = load_templates(Path(__file__).parents[2] / "agendas")["one-on-one"]
HEADER = header_model("José Álvarez", "王芳 🚀")


def meeting(day: int, *, hour: int = 10, moved_to: datetime | None = None,
            cancelled: bool = False) -> Occurrence:
    original = datetime(2026, 12, day, hour, tzinfo=timezone.utc)
    start = moved_to or original
    return Occurrence("series1", original, start, start + timedelta(minutes=30),
                      cancelled=cancelled)


def render(m, items):
    return TEMPLATE.render(AgendaContext("José Álvarez", "王芳 🚀", m.start.date(), items))


def run(document: Document, written: dict, **changes):
    """Compose against the document, apply the batch, and return the outcome."""
    kw = {"insert": [], "redate": [], "remove": []} | changes
    outcome = compose(snapshot(document.to_json()), written, render=render, header=HEADER, **kw)
    if outcome.requests:
        document.apply(outcome.requests)
    for w in outcome.written + outcome.adopted:
        written[w.occurrence] = w
    for key in outcome.removed:
        written.pop(key, None)
    return outcome


def titles(document: Document) -> list[str]:
    doc = snapshot(document.to_json())
    return [p.text for p in doc.paragraphs if p.style == "HEADING_1"]


def section_text(document: Document, occurrence: Occurrence, key: str | None = None) -> str:
    doc = snapshot(document.to_json())
    name = range_name(occurrence.key) + (f".{key}" if key else "")
    return doc.text_in(*doc.range(name))


@pytest.fixture
def document():
    return Document.new("doc1", "One-on-ones")


def test_new_doc_gets_a_header_and_sections_newest_on_top(document):
    written = {}
    run(document, written, insert=[meeting(1), meeting(8)])
    assert titles(document) == ["1:1 · Tue 8 Dec 2026", "1:1 · Tue 1 Dec 2026"]
    doc = snapshot(document.to_json())
    assert doc.paragraphs[0].text == "One-on-ones · José Álvarez & 王芳 🚀"
    header = doc.range(HEADER_RANGE)
    first, second = doc.range(range_name(meeting(8).key)), doc.range(range_name(meeting(1).key))
    assert header[1] == first[0] and first[1] == second[0]
    for key in ("obstacle", "tried", "success", "needs", "commitments", "open_items"):
        assert doc.range(f"{range_name(meeting(1).key)}.{key}") is not None
    assert "What's the obstacle" in section_text(document, meeting(1), "obstacle")


def test_composing_again_changes_nothing(document):
    written = {}
    run(document, written, insert=[meeting(1), meeting(8)])
    before = document.to_json()
    outcome = run(document, written)
    assert outcome.requests == [] and document.to_json() == before


def test_a_crash_before_recording_adopts_the_section_instead_of_writing_it_twice(document):
    written = {}
    run(document, written, insert=[meeting(1)])
    outcome = run(document, {}, insert=[meeting(1)])
    assert [w.occurrence for w in outcome.adopted] == [meeting(1).key]
    assert titles(document) == ["1:1 · Tue 1 Dec 2026"]


def test_needs_and_open_commitments_are_carried_into_the_next_meeting(document):
    written = {}
    run(document, written, insert=[meeting(1)])
    doc = snapshot(document.to_json())
    needs = doc.range(range_name(meeting(1).key) + ".needs")
    # The report answers under "needs" (the empty line after the question).
    answer_line = doc.paragraphs_in(*needs)[1]
    document.type_text(answer_line.start, "Budget sign-off for the Kafka migration ✨")
    commitments = snapshot(document.to_json()).range(range_name(meeting(1).key) + ".commitments")
    box = [p for p in snapshot(document.to_json()).paragraphs_in(*commitments) if p.checkbox][0]
    document.type_text(box.start, "Ana drafts the RFC")
    run(document, written, insert=[meeting(8)])
    carried = section_text(document, meeting(8), "open_items")
    assert "Budget sign-off for the Kafka migration ✨ (from Tue 1 Dec 2026)" in carried
    assert "Ana drafts the RFC (from Tue 1 Dec 2026)" in carried
    assert titles(document) == ["1:1 · Tue 8 Dec 2026", "1:1 · Tue 1 Dec 2026"]


def test_items_marked_done_are_not_carried(document):
    written = {}
    run(document, written, insert=[meeting(1)])
    doc = snapshot(document.to_json())
    needs = doc.range(range_name(meeting(1).key) + ".needs")
    document.type_text(doc.paragraphs_in(*needs)[1].start, "✓ Intro to the data team")
    run(document, written, insert=[meeting(8)])
    assert "Intro to the data team" not in section_text(document, meeting(8), "open_items")


def test_a_cancelled_meeting_loses_its_section_only_if_nobody_wrote_in_it(document):
    written = {}
    run(document, written, insert=[meeting(1), meeting(8), meeting(15)])
    doc = snapshot(document.to_json())
    obstacle = doc.range(range_name(meeting(8).key) + ".obstacle")
    document.type_text(doc.paragraphs_in(*obstacle)[-1].start, "Flaky CI")
    outcome = run(document, written, remove=[written[meeting(8).key], written[meeting(15).key]])
    assert outcome.removed == [meeting(15).key] and outcome.kept == [meeting(8).key]
    assert titles(document) == ["1:1 · Tue 8 Dec 2026 (cancelled)", "1:1 · Tue 1 Dec 2026"]
    assert "Flaky CI" in section_text(document, meeting(8), "obstacle")


def cancel_after(document, edit) -> tuple:
    """Write two meetings, let ``edit(document, section extent)`` change the first, cancel both."""
    written = {}
    run(document, written, insert=[meeting(1), meeting(8)])
    doc = snapshot(document.to_json())
    edit(document, doc.range(range_name(meeting(8).key)))
    before = snapshot(document.to_json()).text_in(1, 10**6)
    outcome = run(document, written, remove=[written[meeting(8).key], written[meeting(1).key]])
    return outcome, before


def test_text_typed_into_a_title_line_keeps_the_section():
    document = Document.new("doc1", "One-on-ones")
    outcome, before = cancel_after(
        document, lambda d, extent: d.type_text(extent[0] + 3, " — prep: Q3 numbers"))
    assert outcome.kept == [meeting(8).key] and outcome.removed == [meeting(1).key]
    assert "1:1 — prep: Q3 numbers · Tue 8 Dec 2026 (cancelled)" in titles(document)


@pytest.mark.parametrize("edit", [
    lambda d, extent: d.apply([{"insertTable": {"rows": 2, "columns": 2,
                                                "location": {"index": extent[1] - 1}}}]),
    lambda d, extent: d.apply([{"insertInlineImage": {"uri": "https://example.com/a.png",
                                                      "location": {"index": extent[1] - 1}}}]),
    lambda d, extent: d.apply([{"createFootnote": {"location": {"index": extent[1] - 1}}}]),
], ids=["table", "image", "footnote"])
def test_a_table_image_or_footnote_people_added_keeps_the_section(edit):
    document = Document.new("doc1", "One-on-ones")
    outcome, _ = cancel_after(document, edit)
    assert outcome.kept == [meeting(8).key] and outcome.removed == [meeting(1).key]


def test_a_moved_meeting_gets_its_date_and_peoples_text_stays(document):
    written = {}
    run(document, written, insert=[meeting(1)])
    doc = snapshot(document.to_json())
    tried = doc.range(range_name(meeting(1).key) + ".tried")
    document.type_text(doc.paragraphs_in(*tried)[-1].start, "Pairing with Zoë")
    moved = meeting(1, moved_to=datetime(2026, 12, 3, 15, tzinfo=timezone.utc))
    run(document, written, redate=[(written[moved.key], moved)])
    assert titles(document) == ["1:1 · Thu 3 Dec 2026"]
    assert "Pairing with Zoë" in section_text(document, moved, "tried")
    assert written[moved.key].start.date() == date(2026, 12, 3)


def test_a_title_someone_edited_is_left_alone_when_the_meeting_moves(document):
    written = {}
    run(document, written, insert=[meeting(1)])
    doc = snapshot(document.to_json())
    title = doc.paragraphs_in(*doc.range(range_name(meeting(1).key)))[0]
    document.type_text(title.end - 1, " (quarterly goals!)")
    moved = meeting(1, moved_to=datetime(2026, 12, 2, 9, tzinfo=timezone.utc))
    run(document, written, redate=[(written[moved.key], moved)])
    assert titles(document) == ["1:1 · Tue 1 Dec 2026 (quarterly goals!)"]


def test_an_older_meeting_goes_below_newer_ones(document):
    written = {}
    run(document, written, insert=[meeting(15)])
    run(document, written, insert=[meeting(8)])
    run(document, written, insert=[meeting(22)])
    assert titles(document) == ["1:1 · Tue 22 Dec 2026", "1:1 · Tue 15 Dec 2026",
                                "1:1 · Tue 8 Dec 2026"]
    doc = snapshot(document.to_json())
    extents = [doc.range(range_name(meeting(d).key)) for d in (22, 15, 8)]
    assert extents[0][1] == extents[1][0] and extents[1][1] == extents[2][0]


def test_the_agenda_goes_into_an_existing_notes_doc_above_what_people_wrote():
    document = Document.new("notes", "Meeting notes")
    document.type_text(1, "Our shared notes")
    document.append_paragraph("Earlier thoughts about the roadmap")
    run(document, {}, insert=[meeting(1)])
    text = document.text()
    assert text.index("One-on-ones · José Álvarez") < text.index("1:1 · Tue 1 Dec 2026") \
        < text.index("Our shared notes") < text.index("Earlier thoughts about the roadmap")
