"""A document model as HTML: for previews, and for Drive to turn into a new Google Doc.

Drive's HTML import has no checklists, so checkbox items become ordinary list items that
start with "☐ ". A doc created this way shows ☐ characters, not Docs checkboxes; sections
added later through the Docs API (see section_requests) get real checkboxes.
"""

from __future__ import annotations

from html import escape

from .document import Block, DocumentModel, Run

CHECKBOX_PREFIX = "☐ "


def to_html(model: DocumentModel) -> str:
    """A complete UTF-8 HTML document: h1..h6, p, nested ul/li, b, i and a."""
    parts = ['<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n']
    depth = 0  # open <ul> elements; every open <ul> has an open <li>
    for block in model.blocks:
        if not block.is_list:
            if depth:
                parts.append("</li></ul>" * depth + "\n")
            depth = 0
            parts.append(_paragraph(block) + "\n")
            continue
        wanted = block.level + 1
        if depth > wanted:
            parts.append("</li></ul>" * (depth - wanted))
            depth = wanted
        if depth == wanted:
            parts.append("</li>")
        while depth < wanted:  # DocumentModel guarantees this opens one level at most
            parts.append("<ul>")
            depth += 1
        prefix = CHECKBOX_PREFIX if block.kind == "checkbox" else ""
        parts.append(f"\n<li>{escape(prefix)}{_runs(block.runs)}")
    if depth:
        parts.append("</li></ul>" * depth + "\n")
    parts.append("</body></html>\n")
    return "".join(parts)


def _paragraph(block: Block) -> str:
    tag = f"h{block.level}" if block.kind == "heading" else "p"
    return f"<{tag}>{_runs(block.runs)}</{tag}>"


def _runs(runs: tuple[Run, ...]) -> str:
    return "".join(_run(run) for run in runs)


def _run(run: Run) -> str:
    html = escape(run.text, quote=False)
    if run.italic:
        html = f"<i>{html}</i>"
    if run.bold:
        html = f"<b>{html}</b>"
    if run.strike:
        html = f"<s>{html}</s>"
    if run.link is not None:
        html = f'<a href="{escape(run.link)}">{html}</a>'
    return html
