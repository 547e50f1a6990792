"""batchUpdate requests that make or remove structure: tables and their rows and columns, inline
images, headers, footers, footnotes, page and section breaks, positioned objects.

What each makes is what the mutation captures show (S1, S2, O1, O2, O4, S8); where Google forbids
a place (a footnote in a header, a page break in a table) the refusal uses the reference's own
sentence, and an image URI that cannot be fetched gets the message Google gives a failed fetch.
Unconfirmed (wording not seen in a Google answer): those refusals, and the messages for a table
start location that is no table's start, a cell location out of the table, a missing or second
header or footer type, an unknown header, footer or positioned object, and a table of no rows or
columns. A new section's style copies the section it splits, its own headers and footers aside
(unconfirmed).
"""
from __future__ import annotations

import copy
from dataclasses import replace
from typing import Callable

from workspace_sandbox.docs import table as tables
from workspace_sandbox.docs.elements import SECTION, Char, Para, element, mark, new_id, ordered
from workspace_sandbox.docs.images import fitted, inline_image
from workspace_sandbox.docs.requests import Edit, Request
from workspace_sandbox.docs.segment import Segment
from workspace_sandbox.docs.tab import DOCUMENT_STYLE_FIELDS, Tab

_IMAGE_PROBLEM = ("There was a problem retrieving the image. The provided image should be publicly "
                  "accessible, within size limit, and in supported formats.")
_HEADER_IDS = {"header": ("defaultHeaderId", "firstPageHeaderId", "evenPageHeaderId"),
               "footer": ("defaultFooterId", "firstPageFooterId", "evenPageFooterId")}
_FOOTNOTE_TEXT = {"fontSize": {"magnitude": 10, "unit": "PT"}}
_FOOTNOTE_PARAGRAPH = {"namedStyleType": "NORMAL_TEXT", "lineSpacing": 100, "direction": "LEFT_TO_RIGHT"}
_NEW_PARAGRAPH = {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}


def _in_footnote(segment: Segment) -> bool:
    return segment.segment_id in segment.tab.footnotes


def _body_only(req: Request, segment: Segment, index: int, what: str) -> None:
    """Refuse a place outside the body or inside a table."""
    if segment.segment_id:
        raise req.fail(f"{what} cannot be inserted inside a footnote, header or footer.")
    if segment.layout.in_table(segment.position(index)):
        raise req.fail(f"{what} cannot be inserted inside a table.")


# --- tables --------------------------------------------------------------------------------------
def _insert_table(edit: Edit, req: Request, request: dict) -> dict:
    rows = req.integer(request.get("rows", 0), "rows")
    columns = req.integer(request.get("columns", 0), "columns")
    segment, index = edit.location(req, request)
    if rows < 1 or columns < 1:
        raise req.fail("A table must have at least one row and one column.")
    if _in_footnote(segment):
        raise req.fail("Tables cannot be inserted inside a footnote.")
    named_style = segment.paragraph_at(index).para.style.get("namedStyleType", "NORMAL_TEXT")
    look = segment.tab.look_of(named_style, segment.style_at(index))
    segment.insert(index, "\n")
    segment.insert_chars(index + 1, tables.new_table(rows, columns, look))
    return {}


def _cell_location(edit: Edit, req: Request, request: dict) -> tuple[Segment, tables.Table, int, int]:
    where = req.obj(request.get("tableCellLocation", {}), "tableCellLocation", "TableCellLocation")
    start = req.obj(where.get("tableStartLocation", {}), "tableCellLocation.tableStartLocation", "Location")
    segment = edit.segment(req, start)
    index = req.integer(start.get("index", 0), "tableCellLocation.tableStartLocation.index")
    pos = segment.position(index)
    table = segment.layout.table_at(pos) if pos is not None else None
    if table is None:
        raise req.fail(f"The table start location {index} is not the start of a table.")
    row = req.integer(where.get("rowIndex", 0), "tableCellLocation.rowIndex")
    column = req.integer(where.get("columnIndex", 0), "tableCellLocation.columnIndex")
    if not 0 <= row < len(table.rows):
        raise req.fail(f"Row index {row} is out of range: the table has {len(table.rows)} rows.")
    if not 0 <= column < len(table.rows[row].cells):
        raise req.fail(f"Column index {column} is out of range: row {row} has "
                       f"{len(table.rows[row].cells)} cells.")
    return segment, table, row, column


def _insert_table_row(edit: Edit, req: Request, request: dict) -> dict:
    segment, table, row, column = _cell_location(edit, req, request)
    tables.insert_row(segment, table, row, column, bool(request.get("insertBelow")))
    return {}


def _insert_table_column(edit: Edit, req: Request, request: dict) -> dict:
    segment, table, row, column = _cell_location(edit, req, request)
    tables.insert_column(segment, table, row, column, bool(request.get("insertRight")))
    return {}


def _delete_table_row(edit: Edit, req: Request, request: dict) -> dict:
    segment, table, row, column = _cell_location(edit, req, request)
    tables.delete_row(segment, table, row, column)
    return {}


def _delete_table_column(edit: Edit, req: Request, request: dict) -> dict:
    segment, table, row, column = _cell_location(edit, req, request)
    tables.delete_column(segment, table, row, column)
    return {}


# --- inline images and footnotes -----------------------------------------------------------------
def _insert_inline_image(edit: Edit, req: Request, request: dict) -> dict:
    uri = req.string(request.get("uri", ""), "uri")
    size = req.obj(request.get("objectSize", {}), "objectSize", "Size")
    segment, index = edit.location(req, request)
    if _in_footnote(segment):
        raise req.fail("Inline images cannot be inserted inside a footnote.")
    if not uri.startswith(("https://", "http://")) or len(uri) > 2048:
        raise req.fail(_IMAGE_PROBLEM)
    object_id = new_id("kix.")
    segment.tab.inline_objects[object_id] = inline_image(object_id, uri, fitted(size, edit.images.get(uri)))
    segment.insert_chars(index, [element("inlineObjectElement", {"inlineObjectId": object_id},
                                         segment.style_at(index))])
    return {"insertInlineImage": {"objectId": object_id}}


def _create_footnote(edit: Edit, req: Request, request: dict) -> dict:
    segment, index = edit.location(req, request)
    if segment.segment_id:
        raise req.fail("Footnote references cannot be inserted inside a header, footer or footnote.")
    footnote_id = new_id("kix.")
    tab = segment.tab
    tab.footnotes[footnote_id] = Segment([Char(" ", _FOOTNOTE_TEXT),
                                          Char("\n", _FOOTNOTE_TEXT, Para(dict(_FOOTNOTE_PARAGRAPH)))],
                                         tab, footnote_id)
    segment.insert_chars(index, [element("footnoteReference", {"footnoteId": footnote_id},
                                         segment.style_at(index))])
    return {"createFootnote": {"footnoteId": footnote_id}}


# --- breaks --------------------------------------------------------------------------------------
def _insert_page_break(edit: Edit, req: Request, request: dict) -> dict:
    """A page break followed by a newline: the page break ends the paragraph it goes into."""
    segment, index = edit.location(req, request)
    _body_only(req, segment, index, "Page breaks")
    segment.insert(index, "\n")
    segment.insert_chars(index, [element("pageBreak", {}, segment.style_at(index))])
    return {}


def _insert_section_break(edit: Edit, req: Request, request: dict) -> dict:
    kind = req.string(request.get("sectionType", "SECTION_TYPE_UNSPECIFIED"), "sectionType")
    if kind not in ("CONTINUOUS", "NEXT_PAGE"):
        raise req.bad_value("sectionType", "type.googleapis.com/google.apps.docs.v1.SectionType", kind)
    segment, index = edit.location(req, request)
    _body_only(req, segment, index, "Section breaks")
    pos = segment.position(index)
    section = next(char for char in reversed(segment.chars[:pos]) if char.kind == SECTION)
    style = {k: copy.deepcopy(v) for k, v in section.item.data.get("sectionStyle", {}).items()
             if k not in _HEADER_IDS["header"] + _HEADER_IDS["footer"]}
    style["sectionType"] = kind
    segment.insert(index, "\n")
    segment.insert_chars(index + 1, [mark(SECTION, {"sectionStyle": style})])
    return {}


# --- headers and footers -------------------------------------------------------------------------
def _style_owner(edit: Edit, req: Request, request: dict) -> tuple[Tab, int]:
    """The tab, and the body position of the section break whose style a new header or footer
    goes in (0, the first section's: the document style)."""
    where = request.get("sectionBreakLocation")
    if where is None:
        return edit.tab(req, None), 0
    where = req.obj(where, "sectionBreakLocation", "Location")
    segment = edit.segment(req, where)
    index = req.integer(where.get("index", 0), "sectionBreakLocation.index")
    pos = segment.position(index)
    if segment.segment_id or pos is None or segment.chars[pos].kind != SECTION:
        raise req.fail(f"The section break location {index} is not a section break.")
    return segment.tab, pos


def _owner_style(tab: Tab, pos: int) -> dict:
    return tab.document_style if pos == 0 else tab.body.chars[pos].item.data.get("sectionStyle", {})


def _set_owner_style(tab: Tab, pos: int, style: dict) -> None:
    if pos == 0:
        tab.document_style = ordered(style, DOCUMENT_STYLE_FIELDS)
        return
    char = tab.body.chars[pos]
    tab.body.set_char(pos, replace(char, item=replace(char.item, data={**char.item.data, "sectionStyle": style})))


def _creator(kind: str) -> Callable[[Edit, Request, dict], dict]:
    def create(edit: Edit, req: Request, request: dict) -> dict:
        header_type = req.string(request.get("type", "HEADER_FOOTER_TYPE_UNSPECIFIED"), "type")
        if header_type == "HEADER_FOOTER_TYPE_UNSPECIFIED":
            raise req.fail(f"The {kind} type must be specified.")
        if header_type != "DEFAULT":
            raise req.bad_value("type", "type.googleapis.com/google.apps.docs.v1.HeaderFooterType", header_type)
        tab, pos = _style_owner(edit, req, request)
        key = _HEADER_IDS[kind][0]
        if _owner_style(tab, pos).get(key):
            raise req.fail(f"A {kind} of type DEFAULT already exists.")
        segment_id = new_id("kix.")
        getattr(tab, kind + "s")[segment_id] = Segment([Char("\n", {}, Para(dict(_NEW_PARAGRAPH)))], tab, segment_id)
        _set_owner_style(tab, pos, {**_owner_style(tab, pos), key: segment_id})
        return {f"create{kind.title()}": {f"{kind}Id": segment_id}}
    return create


def _deleter(kind: str) -> Callable[[Edit, Request, dict], dict]:
    def delete(edit: Edit, req: Request, request: dict) -> dict:
        tab = edit.tab(req, request.get("tabId"))
        segment_id = req.string(request.get(f"{kind}Id", ""), f"{kind}Id")
        segments = getattr(tab, kind + "s")
        if segment_id not in segments:
            raise req.fail(f"The {kind} with ID {segment_id} was not found.")
        tab.drop_segment(segments, segment_id)
        for pos in [0] + [p for p, char in enumerate(tab.body.chars) if p and char.kind == SECTION]:
            style = _owner_style(tab, pos)
            if segment_id in style.values():
                _set_owner_style(tab, pos, {k: v for k, v in style.items() if v != segment_id})
        return {}
    return delete


def _delete_positioned_object(edit: Edit, req: Request, request: dict) -> dict:
    tab = edit.tab(req, request.get("tabId"))
    object_id = req.string(request.get("objectId", ""), "objectId")
    if object_id not in tab.positioned_objects:
        raise req.fail(f"The positioned object with ID {object_id} was not found.")
    del tab.positioned_objects[object_id]
    for segment in tab.segments():
        for span in segment.paragraphs():
            ids = span.para.extra.get("positionedObjectIds", [])
            if object_id in ids:
                extra = {**span.para.extra, "positionedObjectIds": [i for i in ids if i != object_id]}
                if not extra["positionedObjectIds"]:
                    del extra["positionedObjectIds"]
                segment.set_para(span, replace(span.para, extra=extra))
    return {}


HANDLERS: dict[str, Callable[[Edit, Request, dict], dict]] = {
    "insertTable": _insert_table,
    "insertTableRow": _insert_table_row,
    "insertTableColumn": _insert_table_column,
    "deleteTableRow": _delete_table_row,
    "deleteTableColumn": _delete_table_column,
    "insertInlineImage": _insert_inline_image,
    "createFootnote": _create_footnote,
    "insertPageBreak": _insert_page_break,
    "insertSectionBreak": _insert_section_break,
    "createHeader": _creator("header"),
    "createFooter": _creator("footer"),
    "deleteHeader": _deleter("header"),
    "deleteFooter": _deleter("footer"),
    "deletePositionedObject": _delete_positioned_object,
}
