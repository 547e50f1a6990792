"""A Google Docs document as the Docs API v1 sees it: a body (see docs_body) with its title, section
break, document and named styles, read from and written to documents.get JSON, HTML and stored state.
"""
from __future__ import annotations

import copy
from dataclasses import replace

from workspace_sandbox.docs import html as docs_html
from workspace_sandbox.docs.body import HEADINGS, Char, DocBody, NamedRange, Para, Span, new_id, ordered
from workspace_sandbox.docs.batch_update import (
    BOOLEAN_TEXT_FIELDS, CHECKBOX, LINK_COLOR, TEXT_FIELDS, DocsRequestError, apply_request, infer_preset,
    preset_levels, strip_controls, width)

__all__ = ["DocsRequestError", "Document"]

_SECTION_BREAK = {"sectionStyle": {"columnSeparatorStyle": "NONE", "contentDirection": "LEFT_TO_RIGHT",
                                   "sectionType": "CONTINUOUS"}}
_DOCUMENT_STYLE = {
    "background": {"color": {}}, "pageNumberStart": 1,
    **{f"margin{side}": {"magnitude": 72, "unit": "PT"} for side in ("Top", "Bottom", "Right", "Left")},
    "pageSize": {"height": {"magnitude": 792, "unit": "PT"}, "width": {"magnitude": 612, "unit": "PT"}},
    "marginHeader": {"magnitude": 36, "unit": "PT"}, "marginFooter": {"magnitude": 36, "unit": "PT"},
    "useCustomHeaderFooterMargins": True, "documentFormat": {"documentMode": "PAGES"},
}
# Boolean text styles each named style sets (Docs' defaults); the rest inherit False from NORMAL_TEXT.
_DEFAULT_STYLE_BOOLEANS = {"HEADING_6": {"italic": True}}


class Document:
    """One Google Doc: its id, title and body, answering Docs API v1 reads and batchUpdates."""

    def __init__(self, document_id: str, title: str, body: DocBody, *, section_break: dict,
                 document_style: dict, named_styles: dict | None, tab_properties: dict):
        self.document_id = document_id
        self.title = title
        self._body = body
        self._section_break = section_break
        self._document_style = document_style
        self._named_styles = named_styles
        self._tab_properties = tab_properties

    @classmethod
    def new(cls, document_id: str, title: str) -> Document:
        """A blank document: the section break and one empty NORMAL_TEXT paragraph."""
        return cls._build(document_id, title, [([], _normal_style(), None)])

    @classmethod
    def _build(cls, document_id: str, title: str, paragraphs: list[tuple[list, dict, dict | None]],
               lists: dict[str, str] | None = None) -> Document:
        """A document from (runs [(text, textStyle)], paragraphStyle, bullet) triples, lists by preset."""
        chars: list[Char] = []
        for runs, style, bullet in paragraphs:
            for text, text_style in runs:
                chars.extend(Char(ch, text_style) for ch in text)
            chars.append(Char("\n", {}, Para(style, bullet)))
        body = DocBody(chars, named=[], lists={}, presets={}, tab_id="t.0",
                       style_booleans=_style_booleans(None))
        for list_id, preset in (lists or {}).items():
            body.lists[list_id] = preset_levels(preset)
            body.presets[list_id] = preset
        return cls(document_id, title, body, section_break=copy.deepcopy(_SECTION_BREAK),
                   document_style=copy.deepcopy(_DOCUMENT_STYLE), named_styles=None,
                   tab_properties={"tabId": "t.0", "title": "Tab 1", "index": 0})

    @classmethod
    def from_json(cls, data: dict) -> Document:
        """A document from a documents.get answer, with or without includeTabsContent."""
        tab_properties = {"tabId": "t.0", "title": "Tab 1", "index": 0}
        part = data
        if data.get("tabs"):
            tab_properties = copy.deepcopy(data["tabs"][0].get("tabProperties", tab_properties))
            part = data["tabs"][0]["documentTab"]
        content = part.get("body", {}).get("content", [])
        if not content or "sectionBreak" not in content[0]:
            raise ValueError("documents.get JSON: body.content must start with a sectionBreak")
        chars: list[Char] = []
        index = 1
        for n, element in enumerate(content[1:], start=1):
            chars.extend(_read_paragraph(element, n, index))
            index = element["endIndex"]
        named = [NamedRange(nr["namedRangeId"], nr["name"],
                            [[r.get("startIndex", 0), r["endIndex"]] for r in nr.get("ranges", [])])
                 for group in part.get("namedRanges", {}).values() for nr in group.get("namedRanges", [])]
        lists = {list_id: copy.deepcopy(entry.get("listProperties", {}).get("nestingLevels", []))
                 for list_id, entry in part.get("lists", {}).items()}
        named_styles = copy.deepcopy(part.get("namedStyles"))
        body = DocBody(chars, named=named, lists=lists,
                       presets={list_id: infer_preset(levels) for list_id, levels in lists.items()},
                       tab_id=tab_properties.get("tabId", "t.0"), style_booleans=_style_booleans(named_styles))
        return cls(data.get("documentId", ""), data.get("title", ""), body,
                   section_break=copy.deepcopy(content[0]["sectionBreak"]),
                   document_style=copy.deepcopy(part.get("documentStyle", _DOCUMENT_STYLE)),
                   named_styles=named_styles, tab_properties=tab_properties)

    @classmethod
    def from_html(cls, document_id: str, title: str, html: str) -> Document:
        """The document Drive makes when it converts an HTML upload to a Google Doc."""
        blocks = docs_html.parse(html)
        list_ids = {key: new_id("kix.") for key in dict.fromkeys(b.list_key for b in blocks if b.list_key)}
        presets = {list_ids[b.list_key]: "NUMBERED_DECIMAL_ALPHA_ROMAN" if b.numbered
                   else "BULLET_DISC_CIRCLE_SQUARE" for b in blocks if b.list_key}
        paragraphs = []
        for block in blocks:
            style, bullet = _normal_style(block.named_style), None
            if block.named_style in HEADINGS:
                style = {"headingId": new_id("h."), **style}
            if block.list_key:
                level = preset_levels(presets[list_ids[block.list_key]])[block.level]
                bullet = {"listId": list_ids[block.list_key],
                          **({"nestingLevel": block.level} if block.level else {}),
                          "textStyle": dict(level["textStyle"])}
                style.update(indentFirstLine=level["indentFirstLine"], indentStart=level["indentStart"])
            runs = [(text, _link_style(text_style)) for text, text_style in block.runs]
            paragraphs.append((runs, style, bullet))
        return cls._build(document_id, title, paragraphs or [([], _normal_style(), None)], presets)

    def to_json(self, include_tabs_content: bool = False) -> dict:
        """The documents.get answer (without revisionId, which the API layer adds)."""
        part: dict = {"body": {"content": self._content()}, "documentStyle": copy.deepcopy(self._document_style)}
        if self._named_styles is not None:
            part["namedStyles"] = copy.deepcopy(self._named_styles)
        if self._body.lists:
            part["lists"] = {list_id: {"listProperties": {"nestingLevels": copy.deepcopy(levels)}}
                             for list_id, levels in self._body.lists.items()}
        if self._body.named:
            part["namedRanges"] = self._named_ranges_json()
        head = {"title": self.title, "suggestionsViewMode": "SUGGESTIONS_INLINE", "documentId": self.document_id}
        if include_tabs_content:
            return {**head, "tabs": [{"tabProperties": copy.deepcopy(self._tab_properties), "documentTab": part}]}
        return {**head, **part}

    def _content(self) -> list[dict]:
        content = [{"endIndex": 1, "sectionBreak": copy.deepcopy(self._section_break)}]
        chars, offsets = self._body.chars, self._body.offsets
        for span in self._body.paragraphs():
            elements, run_start = [], span.start_pos
            for pos in range(span.start_pos, span.nl_pos + 1):
                if pos == span.nl_pos or chars[pos + 1].style != chars[run_start].style:
                    elements.append({"startIndex": offsets[run_start], "endIndex": offsets[pos + 1],
                                     "textRun": {"content": "".join(c.ch for c in chars[run_start:pos + 1]),
                                                 "textStyle": copy.deepcopy(chars[run_start].style)}})
                    run_start = pos + 1
            paragraph = {"elements": elements, "paragraphStyle": copy.deepcopy(span.para.style)}
            if span.para.bullet is not None:
                paragraph["bullet"] = copy.deepcopy(span.para.bullet)
            content.append({"startIndex": span.start_index, "endIndex": span.end_index, "paragraph": paragraph})
        return content

    def _named_ranges_json(self) -> dict:
        groups: dict[str, dict] = {}
        for named in self._body.named:
            group = groups.setdefault(named.name, {"name": named.name, "namedRanges": []})
            group["namedRanges"].append({"namedRangeId": named.range_id, "name": named.name,
                                         "ranges": [{"startIndex": s, "endIndex": e} for s, e in named.spans]})
        return groups

    def to_state(self) -> dict:
        """Everything needed to rebuild this document, hidden checklist ticks included (for storage)."""
        return {"document": self.to_json(include_tabs_content=True),
                "checked": [span.start_index for span in self._body.paragraphs() if span.para.checked]}

    @classmethod
    def from_state(cls, state: dict) -> Document:
        """The document `to_state` stored."""
        document = cls.from_json(state["document"])
        for start_index in state.get("checked", []):
            document.set_checked(start_index)
        return document

    def apply(self, requests: list[dict]) -> list[dict]:
        """A batchUpdate: validate and apply in order, all or nothing; return the replies."""
        if not isinstance(requests, list) or not requests:
            raise DocsRequestError("Must specify at least one request.")
        work = self._body.clone()
        replies = [apply_request(work, n, request) for n, request in enumerate(requests)]
        self._body = work
        return replies

    def to_html(self) -> str:
        """A readable HTML rendering (checklist items show ☐ or ☑)."""
        checked = {span.start_index for span in self._body.paragraphs() if span.para.checked}
        checklists = {list_id for list_id, preset in self._body.presets.items() if preset == CHECKBOX}
        return docs_html.render(self.to_json(), checked, checklists)

    def text(self) -> str:
        """The body's text, every paragraph ending with a newline."""
        return self._body.text()

    # --- a person's edits ----------------------------------------------------------------------------
    def type_text(self, index: int, text: str) -> None:
        """Type `text` at `index` (it may contain newlines), as insertText does."""
        self.apply([{"insertText": {"location": {"index": index}, "text": text}}])

    def append_paragraph(self, text: str, after_index: int | None = None) -> None:
        """Press Enter at the end of the paragraph holding `after_index` (default: the last) and type.

        The new paragraph continues a list like the one it follows; after a heading it is normal text.
        """
        if "\n" in text:
            raise ValueError("append_paragraph types one paragraph: its text cannot contain a newline")
        body = self._body.clone()
        spans = body.paragraphs()
        span = spans[-1] if after_index is None else _paragraph_holding(spans, after_index)
        text = strip_controls(text)
        body.insert(span.end_index - 1, "\n" + text)
        old_end = span.nl_pos + 1 + len(text)  # the paragraph's own newline now closes the new text
        new_para = Para(_normal_style(direction=span.para.style.get("direction")))
        if span.para.bullet is not None or span.para.style.get("namedStyleType") not in HEADINGS:
            new_para = body.split_para(span.para)
        body.chars[span.nl_pos] = replace(body.chars[span.nl_pos], para=span.para)
        body.chars[old_end] = replace(body.chars[old_end], para=new_para)
        self._body = body

    def set_checked(self, paragraph_start_index: int, checked: bool = True) -> None:
        """Tick or untick the checklist item starting at `paragraph_start_index`."""
        span = self._checklist_item(paragraph_start_index)
        self._body.set_para(span, replace(span.para, checked=checked))

    def is_checked(self, paragraph_start_index: int) -> bool:
        """Whether the checklist item starting at `paragraph_start_index` is ticked."""
        return self._checklist_item(paragraph_start_index).para.checked

    def _checklist_item(self, start_index: int) -> Span:
        for span in self._body.paragraphs():
            if span.start_index == start_index:
                if not self._body.is_checklist(span.para):
                    raise ValueError(f"the paragraph at index {start_index} is not a checklist item")
                return span
        raise ValueError(f"no paragraph starts at index {start_index}")


def _paragraph_holding(spans: list[Span], index: int) -> Span:
    for span in spans:
        if span.start_index <= index < span.end_index:
            return span
    raise ValueError(f"index {index} is not inside a paragraph of the body")


def _normal_style(named_style: str | None = "NORMAL_TEXT", direction: str | None = None) -> dict:
    return {"namedStyleType": named_style or "NORMAL_TEXT", "direction": direction or "LEFT_TO_RIGHT"}


def _link_style(style: dict) -> dict:
    """A text style with a link gets the underline and colour Docs gives links."""
    if "link" in style:
        style = {"underline": True, "foregroundColor": copy.deepcopy(LINK_COLOR), **style}
    return ordered(style, TEXT_FIELDS)


def _style_booleans(named_styles: dict | None) -> dict[str, dict]:
    """For each named style, the boolean text styles its text inherits."""
    if not named_styles:
        return _DEFAULT_STYLE_BOOLEANS
    styles = {s.get("namedStyleType"): s.get("textStyle", {}) for s in named_styles.get("styles", [])}
    normal = {k: v for k, v in styles.get("NORMAL_TEXT", {}).items() if k in BOOLEAN_TEXT_FIELDS}
    return {name: {**normal, **{k: v for k, v in text.items() if k in BOOLEAN_TEXT_FIELDS}}
            for name, text in styles.items()}


def _read_paragraph(element: dict, n: int, index: int) -> list[Char]:
    """The characters of body.content[n], checked against the indices Google gave."""
    where = f"body.content[{n}]"
    if "paragraph" not in element:
        kind = next((k for k in element if k not in ("startIndex", "endIndex")), "unknown")
        raise ValueError(f"documents.get JSON: {where} is a {kind}, which the Workspace sandbox does not model")
    if element.get("startIndex") != index:
        raise ValueError(f"documents.get JSON: {where} starts at {element.get('startIndex')}, expected {index}")
    paragraph = element["paragraph"]
    chars: list[Char] = []
    for m, run in enumerate(paragraph.get("elements", [])):
        if set(run) - {"startIndex", "endIndex", "textRun"} or set(run.get("textRun", {})) - {"content", "textStyle"}:
            raise ValueError(f"documents.get JSON: {where}.paragraph.elements[{m}] is not a plain textRun, "
                             "which is all the Workspace sandbox models")
        style = run["textRun"].get("textStyle", {})
        chars.extend(Char(ch, style) for ch in run["textRun"]["content"])
    text = "".join(c.ch for c in chars)
    if not text.endswith("\n") or "\n" in text[:-1]:
        raise ValueError(f"documents.get JSON: {where} must hold one paragraph ending with a newline")
    if index + width(text) != element.get("endIndex"):
        raise ValueError(f"documents.get JSON: {where} ends at {element.get('endIndex')}, "
                         f"expected {index + width(text)}")
    chars[-1] = replace(chars[-1], para=Para(copy.deepcopy(paragraph.get("paragraphStyle", {})),
                                             copy.deepcopy(paragraph.get("bullet"))))
    return chars
