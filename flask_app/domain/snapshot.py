"""A read-only view of a Google Doc's body, as the domain needs it.

The Docs adapter builds it from ``documents.get``; indices are Google's UTF-16 indices. Besides
text, a body holds tables (their cells' paragraphs are listed with ``in_table``), and elements that
are not text (inline images, footnote references, horizontal rules, page breaks, people and date
chips...), which stand in a paragraph's text as one OBJECT character per index they take.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

OBJECT = "\ufffc"  # stands for one index of an element that is not text


@dataclass(frozen=True)
class Span:
    """A run of text with the styles the domain cares about."""

    text: str
    start: int
    end: int
    bold: bool = False
    italic: bool = False
    strikethrough: bool = False
    link: str | None = None
    kind: str = "text"  # or the element's kind: inlineObject, footnote, horizontalRule, person...
    ref: str = ""  # what the element points at: an inline object's or footnote's id, a URL...


@dataclass(frozen=True)
class Paragraph:
    """One paragraph; ``text`` excludes the closing newline."""

    start: int
    end: int
    text: str
    style: str = "NORMAL_TEXT"
    list_id: str | None = None
    nesting: int = 0
    checkbox: bool = False
    spans: tuple[Span, ...] = ()
    in_table: bool = False
    heading_id: str = ""  # Docs' id of a heading, for links to it ("#heading=h.…")
    ticked: bool = False  # a checklist box ticked (read from Drive's export: see ticks.py)

    @property
    def heading_level(self) -> int | None:
        if self.style.startswith("HEADING_"):
            return int(self.style.rsplit("_", 1)[1])
        return {"TITLE": 0}.get(self.style)

    @property
    def is_list(self) -> bool:
        return self.list_id is not None

    @property
    def struck(self) -> bool:
        """Every visible character is struck through (how people mark an item done)."""
        visible = [s for s in self.spans if s.text.strip()]
        return bool(visible) and all(s.strikethrough for s in visible)


@dataclass(frozen=True)
class Table:
    """Where a table is in the body and its shape; its cells' paragraphs are in ``paragraphs``."""

    start: int
    end: int
    rows: int
    columns: int


@dataclass(frozen=True)
class DocSnapshot:
    """A document at one revision."""

    document_id: str
    revision_id: str | None
    title: str
    paragraphs: tuple[Paragraph, ...]
    named_ranges: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    tables: tuple[Table, ...] = ()
    footnotes: dict[str, str] = field(default_factory=dict)  # footnote id -> its text

    @property
    def end_index(self) -> int:
        return self.paragraphs[-1].end if self.paragraphs else 1

    def range(self, name: str) -> tuple[int, int] | None:
        """The extent of a named range (spanning all its pieces), or None."""
        pieces = self.named_ranges.get(name)
        if not pieces:
            return None
        return min(p[0] for p in pieces), max(p[1] for p in pieces)

    def paragraphs_in(self, start: int, end: int) -> list[Paragraph]:
        """Paragraphs that overlap [start, end)."""
        return [p for p in self.paragraphs if p.start < end and p.end > start]

    def paragraph_at(self, index: int) -> Paragraph | None:
        for paragraph in self.paragraphs:
            if paragraph.start <= index < paragraph.end:
                return paragraph
        return None

    def text_in(self, start: int, end: int) -> str:
        return "".join(p.text + "\n" for p in self.paragraphs_in(start, end))

    def fingerprint(self, start: int, end: int, retitled: str | None = None) -> str:
        """A hash of everything in [start, end): each paragraph's text, which paragraphs are in
        table cells, which are struck through (marked done), the tables' shapes, the elements
        that are not text and the text of the footnotes referenced. Equal to :func:`fingerprint_lines` of what was written there as long
        as nobody changed a character, table, image or footnote of it. ``retitled``: the hash as
        it will be once the first paragraph reads ``retitled`` instead."""
        items: list[tuple[int, str]] = [(t.start, f"T:{t.rows}x{t.columns}") for t in self.tables
                                        if start <= t.start < end]
        for n, paragraph in enumerate(self.paragraphs_in(start, end)):
            text = retitled if n == 0 and retitled is not None else paragraph.text
            line = ("C:" if paragraph.in_table else "P:") + ("~" if paragraph.struck else "") + text
            objects = [f"~{s.kind}:{s.ref}:{self.footnotes.get(s.ref, '')}"
                       for s in paragraph.spans if s.kind != "text"]
            items.append((paragraph.start, "\n".join([line, *objects])))
        return _digest(text for _, text in sorted(items, key=lambda item: item[0]))


def fingerprint_lines(lines) -> str:
    """The fingerprint of plain paragraphs as the service writes them: each a text, or a
    ``(text, struck)`` pair for a paragraph struck through."""
    return _digest("P:" + ("~" + line[0] if line[1] else line[0]) if isinstance(line, tuple)
                   else "P:" + line for line in lines)


def _digest(parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()[:32]
