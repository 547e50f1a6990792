"""Docs API v1 batchUpdate: each request validated as Google validates it and applied to the tabs
of an `Edit`; this module holds the dispatcher and the text, style, list and named range requests
(tables, images, headers, footers, footnotes and breaks are in `objects`).

Each request is checked against the document as the earlier requests of the batch left it.
replaceAllText replaces in every segment (body, headers, footers, footnotes) of the tabs it names
(unconfirmed for segments other than the body).
"""
from __future__ import annotations

import json
import re
from typing import Callable

from workspace_sandbox.docs import objects
from workspace_sandbox.docs.elements import NAMED_STYLE_TYPES, PARAGRAPH_FIELDS, TEXT_FIELDS, new_id, width
from workspace_sandbox.docs.lists import BULLET_PRESETS
from workspace_sandbox.docs.requests import (
    CANNOT_DELETE, REQUEST_KINDS, DocsRequestError, Edit, Request, camel, strip_controls)
from workspace_sandbox.docs.segment import NamedRange
from workspace_sandbox.docs.styling import create_bullets, delete_bullets, set_paragraph_style, update_text_style
from workspace_sandbox.docs.tab import Tab

_LINK_KINDS = ("url", "bookmarkId", "headingId", "bookmark", "heading", "tabId")


def apply_request(edit: Edit, index: int, request: object) -> dict:
    """Validate one Request and apply it; return its reply."""
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
    req = Request(index, kind)
    handler = _HANDLERS.get(kind) or objects.HANDLERS.get(kind)
    if handler is None:
        raise req.fail(f"the Workspace sandbox does not support {kind}")
    return handler(edit, req, req.obj(request[kind], "", kind[0].upper() + kind[1:] + "Request"))


def _fields(req: Request, request: dict, allowed: tuple[str, ...]) -> set[str]:
    mask = req.string(request.get("fields", ""), "fields").strip()
    if not mask:
        raise req.fail("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
    if mask == "*":
        return set(allowed)
    names = set()
    for raw in mask.split(","):
        name = camel(raw.strip().split(".")[0])
        if name not in allowed:
            raise req.fail(f"Invalid field: {raw.strip()}")
        names.add(name)
    return names


# --- text ----------------------------------------------------------------------------------------
def _insert_text(edit: Edit, req: Request, request: dict) -> dict:
    text = req.string(request.get("text", ""), "text")
    if req.oneof(request, "insertion_location", ("location", "endOfSegmentLocation")) is None:
        raise req.fail("Either location or endOfSegmentLocation must be specified.")
    if not text:
        raise req.fail("Insert text requests must specify text to insert.")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise req.bad_value("text", "TYPE_STRING", text)
    segment, index = edit.location(req, request)
    text = strip_controls(text)
    if text:
        segment.insert(index, text)
    return {}


def _delete_content_range(edit: Edit, req: Request, request: dict) -> dict:
    segment, start, end = edit.range(req, request, deleting=True)
    segment.delete(start, end)
    return {}


def _replace_all_text(edit: Edit, req: Request, request: dict) -> dict:
    criteria = req.obj(request.get("containsText", {}), "containsText", "SubstringMatchCriteria")
    needle = req.string(criteria.get("text", ""), "containsText.text")
    if not needle:
        raise req.fail("The text to search for must not be empty.")
    if criteria.get("searchByRegex"):
        raise req.fail("the Workspace sandbox does not support replaceAllText with searchByRegex")
    tabs = edit.tabs_for(req, request)
    replacement = strip_controls(req.string(request.get("replaceText", ""), "replaceText"))
    pattern = re.compile(re.escape(needle), 0 if criteria.get("matchCase") else re.IGNORECASE)
    count = sum(segment.replace_all(pattern, replacement) for tab in tabs for segment in tab.segments())
    return {"replaceAllText": {"occurrencesChanged": count} if count else {}}


# --- named ranges --------------------------------------------------------------------------------
def _create_named_range(edit: Edit, req: Request, request: dict) -> dict:
    name = req.string(request.get("name", ""), "name")
    if not name:
        raise req.fail("The name must not be empty.")
    if width(name) > 256:
        raise req.fail("The name must be at most 256 characters long, measured in UTF-16 code units.")
    segment, start, end = edit.range(req, request)
    range_id = new_id("kix.")
    segment.tab.named.append(NamedRange(range_id, name, [(segment.segment_id, start, end)]))
    return {"createNamedRange": {"namedRangeId": range_id}}


def _named_range_targets(edit: Edit, req: Request, request: dict, name_key: str) -> list[tuple[Tab, NamedRange]]:
    """The named ranges a request designates by id or by name, in the tabs it names."""
    key = req.oneof(request, "named_range_reference", ("namedRangeId", name_key))
    if key is None:
        raise req.fail("Either namedRangeId or a named range name must be specified.")
    tabs = edit.tabs_for(req, request)
    value = req.string(request[key], key)
    found = [(tab, named) for tab in tabs for named in tab.named
             if (named.range_id if key == "namedRangeId" else named.name) == value]
    if key == "namedRangeId" and not found:
        raise req.fail(f"The named range with ID {value} was not found.")
    return found


def _delete_named_range(edit: Edit, req: Request, request: dict) -> dict:
    for tab, named in _named_range_targets(edit, req, request, "name"):
        tab.named = [other for other in tab.named if other is not named]
    return {}


def _replace_named_range_content(edit: Edit, req: Request, request: dict) -> dict:
    """Put the text in each range's first span and delete its other spans; the range then covers
    the text (or goes, when the text is empty)."""
    text = strip_controls(req.string(request.get("text", ""), "text"))
    targets = _named_range_targets(edit, req, request, "namedRangeName")
    for tab, named in targets:
        for segment_id, start, end in named.spans:
            segment = tab.segment(segment_id)
            if end >= segment.end_index:
                raise req.fail("The named range cannot be replaced: it includes the newline at the end of "
                               "the segment.")
            if segment.layout.deletion_breaks_structure(segment.position(start), segment.position(end)):
                raise req.fail(CANNOT_DELETE)
    for tab, named in sorted(targets, key=lambda target: -min(s for _, s, _ in target[1].spans)):
        if not named.spans:  # its text went with another range's
            continue
        first, *others = sorted(named.spans, key=lambda span: (span[0] != "", span[0], span[1]))
        for segment_id, start, end in reversed(others):
            tab.segment(segment_id).delete(start, end)
        segment_id, start, end = first
        segment = tab.segment(segment_id)
        segment.replace(start, end, text, segment.chars[segment.position(start)].style)
        named.spans = [(segment_id, start, start + width(text))] if text else []
        tab.named = [other for other in tab.named if other.spans]
    return {}


# --- styles and lists ----------------------------------------------------------------------------
def _update_paragraph_style(edit: Edit, req: Request, request: dict) -> dict:
    segment, start, end = edit.range(req, request)
    fields = _fields(req, request, PARAGRAPH_FIELDS) - {"headingId"}  # headingId is read-only
    given = req.obj(request.get("paragraphStyle", {}), "paragraphStyle", "ParagraphStyle")
    named = given.get("namedStyleType", "NORMAL_TEXT")
    if "namedStyleType" in fields and (not isinstance(named, str) or named not in NAMED_STYLE_TYPES):
        raise req.bad_value("paragraphStyle.namedStyleType",
                            "type.googleapis.com/google.apps.docs.v1.NamedStyleType", named)
    for span in segment.paragraphs_overlapping(start, end):
        style = dict(span.para.style)
        for field in fields:
            if field in given:
                style[field] = given[field]
            else:
                style.pop(field, None)
        if "namedStyleType" in fields:
            style["namedStyleType"] = named
        set_paragraph_style(segment, span, style)
    return {}


def _update_text_style(edit: Edit, req: Request, request: dict) -> dict:
    segment, start, end = edit.range(req, request)
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
    update_text_style(segment, start, end, fields, given)
    return {}


def _create_paragraph_bullets(edit: Edit, req: Request, request: dict) -> dict:
    segment, start, end = edit.range(req, request)
    preset = req.string(request.get("bulletPreset", "BULLET_GLYPH_PRESET_UNSPECIFIED"), "bulletPreset")
    if preset not in BULLET_PRESETS:
        if preset == "BULLET_GLYPH_PRESET_UNSPECIFIED":
            raise req.fail("A bullet preset must be specified.")
        raise req.bad_value("bulletPreset", "type.googleapis.com/google.apps.docs.v1."
                            "CreateParagraphBulletsRequest.BulletGlyphPreset", preset)
    create_bullets(segment, start, end, preset)
    return {}


def _delete_paragraph_bullets(edit: Edit, req: Request, request: dict) -> dict:
    segment, start, end = edit.range(req, request)
    delete_bullets(segment, start, end)
    return {}


_HANDLERS: dict[str, Callable[[Edit, Request, dict], dict]] = {
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
