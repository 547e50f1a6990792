"""A document as the plain text of Drive's ``text/plain`` export (what of it is confirmed: see
``drive/export``).

A byte order mark first, then one line per paragraph (empty paragraphs too) joined by CRLF; list
items indented 4 spaces per nesting level behind ``* `` (checklist items too, the tick not shown)
or ``N. ``; a table row per line, its cells separated by tabs (a cell's paragraphs joined by
spaces); footnote references ``[n]`` and the footnotes ``[n] text`` at the end; images and rules
left out.
"""
from __future__ import annotations

from workspace_sandbox.docs.blocks import Exported, Note, Table, Text

BOM = "\ufeff"


def plain_text(exported: Exported) -> str:
    """The text of a document."""
    lines = [line for block in exported.blocks for line in _lines(block)]
    if exported.footnotes:
        lines.append("")
        lines += [f"[{n}] " + _joined(blocks).strip()
                  for n, blocks in enumerate(exported.footnotes, start=1)]
    return BOM + "\r\n".join(lines)


def _lines(block) -> list[str]:
    if isinstance(block, Table):
        return ["\t".join(_joined(cell.blocks) for cell in row) for row in block.rows]
    item = block.item
    if item is None:
        return [_text(block.pieces)]
    marker = f"{item.number}. " if item.kind == "number" else "* "
    return ["    " * item.level + marker + _text(block.pieces)]


def _joined(blocks: list) -> str:
    return " ".join(line for block in blocks for line in _lines(block) if line)


def _text(pieces: list) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, Text):
            out.append(piece.text.replace("\u000b", "\r\n"))
        elif isinstance(piece, Note):
            out.append(f"[{piece.number}]")
    return "".join(out)
