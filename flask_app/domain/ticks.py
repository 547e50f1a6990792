"""Checklist ticks, which the Docs API does not report, read from Drive's Markdown export.

The Docs API gives a checklist item as a bullet whose glyph is unspecified, ticked or not
(googleapis/google-api-nodejs-client#2870). Drive's ``text/markdown`` export is reported to
write ``- [x]`` for a ticked item and ``- [ ]`` for an open one; Google does not document it,
and one report says the export can leave completion out (docs/checklists.md). So a tick read
there marks an item done, and its absence marks nothing open: ✓ and strike-through still count.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .snapshot import DocSnapshot

_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s?(.*)$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"\*\*|__|~~|(?<!\\)[*_]")
_ESCAPE = re.compile(r"\\(.)")


def checklist(markdown: str) -> list[tuple[str, bool]]:
    """Each checklist item of a Markdown export, in document order: its text and its tick."""
    found = []
    for line in markdown.splitlines():
        match = _ITEM.match(line)
        if match:
            text = _ESCAPE.sub(r"\1", _MARKUP.sub("", _LINK.sub(r"\1", match.group(2))))
            found.append((" ".join(text.replace("<br>", " ").split()), match.group(1) != " "))
    return found


def with_ticks(doc: DocSnapshot, items: list[tuple[str, bool]]) -> DocSnapshot:
    """The snapshot with each checklist paragraph marked ticked as the export says: items are
    matched in document order by their text (the export holds other tabs' items too)."""
    at, paragraphs = 0, []
    for paragraph in doc.paragraphs:
        if paragraph.checkbox:
            text = " ".join(paragraph.text.split())
            match = next((n for n in range(at, len(items)) if items[n][0] == text), None)
            if match is not None:
                at = match + 1
                if items[match][1]:
                    paragraph = replace(paragraph, ticked=True)
        paragraphs.append(paragraph)
    return replace(doc, paragraphs=tuple(paragraphs))
