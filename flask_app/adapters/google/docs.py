"""Google Docs as the Docs port: read a snapshot, write a batch at the revision it was read at."""
from __future__ import annotations

import json

from ...domain.snapshot import OBJECT, DocSnapshot, Paragraph, Span, Table
from ...errors import Conflict, GoogleApiError
from .clients import GoogleClients


class GoogleDocs:
    """The Docs API acting as one user."""

    def __init__(self, clients: GoogleClients, user: str, grant: str = "docs"):
        self._clients, self._user, self._grant = clients, user, grant

    def _documents(self):
        return self._clients.resource("docs", self._user, "documents", grant=self._grant)

    def get(self, document_id: str) -> DocSnapshot:
        request = self._documents().get(documentId=document_id,
                                        suggestionsViewMode="SUGGESTIONS_INLINE")
        return snapshot(self._clients.execute(request, "docs.documents.get"))

    def write(self, document_id: str, requests: list[dict], revision_id: str) -> str:
        body = {"requests": requests, "writeControl": {"requiredRevisionId": revision_id}}
        request = self._documents().batchUpdate(documentId=document_id, body=body)
        try:
            answer = self._clients.execute(request, "docs.documents.batchUpdate")
        except GoogleApiError as error:
            # Google answers a write at an old revision with a 400 that names the revision.
            if error.status == 400 and "revision" in error.message.lower():
                raise Conflict(400, error.reason, error.message, method=error.method) from error
            raise
        return answer.get("writeControl", {}).get("requiredRevisionId", "")


def _first_tab(data: dict) -> dict:
    if "body" in data:
        return data
    return data["tabs"][0]["documentTab"]


def snapshot(data: dict) -> DocSnapshot:
    """A ``documents.get`` answer as the domain's DocSnapshot (the first tab's body)."""
    part = _first_tab(data)
    lists = part.get("lists", {})
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    _read_content(part.get("body", {}).get("content", []), lists, paragraphs, tables, False)
    ranges = {name: tuple((r.get("startIndex", 0), r["endIndex"])
                          for entry in value.get("namedRanges", []) for r in entry["ranges"]
                          if not r.get("segmentId"))
              for name, value in part.get("namedRanges", {}).items()}
    footnotes = {}
    for footnote_id, footnote in part.get("footnotes", {}).items():
        texts: list[Paragraph] = []
        _read_content(footnote.get("content", []), lists, texts, [], False)
        footnotes[footnote_id] = "\n".join(p.text for p in texts)
    return DocSnapshot(data["documentId"], data.get("revisionId"), data.get("title", ""),
                       tuple(paragraphs), {k: v for k, v in ranges.items() if v},
                       tuple(tables), footnotes)


def _read_content(content: list[dict], lists: dict, paragraphs: list[Paragraph],
                  tables: list[Table], in_table: bool) -> None:
    for element in content:
        if "paragraph" in element:
            paragraphs.append(_paragraph(element, lists, in_table))
        elif "table" in element:
            table = element["table"]
            tables.append(Table(element.get("startIndex", 0), element["endIndex"],
                                table.get("rows", 0), table.get("columns", 0)))
            for row in table.get("tableRows", []):
                for cell in row.get("tableCells", []):
                    _read_content(cell.get("content", []), lists, paragraphs, tables, True)
        elif "tableOfContents" in element:
            _read_content(element["tableOfContents"].get("content", []), lists, paragraphs,
                          tables, in_table)


def _paragraph(element: dict, lists: dict, in_table: bool) -> Paragraph:
    paragraph = element["paragraph"]
    spans = []
    for part in paragraph.get("elements", []):
        start, end = part.get("startIndex", 0), part["endIndex"]
        run = part.get("textRun")
        if run is not None:
            style = run.get("textStyle", {})
            spans.append(Span(run["content"], start, end, bold=style.get("bold", False),
                              italic=style.get("italic", False),
                              strikethrough=style.get("strikethrough", False),
                              link=style.get("link", {}).get("url")))
        else:
            kind = next((key for key in part if key not in ("startIndex", "endIndex")), "")
            spans.append(Span(OBJECT * (end - start), start, end, kind=kind,
                              ref=_reference(part.get(kind, {}))))
    text = "".join(s.text for s in spans)
    bullet = paragraph.get("bullet")
    list_id = bullet.get("listId") if bullet else None
    nesting = bullet.get("nestingLevel", 0) if bullet else 0
    return Paragraph(
        start=element.get("startIndex", 0), end=element["endIndex"],
        text=text[:-1] if text.endswith("\n") else text,
        style=paragraph.get("paragraphStyle", {}).get("namedStyleType", "NORMAL_TEXT"),
        list_id=list_id, nesting=nesting,
        checkbox=bool(list_id) and _is_checkbox(lists.get(list_id, {}), nesting),
        spans=tuple(spans), in_table=in_table,
        heading_id=paragraph.get("paragraphStyle", {}).get("headingId", ""))


def _reference(value: dict) -> str:
    """What an element that is not text holds (an image's id, a footnote's, a chip's person or
    link), so that replacing it changes the section's fingerprint."""
    if "footnoteId" in value:
        return value["footnoteId"]
    return json.dumps({k: v for k, v in value.items() if k != "textStyle"}, sort_keys=True)


def _is_checkbox(list_: dict, nesting: int) -> bool:
    """Google reports checklists as lists whose glyph is unspecified and has no symbol."""
    levels = list_.get("listProperties", {}).get("nestingLevels", [])
    if nesting >= len(levels):
        return False
    level = levels[nesting]
    return level.get("glyphType") == "GLYPH_TYPE_UNSPECIFIED" and "glyphSymbol" not in level
