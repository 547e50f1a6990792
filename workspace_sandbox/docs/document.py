"""A Google Docs document as the Docs API v1 sees it: its tabs (see `tab`), read from and written to
documents.get JSON, HTML and stored state, answering batchUpdates, and a person's edits.

documents.get without includeTabsContent gives the first tab's content in the legacy top-level
fields; with it, the `tabs` tree. Requests name a tab by tabId (default: the first tab).
"""
from __future__ import annotations

import copy
from dataclasses import replace

from workspace_sandbox.docs import html as docs_html
from workspace_sandbox.docs import render
from workspace_sandbox.docs.batch_update import apply_request
from workspace_sandbox.docs.elements import (
    HEADINGS, LINK_COLOR, SECTION, TEXT_FIELDS, Char, Para, mark, new_id, ordered)
from workspace_sandbox.docs.layout import Span
from workspace_sandbox.docs.lists import CHECKBOX, preset_levels
from workspace_sandbox.docs.requests import DocsRequestError, Edit, strip_controls
from workspace_sandbox.docs.segment import Segment
from workspace_sandbox.docs.styling import is_checklist
from workspace_sandbox.docs.tab import DEFAULT_TAB_PROPERTIES, Tab, every_tab

__all__ = ["DocsRequestError", "Document"]

_SECTION_BREAK = {"sectionStyle": {"columnSeparatorStyle": "NONE", "contentDirection": "LEFT_TO_RIGHT",
                                   "sectionType": "CONTINUOUS"}}


class Document:
    """One Google Doc: its id, title and tabs, answering Docs API v1 reads and batchUpdates."""

    def __init__(self, document_id: str, title: str, tabs: list[Tab]):
        self.document_id = document_id
        self.title = title
        self.tabs = tabs

    @property
    def body(self) -> Segment:
        """The first tab's body (where people's edits, ticks and revision changes are kept)."""
        return self.tabs[0].body

    @classmethod
    def new(cls, document_id: str, title: str) -> Document:
        """A blank document: the section break and one empty NORMAL_TEXT paragraph."""
        return cls._build(document_id, title, [([], _normal_style(), None)])

    @classmethod
    def _build(cls, document_id: str, title: str, paragraphs: list[tuple[list, dict, dict | None]],
               lists: dict[str, str] | None = None) -> Document:
        """A document from (runs [(text, textStyle)], paragraphStyle, bullet) triples, lists by preset."""
        tab = Tab(copy.deepcopy(DEFAULT_TAB_PROPERTIES))
        chars = [mark(SECTION, copy.deepcopy(_SECTION_BREAK))]
        for runs, style, bullet in paragraphs:
            for text, text_style in runs:
                chars.extend(Char(ch, text_style) for ch in text)
            chars.append(Char("\n", {}, Para(style, bullet)))
        tab.body = Segment(chars, tab)
        for list_id, preset in (lists or {}).items():
            tab.lists[list_id] = {"listProperties": {"nestingLevels": preset_levels(preset)}}
            tab.presets[list_id] = preset
        return cls(document_id, title, [tab])

    @classmethod
    def from_json(cls, data: dict) -> Document:
        """A document from a documents.get answer, with or without includeTabsContent."""
        if data.get("tabs"):
            tabs = [Tab.from_json(tab) for tab in data["tabs"]]
        else:
            tabs = [Tab.read(data, copy.deepcopy(DEFAULT_TAB_PROPERTIES))]
        return cls(data.get("documentId", ""), data.get("title", ""), tabs)

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
        head = {"title": self.title, "suggestionsViewMode": "SUGGESTIONS_INLINE", "documentId": self.document_id}
        if include_tabs_content:
            return copy.deepcopy({**head, "tabs": [tab.to_json() for tab in self.tabs]})
        return copy.deepcopy({**head, **self.tabs[0].document_tab_json()})

    def has_suggestions(self) -> bool:
        """Whether anything in the document is a suggested change."""
        def suggested(node) -> bool:
            if isinstance(node, list):
                return any(suggested(item) for item in node)
            if isinstance(node, dict):
                return any((key.startswith("suggested") and value) or suggested(value) for key, value in node.items())
            return False
        return suggested(self.to_json(include_tabs_content=True)["tabs"])

    def to_state(self) -> dict:
        """Everything needed to rebuild this document, hidden checklist ticks included (for storage)."""
        return {"document": self.to_json(include_tabs_content=True), "checked": self.checked()}

    @classmethod
    def from_state(cls, state: dict) -> Document:
        """The document `to_state` stored."""
        document = cls.from_json(state["document"])
        for start_index in state.get("checked", []):
            document.set_checked(start_index)
        return document

    def apply(self, requests: list[dict], images: dict[str, tuple[int, int]] | None = None) -> list[dict]:
        """A batchUpdate: validate and apply in order, all or nothing; return the replies.

        `images` gives the pixel size (width, height) of image URIs the world knows.
        """
        if not isinstance(requests, list) or not requests:
            raise DocsRequestError("Must specify at least one request.")
        edit = Edit([tab.clone() for tab in self.tabs], images or {})
        replies = [apply_request(edit, n, request) for n, request in enumerate(requests)]
        self.tabs = edit.tabs
        return replies

    def to_html(self) -> str:
        """A readable HTML rendering (checklist items of the first tab show ☐ or ☑)."""
        return render.render(self.to_json(include_tabs_content=True), set(self.checked()), self.checklists())

    def checklists(self) -> set[str]:
        """The ids of every tab's checklists (lists made with the checkbox preset)."""
        return {list_id for tab in every_tab(self.tabs) for list_id, preset in tab.presets.items()
                if preset == CHECKBOX}

    def text(self) -> str:
        """The text of every tab's body, every paragraph ending with a newline."""
        return "".join(tab.body.text() for tab in every_tab(self.tabs))

    def index_text(self) -> str:
        """The first tab's body, one character per index unit once UTF-16 encoded (see Segment)."""
        return self.body.index_text()

    # --- a person's edits ----------------------------------------------------------------------
    def type_text(self, index: int, text: str) -> None:
        """Type `text` at `index` (it may contain newlines), as insertText does."""
        self.apply([{"insertText": {"location": {"index": index}, "text": text}}])

    def append_paragraph(self, text: str, after_index: int | None = None) -> None:
        """Press Enter at the end of the paragraph holding `after_index` (default: the last) and type.

        The new paragraph continues a list like the one it follows; after a heading it is normal text.
        """
        if "\n" in text:
            raise ValueError("append_paragraph types one paragraph: its text cannot contain a newline")
        tab = self.tabs[0].clone()
        body = tab.body
        span = body.paragraphs()[-1] if after_index is None else _paragraph_holding(body, after_index)
        text = strip_controls(text)
        body.insert(span.end_index - 1, "\n" + text)
        old_end = span.nl_pos + 1 + len(text)  # the paragraph's own newline now closes the new text
        new_para = Para(_normal_style(direction=span.para.style.get("direction")))
        if span.para.bullet is not None or span.para.style.get("namedStyleType") not in HEADINGS:
            new_para = body.split_para(span.para)
        body.set_char(span.nl_pos, replace(body.chars[span.nl_pos], para=span.para))
        body.set_char(old_end, replace(body.chars[old_end], para=new_para))
        self.tabs = [tab, *self.tabs[1:]]

    def checked(self) -> list[int]:
        """Start indices of the ticked checklist items of the first tab's body."""
        return [span.start_index for span in self.body.paragraphs() if span.para.checked]

    def set_checked(self, paragraph_start_index: int, checked: bool = True) -> None:
        """Tick or untick the checklist item starting at `paragraph_start_index`."""
        span = self._checklist_item(paragraph_start_index)
        self.body.set_para(span, replace(span.para, checked=checked))

    def is_checked(self, paragraph_start_index: int) -> bool:
        """Whether the checklist item starting at `paragraph_start_index` is ticked."""
        return self._checklist_item(paragraph_start_index).para.checked

    def _checklist_item(self, start_index: int) -> Span:
        for span in self.body.paragraphs():
            if span.start_index == start_index:
                if not is_checklist(self.body, span.para):
                    raise ValueError(f"the paragraph at index {start_index} is not a checklist item")
                return span
        raise ValueError(f"no paragraph starts at index {start_index}")


def _paragraph_holding(body: Segment, index: int) -> Span:
    span = body.paragraph_at(index)
    if span is None:
        raise ValueError(f"index {index} is not inside a paragraph of the body")
    return span


def _normal_style(named_style: str | None = "NORMAL_TEXT", direction: str | None = None) -> dict:
    return {"namedStyleType": named_style or "NORMAL_TEXT", "direction": direction or "LEFT_TO_RIGHT"}


def _link_style(style: dict) -> dict:
    """A text style with a link gets the underline and colour Docs gives links."""
    if "link" in style:
        style = {"underline": True, "foregroundColor": copy.deepcopy(LINK_COLOR), **style}
    return ordered(style, TEXT_FIELDS)
