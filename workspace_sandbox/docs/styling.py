"""Paragraph styles, text styles and bullets applied to a segment's paragraphs, as the Docs API
applies them (lists belong to the segment's tab)."""
from __future__ import annotations

import copy
from dataclasses import replace

from workspace_sandbox.docs.elements import (
    BOOLEAN_TEXT_FIELDS, HEADINGS, LINK_COLOR, PARAGRAPH_FIELDS, TEXT_FIELDS, Para, new_id, ordered)
from workspace_sandbox.docs.layout import Span
from workspace_sandbox.docs.lists import CHECKBOX
from workspace_sandbox.docs.segment import Segment


def set_paragraph_style(segment: Segment, span: Span, style: dict) -> None:
    """Give a paragraph `style`; headings get a heading id, other paragraphs lose theirs."""
    if style.get("namedStyleType") in HEADINGS:
        style.setdefault("headingId", new_id("h."))
    else:
        style.pop("headingId", None)
    segment.set_para(span, replace(span.para, style=ordered(style, PARAGRAPH_FIELDS)))


def update_text_style(segment: Segment, start: int, end: int, fields: set[str], given: dict) -> None:
    """Apply an updateTextStyle: set the masked fields that are given, reset the others."""
    chars = segment.chars
    a, b = segment.position(start), segment.position(end)
    before = chars[a - 1].style if a > 0 and chars[a - 1].is_text and chars[a - 1].ch != "\n" else {}
    if "link" in before:
        before = {}
    for span in segment.paragraphs_overlapping(start, end):
        parent = segment.tab.style_booleans.get(span.para.style.get("namedStyleType", "NORMAL_TEXT"), {})
        covered = start <= span.start_index and end >= span.end_index - 1
        # A range covering all of a paragraph's text takes in its newline too (as Google does).
        for pos in range(max(a, span.start_pos), span.nl_pos + 1 if covered else min(b, span.nl_pos + 1)):
            char = chars[pos]
            if char.item is not None and not char.item.styled:
                continue
            style = _restyle(char.style, char.ch == "\n" or not char.is_text, fields, given, parent, before)
            segment.set_char(pos, replace(char, style=style))
        if span.para.bullet and covered:
            bullet = dict(span.para.bullet)
            bullet["textStyle"] = _restyle(bullet.get("textStyle", {}), True, fields, given, parent, {})
            segment.set_para(span, replace(chars[span.nl_pos].para, bullet=bullet))


def _restyle(style: dict, unlinkable: bool, fields: set[str], given: dict, parent: dict, before: dict) -> dict:
    """One character's textStyle after an updateTextStyle (links never go on newlines or elements)."""
    out = dict(style)
    for name in fields - {"link"}:
        if name not in given:
            out.pop(name, None)
        elif name in BOOLEAN_TEXT_FIELDS and given[name] == parent.get(name, False):
            out.pop(name, None)  # equal to the named style's value: inherit
        else:
            out[name] = copy.deepcopy(given[name])
    if "link" in fields and not unlinkable:
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


def create_bullets(segment: Segment, start: int, end: int, preset: str) -> None:
    """Bullet the paragraphs overlapping [start, end); leading tabs become the nesting level."""
    tab, chars = segment.tab, segment.chars
    spans = segment.paragraphs_overlapping(start, end)
    if not spans:  # the range holds table marks only
        return
    first = spans[0].start_pos
    previous = chars[first - 1].para if first else None
    if previous and previous.bullet and tab.presets.get(previous.bullet["listId"]) == preset:
        list_id = previous.bullet["listId"]
    else:
        list_id = tab.add_list(preset)
    levels = tab.levels(list_id)
    for span in reversed(spans):
        tabs = 0
        while chars[span.start_pos + tabs].is_text and chars[span.start_pos + tabs].ch == "\t":
            tabs += 1
        if tabs:
            segment.delete(span.start_index, span.start_index + tabs)
        level = min(tabs, len(levels) - 1)
        para = chars[span.nl_pos - tabs].para
        bullet = {"listId": list_id, **({"nestingLevel": level} if level else {}),
                  "textStyle": copy.deepcopy(levels[level].get("textStyle", {}))}
        style = dict(para.style)
        style.update({key: copy.deepcopy(levels[level][key])
                      for key in ("indentFirstLine", "indentStart") if key in levels[level]})
        same_list = para.bullet is not None and para.bullet.get("listId") == list_id
        segment.set_char(span.nl_pos - tabs, replace(
            chars[span.nl_pos - tabs],
            para=Para(ordered(style, PARAGRAPH_FIELDS), bullet, para.checked and same_list, para.extra)))


def delete_bullets(segment: Segment, start: int, end: int) -> None:
    """Remove bullets; the text stays where it was, indented like the list level put it."""
    for span in segment.paragraphs_overlapping(start, end):
        if span.para.bullet is None:
            continue
        style = dict(span.para.style)
        if "indentStart" in style:
            style["indentFirstLine"] = style["indentStart"]
        segment.set_para(span, Para(ordered(style, PARAGRAPH_FIELDS), extra=span.para.extra))


def is_checklist(segment: Segment, para: Para) -> bool:
    return para.bullet is not None and segment.tab.presets.get(para.bullet.get("listId")) == CHECKBOX
