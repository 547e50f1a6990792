"""One tab of a Google Doc: its body, headers, footers and footnotes (segments), the styles, lists,
named ranges and objects they use, and its child tabs; read from and written to the Tab JSON of
documents.get. What the model does not edit (positioned objects' properties, suggested style
changes...) is held as read and written back unchanged.

Unconfirmed: footnotes are numbered by their references' order in the body; a positioned object
goes when the newline of the paragraph it is anchored to is deleted; a new named range's ranges
name their segmentId (outside the body) but not their tab (ranges read keep what they said).
Comment anchors (commentAnchors) are held as read: edits do not move them.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from workspace_sandbox.docs.content import content_json, read_content
from workspace_sandbox.docs.elements import BOOLEAN_TEXT_FIELDS, TEXT_FIELDS, Char, new_id, ordered
from workspace_sandbox.docs.lists import infer_preset, preset_levels
from workspace_sandbox.docs.segment import NamedRange, Segment

DEFAULT_DOCUMENT_STYLE = {
    "background": {"color": {}}, "pageNumberStart": 1,
    **{f"margin{side}": {"magnitude": 72, "unit": "PT"} for side in ("Top", "Bottom", "Right", "Left")},
    "pageSize": {"height": {"magnitude": 792, "unit": "PT"}, "width": {"magnitude": 612, "unit": "PT"}},
    "marginHeader": {"magnitude": 36, "unit": "PT"}, "marginFooter": {"magnitude": 36, "unit": "PT"},
    "useCustomHeaderFooterMargins": True, "documentFormat": {"documentMode": "PAGES"},
}
DOCUMENT_STYLE_FIELDS = (
    "background", "defaultHeaderId", "defaultFooterId", "evenPageHeaderId", "evenPageFooterId",
    "firstPageHeaderId", "firstPageFooterId", "useFirstPageHeaderFooter", "useEvenPageHeaderFooter",
    "pageNumberStart", "marginTop", "marginBottom", "marginRight", "marginLeft", "pageSize",
    "marginHeader", "marginFooter", "useCustomHeaderFooterMargins", "documentFormat")
# The named styles of a new Google Doc (as documents.get gives them).
DEFAULT_NAMED_STYLES = json.loads((Path(__file__).parent / "named_styles.json").read_text(encoding="utf-8"))
DEFAULT_TAB_PROPERTIES = {"tabId": "t.0", "title": "Tab 1", "index": 0}
_TAB_FIELDS = ("body", "headers", "footers", "footnotes", "documentStyle", "suggestedDocumentStyleChanges",
               "namedStyles", "suggestedNamedStylesChanges", "lists", "namedRanges", "inlineObjects",
               "positionedObjects")
_MODELLED = frozenset(("body", "headers", "footers", "footnotes", "documentStyle", "namedStyles", "lists",
                       "namedRanges", "inlineObjects", "positionedObjects"))
_SEGMENT_MAPS = (("headers", "headerId"), ("footers", "footerId"), ("footnotes", "footnoteId"))


def every_tab(tabs: list[Tab]) -> list[Tab]:
    """Tabs and their child tabs, each child after its parent (the order of the Docs tab list)."""
    return [each for tab in tabs for each in (tab, *every_tab(tab.children))]


class Tab:
    """A tab's segments and everything they refer to."""

    def __init__(self, properties: dict):
        self.properties = properties
        self.children: list[Tab] = []
        self.body = Segment([], self)
        self.headers: dict[str, Segment] = {}
        self.footers: dict[str, Segment] = {}
        self.footnotes: dict[str, Segment] = {}
        self.document_style: dict = copy.deepcopy(DEFAULT_DOCUMENT_STYLE)
        self.named_styles: dict | None = copy.deepcopy(DEFAULT_NAMED_STYLES)
        self.lists: dict[str, dict] = {}
        self.presets: dict[str, str | None] = {}
        self.named: list[NamedRange] = []
        self.inline_objects: dict[str, dict] = {}
        self.positioned_objects: dict[str, dict] = {}
        self.extra: dict = {}

    @property
    def tab_id(self) -> str:
        return self.properties.get("tabId", "")

    # --- JSON ---------------------------------------------------------------------------------
    @classmethod
    def from_json(cls, data: dict) -> Tab:
        """A Tab of documents.get with includeTabsContent, its child tabs included."""
        tab = cls.read(data.get("documentTab", {}), copy.deepcopy(data.get("tabProperties", DEFAULT_TAB_PROPERTIES)))
        tab.children = [cls.from_json(child) for child in data.get("childTabs", [])]
        return tab

    @classmethod
    def read(cls, part: dict, properties: dict) -> Tab:
        """A tab from its DocumentTab JSON (or a legacy documents.get answer's top-level fields)."""
        tab = cls(properties)
        content = part.get("body", {}).get("content", [])
        if not content or "sectionBreak" not in content[0]:
            raise ValueError("documents.get JSON: body.content must start with a sectionBreak")
        tab.body = Segment(read_content(content, "body.content"), tab)
        for key, id_key in _SEGMENT_MAPS:
            segments = getattr(tab, key)
            for segment_id, segment in part.get(key, {}).items():
                chars = read_content(segment.get("content", []), f"{key}.{segment_id}.content")
                segments[segment_id] = Segment(chars, tab, segment.get(id_key, segment_id))
        tab.document_style = copy.deepcopy(part.get("documentStyle", DEFAULT_DOCUMENT_STYLE))
        tab.named_styles = copy.deepcopy(part.get("namedStyles"))
        tab.lists = copy.deepcopy(part.get("lists", {}))
        tab.presets = {list_id: infer_preset(tab.levels(list_id)) for list_id in tab.lists}
        tab.named = [NamedRange(nr["namedRangeId"], nr["name"],
                                [(r.get("segmentId", ""), r.get("startIndex", 0), r["endIndex"])
                                 for r in nr.get("ranges", [])],
                                {k: v for r in nr.get("ranges", [])[:1] for k, v in r.items()
                                 if k not in ("segmentId", "startIndex", "endIndex")})
                     for group in part.get("namedRanges", {}).values() for nr in group.get("namedRanges", [])]
        tab.inline_objects = copy.deepcopy(part.get("inlineObjects", {}))
        tab.positioned_objects = copy.deepcopy(part.get("positionedObjects", {}))
        tab.extra = {key: copy.deepcopy(value) for key, value in part.items() if key not in _MODELLED}
        for segment in tab.segments():
            try:
                segment.layout
            except ValueError as error:
                raise ValueError(f"documents.get JSON: {segment.segment_id or 'body'}: {error}") from None
        return tab

    def to_json(self) -> dict:
        """The Tab JSON (sharing the model's dicts: copy before handing it out)."""
        out: dict = {"tabProperties": self.properties}
        if self.children:
            out["childTabs"] = [child.to_json() for child in self.children]
        out["documentTab"] = self.document_tab_json()
        return out

    def document_tab_json(self) -> dict:
        part: dict = {"body": {"content": content_json(self.body)}, **self.extra}
        for key, id_key in _SEGMENT_MAPS:
            segments = getattr(self, key)
            if segments:
                part[key] = {sid: {id_key: sid, "content": content_json(seg)} for sid, seg in segments.items()}
        part["documentStyle"] = self.document_style
        if self.named_styles is not None:
            part["namedStyles"] = self.named_styles
        if self.lists:
            part["lists"] = self.lists
        if self.named:
            part["namedRanges"] = self._named_ranges_json()
        if self.inline_objects:
            part["inlineObjects"] = self.inline_objects
        if self.positioned_objects:
            part["positionedObjects"] = self.positioned_objects
        return ordered(part, _TAB_FIELDS)

    def _named_ranges_json(self) -> dict:
        groups: dict[str, dict] = {}
        for named in self.named:
            group = groups.setdefault(named.name, {"name": named.name, "namedRanges": []})
            ranges = [{**({"segmentId": seg} if seg else {}), "startIndex": s, "endIndex": e, **named.extra}
                      for seg, s, e in named.spans]
            group["namedRanges"].append({"namedRangeId": named.range_id, "name": named.name, "ranges": ranges})
        return groups

    def clone(self) -> Tab:
        tab = Tab(copy.deepcopy(self.properties))
        tab.children = [child.clone() for child in self.children]
        tab.body = self.body.clone(tab)
        for key, _ in _SEGMENT_MAPS:
            setattr(tab, key, {sid: seg.clone(tab) for sid, seg in getattr(self, key).items()})
        for name in ("document_style", "named_styles", "lists", "presets", "named", "inline_objects",
                     "positioned_objects", "extra"):
            setattr(tab, name, copy.deepcopy(getattr(self, name)))
        return tab

    # --- segments -----------------------------------------------------------------------------
    def segments(self) -> list[Segment]:
        """The body, then the headers, footers and footnotes."""
        return [self.body, *self.headers.values(), *self.footers.values(), *self.footnotes.values()]

    def segment(self, segment_id: str) -> Segment | None:
        if not segment_id:
            return self.body
        for key, _ in _SEGMENT_MAPS:
            if segment_id in getattr(self, key):
                return getattr(self, key)[segment_id]
        return None

    def footnote_numbers(self) -> dict[str, str]:
        """Each footnote's number: its reference's place among the body's references."""
        ids = [char.item.data.get("footnoteId") for char in self.body.chars if char.kind == "footnoteReference"]
        return {footnote_id: str(n) for n, footnote_id in enumerate(ids, start=1)}

    def forget(self, removed: list[Char]) -> None:
        """Drop what deleted characters held: footnotes, inline objects, anchored positioned objects."""
        for char in removed:
            if char.kind == "footnoteReference":
                footnote_id = char.item.data.get("footnoteId")
                self.drop_segment(self.footnotes, footnote_id)
            elif char.kind == "inlineObjectElement":
                self.inline_objects.pop(char.item.data.get("inlineObjectId"), None)
            elif char.para is not None:
                for object_id in char.para.extra.get("positionedObjectIds", []):
                    self.positioned_objects.pop(object_id, None)

    def drop_segment(self, segments: dict[str, Segment], segment_id: str) -> None:
        """Remove a header, footer or footnote with what it held and the named ranges' pieces in it."""
        segment = segments.pop(segment_id, None)
        if segment is not None:
            self.forget(segment.chars)
        for named in self.named:
            named.spans = [span for span in named.spans if span[0] != segment_id]
        self.named = [named for named in self.named if named.spans]

    # --- styles and lists ---------------------------------------------------------------------
    def levels(self, list_id: str) -> list[dict]:
        return self.lists[list_id].get("listProperties", {}).get("nestingLevels", [])

    def add_list(self, preset: str) -> str:
        list_id = new_id("kix.")
        self.lists[list_id] = {"listProperties": {"nestingLevels": preset_levels(preset)}}
        self.presets[list_id] = preset
        return list_id

    def _named_text_styles(self) -> dict[str, dict]:
        styles = (self.named_styles or DEFAULT_NAMED_STYLES).get("styles", [])
        return {style.get("namedStyleType"): style.get("textStyle", {}) for style in styles}

    @property
    def style_booleans(self) -> dict[str, dict]:
        """For each named style, the boolean text styles its text inherits."""
        styles = self._named_text_styles()
        normal = {k: v for k, v in styles.get("NORMAL_TEXT", {}).items() if k in BOOLEAN_TEXT_FIELDS}
        return {name: {**normal, **{k: v for k, v in text.items() if k in BOOLEAN_TEXT_FIELDS}}
                for name, text in styles.items()}

    def look_of(self, named_style: str, style: dict) -> dict:
        """Text in `named_style` with `style`, as a textStyle on normal text (what differs from
        NORMAL_TEXT's), links left out."""
        styles = self._named_text_styles()
        normal = styles.get("NORMAL_TEXT", {})
        looks = {**normal, **styles.get(named_style, {}), **style}
        return ordered({k: v for k, v in looks.items() if k != "link" and normal.get(k) != v}, TEXT_FIELDS)
