"""A readable HTML page of a document (its documents.get JSON with tabs), laid out like the Docs
editor: headings, formatting, lists and checklists, tables, footnotes, images as a box holding their
alt text, smart chips as chips, breaks as rules; a document of several tabs shows each as a headed
part, with its header above and its footnotes and footer below.
"""
from __future__ import annotations

from html import escape

_NUMBERED_GLYPHS = {"DECIMAL", "ZERO_DECIMAL", "ALPHA", "UPPER_ALPHA", "ROMAN", "UPPER_ROMAN"}

_PAGE_STYLE = """
body { margin: 0; background: #f1f3f4; color: #202124; font: 11pt/1.4 Arial, "Noto Sans", sans-serif; }
header { background: #fff; border-bottom: 1px solid #dadce0; padding: .6rem 1.5rem; }
header h1 { margin: 0; font-size: 1.1rem; font-weight: 400; overflow-wrap: anywhere; }
header p { margin: .1rem 0 0; color: #5f6368; font-size: .8rem; }
.doc { box-sizing: border-box; max-width: 52rem; margin: 1.5rem auto; padding: 3rem 4rem; background: #fff;
       box-shadow: 0 1px 3px rgba(60, 64, 67, .3); overflow-wrap: anywhere; }
.doc p { margin: 0 0 .35em; }
.doc p.empty { margin: 0; }
.doc h1, .doc h2, .doc h3, .doc h4, .doc h5, .doc h6 { font-weight: 400; margin: 1.1em 0 .3em; }
.doc h1 { font-size: 20pt; }
.doc h1:not(:first-child) { border-top: 1px solid #dadce0; padding-top: .8em; margin-top: 1.4em; }
.doc h2 { font-size: 16pt; } .doc h3 { font-size: 14pt; color: #434343; }
.doc h4 { font-size: 12pt; color: #666; } .doc h5, .doc h6 { font-size: 11pt; color: #666; }
.doc h6 { font-style: italic; }
.doc h1.title { font-size: 26pt; border: 0; padding: 0; margin: 0 0 .2em; }
.doc p.subtitle { font-size: 15pt; color: #666; }
.doc ul, .doc ol { margin: 0 0 .35em; padding-left: 1.8em; }
.doc li { margin: .1em 0; }
.doc ul.checklist { list-style: none; padding-left: .4em; }
.doc li.checked { color: #80868b; text-decoration: line-through; }
.doc table { border-collapse: collapse; margin: .4em 0 .6em; width: 100%; }
.doc td { border: 1px solid #9aa0a6; padding: 5pt; vertical-align: top; }
.doc td p:last-child { margin-bottom: 0; }
.doc .image { display: inline-flex; align-items: center; justify-content: center; box-sizing: border-box;
              max-width: 100%; border: 1px dashed #9aa0a6; background: #f8f9fa; color: #5f6368;
              font-size: 9pt; padding: 4px; vertical-align: middle; text-align: center; }
.doc .chip { background: #e8eaed; border-radius: 1em; padding: 0 .5em; }
.doc .rule { display: block; border-top: 1px solid #9aa0a6; margin: .4em 0; }
.doc .page-break { display: block; border-top: 2px dashed #dadce0; margin: .8em 0; }
.doc .section-break { border: 0; border-top: 1px dotted #9aa0a6; }
.doc .contents { border-left: 3px solid #dadce0; padding-left: .8em; margin: .4em 0; }
.doc .segment { color: #5f6368; font-size: 9pt; border: 1px dotted #dadce0; padding: .3em .6em; margin: .4em 0; }
.doc .footnotes { border-top: 1px solid #dadce0; margin-top: 1.2em; padding-top: .4em; font-size: 9pt; }
.doc .footnotes p:first-of-type { display: inline; }
.doc h1.tab { font-size: 13pt; color: #1a73e8; border: 0; border-bottom: 2px solid #1a73e8;
              padding: 0 0 .2em; margin: 1.6em 0 .6em; }
.doc h1.tab:first-child { margin-top: 0; }
"""


def _page(title: str, body: list[str]) -> str:
    """A whole page: the document's title above the body, laid out like a page in the Docs editor."""
    return "\n".join([
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{_PAGE_STYLE}</style>", "</head>", "<body>",
        f"<header><h1>{escape(title)}</h1><p>Google Doc in the Workspace sandbox · read-only view</p></header>",
        *body, "</body>", "</html>"])


def _run_html(text: str, style: dict) -> str:
    out = escape(text).replace("\u000b", "<br>")
    if style.get("bold"):
        out = f"<b>{out}</b>"
    if style.get("italic"):
        out = f"<i>{out}</i>"
    if style.get("strikethrough"):
        out = f"<s>{out}</s>"
    url = style.get("link", {}).get("url")
    if url:
        return f'<a href="{escape(url)}">{out}</a>'
    return f"<u>{out}</u>" if style.get("underline") else out


def _tag(named_style: str) -> tuple[str, str]:
    if named_style.startswith("HEADING_"):
        return f"h{named_style[-1]}", ""
    return {"TITLE": ("h1", ' class="title"'), "SUBTITLE": ("p", ' class="subtitle"')}.get(named_style, ("p", ""))


def _flatten(tabs: list[dict], depth: int = 0) -> list[tuple[dict, int]]:
    out = []
    for tab in tabs:
        out.append((tab, depth))
        out += _flatten(tab.get("childTabs", []), depth + 1)
    return out


def render(document: dict, checked: set[int], checklists: set[str]) -> str:
    """A page for a documents.get answer with tabs; `checked` holds the start indices of the first
    tab's ticked checklist items."""
    out = ['<div class="doc">']
    tabs = _flatten(document.get("tabs", []))
    for n, (tab, depth) in enumerate(tabs):
        if len(tabs) > 1:
            title = tab.get("tabProperties", {}).get("title") or "Untitled tab"
            out.append(f'<h1 class="tab">{"› " * depth}{escape(title)}</h1>')
        out += _Tab(tab.get("documentTab", {}), checked if n == 0 else set(), checklists).html()
    out.append("</div>")
    return _page(document.get("title") or "Untitled document", out)


class _Tab:
    """The HTML of one tab's content."""

    def __init__(self, part: dict, checked: set[int], checklists: set[str]):
        self.part, self.checked, self.checklists = part, checked, checklists
        self.lists = part.get("lists", {})
        self.objects = part.get("inlineObjects", {})
        self.notes: list[str] = []  # footnote ids in the order their references appear

    def html(self) -> list[str]:
        style = self.part.get("documentStyle", {})
        out = self._segment("headers", style.get("defaultHeaderId"), "Header")
        out += self.content(self.part.get("body", {}).get("content", []))
        if self.notes:
            out.append('<div class="footnotes">')
            for n, footnote_id in enumerate(self.notes, start=1):
                inner = self.content(self.part.get("footnotes", {}).get(footnote_id, {}).get("content", []))
                out.append(f'<div id="fn-{escape(footnote_id)}"><sup>{n}</sup> {"".join(inner)}</div>')
            out.append("</div>")
        return out + self._segment("footers", style.get("defaultFooterId"), "Footer")

    def _segment(self, key: str, segment_id: str | None, label: str) -> list[str]:
        segment = self.part.get(key, {}).get(segment_id or "")
        if segment is None:
            return []
        return [f'<div class="segment" title="{label}">', *self.content(segment.get("content", [])), "</div>"]

    def content(self, elements: list[dict]) -> list[str]:
        """Structural elements as HTML (lists grouped, tables and contents recursed into)."""
        out: list[str] = []
        open_lists: list[list] = []  # per nesting level: [list id, tag, whether an <li> is open]

        def close_to(depth: int) -> None:
            while len(open_lists) > depth:
                _, tag, item_open = open_lists.pop()
                if item_open:
                    out[-1] += "</li>"
                out.append(f"</{tag}>")

        for element in elements:
            paragraph = element.get("paragraph")
            if paragraph is None:
                close_to(0)
                out += self._block(element)
                continue
            inner = "".join(self._element(item) for item in paragraph["elements"])
            bullet = paragraph.get("bullet")
            if bullet is None:
                close_to(0)
                tag, attributes = _tag(paragraph["paragraphStyle"].get("namedStyleType", "NORMAL_TEXT"))
                if not inner:  # an empty line in the editor: one line high, not collapsed
                    inner = "<br>"
                    attributes = attributes or ' class="empty"'
                out.append(f"<{tag}{attributes}>{inner}</{tag}>")
                continue
            list_id, level = bullet["listId"], bullet.get("nestingLevel", 0)
            if open_lists and open_lists[0][0] != list_id:
                close_to(0)
            close_to(level + 1)
            if len(open_lists) == level + 1 and open_lists[level][2]:
                out[-1] += "</li>"
            levels = self.lists.get(list_id, {}).get("listProperties", {}).get("nestingLevels", [])
            while len(open_lists) <= level:
                depth = len(open_lists)
                glyph = levels[depth].get("glyphType") if depth < len(levels) else None
                checklist = list_id in self.checklists
                tag = "ol" if glyph in _NUMBERED_GLYPHS and not checklist else "ul"
                attributes = ' class="checklist"' if checklist else ""
                out.append(f"<{tag}{attributes}>")
                open_lists.append([list_id, tag, False])
            if list_id in self.checklists:
                ticked = element.get("startIndex", 0) in self.checked
                out.append(f'<li class="{"checked" if ticked else "unchecked"}">{"☑" if ticked else "☐"} {inner}')
            else:
                out.append(f"<li>{inner}")
            open_lists[level][2] = True
        close_to(0)
        return out

    def _block(self, element: dict) -> list[str]:
        if "table" in element:
            rows = []
            for row in element["table"].get("tableRows", []):
                cells = []
                for cell in row.get("tableCells", []):
                    span = cell.get("tableCellStyle", {})
                    attributes = "".join(f' {name}="{span[key]}"' for key, name in
                                         (("rowSpan", "rowspan"), ("columnSpan", "colspan")) if span.get(key, 1) > 1)
                    cells.append(f"<td{attributes}>{''.join(self.content(cell.get('content', [])))}</td>")
                rows.append(f"<tr>{''.join(cells)}</tr>")
            return ["<table>", *rows, "</table>"]
        if "tableOfContents" in element:
            return ['<div class="contents">', *self.content(element["tableOfContents"].get("content", [])), "</div>"]
        if element.get("startIndex"):  # a section break other than the body's first
            return ['<hr class="section-break">']
        return []

    def _element(self, item: dict) -> str:
        if "textRun" in item:
            return _run_html(item["textRun"]["content"].rstrip("\n"), item["textRun"].get("textStyle", {}))
        if "inlineObjectElement" in item:
            embedded = self.objects.get(item["inlineObjectElement"].get("inlineObjectId"), {}).get(
                "inlineObjectProperties", {}).get("embeddedObject", {})
            size = embedded.get("size", {})
            width = size.get("width", {}).get("magnitude")
            height = size.get("height", {}).get("magnitude")
            box = (f' style="width:{width}pt;height:{height}pt"' if width and height else "")
            alt = embedded.get("title") or embedded.get("description") or "Image"
            return f'<span class="image"{box} role="img" aria-label="{escape(alt)}">{escape(alt)}</span>'
        if "footnoteReference" in item:
            footnote_id = item["footnoteReference"].get("footnoteId", "")
            self.notes.append(footnote_id)
            return f'<sup><a href="#fn-{escape(footnote_id)}">{len(self.notes)}</a></sup>'
        if "person" in item:
            person = item["person"].get("personProperties", {})
            return f'<span class="chip">{escape(person.get("name") or person.get("email") or "person")}</span>'
        if "richLink" in item:
            link = item["richLink"].get("richLinkProperties", {})
            return (f'<a class="chip" href="{escape(link.get("uri", ""))}">'
                    f'{escape(link.get("title") or link.get("uri") or "link")}</a>')
        if "dateElement" in item:
            date = item["dateElement"].get("dateElementProperties", {})
            return f'<span class="chip">{escape(date.get("displayText") or "date")}</span>'
        if "horizontalRule" in item:
            return '<span class="rule"></span>'
        if "pageBreak" in item or "columnBreak" in item:
            return '<span class="page-break"></span>'
        kind = next((k for k in item if k not in ("startIndex", "endIndex")), "element")
        return f'<span class="chip">{escape(kind)}</span>'
