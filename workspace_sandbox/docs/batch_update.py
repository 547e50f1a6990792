"""Docs API v1 batchUpdate requests: validated and worded like Google's answers, applied to a DocBody.

Messages that were seen in real Google answers are used verbatim; the others follow their style.
Each request is checked against the document as the earlier requests of the batch left it.
"""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from workspace_sandbox.docs.body import DocBody


class DocsRequestError(Exception):
    """A 400 INVALID_ARGUMENT answer to a batchUpdate; `request_index` is None for the whole batch."""

    def __init__(self, message: str, request_index: int | None = None):
        super().__init__(message)
        self.message = message
        self.request_index = request_index


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

NAMED_STYLE_TYPES = frozenset(("NORMAL_TEXT", "TITLE", "SUBTITLE", *(f"HEADING_{n}" for n in range(1, 7))))
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
_LINK_KINDS = ("url", "bookmarkId", "headingId", "bookmark", "heading", "tabId")
_STRIPPED = re.compile("[\x00-\x08\x0c-\x1f\ue000-\uf8ff]")
_INSIDE_BOUNDS = ("The insertion index must be inside the bounds of an existing paragraph. "
                  "You can still create new paragraphs by inserting newlines.")


class _Request:
    """One request of a batch: where it is, for error messages."""

    def __init__(self, index: int, kind: str):
        self.index = index
        self.kind = kind

    def fail(self, message: str) -> DocsRequestError:
        return DocsRequestError(f"Invalid requests[{self.index}].{self.kind}: {message}", self.index)

    def bad_value(self, path: str, type_name: str, value: object) -> DocsRequestError:
        where = ".".join(_snake(part) for part in (self.kind, *path.split(".")) if part)
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
                f"Invalid value at 'requests[{self.index}].{_snake(self.kind)}' (oneof), oneof field "
                f"'{group}' is already set. Cannot set '{present[1]}'", self.index)
        return present[0] if present else None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def strip_controls(text: str) -> str:
    """Drop the characters Google strips from inserted text."""
    return _STRIPPED.sub("", text)


def apply_request(body: DocBody, index: int, request: object) -> dict:
    """Validate one Request and apply it to `body`; return its reply."""
    if not isinstance(request, dict):
        raise DocsRequestError(
            f"Invalid value at 'requests[{index}]' (type.googleapis.com/google.apps.docs.v1.Request), "
            f"{json.dumps(request)}", index)
    for name in request:
        if name not in REQUEST_KINDS:
            raise DocsRequestError(f"Invalid JSON payload received. Unknown name \"{name}\" at "
                                   f"'requests[{index}]': Cannot find field.", index)
    kinds = list(request)
    if not kinds:
        raise DocsRequestError(f"Invalid requests[{index}]: No request set.", index)
    if len(kinds) > 1:
        raise DocsRequestError(f"Invalid value at 'requests[{index}]' (oneof), oneof field 'request' "
                               f"is already set. Cannot set '{kinds[1]}'", index)
    kind = kinds[0]
    req = _Request(index, kind)
    handler = _HANDLERS.get(kind)
    if handler is None:
        raise req.fail(f"the Workspace sandbox does not support {kind}")
    return handler(body, req, req.obj(request[kind], "", _message_type(kind)))


def _message_type(kind: str) -> str:
    return kind[0].upper() + kind[1:] + "Request"


def _check_segment(body: DocBody, req: _Request, where: dict) -> None:
    segment = where.get("segmentId") or ""
    if segment:
        raise req.fail(f"Segment with ID {segment} was not found. If a segment ID is provided, "
                       "it must be a header, footer or footnote ID.")
    tab = where.get("tabId") or ""
    if tab and tab != body.tab_id:
        raise req.fail("The tab was not found.")


def _check_tabs_criteria(body: DocBody, req: _Request, request: dict) -> None:
    criteria = request.get("tabsCriteria")
    if criteria is None:
        return
    tabs = req.obj(criteria, "tabsCriteria", "TabsCriteria").get("tabIds") or []
    if any(tab != body.tab_id for tab in tabs):
        raise req.fail("The tab was not found.")


def _range(body: DocBody, req: _Request, request: dict, *, deleting: bool = False) -> tuple[int, int]:
    """The request's body range, checked the way Google checks it."""
    rng = req.obj(request.get("range", {}), "range", "Range")
    if "startIndex" not in rng or "endIndex" not in rng:
        raise req.fail("Invalid range: must contain a start and end index")
    start = req.integer(rng["startIndex"], "range.startIndex")
    end = req.integer(rng["endIndex"], "range.endIndex")
    _check_segment(body, req, rng)
    if end < start:
        raise req.fail("Invalid range: end index cannot be less than start index")
    if start == end:
        raise req.fail("The range should not be empty.")
    segment_end = body.end_index
    if end > segment_end or (end == segment_end and not deleting):
        raise req.fail(f"Index {end} must be less than the end index of the referenced segment, "
                       f"{segment_end}.")
    if deleting and end == segment_end:
        raise req.fail("The range cannot include the newline character at the end of the segment.")
    if start < 1:
        if deleting:
            raise req.fail("Invalid deletion range. Cannot delete the requested range.")
        raise req.fail("The range cannot include the section break at the start of the body.")
    if body.position(start) is None or body.position(end) is None:
        raise req.fail("The range cannot start or end inside a surrogate pair.")
    return start, end


def _fields(req: _Request, request: dict, allowed: tuple[str, ...]) -> set[str]:
    mask = req.string(request.get("fields", ""), "fields").strip()
    if not mask:
        raise req.fail("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
    if mask == "*":
        return set(allowed)
    names = set()
    for raw in mask.split(","):
        name = _camel(raw.strip().split(".")[0])
        if name not in allowed:
            raise req.fail(f"Invalid field: {raw.strip()}")
        names.add(name)
    return names


def _insert_text(body: DocBody, req: _Request, request: dict) -> dict:
    text = req.string(request.get("text", ""), "text")
    where = req.oneof(request, "insertion_location", ("location", "endOfSegmentLocation"))
    if where is None:
        raise req.fail("Either location or endOfSegmentLocation must be specified.")
    if not text:
        raise req.fail("Insert text requests must specify text to insert.")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise req.bad_value("text", "TYPE_STRING", text)
    place = req.obj(request[where], where, where[0].upper() + where[1:])
    _check_segment(body, req, place)
    if where == "location":
        index = req.integer(place.get("index", 0), "location.index")
        if index < 1:
            raise req.fail(_INSIDE_BOUNDS)
        if index >= body.end_index:
            raise req.fail(f"Index {index} must be less than the end index of the referenced segment, "
                           f"{body.end_index}.")
        if body.position(index) is None:
            raise req.fail("The insertion index cannot be within a grapheme cluster.")
    else:
        index = body.end_index - 1
    text = strip_controls(text)
    if text:
        body.insert(index, text)
    return {}


def _delete_content_range(body: DocBody, req: _Request, request: dict) -> dict:
    start, end = _range(body, req, request, deleting=True)
    body.delete(start, end)
    return {}


def _create_named_range(body: DocBody, req: _Request, request: dict) -> dict:
    name = req.string(request.get("name", ""), "name")
    if not name:
        raise req.fail("The name must not be empty.")
    if width(name) > 256:
        raise req.fail("The name must be at most 256 characters long, measured in UTF-16 code units.")
    start, end = _range(body, req, request)
    return {"createNamedRange": {"namedRangeId": body.add_named_range(name, start, end)}}


def width(text: str) -> int:
    """Length in UTF-16 code units."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _named_range_targets(body: DocBody, req: _Request, request: dict, name_key: str) -> list[str]:
    """Ids of the named ranges a request designates by id or by name."""
    key = req.oneof(request, "named_range_reference", ("namedRangeId", name_key))
    if key is None:
        raise req.fail("Either namedRangeId or a named range name must be specified.")
    _check_tabs_criteria(body, req, request)
    value = req.string(request[key], key)
    if key == "namedRangeId":
        if not body.has_named_range(value):
            raise req.fail(f"The named range with ID {value} was not found.")
        return [value]
    return body.named_range_ids(value)


def _delete_named_range(body: DocBody, req: _Request, request: dict) -> dict:
    for range_id in _named_range_targets(body, req, request, "name"):
        body.remove_named_range(range_id)
    return {}


def _replace_named_range_content(body: DocBody, req: _Request, request: dict) -> dict:
    text = strip_controls(req.string(request.get("text", ""), "text"))
    targets = _named_range_targets(body, req, request, "namedRangeName")
    for range_id in targets:
        if any(end >= body.end_index for _, end in body.named_range_spans(range_id)):
            raise req.fail("The named range cannot be replaced: it includes the newline at the end of "
                           "the segment.")
    for range_id in sorted(targets, key=lambda rid: -body.named_range_spans(rid)[0][0]):
        body.replace_named_range(range_id, text)
    return {}


def _replace_all_text(body: DocBody, req: _Request, request: dict) -> dict:
    criteria = req.obj(request.get("containsText", {}), "containsText", "SubstringMatchCriteria")
    needle = req.string(criteria.get("text", ""), "containsText.text")
    if not needle:
        raise req.fail("The text to search for must not be empty.")
    if criteria.get("searchByRegex"):
        raise req.fail("the Workspace sandbox does not support replaceAllText with searchByRegex")
    _check_tabs_criteria(body, req, request)
    replacement = strip_controls(req.string(request.get("replaceText", ""), "replaceText"))
    flags = 0 if criteria.get("matchCase") else re.IGNORECASE
    count = body.replace_all(re.compile(re.escape(needle), flags), replacement)
    return {"replaceAllText": {"occurrencesChanged": count} if count else {}}


def _update_paragraph_style(body: DocBody, req: _Request, request: dict) -> dict:
    start, end = _range(body, req, request)
    fields = _fields(req, request, PARAGRAPH_FIELDS) - {"headingId"}  # headingId is read-only
    given = req.obj(request.get("paragraphStyle", {}), "paragraphStyle", "ParagraphStyle")
    named = given.get("namedStyleType", "NORMAL_TEXT")
    if "namedStyleType" in fields and (not isinstance(named, str) or named not in NAMED_STYLE_TYPES):
        raise req.bad_value("paragraphStyle.namedStyleType",
                            "type.googleapis.com/google.apps.docs.v1.NamedStyleType", named)
    for span in body.paragraphs_overlapping(start, end):
        style = dict(span.para.style)
        for field in fields:
            if field in given:
                style[field] = given[field]
            else:
                style.pop(field, None)
        if "namedStyleType" in fields:
            style["namedStyleType"] = named
        body.set_paragraph_style(span, style)
    return {}


def _update_text_style(body: DocBody, req: _Request, request: dict) -> dict:
    start, end = _range(body, req, request)
    fields = _fields(req, request, TEXT_FIELDS)
    given = req.obj(request.get("textStyle", {}), "textStyle", "TextStyle")
    link = given.get("link")
    if link is not None:
        link = req.obj(link, "textStyle.link", "Link")
    if "link" in fields and link is not None and not any(link.get(kind) for kind in _LINK_KINDS):
        raise req.fail("Links must include at least one type.")
    family = given.get("weightedFontFamily")
    if family is not None:
        family = req.obj(family, "textStyle.weightedFontFamily", "WeightedFontFamily")
    if "weightedFontFamily" in fields and family is not None and not family.get("fontFamily"):
        raise req.fail("A weighted font family must have a non-empty font family.")
    body.update_text_style(start, end, fields, given)
    return {}


def _create_paragraph_bullets(body: DocBody, req: _Request, request: dict) -> dict:
    start, end = _range(body, req, request)
    preset = req.string(request.get("bulletPreset", "BULLET_GLYPH_PRESET_UNSPECIFIED"), "bulletPreset")
    if preset not in BULLET_PRESETS:
        if preset == "BULLET_GLYPH_PRESET_UNSPECIFIED":
            raise req.fail("A bullet preset must be specified.")
        raise req.bad_value("bulletPreset", "type.googleapis.com/google.apps.docs.v1."
                            "CreateParagraphBulletsRequest.BulletGlyphPreset", preset)
    body.create_bullets(start, end, preset)
    return {}


def _delete_paragraph_bullets(body: DocBody, req: _Request, request: dict) -> dict:
    start, end = _range(body, req, request)
    body.delete_bullets(start, end)
    return {}


_HANDLERS: dict[str, Callable[[DocBody, _Request, dict], dict]] = {
    "insertText": _insert_text,
    "deleteContentRange": _delete_content_range,
    "createNamedRange": _create_named_range,
    "deleteNamedRange": _delete_named_range,
    "replaceNamedRangeContent": _replace_named_range_content,
    "replaceAllText": _replace_all_text,
    "updateParagraphStyle": _update_paragraph_style,
    "updateTextStyle": _update_text_style,
    "createParagraphBullets": _create_paragraph_bullets,
    "deleteParagraphBullets": _delete_paragraph_bullets,
}

# --- list presets: the nesting levels Google gives a list made with each preset ---------------------

_SYMBOLS = {
    "BULLET_DISC_CIRCLE_SQUARE": "●○■",
    "BULLET_DIAMONDX_ARROW3D_SQUARE": "❖➢■",
    "BULLET_ARROW_DIAMOND_DISC": "➔◆●",
    "BULLET_STAR_CIRCLE_SQUARE": "★○■",
    "BULLET_ARROW3D_CIRCLE_SQUARE": "➢○■",
    "BULLET_LEFTTRIANGLE_DIAMOND_DISC": "◄◆●",
    "BULLET_DIAMONDX_HOLLOWDIAMOND_SQUARE": "❖◇■",
    "BULLET_DIAMOND_CIRCLE_SQUARE": "◆○■",
}
_NUMBERS = {
    "NUMBERED_DECIMAL_ALPHA_ROMAN": (("DECIMAL", "ALPHA", "ROMAN"), "%{n}."),
    "NUMBERED_DECIMAL_ALPHA_ROMAN_PARENS": (("DECIMAL", "ALPHA", "ROMAN"), "%{n})"),
    "NUMBERED_DECIMAL_NESTED": (("DECIMAL", "DECIMAL", "DECIMAL"), "nested"),
    "NUMBERED_UPPERALPHA_ALPHA_ROMAN": (("UPPER_ALPHA", "ALPHA", "ROMAN"), "%{n}."),
    "NUMBERED_UPPERROMAN_UPPERALPHA_DECIMAL": (("UPPER_ROMAN", "UPPER_ALPHA", "DECIMAL"), "%{n}."),
    "NUMBERED_ZERODECIMAL_ALPHA_ROMAN": (("ZERO_DECIMAL", "ALPHA", "ROMAN"), "%{n}."),
}
BULLET_PRESETS = frozenset((*_SYMBOLS, *_NUMBERS, "BULLET_CHECKBOX"))
CHECKBOX = "BULLET_CHECKBOX"


def _pt(magnitude: float) -> dict:
    return {"magnitude": magnitude, "unit": "PT"}


def preset_levels(preset: str) -> list[dict]:
    """The nine nesting levels of a new list made with `preset`."""
    levels = []
    for n in range(9):
        level: dict = {"bulletAlignment": "START"}
        if preset in _SYMBOLS:
            level["glyphSymbol"] = _SYMBOLS[preset][n % 3]
            level["glyphFormat"] = f"%{n}"
        elif preset == CHECKBOX:
            level["glyphType"] = "GLYPH_TYPE_UNSPECIFIED"
            level["glyphFormat"] = f"%{n}"
        else:
            types, pattern = _NUMBERS[preset]
            level["glyphType"] = types[n % 3]
            if level["glyphType"] in ("ROMAN", "UPPER_ROMAN"):
                level["bulletAlignment"] = "END"
            level["glyphFormat"] = ("".join(f"%{k}." for k in range(n + 1)) if pattern == "nested"
                                    else pattern.format(n=n))
        level.update({"indentFirstLine": _pt(18 + 36 * n), "indentStart": _pt(36 + 36 * n),
                      "textStyle": {"underline": False}, "startNumber": 1})
        levels.append(level)
    return levels


def _glyph(level: dict) -> tuple:
    return level.get("glyphSymbol"), level.get("glyphType"), level.get("glyphFormat")


def infer_preset(levels: list[dict]) -> str | None:
    """The preset a list read from JSON was made with, when its glyphs tell."""
    if levels and levels[0].get("glyphType") == "GLYPH_TYPE_UNSPECIFIED" and "glyphSymbol" not in levels[0]:
        return CHECKBOX
    glyphs = [_glyph(level) for level in levels[:3]]
    for preset in sorted(BULLET_PRESETS):
        if [_glyph(level) for level in preset_levels(preset)[:len(glyphs)]] == glyphs:
            return preset
    return None
