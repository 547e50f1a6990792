"""A small document model: what an agenda section holds, independent of Docs or HTML.

Text is kept as Google Docs will store it: one paragraph per block, no newlines or tabs
inside runs, and none of the characters Docs silently strips on insert (which would make
every computed index wrong). Lengths are counted in UTF-16 code units, as Docs counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["heading", "paragraph", "bullet", "checkbox"]
LIST_KINDS = frozenset({"bullet", "checkbox"})
MAX_LIST_LEVEL = 8  # Docs lists have nesting levels 0..8

# Characters that may not appear inside a run: line structure (newline, tab, vertical tab,
# carriage return) and what Docs' insertText strips (U+0000-U+0008, U+000C-U+001F, BMP
# private use area U+E000-U+F8FF), plus lone surrogates, which cannot be encoded at all.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f\ue000-\uf8ff\ud800-\udfff]")
_SPACES = re.compile(r"[\s\x00-\x1f\x7f]+")
_DROPPED = re.compile("[\ue000-\uf8ff\ud800-\udfff]")


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def clean_text(text: str) -> str:
    """Text made safe for a run: each stretch of whitespace or control characters becomes one
    space; private-use characters and lone surrogates are dropped."""
    return _SPACES.sub(" ", _DROPPED.sub("", text))


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    strike: bool = False  # struck through: done

    def __post_init__(self) -> None:
        bad = _FORBIDDEN.search(self.text)
        if bad:
            raise ValueError(f"run text contains U+{ord(bad.group()):04X}: {self.text!r}")
        if self.link is not None and not self.link:
            raise ValueError("a link must not be empty")

    @property
    def styled(self) -> bool:
        return self.bold or self.italic or self.strike or self.link is not None

    def same_style(self, other: Run) -> bool:
        return ((self.bold, self.italic, self.link, self.strike)
                == (other.bold, other.italic, other.link, other.strike))

    def text_length_utf16(self) -> int:
        return utf16_len(self.text)


@dataclass(frozen=True)
class Block:
    """One paragraph. `level` is the heading level (1..6) for headings, the nesting level
    (0..8) for bullets and checkboxes, and 0 for paragraphs. `key` tags a heading that
    starts a known section (e.g. "obstacle")."""

    kind: BlockKind
    runs: tuple[Run, ...] = ()
    level: int = 0
    key: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "heading":
            if not 1 <= self.level <= 6:
                raise ValueError(f"heading level must be 1..6, not {self.level}")
        elif self.kind in LIST_KINDS:
            if not 0 <= self.level <= MAX_LIST_LEVEL:
                raise ValueError(f"list level must be 0..{MAX_LIST_LEVEL}, not {self.level}")
        elif self.kind == "paragraph":
            if self.level != 0:
                raise ValueError("a paragraph has level 0")
        else:
            raise ValueError(f"unknown block kind {self.kind!r}")
        if self.key is not None and self.kind != "heading":
            raise ValueError("only headings carry a section key")

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    @property
    def is_list(self) -> bool:
        return self.kind in LIST_KINDS

    @property
    def struck(self) -> bool:
        """Every visible character struck through (as DocSnapshot's Paragraph.struck reads it)."""
        visible = [run for run in self.runs if run.text.strip()]
        return bool(visible) and all(run.strike for run in visible)

    def text_length_utf16(self) -> int:
        """Length of the paragraph in Docs, including its closing newline."""
        return utf16_len(self.text) + 1


@dataclass(frozen=True)
class DocumentModel:
    """A sequence of paragraphs. A list item may go at most one level deeper than the
    list item before it, and a list starts at level 0. Section keys are unique."""

    blocks: tuple[Block, ...]

    def __post_init__(self) -> None:
        keys = [block.key for block in self.blocks if block.key]
        if len(keys) != len(set(keys)):
            raise ValueError(f"section keys repeat: {keys}")
        previous_level = -1
        for position, block in enumerate(self.blocks):
            if block.is_list:
                if block.level > previous_level + 1:
                    raise ValueError(
                        f"block {position}: list level {block.level} skips a level"
                    )
                previous_level = block.level
            else:
                previous_level = -1

    def text_length_utf16(self) -> int:
        """Length of the whole model in Docs (every paragraph with its newline)."""
        return sum(block.text_length_utf16() for block in self.blocks)

    def lines(self) -> list[tuple[str, bool]]:
        """Each paragraph's text and whether it is struck through, for fingerprints."""
        return [(block.text, block.struck) for block in self.blocks]


def section_end(blocks: tuple[Block, ...], start: int) -> int:
    """Index just past the section that the heading at `start` opens."""
    level = blocks[start].level
    for position in range(start + 1, len(blocks)):
        if blocks[position].kind == "heading" and blocks[position].level <= level:
            return position
    return len(blocks)
