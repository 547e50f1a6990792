"""HTML in and out of the Docs model: Drive's import of an HTML upload, and a readable rendering."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

_INLINE = {"b": {"bold": True}, "strong": {"bold": True}, "i": {"italic": True}, "em": {"italic": True},
           "u": {"underline": True}, "s": {"strikethrough": True}, "strike": {"strikethrough": True},
           "del": {"strikethrough": True}}
_BLOCKS = {"p": "NORMAL_TEXT", "div": "NORMAL_TEXT", **{f"h{n}": f"HEADING_{n}" for n in range(1, 7)}}
_CLASSES = {"title": "TITLE", "subtitle": "SUBTITLE"}
_SKIPPED = {"head", "title", "style", "script"}
_NUMBERED_GLYPHS = {"DECIMAL", "ZERO_DECIMAL", "ALPHA", "UPPER_ALPHA", "ROMAN", "UPPER_ROMAN"}


@dataclass
class Block:
    """One paragraph of an imported page."""

    named_style: str
    runs: list[tuple[str, dict]] = field(default_factory=list)
    list_key: int = 0  # 0: not in a list; otherwise which top-level <ul>/<ol> it belongs to
    numbered: bool = False
    level: int = 0


class _Importer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.block: Block | None = None
        self.inline: list[tuple[str, dict]] = []
        self.lists: list[tuple[int, bool]] = []  # (list key, numbered) of each open <ul>/<ol>
        self.list_count = 0
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            classes = (attributes.get("class") or "").split()
            named = next((_CLASSES[c] for c in classes if c in _CLASSES), _BLOCKS[tag])
            if self.block is not None and self.block.list_key and not self.block.runs:
                self.block.named_style = named  # <li><p>…</p></li>: still the list item
            else:
                self._open(Block(named))
        elif tag in ("ul", "ol"):
            self._close()
            if self.lists:
                self.lists.append(self.lists[0])
            else:
                self.list_count += 1
                self.lists.append((self.list_count, tag == "ol"))
        elif tag == "li":
            key, numbered = self.lists[0] if self.lists else (0, False)
            self._open(Block("NORMAL_TEXT", list_key=key, numbered=numbered,
                             level=min(max(len(self.lists) - 1, 0), 8)))
        elif tag in _INLINE:
            self.inline.append((tag, _INLINE[tag]))
        elif tag == "a":
            href = attributes.get("href")
            self.inline.append((tag, {"link": {"url": href}} if href else {}))
        elif tag == "br":
            self._text("\u000b")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCKS or tag == "li":
            self._close()
        elif tag in ("ul", "ol"):
            self._close()
            if self.lists:
                self.lists.pop()
        elif tag in _INLINE or tag == "a":
            for n in range(len(self.inline) - 1, -1, -1):
                if self.inline[n][0] == tag:
                    del self.inline[n]
                    break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self._text(re.sub(r"\s+", " ", data))

    def _text(self, text: str) -> None:
        if self.block is None:
            if not text.strip():
                return
            self._open(Block("NORMAL_TEXT"))
        style: dict = {}
        for _, extra in self.inline:
            style.update(extra)
        runs = self.block.runs
        if runs and runs[-1][1] == style:
            runs[-1] = (runs[-1][0] + text, style)
        else:
            runs.append((text, style))

    def _open(self, block: Block) -> None:
        self._close()
        self.block = block

    def _close(self) -> None:
        block, self.block = self.block, None
        if block is None:
            return
        runs = [(text, style) for text, style in block.runs if text]
        if runs:
            runs[0] = (runs[0][0].lstrip(" "), runs[0][1])
            runs[-1] = (runs[-1][0].rstrip(" "), runs[-1][1])
        block.runs = [(text, style) for text, style in runs if text]
        self.blocks.append(block)


def parse(html: str) -> list[Block]:
    """The paragraphs Drive makes of an HTML page, in order."""
    importer = _Importer()
    importer.feed(html)
    importer.close()
    importer._close()
    return importer.blocks


# --- rendering ---------------------------------------------------------------------------------------

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
"""


def _page(title: str, body: list[str]) -> str:
    """A whole page: the document's title above the body, laid out like a page in the Docs editor."""
    return "\n".join([
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{_PAGE_STYLE}</style>", "</head>", "<body>",
        f"<header><h1>{escape(title)}</h1><p>Google Doc in the Workspace sandbox · read-only view</p></header>",
        *body, "</body>", "</html>"])


def _tag(named_style: str) -> tuple[str, str]:
    if named_style.startswith("HEADING_"):
        return f"h{named_style[-1]}", ""
    return {"TITLE": ("h1", ' class="title"'), "SUBTITLE": ("p", ' class="subtitle"')}.get(named_style, ("p", ""))


def render(document: dict, checked: set[int], checklists: set[str]) -> str:
    """A page for a documents.get answer; `checked` holds the start indices of ticked checklist items."""
    lists = document.get("lists", {})
    out = ['<div class="doc">']
    open_lists: list[list] = []  # per nesting level: [list id, tag, whether an <li> is open]

    def close_to(depth: int) -> None:
        while len(open_lists) > depth:
            _, tag, item_open = open_lists.pop()
            if item_open:
                out[-1] += "</li>"
            out.append(f"</{tag}>")

    for element in document["body"]["content"]:
        paragraph = element.get("paragraph")
        if paragraph is None:
            continue
        inner = "".join(_run_html(run["textRun"]["content"].rstrip("\n"), run["textRun"].get("textStyle", {}))
                        for run in paragraph["elements"] if "textRun" in run)
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
        levels = lists.get(list_id, {}).get("listProperties", {}).get("nestingLevels", [])
        while len(open_lists) <= level:
            depth = len(open_lists)
            glyph = levels[depth].get("glyphType") if depth < len(levels) else None
            tag = "ol" if glyph in _NUMBERED_GLYPHS and list_id not in checklists else "ul"
            attributes = ' class="checklist"' if list_id in checklists else ""
            out.append(f"<{tag}{attributes}>")
            open_lists.append([list_id, tag, False])
        if list_id in checklists:
            ticked = element["startIndex"] in checked
            out.append(f'<li class="{"checked" if ticked else "unchecked"}">{"☑" if ticked else "☐"} {inner}')
        else:
            out.append(f"<li>{inner}")
        open_lists[level][2] = True
    close_to(0)
    out.append("</div>")
    return _page(document.get("title") or "Untitled document", out)
