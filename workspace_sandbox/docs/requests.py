"""What every batchUpdate request shares: its errors, worded like Google's answers, its argument
checks, and where it points (a tab, a segment, an index or a range, checked as Google checks them).

Messages seen in real Google answers are used verbatim; the others follow their style. Unconfirmed
(Google's wording not seen): "The tab was not found.", the messages for a range inside an
equation, and a deletion that would take a table cell's last newline, which uses the general
"Invalid deletion range" message Google gives for the other broken-structure deletions.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right

from workspace_sandbox.docs.segment import Segment
from workspace_sandbox.docs.tab import Tab, every_tab

# Every Request kind in the docs.v1 discovery document (googleapiclient's docs.v1.json).
REQUEST_KINDS = frozenset((
    "acceptSuggestion", "addCommentReply", "addDocumentTab", "createDropdownDefinition",
    "createFooter", "createFootnote", "createHeader", "createNamedRange", "createParagraphBullets",
    "deleteComment", "deleteCommentReply", "deleteContentRange", "deleteDropdownDefinition",
    "deleteFooter", "deleteHeader", "deleteNamedRange", "deleteParagraphBullets",
    "deletePositionedObject", "deleteSuggestion", "deleteTab", "deleteTableColumn", "deleteTableRow",
    "insertComment", "insertDate", "insertDropdown", "insertInlineImage", "insertPageBreak",
    "insertPerson", "insertRichLink", "insertSectionBreak", "insertTable", "insertTableColumn",
    "insertTableRow", "insertText", "mergeTableCells", "pinTableHeaderRows", "rejectSuggestion",
    "replaceAllText", "replaceImage", "replaceNamedRangeContent", "unmergeTableCells",
    "updateCommentPost", "updateDocumentStyle", "updateDocumentTabProperties",
    "updateDropdownDefinitionProperties", "updateDropdownProperties", "updateNamedStyle",
    "updateParagraphStyle", "updateSectionStyle", "updateTableCellStyle",
    "updateTableColumnProperties", "updateTableRowStyle", "updateTextStyle",
))
INSIDE_BOUNDS = ("The insertion index must be inside the bounds of an existing paragraph. "
                 "You can still create new paragraphs by inserting newlines.")
CANNOT_DELETE = "Invalid deletion range. Cannot delete the requested range."
_STRIPPED = re.compile("[\x00-\x08\x0c-\x1f\ue000-\uf8ff]")


class DocsRequestError(Exception):
    """A 400 INVALID_ARGUMENT answer to a batchUpdate; `request_index` is None for the whole batch."""

    def __init__(self, message: str, request_index: int | None = None):
        super().__init__(message)
        self.message = message
        self.request_index = request_index


def strip_controls(text: str) -> str:
    """Drop the characters Google strips from inserted text."""
    return _STRIPPED.sub("", text)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class Request:
    """One request of a batch: where it is, for error messages, and its argument checks."""

    def __init__(self, index: int, kind: str):
        self.index = index
        self.kind = kind

    def fail(self, message: str) -> DocsRequestError:
        return DocsRequestError(f"Invalid requests[{self.index}].{self.kind}: {message}", self.index)

    def bad_value(self, path: str, type_name: str, value: object) -> DocsRequestError:
        where = ".".join(snake(part) for part in (self.kind, *path.split(".")) if part)
        return DocsRequestError(
            f"Invalid value at 'requests[{self.index}].{where}' ({type_name}), {json.dumps(value)}",
            self.index)

    def integer(self, value: object, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.bad_value(path, "TYPE_INT32", value)
        return value

    def string(self, value: object, path: str) -> str:
        if not isinstance(value, str):
            raise self.bad_value(path, "TYPE_STRING", value)
        return value

    def obj(self, value: object, path: str, message_type: str) -> dict:
        if not isinstance(value, dict):
            raise self.bad_value(path, f"type.googleapis.com/google.apps.docs.v1.{message_type}", value)
        return value

    def oneof(self, body: dict, group: str, names: tuple[str, ...]) -> str | None:
        present = [key for key in body if key in names]
        if len(present) > 1:
            raise DocsRequestError(
                f"Invalid value at 'requests[{self.index}].{snake(self.kind)}' (oneof), oneof field "
                f"'{group}' is already set. Cannot set '{present[1]}'", self.index)
        return present[0] if present else None


class Edit:
    """The tabs one batch is changing, and what its requests may need (known image sizes)."""

    def __init__(self, tabs: list[Tab], images: dict[str, tuple[int, int]]):
        self.tabs = tabs
        self.images = images

    def all_tabs(self) -> list[Tab]:
        return every_tab(self.tabs)

    def tab(self, req: Request, tab_id: object) -> Tab:
        """The tab a request names (the first tab when it names none)."""
        if not tab_id:
            return self.tabs[0]
        tab_id = req.string(tab_id, "tabId")
        for tab in self.all_tabs():
            if tab.tab_id == tab_id:
                return tab
        raise req.fail("The tab was not found.")

    def tabs_for(self, req: Request, request: dict) -> list[Tab]:
        """The tabs a request's tabsCriteria names; all tabs without one."""
        criteria = request.get("tabsCriteria")
        if criteria is None:
            return self.all_tabs()
        tab_ids = req.obj(criteria, "tabsCriteria", "TabsCriteria").get("tabIds") or []
        return [self.tab(req, tab_id) for tab_id in tab_ids] or self.all_tabs()

    def segment(self, req: Request, where: dict) -> Segment:
        """The segment a Location, Range or EndOfSegmentLocation is in."""
        tab = self.tab(req, where.get("tabId"))
        segment_id = where.get("segmentId") or ""
        segment = tab.segment(req.string(segment_id, "segmentId"))
        if segment is None:
            raise req.fail(f"Segment with ID {segment_id} was not found. If a segment ID is provided, "
                           "it must be a header, footer or footnote ID.")
        return segment

    def location(self, req: Request, request: dict) -> tuple[Segment, int]:
        """Where an insertion goes (its `location` or `endOfSegmentLocation`), checked like insertText."""
        where = req.oneof(request, "insertion_location", ("location", "endOfSegmentLocation"))
        if where is None:
            raise req.fail("Either location or endOfSegmentLocation must be specified.")
        place = req.obj(request[where], where, where[0].upper() + where[1:])
        segment = self.segment(req, place)
        if where == "endOfSegmentLocation":
            return segment, segment.end_index - 1
        return segment, self.insertion_index(req, segment, place.get("index", 0), "location.index")

    def insertion_index(self, req: Request, segment: Segment, index: object, path: str) -> int:
        index = req.integer(index, path)
        if index < 0:
            raise req.fail(INSIDE_BOUNDS)
        if index >= segment.end_index:
            raise req.fail(f"Index {index} must be less than the end index of the referenced segment, "
                           f"{segment.end_index}.")
        pos = segment.position(index)
        if pos is None:
            if _inside_element(segment, index):
                raise req.fail(INSIDE_BOUNDS)
            raise req.fail("The insertion index cannot be within a grapheme cluster.")
        if segment.chars[pos].structural or segment.layout.in_contents(pos):
            raise req.fail(INSIDE_BOUNDS)
        return index

    def range(self, req: Request, request: dict, *, deleting: bool = False) -> tuple[Segment, int, int]:
        """A request's range, checked the way Google checks it."""
        rng = req.obj(request.get("range", {}), "range", "Range")
        if "startIndex" not in rng or "endIndex" not in rng:
            raise req.fail("Invalid range: must contain a start and end index")
        start = req.integer(rng["startIndex"], "range.startIndex")
        end = req.integer(rng["endIndex"], "range.endIndex")
        segment = self.segment(req, rng)
        if end < start:
            raise req.fail("Invalid range: end index cannot be less than start index")
        if start == end:
            raise req.fail("The range should not be empty.")
        segment_end = segment.end_index
        if end > segment_end or (end == segment_end and not deleting):
            raise req.fail(f"Index {end} must be less than the end index of the referenced segment, "
                           f"{segment_end}.")
        if deleting and end == segment_end:
            raise req.fail("The range cannot include the newline character at the end of the segment.")
        if start < (0 if segment.segment_id else 1):
            if deleting:
                raise req.fail(CANNOT_DELETE)
            raise req.fail("The range cannot include the section break at the start of the body.")
        a, b = segment.position(start), segment.position(end)
        if a is None or b is None:
            if _inside_element(segment, start if a is None else end):
                raise req.fail(CANNOT_DELETE if deleting else "The range cannot start or end inside an equation.")
            raise req.fail("The range cannot start or end inside a surrogate pair.")
        if deleting and segment.layout.deletion_breaks_structure(a, b):
            raise req.fail(CANNOT_DELETE)
        return segment, start, end


def _inside_element(segment: Segment, index: int) -> bool:
    """Whether `index` falls inside an element taking several indices (not a surrogate pair)."""
    pos = bisect_right(segment.offsets, index) - 1
    return 0 <= pos < len(segment.chars) and not segment.chars[pos].is_text
