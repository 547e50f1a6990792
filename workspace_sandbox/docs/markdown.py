"""A document as Google-flavoured Markdown, the way Drive's ``text/markdown`` export writes it
(what of it is confirmed: see ``drive/export``).

Headings ``#``..``######`` (TITLE as ``#``; SUBTITLE is a plain paragraph); blocks separated by a
blank line, the items of one list by a newline; ``**bold**``, ``*italic*``, ``~~strike~~`` (no
underline), ``[text](url)``; ``- `` bullets and ``N. `` numbers, 4 spaces per nesting level;
checklist items ``- [ ]`` / ``- [x]``; tables as GFM pipe tables, the first row as header, a
cell's paragraphs joined by ``<br>``; images ``![alt](contentUri)``; footnotes ``[^n]``; a
paragraph holding only a horizontal rule ``---``; a line break ``<br>``. Markdown's punctuation in
the text is backslash-escaped, so typed ``[x]`` never reads as a tick.
"""
from __future__ import annotations

import re

from workspace_sandbox.docs.blocks import Exported, Image, Note, Paragraph, Rule, Table, Text

_ESCAPED = re.compile(r"([\\`*_~\[\]<>|])")
_NUMBER_START = re.compile(r"\d+(?=[.)])")
_EDGES = re.compile(r"^(\s*)(.*?)(\s*)$", re.S)


def markdown(exported: Exported) -> str:
    """The Markdown text of a document, ending with a newline."""
    chunks = [chunk for chunk in map(_block, exported.blocks) if chunk]
    chunks += [(f"[^{n}]: {_cell(blocks).strip()}", None)
               for n, blocks in enumerate(exported.footnotes, start=1)]
    out, previous = "", None
    for text, list_id in chunks:
        if out:
            out += "\n" if list_id is not None and list_id == previous else "\n\n"
        out += text
        previous = list_id
    return out + "\n"


def _block(block) -> tuple[str, str | None] | None:
    """A block's Markdown and the list it is an item of, or None for nothing to write."""
    if isinstance(block, Table):
        return (_table(block), None) if block.rows else None
    if block.item is not None:
        return "    " * block.item.level + _marker(block) + _guarded(block), block.item.list_id
    if block.is_empty():
        return None
    if all(isinstance(piece, Rule) for piece in block.pieces):
        return "---", None
    level = 1 if block.style == "TITLE" else int(block.style[-1]) if block.style.startswith(
        "HEADING_") else 0
    return ("#" * level + " " + _inline(block.pieces) if level else _guarded(block)), None


def _marker(paragraph: Paragraph) -> str:
    item = paragraph.item
    if item.kind == "check":
        return "- [x] " if item.checked else "- [ ] "
    return f"{item.number}. " if item.kind == "number" else "- "


def _guarded(paragraph: Paragraph) -> str:
    """Inline Markdown that cannot be read as a heading, list item or setext underline."""
    text = _inline(paragraph.pieces)
    number = _NUMBER_START.match(text)
    if number:
        return text[:number.end()] + "\\" + text[number.end():]
    return "\\" + text if text[:1] in ("#", "-", "+", "=") else text


def _table(table: Table) -> str:
    rows = [[_cell(cell.blocks) for cell in row] + [""] * (table.columns - len(row))
            for row in table.rows]
    lines = [rows[0], ["---"] * table.columns, *rows[1:]]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def _cell(blocks: list) -> str:
    """Blocks inside a table cell or footnote, on one line."""
    parts = []
    for block in blocks:
        if isinstance(block, Table):
            parts += [_cell(cell.blocks) for row in block.rows for cell in row]
        elif block.item is not None:
            parts.append(_marker(block) + _inline(block.pieces))
        else:
            parts.append(_inline(block.pieces))
    return "<br>".join(part for part in parts if part)


def _inline(pieces: list) -> str:
    out, group = [], []  # group: neighbouring text pieces sharing one link
    for piece in _merged(pieces) + [None]:
        if group and not (isinstance(piece, Text) and piece.link == group[0].link):
            inner = "".join(map(_styled, group))
            out.append(f"[{inner}]({_url(group[0].link)})" if group[0].link else inner)
            group = []
        if isinstance(piece, Text):
            group.append(piece)
        elif isinstance(piece, Image):
            out.append(f"![{_escape(piece.alt)}]({_url(piece.uri)})")
        elif isinstance(piece, Note):
            out.append(f"[^{piece.number}]")
    return "".join(out).replace("\u000b", "<br>")


def _merged(pieces: list) -> list:
    """Neighbouring text pieces styled alike as one (so markers do not abut: ``**a****b**``)."""
    out: list = []
    for piece in pieces:
        if isinstance(piece, Text) and out and isinstance(out[-1], Text) and _look(out[-1]) == \
                _look(piece):
            out[-1] = Text(out[-1].text + piece.text, piece.bold, piece.italic, piece.strike,
                           link=piece.link)
        else:
            out.append(piece)
    return out


def _look(text: Text) -> tuple:
    return text.bold, text.italic, text.strike, text.link


def _styled(text: Text) -> str:
    lead, core, trail = _EDGES.match(text.text).groups()
    if not core:
        return text.text
    marks = "~~" * text.strike + "*" * (2 * text.bold + text.italic)
    return lead + marks + _escape(core) + marks[::-1] + trail


def _escape(text: str) -> str:
    return _ESCAPED.sub(r"\\\1", text)


def _url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
