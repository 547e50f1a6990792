"""Tables: the characters of a new table, row, column or cell as the Docs API makes them, and the
edits that add or remove rows and columns (merged cells count by their spans).

A new table's shape is Google's (S1 capture): columns evenly distributed, rows with a zero
minimum height, cells padded 5pt with one empty paragraph in the fully spelt-out style below; the
cells' newlines look like the text the table was inserted at (a table put in a heading keeps the
heading's font size; that this holds for every named style and text style is unconfirmed). A new
row or column copies the styles of the row or column it is put next to, with empty paragraphs
styled like the reference cells' first paragraphs (unconfirmed for bullets, which are not copied,
and for merged cells, whose spans are not extended).
"""
from __future__ import annotations

import copy

from workspace_sandbox.docs.elements import CELL, ROW, TABLE, TABLE_END, Char, Para, mark, new_id
from workspace_sandbox.docs.layout import Cell, Span, Table
from workspace_sandbox.docs.segment import Segment

_PT0 = {"unit": "PT"}
_BORDER = {"color": {}, "width": _PT0, "padding": _PT0, "dashStyle": "SOLID"}
CELL_PARAGRAPH_STYLE = {
    "namedStyleType": "NORMAL_TEXT", "alignment": "START", "lineSpacing": 100, "direction": "LEFT_TO_RIGHT",
    "spacingMode": "COLLAPSE_LISTS", "spaceAbove": _PT0, "spaceBelow": _PT0,
    **{f"border{side}": _BORDER for side in ("Between", "Top", "Bottom", "Left", "Right")},
    "indentFirstLine": _PT0, "indentStart": _PT0, "indentEnd": _PT0, "keepLinesTogether": False,
    "keepWithNext": False, "avoidWidowAndOrphan": False, "shading": {"backgroundColor": {}},
    "pageBreakBefore": False}
CELL_STYLE = {"rowSpan": 1, "columnSpan": 1, "backgroundColor": {},
              **{f"padding{side}": {"magnitude": 5, "unit": "PT"} for side in ("Left", "Right", "Top", "Bottom")},
              "contentAlignment": "TOP"}
ROW_STYLE = {"minRowHeight": _PT0}
COLUMN = {"widthType": "EVENLY_DISTRIBUTED"}


def new_table(rows: int, columns: int, look: dict) -> list[Char]:
    """A rows × columns table of empty cells whose newlines have the textStyle `look`."""
    chars = [mark(TABLE, {"columns": columns,
                          "tableStyle": {"tableColumnProperties": [dict(COLUMN) for _ in range(columns)]}})]
    for _ in range(rows):
        chars.append(mark(ROW, {"tableRowStyle": copy.deepcopy(ROW_STYLE)}))
        for _ in range(columns):
            chars += _cell({"tableCellStyle": CELL_STYLE}, Char("\n", look, Para(CELL_PARAGRAPH_STYLE)))
    chars.append(mark(TABLE_END))
    return chars


def _cell(data: dict, newline: Char) -> list[Char]:
    """A cell mark and its empty paragraph, styled like `newline` (its data without suggestions)."""
    data = {k: copy.deepcopy(v) for k, v in data.items() if not k.startswith("suggested")}
    if "tableCellStyle" in data:
        data["tableCellStyle"].update(rowSpan=1, columnSpan=1)
    style = copy.deepcopy(newline.para.style)
    if "headingId" in style:
        style["headingId"] = new_id("h.")
    return [mark(CELL, data), Char("\n", newline.style, Para(style))]


def _first_newline(segment: Segment, cell: Cell) -> Char:
    first = next(node for node in cell.content if isinstance(node, Span))
    return segment.chars[first.nl_pos]


def _span(segment: Segment, cell: Cell, key: str) -> int:
    return max(1, segment.chars[cell.pos].item.data.get("tableCellStyle", {}).get(key, 1))


def _end_of_row(table: Table, n: int) -> int:
    return table.rows[n + 1].pos if n + 1 < len(table.rows) else table.end


def insert_row(segment: Segment, table: Table, row: int, column: int, below: bool) -> None:
    """A row above or below the one (or the merged rows) the reference cell is in."""
    if below:
        row += _span(segment, table.rows[row].cells[column], "rowSpan") - 1
    reference = table.rows[row]
    data = {k: v for k, v in segment.chars[reference.pos].item.data.items() if not k.startswith("suggested")}
    chars = [mark(ROW, copy.deepcopy(data))]
    for cell in reference.cells:
        chars += _cell(segment.chars[cell.pos].item.data, _first_newline(segment, cell))
    at = _end_of_row(table, row) if below else reference.pos
    segment.insert_chars(segment.offsets[at], chars)


def insert_column(segment: Segment, table: Table, row: int, column: int, right: bool) -> None:
    """A column left or right of the one (or the merged columns) the reference cell is in."""
    if right:
        column += _span(segment, table.rows[row].cells[column], "columnSpan") - 1
    for row in reversed(table.rows):
        if column >= len(row.cells):
            continue
        cell = row.cells[column]
        at = cell.end if right else cell.pos
        segment.insert_chars(segment.offsets[at], _cell(segment.chars[cell.pos].item.data,
                                                        _first_newline(segment, cell)))
    at = column + 1 if right else column
    _restyle_table(segment, table, lambda data: _columns(data, at, insert=True))


def delete_row(segment: Segment, table: Table, row: int, column: int) -> None:
    """Delete the rows the reference cell spans (the whole table when none would remain)."""
    last = min(row + _span(segment, table.rows[row].cells[column], "rowSpan"), len(table.rows)) - 1
    if row == 0 and last == len(table.rows) - 1:
        delete_table(segment, table)
        return
    offsets = segment.offsets
    segment.delete(offsets[table.rows[row].pos], offsets[_end_of_row(table, last)])


def delete_column(segment: Segment, table: Table, row: int, column: int) -> None:
    """Delete the columns the reference cell spans (the whole table when none would remain)."""
    count = _span(segment, table.rows[row].cells[column], "columnSpan")
    if column == 0 and all(count >= len(row.cells) for row in table.rows):
        delete_table(segment, table)
        return
    for row in reversed(table.rows):
        cells = row.cells[column:column + count]
        if cells:
            segment.delete(segment.offsets[cells[0].pos], segment.offsets[cells[-1].end])
    for _ in range(count):
        _restyle_table(segment, table, lambda data: _columns(data, column, insert=False))


def delete_table(segment: Segment, table: Table) -> None:
    segment.delete(segment.offsets[table.pos], segment.offsets[table.end + 1])


def _columns(data: dict, at: int, insert: bool) -> dict:
    """Table data with a column's properties added (a copy of its neighbour's) or removed at `at`."""
    data = copy.deepcopy(data)
    properties = data.setdefault("tableStyle", {}).setdefault("tableColumnProperties", [])
    if insert:
        neighbour = properties[max(at - 1, 0)] if properties else COLUMN
        properties.insert(at, copy.deepcopy(neighbour))
    elif at < len(properties):
        del properties[at]
    data["columns"] = data.get("columns", 1) + (1 if insert else -1)
    return data


def _restyle_table(segment: Segment, table: Table, change) -> None:
    char = segment.chars[table.pos]
    segment.set_char(table.pos, mark(TABLE, change(char.item.data)))

