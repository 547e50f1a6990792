"""Reading a meeting's section back out of a pair doc, after what people do to documents."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flask_app.adapters.google.docs import snapshot
from flask_app.adapters.templates import load_templates
from flask_app.domain.agenda import AgendaContext
from flask_app.domain.notes import Commitment, read_meeting, read_paragraphs
from flask_app.domain.occurrences import Occurrence
from flask_app.domain.pair_doc import compose, header_model
from flask_app.domain.sections import PlacedSection, open_items, range_name
from flask_app.domain.snapshot import DocSnapshot, Paragraph
from workspace_sandbox.docs.document import Document

ROOT = Path(__file__).parents[2]
TEMPLATE = load_templates(ROOT / "agendas")["one-on-one"]
CAPTURES = sorted((ROOT / "tests/data/google-captures/docs/documents").glob("*.json"))
MANAGER, REPORT = "José Álvarez", "王芳 🚀"


def meeting(day: int) -> Occurrence:
    start = datetime(2026, 12, day, 10, tzinfo=timezone.utc)
    return Occurrence("series1", start, start, start + timedelta(minutes=30))


def rendered(m: Occurrence, items=()):
    return TEMPLATE.render(AgendaContext(MANAGER, REPORT, m.start.date(), tuple(items)))


def add_meetings(document: Document, *meetings: Occurrence, written: dict | None = None) -> None:
    """Write the meetings' sections as the agenda sync does (``written``: its records)."""
    written = {} if written is None else written
    for m in meetings:
        doc = snapshot(document.to_json())
        outcome = compose(doc, written, insert=[m], redate=[], remove=[], render=rendered,
                          header=header_model(MANAGER, REPORT))
        document.apply(outcome.requests)
        written.update((w.occurrence, w) for w in outcome.written)


class Section:
    """One meeting's section in a sandbox document, edited as a person would."""

    def __init__(self, document: Document, m: Occurrence):
        self.document, self.meeting, self.name = document, m, range_name(m.key)

    @property
    def doc(self) -> DocSnapshot:
        return snapshot(self.document.to_json())

    def paragraphs(self, key: str) -> list[Paragraph]:
        doc = self.doc
        return doc.paragraphs_in(*doc.range(f"{self.name}.{key}"))

    def heading(self, key: str) -> Paragraph:
        return self.paragraphs(key)[0]

    def answer(self, key: str, text: str) -> None:
        """Type into the empty line the template leaves under a question (or the checkbox)."""
        line = self.paragraphs(key)[-1]
        self.document.type_text(line.start, text)

    def rename(self, key: str, text: str) -> None:
        heading = self.heading(key)
        self.document.apply([
            {"insertText": {"text": text, "location": {"index": heading.start + 1}}},
            {"deleteContentRange": {"range": {"startIndex": heading.start + 1 + len(text),
                                              "endIndex": heading.end - 1 + len(text)}}},
            {"deleteContentRange": {"range": {"startIndex": heading.start,
                                              "endIndex": heading.start + 1}}},
        ])

    def forget_range(self, key: str) -> None:
        self.document.apply([{"deleteNamedRange": {"name": f"{self.name}.{key}"}}])

    def read(self, *, with_template: bool = True):
        template = rendered(self.meeting) if with_template else None
        return read_meeting(self.doc, self.name, template)


@pytest.fixture
def section() -> Section:
    document = Document.new("pair", "One-on-ones")
    add_meetings(document, meeting(1))
    return Section(document, meeting(1))


@pytest.mark.parametrize("with_template", [True, False])
def test_an_untouched_section_is_not_filled(section, with_template):
    notes = section.read(with_template=with_template)
    assert not notes.filled
    assert notes.answers == {"obstacle": "", "tried": "", "success": "", "needs": ""}
    assert notes.commitments == () and notes.open_items == () and notes.other == ""


@pytest.mark.parametrize("with_template", [True, False])
def test_a_filled_section(section, with_template):
    section.answer("obstacle", "Reviews wait three days ⏳")
    section.answer("tried", "Pairing with Zoë")
    section.answer("success", "Reviews within 24 hours by January")
    section.answer("needs", "An intro to the platform team")
    section.answer("commitments", "Ana drafts the RFC by Friday")
    notes = section.read(with_template=with_template)
    assert notes.filled
    assert notes.answers == {"obstacle": "Reviews wait three days ⏳", "tried": "Pairing with Zoë",
                             "success": "Reviews within 24 hours by January",
                             "needs": "An intro to the platform team"}
    assert notes.commitments == (Commitment("Ana drafts the RFC by Friday", False),)
    assert notes.other == ""


def test_answers_over_several_paragraphs_and_soft_line_breaks_keep_their_lines(section):
    section.answer("obstacle", "First line\n\nSecond line\x0bsame paragraph")
    assert section.read().answers["obstacle"] == "First line\nSecond line\nsame paragraph"


def test_empty_answers_stay_empty_next_to_given_ones(section):
    section.answer("needs", "Budget sign-off")
    notes = section.read()
    assert notes.filled
    assert notes.answers == {"obstacle": "", "tried": "", "success": "", "needs": "Budget sign-off"}


def test_text_typed_onto_the_hint_line_keeps_only_the_persons_part(section):
    hint = section.paragraphs("obstacle")[1]
    section.document.type_text(hint.end - 1, " The build is slow.")
    assert section.read().answers["obstacle"] == "The build is slow."


def test_pasted_formatting_does_not_change_the_text(section):
    section.answer("tried", "Read the RFC and the runbook")
    line = section.paragraphs("tried")[-1]
    section.document.apply([
        {"updateTextStyle": {"range": {"startIndex": line.start, "endIndex": line.start + 4},
                             "textStyle": {"bold": True}, "fields": "bold"}},
        {"updateTextStyle": {"range": {"startIndex": line.start + 9, "endIndex": line.start + 12},
                             "textStyle": {"link": {"url": "https://example.com/rfc"}},
                             "fields": "link"}},
    ])
    assert section.read().answers["tried"] == "Read the RFC and the runbook"


def test_a_renamed_heading_is_found_by_its_named_range(section):
    section.rename("obstacle", "Was mich bremst")
    section.answer("obstacle", "Flaky CI")
    assert section.read().answers["obstacle"] == "Flaky CI"


def test_a_renamed_heading_without_its_range_is_found_by_keywords(section):
    section.answer("obstacle", "Flaky CI")
    section.rename("obstacle", "Blockers this week")
    section.forget_range("obstacle")
    assert section.read().answers["obstacle"] == "Flaky CI"


def test_a_renamed_heading_without_its_range_is_found_by_its_position(section):
    section.answer("tried", "Retries")
    section.rename("tried", "Zwischenstand")
    section.forget_range("tried")
    notes = section.read()
    assert notes.answers["tried"] == "Retries" and notes.other == ""


def test_reordered_headings_are_found_by_their_text(section):
    """Cutting a part and pasting it elsewhere loses its named range (all its content went)."""
    section.answer("success", "Ship the beta")
    section.answer("obstacle", "Scope creep")
    part = section.paragraphs("success")
    top = section.heading("open_items").start
    document = section.document
    document.apply([{"deleteContentRange": {"range": {"startIndex": part[0].start,
                                                      "endIndex": part[-1].end}}}])
    text = "What would success look like in concrete terms?\nShip the beta\n"
    document.apply([
        {"insertText": {"text": text, "location": {"index": top}}},
        {"updateParagraphStyle": {"range": {"startIndex": top, "endIndex": top + 1},
                                  "paragraphStyle": {"namedStyleType": "HEADING_2"},
                                  "fields": "namedStyleType"}},
        {"updateParagraphStyle": {"range": {"startIndex": top + 49, "endIndex": top + 50},
                                  "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"},
                                  "fields": "namedStyleType"}},
    ])
    assert section.doc.range(f"{section.name}.success") is None
    notes = section.read()
    assert notes.answers["success"] == "Ship the beta"
    assert notes.answers["obstacle"] == "Scope creep"
    assert notes.other == ""


def test_a_heading_pasted_as_plain_text_still_counts(section):
    section.answer("needs", "Time with the architect")
    heading = section.heading("needs")
    section.forget_range("needs")
    section.document.apply([{"updateParagraphStyle": {
        "range": {"startIndex": heading.start, "endIndex": heading.end},
        "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}, "fields": "namedStyleType"}}])
    notes = section.read()
    assert notes.answers == {"obstacle": "", "tried": "", "success": "",
                             "needs": "Time with the architect"}


def test_an_emptied_heading_does_not_cut_the_answer_off(section):
    section.answer("obstacle", "Scope creep")
    line = section.paragraphs("obstacle")[-1]
    section.document.append_paragraph("", after_index=line.start)
    empty = section.doc.paragraph_at(line.end)
    section.document.apply([{"updateParagraphStyle": {
        "range": {"startIndex": empty.start, "endIndex": empty.end},
        "paragraphStyle": {"namedStyleType": "HEADING_2"}, "fields": "namedStyleType"}}])
    section.document.append_paragraph("and meetings", after_index=empty.start)
    notes = section.read()
    assert notes.answers["obstacle"] == "Scope creep\nand meetings" and notes.other == ""


def test_text_under_an_added_heading_is_other(section):
    section.answer("needs", "Feedback on the draft")
    needs_answer = section.paragraphs("needs")[-1]
    section.document.append_paragraph("Notes from Ana", after_index=needs_answer.start)
    added = section.doc.paragraph_at(needs_answer.end)
    section.document.apply([{"updateParagraphStyle": {
        "range": {"startIndex": added.start, "endIndex": added.end},
        "paragraphStyle": {"namedStyleType": "HEADING_2"}, "fields": "namedStyleType"}}])
    section.document.append_paragraph("Ask about the conference budget", after_index=added.start)
    notes = section.read()
    assert notes.answers["needs"] == "Feedback on the draft"
    assert notes.other == "Notes from Ana\nAsk about the conference budget"
    assert notes.filled


def test_a_deeper_heading_continues_the_answer_above_it(section):
    section.answer("obstacle", "Two things")
    line = section.paragraphs("obstacle")[-1]
    section.document.append_paragraph("Details", after_index=line.start)
    added = section.doc.paragraph_at(line.end)
    section.document.apply([{"updateParagraphStyle": {
        "range": {"startIndex": added.start, "endIndex": added.end},
        "paragraphStyle": {"namedStyleType": "HEADING_3"}, "fields": "namedStyleType"}}])
    section.document.append_paragraph("Slow reviews", after_index=added.start)
    assert section.read().answers["obstacle"] == "Two things\nDetails\nSlow reviews"


def test_text_typed_under_the_title_is_other(section):
    title = section.doc.paragraph_at(section.doc.range(section.name)[0])
    section.document.append_paragraph("Agenda moved to Thursday", after_index=title.start)
    notes = section.read()
    assert notes.other == "Agenda moved to Thursday" and notes.filled


def test_commitments_with_their_done_marks(section):
    section.answer("commitments", "Ana drafts the RFC")
    box = section.paragraphs("commitments")[-1]
    document = section.document
    document.append_paragraph("✓ Book the room", after_index=box.start)
    document.append_paragraph("[x] Send the survey", after_index=box.start + 20)
    document.append_paragraph("Share the slides", after_index=box.start + 37)
    struck = section.paragraphs("commitments")[-1]
    document.apply([{"updateTextStyle": {
        "range": {"startIndex": struck.start, "endIndex": struck.end - 1},
        "textStyle": {"strikethrough": True}, "fields": "strikethrough"}}])
    notes = section.read()
    assert [p.checkbox for p in section.paragraphs("commitments")[2:]] == [True] * 4
    assert notes.commitments == (
        Commitment("Ana drafts the RFC", False), Commitment("Book the room", True),
        Commitment("Send the survey", True), Commitment("Share the slides", True))


def test_carried_items_are_read_with_their_state_and_do_not_fill_a_section():
    document, written = Document.new("pair", "One-on-ones"), {}
    add_meetings(document, meeting(1), written=written)
    first = Section(document, meeting(1))
    first.answer("needs", "Budget sign-off")
    first.answer("commitments", "Ana drafts the RFC")
    add_meetings(document, meeting(8), written=written)
    second = Section(document, meeting(8))
    items = [p for p in second.paragraphs("open_items") if p.checkbox]
    assert len(items) == 2
    notes = read_meeting(second.doc, second.name, rendered(meeting(8), _carried(second)))
    assert notes.open_items == (Commitment("Budget sign-off", False),
                                Commitment("Ana drafts the RFC", False))
    assert not notes.filled
    document.apply([{"updateTextStyle": {
        "range": {"startIndex": items[0].start, "endIndex": items[0].end - 1},
        "textStyle": {"strikethrough": True}, "fields": "strikethrough"}}])
    notes = second.read(with_template=False)
    assert notes.open_items[0] == Commitment("Budget sign-off", True)
    assert not notes.filled


def _carried(section: Section):
    """The open items as the section shows them (what the service rendered it with)."""
    doc = section.doc
    start, end = doc.range(section.name)
    return open_items(doc, [PlacedSection(section.name, start, end,
                                          section.meeting.start.date())])


def test_suggested_text_is_read_as_text(section):
    section.answer("tried", "Rewrote the cache")
    data = section.document.to_json()
    for element in data["body"]["content"]:
        for run in element.get("paragraph", {}).get("elements", []):
            if run["textRun"]["content"].startswith("Rewrote"):
                run["textRun"]["suggestedInsertionIds"] = ["suggest.abc123"]
    assert read_meeting(snapshot(data), section.name).answers["tried"] == "Rewrote the cache"


def test_a_section_that_is_gone_reads_as_none(section):
    assert read_meeting(section.doc, range_name("another meeting")) is None


def _doc(*paragraphs: tuple[str, str]) -> DocSnapshot:
    result, index = [], 1
    for style, text in paragraphs:
        end = index + len(text.encode("utf-16-le")) // 2 + 1
        result.append(Paragraph(index, end, text, style))
        index = end
    return DocSnapshot("d", None, "t", tuple(result))


@pytest.mark.parametrize("headings", [
    ("Offene Punkte", "Hindernisse", "Was hast du schon versucht?", "Wie sieht Erfolg aus?",
     "Was brauchst du von mir?", "Vereinbarungen"),
    ("Pendiente", "Obstáculos", "¿Qué has intentado?", "¿Cómo se ve el éxito?",
     "¿Qué necesitas de mí?", "Compromisos"),
    ("Still open", "Blockers", "Attempts so far", "Definition of done", "Support I need",
     "Action items"),
    ("未完成事项", "遇到的障碍", "尝试过什么", "成功的样子", "需要我做什么", "承诺"),
])
def test_headings_in_other_words_and_languages(headings):
    h2 = "HEADING_2"
    doc = _doc(("HEADING_1", "1:1"), (h2, headings[0]), (h2, headings[1]), ("NORMAL_TEXT", "O"),
               (h2, headings[2]), ("NORMAL_TEXT", "T"), (h2, headings[3]), ("NORMAL_TEXT", "S"),
               (h2, headings[4]), ("NORMAL_TEXT", "N"), (h2, headings[5]),
               ("NORMAL_TEXT", "C"))
    notes = read_paragraphs(doc.paragraphs)
    assert notes.answers == {"obstacle": "O", "tried": "T", "success": "S", "needs": "N"}
    assert notes.commitments == (Commitment("C"),) and notes.other == ""


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_real_google_documents_are_read(path):
    doc = snapshot(json.loads(path.read_text(encoding="utf-8")))
    whole = read_paragraphs(doc.paragraphs)
    typed = [p.text for p in doc.paragraphs if p.text.strip() and p.heading_level is None]
    read = [whole.other, *whole.answers.values(), *(c.text for c in whole.commitments)]
    lost = [text for text in typed if not any(text in part for part in read)]
    assert lost == []  # every word is read, whichever part of the agenda it is taken for
    assert whole.filled
    for name in doc.named_ranges:
        notes = read_meeting(doc, name)
        assert notes.other == doc.text_in(*doc.range(name)).strip()
