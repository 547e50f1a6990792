"""A read-only view of a Google Doc's body, as the domain needs it.

The Docs adapter builds it from ``documents.get``; indices are Google's UTF-16 indices.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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
class DocSnapshot:
    """A document at one revision."""

    document_id: str
    revision_id: str | None
    title: str
    paragraphs: tuple[Paragraph, ...]
    named_ranges: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)

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
