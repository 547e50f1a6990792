"""The editable body of one Docs document tab: characters, paragraphs, named ranges, lists and styles.

The body is kept as a sequence of characters after the section break (body index 0..1). A paragraph's
style, bullet and hidden checkbox state live on its closing newline, as in the Docs editor: deleting a
paragraph boundary keeps the style of the paragraph whose newline survives, and text inserted with
newlines creates paragraphs that copy the style of the paragraph it went into. Indices are UTF-16 code
units; an astral character (an emoji) is one character here and two index units.
"""
from __future__ import annotations

import copy
import re
import secrets
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import Callable

from workspace_sandbox.docs.batch_update import (
    BOOLEAN_TEXT_FIELDS, CHECKBOX, LINK_COLOR, PARAGRAPH_FIELDS, TEXT_FIELDS, preset_levels, width)

HEADINGS = frozenset(("TITLE", "SUBTITLE", *(f"HEADING_{n}" for n in range(1, 7))))
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_id(prefix: str) -> str:
    """An id shaped like Google's: 'kix.' or 'h.' followed by 12 lowercase letters and digits."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def ordered(style: dict, order: tuple[str, ...]) -> dict:
    """`style` with its keys in the order Google writes them (unknown keys last)."""
    rank = {name: n for n, name in enumerate(order)}
    return {key: style[key] for key in sorted(style, key=lambda k: rank.get(k, len(order)))}


@dataclass(frozen=True)
class Para:
    """What a paragraph's closing newline carries."""

    style: dict
    bullet: dict | None = None
    checked: bool = False  # a ticked checklist item; the Docs API does not expose it


@dataclass(frozen=True, slots=True)
class Char:
    ch: str
    style: dict  # the run's textStyle; never changed in place
    para: Para | None = None  # set on newlines only


@dataclass(frozen=True)
class Span:
    """A paragraph: body indices and positions in the character sequence."""

    start_index: int
    end_index: int
    start_pos: int
    nl_pos: int
    para: Para


@dataclass
class NamedRange:
    range_id: str
    name: str
    spans: list[list[int]] = field(default_factory=list)


class DocBody:
    """The editable state of one document tab, with the editing primitives requests are made of."""

    def __init__(self, chars: list[Char], *, named: list[NamedRange], lists: dict[str, list[dict]],
                 presets: dict[str, str | None], tab_id: str, style_booleans: dict[str, dict]):
        self.chars = chars
        self.named = named
        self.lists = lists
        self.presets = presets
        self.tab_id = tab_id
        self.style_booleans = style_booleans
        self._offsets: list[int] | None = None

    def clone(self) -> DocBody:
        return DocBody(list(self.chars), named=copy.deepcopy(self.named), lists=copy.deepcopy(self.lists),
                       presets=dict(self.presets), tab_id=self.tab_id, style_booleans=self.style_booleans)

    # --- indices -------------------------------------------------------------------------------------
    @property
    def offsets(self) -> list[int]:
        """Body index of each character, then the end index of the body."""
        if self._offsets is None:
            offsets, index = [], 1
            for char in self.chars:
                offsets.append(index)
                index += 2 if ord(char.ch) > 0xFFFF else 1
            offsets.append(index)
            self._offsets = offsets
        return self._offsets

    @property
    def end_index(self) -> int:
        return self.offsets[-1]

    def position(self, index: int) -> int | None:
        """The character position at body index `index`, None inside a surrogate pair or out of range."""
        offsets = self.offsets
        pos = bisect_left(offsets, index)
        return pos if pos < len(offsets) and offsets[pos] == index else None

    def text(self) -> str:
        return "".join(char.ch for char in self.chars)

    def paragraphs(self) -> list[Span]:
        spans, start, offsets = [], 0, self.offsets
        for pos, char in enumerate(self.chars):
            if char.para is not None:
                spans.append(Span(offsets[start], offsets[pos + 1], start, pos, char.para))
                start = pos + 1
        return spans

    def paragraph_at(self, index: int) -> Span:
        return next(span for span in self.paragraphs() if span.start_index <= index < span.end_index)

    def paragraphs_overlapping(self, start: int, end: int) -> list[Span]:
        return [span for span in self.paragraphs() if span.start_index < end and start < span.end_index]

    def _changed(self) -> None:
        self._offsets = None

    # --- text ----------------------------------------------------------------------------------------
    def insert(self, index: int, text: str, style: dict | None = None) -> None:
        """Insert `text` at `index`; newlines make paragraphs styled like the one inserted into."""
        span = self.paragraph_at(index)
        pos = self.position(index)
        if style is None:  # the text just before, or the paragraph's first character at its start
            style = self.chars[pos - 1 if pos > span.start_pos else pos].style
        self.chars[pos:pos] = [Char(ch, style, self.split_para(span.para) if ch == "\n" else None)
                               for ch in text]
        self._changed()
        added = width(text)
        for named in self.named:
            # Text inserted exactly at a range's start goes before it, exactly at its end goes after it.
            named.spans = [[s + added if s >= index else s, e + added if e > index else e]
                           for s, e in named.spans]

    def delete(self, start: int, end: int) -> None:
        """Delete [start, end); ranges shrink, and a range whose content all went is removed."""
        del self.chars[self.position(start):self.position(end)]
        self._changed()
        self._remap(lambda p, is_end: p if p <= start else (start if p < end else p - (end - start)))

    def replace(self, start: int, end: int, text: str, style: dict) -> None:
        """Replace [start, end) by `text` in `style`; ranges around the old text cover the new one."""
        span = self.paragraph_at(start)
        a, b = self.position(start), self.position(end)
        self.chars[a:b] = [Char(ch, style, self.split_para(span.para) if ch == "\n" else None) for ch in text]
        self._changed()
        delta = width(text) - (end - start)
        self._remap(lambda p, is_end: p if p <= start else (
            p + delta if p >= end else (start + width(text) if is_end else start)))

    def replace_all(self, pattern: re.Pattern, replacement: str) -> int:
        """Replace every match outside the body's final newline; return how many."""
        text = self.text()[:-1]
        matches = list(pattern.finditer(text))
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

    # --- named ranges --------------------------------------------------------------------------------
    def _remap(self, move: Callable[[int, bool], int]) -> None:
        """Move every range edge with `move(index, is_end)`; drop what became empty."""
        for named in self.named:
            named.spans = [[move(s, False), move(e, True)] for s, e in named.spans]
            named.spans = [span for span in named.spans if span[0] < span[1]]
        self.named = [named for named in self.named if named.spans]

    def add_named_range(self, name: str, start: int, end: int) -> str:
        range_id = new_id("kix.")
        self.named.append(NamedRange(range_id, name, [[start, end]]))
        return range_id

    def has_named_range(self, range_id: str) -> bool:
        return any(named.range_id == range_id for named in self.named)

    def named_range_ids(self, name: str) -> list[str]:
        return [named.range_id for named in self.named if named.name == name]

    def named_range_spans(self, range_id: str) -> list[tuple[int, int]]:
        named = next(n for n in self.named if n.range_id == range_id)
        return sorted((s, e) for s, e in named.spans)

    def remove_named_range(self, range_id: str) -> None:
        self.named = [named for named in self.named if named.range_id != range_id]

    def replace_named_range(self, range_id: str, text: str) -> None:
        """Put `text` in the range's first span, delete its other spans; the range then covers `text`."""
        first, *others = self.named_range_spans(range_id)
        for s, e in reversed(others):
            self.delete(s, e)
        start, end = first
        self.replace(start, end, text, self.chars[self.position(start)].style)
        for named in self.named:
            if named.range_id == range_id:
                named.spans = [[start, start + width(text)]] if text else []
        self.named = [named for named in self.named if named.spans]

    # --- styles --------------------------------------------------------------------------------------
    def set_para(self, span: Span, para: Para) -> None:
        self.chars[span.nl_pos] = replace(self.chars[span.nl_pos], para=para)

    def set_paragraph_style(self, span: Span, style: dict) -> None:
        """Give a paragraph `style`; headings get a heading id, other paragraphs lose theirs."""
        if style.get("namedStyleType") in HEADINGS:
            style.setdefault("headingId", new_id("h."))
        else:
            style.pop("headingId", None)
        self.set_para(span, replace(span.para, style=ordered(style, PARAGRAPH_FIELDS)))

    def update_text_style(self, start: int, end: int, fields: set[str], given: dict) -> None:
        """Apply an updateTextStyle: set the masked fields that are given, reset the others."""
        a, b = self.position(start), self.position(end)
        before = self.chars[a - 1].style if a > 0 and self.chars[a - 1].ch != "\n" else {}
        if "link" in before:
            before = {}
        for span in self.paragraphs_overlapping(start, end):
            parent = self.style_booleans.get(span.para.style.get("namedStyleType", "NORMAL_TEXT"), {})
            covered = start <= span.start_index and end >= span.end_index - 1
            # A range covering all of a paragraph's text takes in its newline too (as Google does).
            for pos in range(max(a, span.start_pos), span.nl_pos + 1 if covered else min(b, span.nl_pos + 1)):
                char = self.chars[pos]
                style = _restyle(char.style, char.ch == "\n", fields, given, parent, before)
                self.chars[pos] = replace(char, style=style)
            if span.para.bullet and covered:
                bullet = dict(span.para.bullet)
                bullet["textStyle"] = _restyle(bullet.get("textStyle", {}), True, fields, given, parent, {})
                self.set_para(span, replace(self.chars[span.nl_pos].para, bullet=bullet))

    # --- lists ---------------------------------------------------------------------------------------
    def add_list(self, preset: str) -> str:
        list_id = new_id("kix.")
        self.lists[list_id] = preset_levels(preset)
        self.presets[list_id] = preset
        return list_id

    def create_bullets(self, start: int, end: int, preset: str) -> None:
        """Bullet the paragraphs overlapping [start, end); leading tabs become the nesting level."""
        spans = self.paragraphs_overlapping(start, end)
        previous = self.chars[spans[0].start_pos - 1].para if spans[0].start_pos else None
        if previous and previous.bullet and self.presets.get(previous.bullet["listId"]) == preset:
            list_id = previous.bullet["listId"]
        else:
            list_id = self.add_list(preset)
        levels = self.lists[list_id]
        for span in reversed(spans):
            tabs = 0
            while self.chars[span.start_pos + tabs].ch == "\t":
                tabs += 1
            if tabs:
                self.delete(span.start_index, span.start_index + tabs)
            level = min(tabs, len(levels) - 1)
            para = self.chars[span.nl_pos - tabs].para
            bullet = {"listId": list_id, **({"nestingLevel": level} if level else {}),
                      "textStyle": copy.deepcopy(levels[level].get("textStyle", {}))}
            style = dict(para.style)
            style.update({key: copy.deepcopy(levels[level][key])
                          for key in ("indentFirstLine", "indentStart") if key in levels[level]})
            same_list = para.bullet is not None and para.bullet.get("listId") == list_id
            self.chars[span.nl_pos - tabs] = replace(
                self.chars[span.nl_pos - tabs],
                para=Para(ordered(style, PARAGRAPH_FIELDS), bullet, para.checked and same_list))

    def delete_bullets(self, start: int, end: int) -> None:
        """Remove bullets; the text stays where it was, indented like the list level put it."""
        for span in self.paragraphs_overlapping(start, end):
            if span.para.bullet is None:
                continue
            style = dict(span.para.style)
            if "indentStart" in style:
                style["indentFirstLine"] = style["indentStart"]
            self.set_para(span, Para(ordered(style, PARAGRAPH_FIELDS)))

    def is_checklist(self, para: Para) -> bool:
        return para.bullet is not None and self.presets.get(para.bullet.get("listId")) == CHECKBOX


def _restyle(style: dict, newline: bool, fields: set[str], given: dict, parent: dict, before: dict) -> dict:
    """One character's textStyle after an updateTextStyle."""
    out = dict(style)
    for name in fields - {"link"}:
        if name not in given:
            out.pop(name, None)
        elif name in BOOLEAN_TEXT_FIELDS and given[name] == parent.get(name, False):
            out.pop(name, None)  # equal to the named style's value: inherit
        else:
            out[name] = copy.deepcopy(given[name])
    if "link" in fields and not newline:  # links are never set on newlines
        if given.get("link"):
            out["link"] = copy.deepcopy(given["link"])
            if "underline" not in fields:
                out["underline"] = True
            if "foregroundColor" not in fields:
                out["foregroundColor"] = copy.deepcopy(LINK_COLOR)
        elif "link" in style:
            del out["link"]
            for name in ("underline", "foregroundColor"):
                if name not in fields:
                    out.pop(name, None)
                    if name in before:
                        out[name] = before[name]
    return ordered(out, TEXT_FIELDS)
