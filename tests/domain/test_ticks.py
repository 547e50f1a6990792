"""Checklist ticks from Drive's Markdown export, matched to the doc's checklist paragraphs."""
from __future__ import annotations

from flask_app.domain.snapshot import DocSnapshot, Paragraph
from flask_app.domain.ticks import checklist, with_ticks

EXPORT = """# 1:1 · Tue 1 Dec 2026

- [x] Book the **room** (from Tue 24 Nov 2026)
- [ ] Draft the \\[RFC\\]
    - [x] A [linked](https://example.com) item
1. [ ] numbered one
- not a checklist item
"""


def test_the_export_gives_each_items_text_and_tick():
    assert checklist(EXPORT) == [("Book the room (from Tue 24 Nov 2026)", True),
                                 ("Draft the [RFC]", False), ("A linked item", True),
                                 ("numbered one", False)]


def doc(*texts: tuple[str, bool]) -> DocSnapshot:
    paragraphs, start = [], 1
    for text, box in texts:
        end = start + len(text) + 1
        paragraphs.append(Paragraph(start, end, text, list_id="l" if box else None, checkbox=box))
        start = end
    return DocSnapshot("d", "r", "t", tuple(paragraphs))


def test_ticks_are_matched_in_order_by_text():
    snapshot = doc(("Book the room (from Tue 24 Nov 2026)", True), ("Plain", False),
                   ("Draft the [RFC]", True), ("Book the room (from Tue 24 Nov 2026)", True))
    ticked = with_ticks(snapshot, checklist(EXPORT))
    assert [p.ticked for p in ticked.paragraphs] == [True, False, False, False]


def test_an_export_without_the_item_ticks_nothing():
    snapshot = doc(("Something else", True))
    assert not with_ticks(snapshot, checklist(EXPORT)).paragraphs[0].ticked
