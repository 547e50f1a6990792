"""Drive's import of an HTML upload: the paragraphs (headings, lists, inline formatting, links) it
makes of a page."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_INLINE = {"b": {"bold": True}, "strong": {"bold": True}, "i": {"italic": True}, "em": {"italic": True},
           "u": {"underline": True}, "s": {"strikethrough": True}, "strike": {"strikethrough": True},
           "del": {"strikethrough": True}}
_BLOCKS = {"p": "NORMAL_TEXT", "div": "NORMAL_TEXT", **{f"h{n}": f"HEADING_{n}" for n in range(1, 7)}}
_CLASSES = {"title": "TITLE", "subtitle": "SUBTITLE"}
_SKIPPED = {"head", "title", "style", "script"}


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
