"""One editable segment of a tab (its body, a header, a footer or a footnote): characters, the
structure they make, and the editing primitives requests are made of.

A paragraph's style and bullet live on its closing newline, as in the Docs editor: deleting a
paragraph boundary keeps the style of the paragraph whose newline survives, and text inserted with
newlines creates paragraphs that copy the style of the paragraph it went into. Indices are UTF-16
code units from the segment's start (the body's index 0 is its first section break). Named ranges
belong to the tab; each edit moves the pieces of them that lie in this segment. Inserted text
takes the style of the text it goes after but none of its suggestion marks (unconfirmed).
"""
from __future__ import annotations

import copy
import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

from workspace_sandbox.docs.elements import Char, Para, new_id, width
from workspace_sandbox.docs.layout import Layout, Span

if TYPE_CHECKING:
    from workspace_sandbox.docs.tab import Tab


@dataclass
class NamedRange:
    range_id: str
    name: str
    spans: list[tuple[str, int, int]]  # (segment id, start, end); "" is the body
    extra: dict = field(default_factory=dict)  # what its ranges said besides indices (a tabId), as read


class Segment:
    """A segment's characters and the edits made to them."""

    def __init__(self, chars: list[Char], tab: Tab, segment_id: str = ""):
        self.chars = chars
        self.tab = tab
        self.segment_id = segment_id
        self._offsets: list[int] | None = None
        self._layout: Layout | None = None

    def clone(self, tab: Tab) -> Segment:
        return Segment(list(self.chars), tab, self.segment_id)

    # --- indices and structure ----------------------------------------------------------------
    @property
    def offsets(self) -> list[int]:
        """Index of each character, then the end index of the segment."""
        if self._offsets is None:
            offsets, index = [], 0
            for char in self.chars:
                offsets.append(index)
                index += char.width
            offsets.append(index)
            self._offsets = offsets
        return self._offsets

    @property
    def end_index(self) -> int:
        return self.offsets[-1]

    @property
    def layout(self) -> Layout:
        if self._layout is None:
            self._layout = Layout(self.chars, self.offsets)
        return self._layout

    def position(self, index: int) -> int | None:
        """The character position at `index`, None inside a character or element or out of range."""
        offsets = self.offsets
        pos = bisect_left(offsets, index)
        return pos if pos < len(offsets) and offsets[pos] == index else None

    def index_text(self) -> str:
        """One character per index unit once UTF-16 encoded (structure and elements as marks)."""
        return "".join(char.units for char in self.chars)

    def text(self) -> str:
        """The text of every paragraph, each ending with its newline."""
        return "".join(char.ch for char in self.chars if char.is_text)

    def paragraphs(self) -> list[Span]:
        return self.layout.paragraphs

    def paragraph_at(self, index: int) -> Span | None:
        return next((span for span in self.paragraphs() if span.start_index <= index < span.end_index), None)

    def paragraphs_overlapping(self, start: int, end: int) -> list[Span]:
        return [span for span in self.paragraphs() if span.start_index < end and start < span.end_index]

    def _changed(self) -> None:
        self._offsets = None
        self._layout = None

    # --- editing --------------------------------------------------------------------------------
    def style_at(self, index: int) -> dict:
        """The style text typed at `index` takes: the text before it, or at a paragraph's start the
        paragraph's first character."""
        span, pos = self.paragraph_at(index), self.position(index)
        return self.chars[pos - 1 if pos > span.start_pos else pos].style

    def insert(self, index: int, text: str, style: dict | None = None) -> None:
        """Insert `text` at `index`; newlines make paragraphs styled like the one inserted into."""
        span = self.paragraph_at(index)
        style = self.style_at(index) if style is None else style
        self.insert_chars(index, [Char(ch, style, self.split_para(span.para) if ch == "\n" else None)
                                  for ch in text])

    def insert_chars(self, index: int, chars: list[Char]) -> None:
        """Put characters at `index`: a range starting there moves past them, one ending there does
        not grow."""
        pos = self.position(index)
        self.chars[pos:pos] = chars
        self._changed()
        added = sum(char.width for char in chars)
        self._remap(lambda p, is_end: p + added if (p > index if is_end else p >= index) else p)

    def delete(self, start: int, end: int) -> None:
        """Delete [start, end); ranges shrink, and a range whose content all went is removed."""
        a, b = self.position(start), self.position(end)
        removed = self.chars[a:b]
        del self.chars[a:b]
        self._changed()
        self._remap(lambda p, is_end: p if p <= start else (start if p < end else p - (end - start)))
        self.tab.forget(removed)

    def replace(self, start: int, end: int, text: str, style: dict) -> None:
        """Replace [start, end) by `text` in `style`; ranges around the old text cover the new one."""
        a, b = self.position(start), self.position(end)
        removed = self.chars[a:b]
        del self.chars[a:b]
        self._changed()
        para = self.paragraph_at(start).para  # the paragraph the text now goes into
        self.chars[a:a] = [Char(ch, style, self.split_para(para) if ch == "\n" else None) for ch in text]
        self._changed()
        delta = width(text) - (end - start)
        self._remap(lambda p, is_end: p if p <= start else (
            p + delta if p >= end else (start + width(text) if is_end else start)))
        self.tab.forget(removed)

    def replace_all(self, pattern: re.Pattern, replacement: str) -> int:
        """Replace every match of plain text outside the segment's final newline; return how many.

        A match that holds anything but text, or whose removal would break the structure (a cell's
        last newline, the newline before a table), is left alone (unconfirmed: Google's choice).
        """
        text = "".join(char.ch for char in self.chars[:-1])  # one character per position
        matches = [m for m in pattern.finditer(text) if m.end() > m.start()
                   and all(char.is_text for char in self.chars[m.start():m.end()])
                   and not self.layout.in_contents(m.start())
                   and not self.layout.deletion_breaks_structure(m.start(), m.end())]
        for match in reversed(matches):
            offsets = self.offsets
            self.replace(offsets[match.start()], offsets[match.end()], replacement,
                         self.chars[match.start()].style)
        return len(matches)

    def split_para(self, para: Para) -> Para:
        """The paragraph a newline inserted into `para` starts: same style, new heading id, unticked."""
        style = dict(para.style)
        if "headingId" in style:
            style["headingId"] = new_id("h.")
        return Para(style, copy.deepcopy(para.bullet))

    def set_para(self, span: Span, para: Para) -> None:
        self.chars[span.nl_pos] = replace(self.chars[span.nl_pos], para=para)
        self._layout = None

    def set_char(self, pos: int, char: Char) -> None:
        self.chars[pos] = char
        self._layout = None

    # --- named ranges -------------------------------------------------------------------------
    def _remap(self, move: Callable[[int, bool], int]) -> None:
        """Move this segment's range edges with `move(index, is_end)`; drop what became empty."""
        for named in self.tab.named:
            named.spans = [(seg, move(s, False), move(e, True)) if seg == self.segment_id else (seg, s, e)
                           for seg, s, e in named.spans]
            named.spans = [span for span in named.spans if span[1] < span[2]]
        self.tab.named = [named for named in self.tab.named if named.spans]
