"""What a segment of a Google Doc is made of: one `Char` per thing the Docs API gives an index.

A segment (a tab's body, a header, a footer, a footnote) is a flat sequence of Chars, as the Docs
editor's own model is. Text is one Char per character (an astral character, an emoji, is one Char
and two UTF-16 index units). Every other index Google counts is one Char carrying an `Item`: the
marks of structure (a section break; a table's start, each row's start, each cell's start and the
table's end; a table of contents' start and end) and the paragraph elements that are not text (an
inline image, a footnote reference, a page break, a person chip...). A paragraph's style lives on
its closing newline (`Para`). The style field lists and ids shared by the model are here too.

The captures show tables' indices (S1, S2, 05); a table of contents taking one index to start and
one to end, like a table, and a section break inside the body taking one, are unconfirmed.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

# Structure marks (kinds of Item that are not paragraph elements).
SECTION, TABLE, ROW, CELL, TABLE_END = "sectionBreak", "table", "tableRow", "tableCell", "tableEnd"
CONTENTS, CONTENTS_END = "tableOfContents", "tableOfContentsEnd"
STRUCTURE = frozenset((SECTION, TABLE, ROW, CELL, TABLE_END, CONTENTS, CONTENTS_END))
# The character each kind stands as in a segment's index text (see Segment.index_text): control
# characters Google strips from inserted text, so typed text never looks like structure.
_MARKS = {SECTION: "\x0c", TABLE: "\x10", TABLE_END: "\x11", ROW: "\x12", CELL: "\x1c",
          CONTENTS: "\x0e", CONTENTS_END: "\x0f"}
_ELEMENT_MARK = "\x1a"

HEADINGS = frozenset(("TITLE", "SUBTITLE", *(f"HEADING_{n}" for n in range(1, 7))))
NAMED_STYLE_TYPES = frozenset(("NORMAL_TEXT", *HEADINGS))
PARAGRAPH_FIELDS = (
    "headingId", "namedStyleType", "alignment", "lineSpacing", "direction", "spacingMode",
    "spaceAbove", "spaceBelow", "borderBetween", "borderTop", "borderBottom", "borderLeft",
    "borderRight", "indentFirstLine", "indentStart", "indentEnd", "tabStops", "keepLinesTogether",
    "keepWithNext", "avoidWidowAndOrphan", "shading", "pageBreakBefore")
TEXT_FIELDS = (
    "bold", "italic", "underline", "strikethrough", "smallCaps", "backgroundColor", "foregroundColor",
    "fontSize", "weightedFontFamily", "baselineOffset", "link")
BOOLEAN_TEXT_FIELDS = ("bold", "italic", "underline", "strikethrough", "smallCaps")
LINK_COLOR = {"color": {"rgbColor": {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}}}
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_id(prefix: str) -> str:
    """An id shaped like Google's: 'kix.' or 'h.' followed by 12 lowercase letters and digits."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def ordered(style: dict, order: tuple[str, ...]) -> dict:
    """`style` with its keys in the order Google writes them (unknown keys last)."""
    rank = {name: n for n, name in enumerate(order)}
    return {key: style[key] for key in sorted(style, key=lambda k: rank.get(k, len(order)))}


def width(text: str) -> int:
    """Length in UTF-16 code units."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


@dataclass(frozen=True)
class Para:
    """What a paragraph's closing newline carries."""

    style: dict
    bullet: dict | None = None
    checked: bool = False  # a ticked checklist item; the Docs API does not expose it
    extra: dict = field(default_factory=dict)  # positionedObjectIds and suggested changes, as read


@dataclass(frozen=True)
class Item:
    """A structure mark or a paragraph element that is not text; `data` is its JSON, as given."""

    kind: str
    data: dict = field(default_factory=dict)
    width: int = 1  # index units it takes (an equation can take several)
    styled: bool = True  # whether it has a textStyle (structure marks and equations have none)


@dataclass(frozen=True, slots=True)
class Char:
    ch: str
    style: dict  # the textStyle; never changed in place
    para: Para | None = None  # set on newlines that close a paragraph
    item: Item | None = None  # set on structure marks and non-text paragraph elements
    marks: dict | None = None  # a text run's suggestion fields (suggestedInsertionIds...), as read

    @property
    def width(self) -> int:
        if self.item is not None:
            return self.item.width
        return 2 if ord(self.ch) > 0xFFFF else 1

    @property
    def units(self) -> str:
        """The character as UTF-16 index units: itself, or its mark once per index it takes."""
        return self.ch if self.item is None else self.ch * self.item.width

    @property
    def kind(self) -> str | None:
        return self.item.kind if self.item is not None else None

    @property
    def structural(self) -> bool:
        return self.item is not None and self.item.kind in STRUCTURE

    @property
    def is_text(self) -> bool:
        return self.item is None


def mark(kind: str, data: dict | None = None) -> Char:
    """A structure mark."""
    return Char(_MARKS[kind], {}, item=Item(kind, data or {}, styled=False))


def element(kind: str, data: dict, style: dict, units: int = 1, styled: bool = True) -> Char:
    """A paragraph element that is not text, e.g. element('pageBreak', {}, {})."""
    return Char(_ELEMENT_MARK, style if styled else {}, item=Item(kind, data, units, styled))
