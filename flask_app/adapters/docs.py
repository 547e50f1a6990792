"""Google Docs, as the service uses it: read a snapshot, write a batch at a known revision."""
from __future__ import annotations

from googleapiclient.errors import HttpError

from ..domain.snapshot import DocSnapshot, Paragraph, Span
from ..errors import Conflict
from .google_clients import translate

RETRIES = 4


class DocsAdapter:
    """The Docs API for one user."""

    def __init__(self, service):
        self._documents = service.documents()

    def get(self, document_id: str) -> DocSnapshot:
        try:
            data = self._documents.get(documentId=document_id,
                                       suggestionsViewMode="SUGGESTIONS_INLINE",
                                       ).execute(num_retries=RETRIES)
        except HttpError as error:
            raise translate(error, "docs.documents.get") from error
        return snapshot(data)

    def write(self, document_id: str, requests: list[dict], revision_id: str | None) -> dict:
        """Apply ``requests`` atomically, only if the doc is still at ``revision_id``.

        :raises Conflict: someone edited the doc since it was read; read it again.
        """
        body: dict = {"requests": requests}
        if revision_id:
            body["writeControl"] = {"requiredRevisionId": revision_id}
        try:
            return self._documents.batchUpdate(documentId=document_id, body=body).execute(
                num_retries=RETRIES)
        except HttpError as error:
            translated = translate(error, "docs.documents.batchUpdate")
            if translated.status == 400 and "revision" in translated.message.lower():
                raise Conflict(400, translated.reason, translated.message,
                               method="docs.documents.batchUpdate") from error
            raise translated from error


def empty_document(document_id: str) -> DocSnapshot:
    """A Google Doc as files.create makes it: one empty paragraph after the section break."""
    return DocSnapshot(document_id, None, "", (Paragraph(1, 2, ""),))


def _body(data: dict) -> tuple[dict, dict, dict]:
    if "body" in data:
        return data["body"], data.get("lists", {}), data.get("namedRanges", {})
    tab = data["tabs"][0]["documentTab"]
    return tab["body"], tab.get("lists", {}), tab.get("namedRanges", {})


def snapshot(data: dict) -> DocSnapshot:
    """A ``documents.get`` answer as the domain's DocSnapshot (first tab, body only)."""
    body, lists, named = _body(data)
    paragraphs = []
    for element in body.get("content", []):
        paragraph = element.get("paragraph")
        if paragraph is None:
            continue
        spans = []
        for part in paragraph.get("elements", []):
            run = part.get("textRun")
            if run is None:
                continue
            style = run.get("textStyle", {})
            spans.append(Span(run["content"], part.get("startIndex", 0), part["endIndex"],
                              bold=style.get("bold", False), italic=style.get("italic", False),
                              strikethrough=style.get("strikethrough", False),
                              link=style.get("link", {}).get("url")))
        text = "".join(s.text for s in spans)
        bullet = paragraph.get("bullet")
        list_id = bullet.get("listId") if bullet else None
        nesting = bullet.get("nestingLevel", 0) if bullet else 0
        paragraphs.append(Paragraph(
            start=element.get("startIndex", 0), end=element["endIndex"],
            text=text[:-1] if text.endswith("\n") else text,
            style=paragraph.get("paragraphStyle", {}).get("namedStyleType", "NORMAL_TEXT"),
            list_id=list_id, nesting=nesting,
            checkbox=bool(list_id) and _is_checkbox(lists.get(list_id, {}), nesting),
            spans=tuple(spans)))
    ranges = {name: tuple((r.get("startIndex", 0), r["endIndex"])
                          for entry in value.get("namedRanges", []) for r in entry["ranges"])
              for name, value in named.items()}
    return DocSnapshot(data["documentId"], data.get("revisionId"), data.get("title", ""),
                       tuple(paragraphs), ranges)


def _is_checkbox(list_: dict, nesting: int) -> bool:
    """Google reports checklists as lists whose glyph is unspecified and has no symbol."""
    levels = list_.get("listProperties", {}).get("nestingLevels", [])
    if nesting >= len(levels):
        return False
    level = levels[nesting]
    return level.get("glyphType") == "GLYPH_TYPE_UNSPECIFIED" and "glyphSymbol" not in level
