"""A segment's content as documents.get writes it (StructuralElements holding paragraphs, tables,
tables of contents and section breaks), read into characters and written back from them.

Reading checks every startIndex and endIndex against the indices the characters take, so a
document whose indices the model would count differently is refused rather than mangled. Output
shares the model's dicts: Document.to_json copies the whole answer once.
"""
from __future__ import annotations

import copy
from dataclasses import replace
from typing import TYPE_CHECKING

from workspace_sandbox.docs.elements import (
    CELL, CONTENTS, CONTENTS_END, ROW, SECTION, TABLE, TABLE_END, Char, Para, element, mark)
from workspace_sandbox.docs.layout import Break, Contents, Span, Table

if TYPE_CHECKING:
    from workspace_sandbox.docs.segment import Segment

_PARAGRAPH_OWN = ("elements", "paragraphStyle", "bullet")
_RUN_OWN = ("content", "textStyle")


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(f"documents.get JSON: {message}")


def read_content(elements: list, where: str, index: int = 0) -> list[Char]:
    """The characters of a list of StructuralElements starting at `index`."""
    chars: list[Char] = []
    for n, item in enumerate(elements):
        here = f"{where}[{n}]"
        _check(item.get("startIndex", 0) == index,
               f"{here} starts at {item.get('startIndex', 0)}, expected {index}")
        if "paragraph" in item:
            new = read_paragraph(item["paragraph"], here, index)
        elif "sectionBreak" in item:
            new = [mark(SECTION, copy.deepcopy(item["sectionBreak"]))]
        elif "table" in item:
            new = _read_table(item["table"], here, index)
        elif "tableOfContents" in item:
            contents = item["tableOfContents"]
            data = {k: copy.deepcopy(v) for k, v in contents.items() if k != "content"}
            inner = read_content(contents.get("content", []), f"{here}.tableOfContents.content", index + 1)
            new = [mark(CONTENTS, data), *inner, mark(CONTENTS_END)]
        else:
            kind = next((k for k in item if k not in ("startIndex", "endIndex")), "nothing")
            raise ValueError(f"documents.get JSON: {here} is a {kind}, not a structural element")
        index += sum(char.width for char in new)
        _check(item.get("endIndex") == index, f"{here} ends at {item.get('endIndex')}, expected {index}")
        chars.extend(new)
    return chars


def _read_table(table: dict, where: str, index: int) -> list[Char]:
    data = {k: copy.deepcopy(v) for k, v in table.items() if k not in ("rows", "tableRows")}
    chars = [mark(TABLE, data)]
    index += 1
    for r, row in enumerate(table.get("tableRows", [])):
        here = f"{where}.table.tableRows[{r}]"
        _check(row.get("startIndex") == index, f"{here} starts at {row.get('startIndex')}, expected {index}")
        chars.append(mark(ROW, {k: copy.deepcopy(v) for k, v in row.items()
                                if k not in ("startIndex", "endIndex", "tableCells")}))
        index += 1
        for c, cell in enumerate(row.get("tableCells", [])):
            at = f"{here}.tableCells[{c}]"
            _check(cell.get("startIndex") == index, f"{at} starts at {cell.get('startIndex')}, expected {index}")
            chars.append(mark(CELL, {k: copy.deepcopy(v) for k, v in cell.items()
                                     if k not in ("startIndex", "endIndex", "content")}))
            inner = read_content(cell.get("content", []), f"{at}.content", index + 1)
            chars.extend(inner)
            index += 1 + sum(char.width for char in inner)
            _check(cell.get("endIndex") == index, f"{at} ends at {cell.get('endIndex')}, expected {index}")
        _check(row.get("endIndex") == index, f"{here} ends at {row.get('endIndex')}, expected {index}")
    chars.append(mark(TABLE_END))
    return chars


def read_paragraph(paragraph: dict, where: str, index: int) -> list[Char]:
    """The characters of one Paragraph starting at `index`; its style goes on its last newline."""
    chars: list[Char] = []
    for m, item in enumerate(paragraph.get("elements", [])):
        here = f"{where}.paragraph.elements[{m}]"
        _check(item.get("startIndex", 0) == index,
               f"{here} starts at {item.get('startIndex', 0)}, expected {index}")
        kinds = [k for k in item if k not in ("startIndex", "endIndex")]
        _check(len(kinds) == 1, f"{here} must be exactly one kind of paragraph element")
        kind, payload = kinds[0], item[kinds[0]]
        if kind == "textRun":
            marks = {k: copy.deepcopy(v) for k, v in payload.items() if k not in _RUN_OWN} or None
            style = payload.get("textStyle", {})
            new = [Char(ch, style, marks=marks) for ch in payload.get("content", "")]
        else:
            units = item.get("endIndex", 0) - item.get("startIndex", 0)
            _check(units >= 1, f"{here} must take at least one index")
            data = {k: copy.deepcopy(v) for k, v in payload.items() if k not in ("textStyle", "footnoteNumber")}
            new = [element(kind, data, payload.get("textStyle", {}), units, "textStyle" in payload)]
        index += sum(char.width for char in new)
        _check(item.get("endIndex") == index, f"{here} ends at {item.get('endIndex')}, expected {index}")
        chars.extend(new)
    newlines = [n for n, char in enumerate(chars) if char.is_text and char.ch == "\n"]
    _check(newlines == [len(chars) - 1], f"{where} must hold one paragraph ending with a newline")
    extra = {k: copy.deepcopy(v) for k, v in paragraph.items() if k not in _PARAGRAPH_OWN}
    chars[-1] = replace(chars[-1], para=Para(copy.deepcopy(paragraph.get("paragraphStyle", {})),
                                             copy.deepcopy(paragraph.get("bullet")), extra=extra))
    return chars


# --- writing ------------------------------------------------------------------------------------
def _indexed(start: int, end: int, key: str, value: object) -> dict:
    """An indexed JSON element; a start index of 0 is left out, as Google's JSON leaves it."""
    out: dict = {"startIndex": start} if start else {}
    out["endIndex"] = end
    out[key] = value
    return out


def content_json(segment: Segment) -> list[dict]:
    """The segment's StructuralElements."""
    numbers = segment.tab.footnote_numbers()
    return [_node_json(segment, node, numbers) for node in segment.layout.nodes]


def _node_json(segment: Segment, node: object, numbers: dict[str, str]) -> dict:
    chars, off = segment.chars, segment.offsets
    if isinstance(node, Span):
        return _indexed(node.start_index, node.end_index, "paragraph", paragraph_json(segment, node, numbers))
    if isinstance(node, Break):
        return _indexed(off[node.pos], off[node.pos + 1], "sectionBreak", chars[node.pos].item.data)
    if isinstance(node, Contents):
        contents = {"content": [_node_json(segment, inner, numbers) for inner in node.content],
                    **chars[node.pos].item.data}
        return _indexed(off[node.pos], off[node.end + 1], "tableOfContents", contents)
    assert isinstance(node, Table)
    rows = []
    for n, row in enumerate(node.rows):
        row_end = node.rows[n + 1].pos if n + 1 < len(node.rows) else node.end
        cells = [{**_indexed(off[cell.pos], off[cell.end], "content",
                             [_node_json(segment, inner, numbers) for inner in cell.content]),
                  **chars[cell.pos].item.data} for cell in row.cells]
        rows.append({**_indexed(off[row.pos], off[row_end], "tableCells", cells), **chars[row.pos].item.data})
    data = chars[node.pos].item.data
    table = {"rows": len(rows), "columns": data.get("columns", len(node.rows[0].cells)), "tableRows": rows,
             **{k: v for k, v in data.items() if k != "columns"}}
    return _indexed(off[node.pos], off[node.end + 1], "table", table)


def paragraph_json(segment: Segment, span: Span, numbers: dict[str, str]) -> dict:
    """One Paragraph: text runs split where the style or suggestions change, other elements alone."""
    chars, off = segment.chars, segment.offsets
    elements: list[dict] = []
    run = span.start_pos
    for pos in range(span.start_pos, span.nl_pos + 1):
        char = chars[pos]
        if not char.is_text:
            elements.append(_element_json(char, off[pos], off[pos + 1], numbers))
            run = pos + 1
            continue
        last = pos == span.nl_pos
        if last or not chars[pos + 1].is_text or (chars[pos + 1].style, chars[pos + 1].marks) != (
                char.style, char.marks):
            text_run = {"content": "".join(c.ch for c in chars[run:pos + 1]), **(char.marks or {}),
                        "textStyle": char.style}
            elements.append(_indexed(off[run], off[pos + 1], "textRun", text_run))
            run = pos + 1
    para = span.para
    paragraph = {"elements": elements, "paragraphStyle": para.style}
    if para.bullet is not None:
        paragraph["bullet"] = para.bullet
    paragraph.update(para.extra)
    return paragraph


def _element_json(char: Char, start: int, end: int, numbers: dict[str, str]) -> dict:
    kind, data = char.item.kind, char.item.data
    if kind == "footnoteReference":
        data = {"footnoteId": data.get("footnoteId"), "footnoteNumber": numbers.get(data.get("footnoteId"), ""),
                **{k: v for k, v in data.items() if k != "footnoteId"}}
    if char.item.styled:
        data = {**data, "textStyle": char.style}
    return _indexed(start, end, kind, data)
