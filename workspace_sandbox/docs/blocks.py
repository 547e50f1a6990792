"""A document read as the blocks Drive's exports write: paragraphs (named style, list item, inline
pieces) and tables, every tab's body in tab order, and the footnotes in the order of their
references. Headers and footers are left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from workspace_sandbox.docs.document import Document

_NUMBERED = {"DECIMAL", "ZERO_DECIMAL", "ALPHA", "UPPER_ALPHA", "ROMAN", "UPPER_ROMAN"}


@dataclass
class Text:
    text: str  # "\u000b" is a line break inside the paragraph
    bold: bool = False
    italic: bool = False
    strike: bool = False
    underline: bool = False
    link: str | None = None


@dataclass
class Image:
    uri: str
    alt: str


@dataclass
class Note:
    number: int  # a footnote reference, numbered in the order references appear


@dataclass
class Rule:
    pass


@dataclass
class Item:
    """A paragraph's place in a list; ``kind`` is "bullet", "number" or "check"."""

    list_id: str
    level: int
    kind: str
    number: int = 0
    checked: bool = False


@dataclass
class Paragraph:
    style: str
    pieces: list = field(default_factory=list)
    item: Item | None = None

    def is_empty(self) -> bool:
        return not any(not isinstance(p, Text) or p.text for p in self.pieces)


@dataclass
class Cell:
    blocks: list
    row_span: int = 1
    column_span: int = 1


@dataclass
class Table:
    rows: list[list[Cell]]
    columns: int


@dataclass
class Exported:
    blocks: list
    footnotes: list[list] = field(default_factory=list)  # footnote n is footnotes[n - 1]


def read(document: Document) -> Exported:
    """The blocks of a document (ticks are the first tab's, the only ones the model keeps)."""
    data = document.to_json(include_tabs_content=True)
    reader = _Reader(set(document.checked()), document.checklists())
    for n, tab in enumerate(_flatten(data.get("tabs", []))):
        reader.tab(tab.get("documentTab", {}), first=n == 0)
    return Exported(reader.blocks, reader.footnotes)


def _flatten(tabs: list[dict]) -> list[dict]:
    return [each for tab in tabs for each in (tab, *_flatten(tab.get("childTabs", [])))]


class _Reader:
    def __init__(self, checked: set[int], checklists: set[str]):
        self.checked, self.checklists = checked, checklists
        self.blocks: list = []
        self.footnotes: list[list] = []

    def tab(self, part: dict, first: bool) -> None:
        self.part, self.first = part, first
        self.counters: dict[str, list[int]] = {}
        self.blocks += self.content(part.get("body", {}).get("content", []))

    def content(self, elements: list[dict]) -> list:
        out: list = []
        for element in elements:
            if "paragraph" in element:
                out.append(self.paragraph(element))
            elif "table" in element:
                out.append(self.table(element["table"]))
            elif "tableOfContents" in element:
                out += self.content(element["tableOfContents"].get("content", []))
        return out

    def table(self, table: dict) -> Table:
        rows = [[Cell(self.content(cell.get("content", [])),
                      cell.get("tableCellStyle", {}).get("rowSpan", 1),
                      cell.get("tableCellStyle", {}).get("columnSpan", 1))
                 for cell in row.get("tableCells", [])] for row in table.get("tableRows", [])]
        return Table(rows, table.get("columns") or max((len(row) for row in rows), default=0))

    def paragraph(self, element: dict) -> Paragraph:
        paragraph = element["paragraph"]
        out = Paragraph(paragraph.get("paragraphStyle", {}).get("namedStyleType", "NORMAL_TEXT"))
        for item in paragraph.get("elements", []):
            piece = self.piece(item)
            if piece is not None:
                out.pieces.append(piece)
        if paragraph.get("bullet"):
            out.item = self.item(paragraph["bullet"], element.get("startIndex", 0))
        return out

    def item(self, bullet: dict, start_index: int) -> Item:
        list_id, level = bullet.get("listId", ""), bullet.get("nestingLevel", 0)
        if list_id in self.checklists:
            return Item(list_id, level, "check",
                        checked=self.first and start_index in self.checked)
        levels = self.part.get("lists", {}).get(list_id, {}).get("listProperties", {}).get(
            "nestingLevels", [])
        spec = levels[level] if level < len(levels) else {}
        counters = self.counters.setdefault(list_id, [])
        del counters[level + 1:]
        while len(counters) <= level:
            counters.append(0)
        counters[level] += 1
        if spec.get("glyphType") in _NUMBERED:
            return Item(list_id, level, "number", spec.get("startNumber", 1) + counters[level] - 1)
        return Item(list_id, level, "bullet")

    def piece(self, item: dict):
        if "textRun" in item:
            run = item["textRun"]
            style = run.get("textStyle", {})
            link = style.get("link", {})
            target = link.get("url") or next((f"#{kind}={link[key]}" for key, kind in (
                ("headingId", "heading"), ("bookmarkId", "bookmark")) if link.get(key)), None)
            return Text(run.get("content", "").rstrip("\n"), bool(style.get("bold")),
                        bool(style.get("italic")), bool(style.get("strikethrough")),
                        bool(style.get("underline")), target)
        if "inlineObjectElement" in item:
            embedded = self.part.get("inlineObjects", {}).get(
                item["inlineObjectElement"].get("inlineObjectId"), {}).get(
                "inlineObjectProperties", {}).get("embeddedObject", {})
            uri = embedded.get("imageProperties", {}).get("contentUri")
            alt = embedded.get("title") or embedded.get("description") or ""
            return Image(uri, alt) if uri else None
        if "footnoteReference" in item:
            footnote_id = item["footnoteReference"].get("footnoteId", "")
            footnote = self.part.get("footnotes", {}).get(footnote_id, {})
            self.footnotes.append(self.content(footnote.get("content", [])))  # none inside
            return Note(len(self.footnotes))
        if "person" in item:
            person = item["person"].get("personProperties", {})
            email = person.get("email")
            return Text(person.get("name") or email or "",
                        link=f"mailto:{email}" if email else None)
        if "richLink" in item:
            link = item["richLink"].get("richLinkProperties", {})
            return Text(link.get("title") or link.get("uri") or "", link=link.get("uri"))
        if "dateElement" in item:
            return Text(item["dateElement"].get("dateElementProperties", {}).get("displayText", ""))
        if "horizontalRule" in item:
            return Rule()
        return None  # page and column breaks, auto text, equations
