"""A document as the HTML page of Drive's ``text/html`` export (what of it is confirmed: see
``drive/export``).

A whole page (``<html><head>`` with the charset and title, ``<body>``); headings ``<h1>``..``<h6>``,
TITLE and SUBTITLE as ``<p class="title|subtitle">``; ``<strong>``, ``<em>``, ``<s>``, ``<u>``,
``<a href>``; lists ``<ul>``/``<ol>`` nested by level, checklist items
``<li role="checkbox" aria-checked="true|false">``; tables with their row and column spans; images
``<img>``; footnotes linked ``[n]`` both ways, listed at the end.
"""
from __future__ import annotations

from html import escape

from workspace_sandbox.docs.blocks import Exported, Image, Note, Paragraph, Rule, Table, Text

_CLASSES = {"TITLE": "title", "SUBTITLE": "subtitle"}


def html(exported: Exported, title: str) -> str:
    """The HTML page of a document called ``title``."""
    body = _blocks(exported.blocks)
    if exported.footnotes:
        body += "<hr>" + "".join(
            f'<div id="ftnt{n}"><a href="#ftnt_ref{n}">[{n}]</a>{_blocks(blocks)}</div>'
            for n, blocks in enumerate(exported.footnotes, start=1))
    return ('<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">'
            f"<title>{escape(title)}</title></head><body>{body}</body></html>")


def _blocks(blocks: list) -> str:
    out: list[str] = []
    lists: list[list] = []  # per open nesting level: [list id, tag, whether an <li> is open]

    def close_to(depth: int) -> None:
        while len(lists) > depth:
            _, tag, item_open = lists.pop()
            out.append(("</li>" if item_open else "") + f"</{tag}>")

    for block in blocks:
        if isinstance(block, Table):
            close_to(0)
            out.append(_table(block))
            continue
        item = block.item
        if item is None:
            close_to(0)
            out.append(_paragraph(block))
            continue
        if lists and lists[0][0] != item.list_id:
            close_to(0)
        close_to(item.level + 1)
        if len(lists) == item.level + 1 and lists[-1][2]:
            out.append("</li>")
        while len(lists) <= item.level:
            tag = "ol" if item.kind == "number" else "ul"
            out.append(f"<{tag}>")
            lists.append([item.list_id, tag, False])
        checkbox = (f' role="checkbox" aria-checked="{str(item.checked).lower()}"'
                    if item.kind == "check" else "")
        out.append(f"<li{checkbox}>{_inline(block.pieces)}")
        lists[-1][2] = True
    close_to(0)
    return "".join(out)


def _paragraph(paragraph: Paragraph) -> str:
    style = paragraph.style
    if style.startswith("HEADING_"):
        tag, attributes = f"h{style[-1]}", ""
    else:
        tag, attributes = "p", f' class="{_CLASSES[style]}"' if style in _CLASSES else ""
    return f"<{tag}{attributes}>{_inline(paragraph.pieces)}</{tag}>"


def _table(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            spans = "".join(f' {name}="{value}"' for name, value in (
                ("rowspan", cell.row_span), ("colspan", cell.column_span)) if value > 1)
            cells.append(f"<td{spans}>{_blocks(cell.blocks)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tbody>{''.join(rows)}</tbody></table>"


def _inline(pieces: list) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, Text):
            out.append(_text(piece))
        elif isinstance(piece, Image):
            out.append(f'<img alt="{escape(piece.alt)}" src="{escape(piece.uri)}">')
        elif isinstance(piece, Note):
            n = piece.number
            out.append(f'<sup><a href="#ftnt{n}" id="ftnt_ref{n}">[{n}]</a></sup>')
        elif isinstance(piece, Rule):
            out.append("<hr>")
    return "".join(out)


def _text(text: Text) -> str:
    out = escape(text.text).replace("\u000b", "<br>")
    for tag, on in (("u", text.underline and not text.link), ("s", text.strike),
                    ("em", text.italic), ("strong", text.bold)):
        if on:
            out = f"<{tag}>{out}</{tag}>"
    return f'<a href="{escape(text.link)}">{out}</a>' if text.link else out
