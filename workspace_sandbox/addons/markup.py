"""Card text as the side panel shows it: Google's small HTML subset for add-on cards (``<b>``,
``<i>``, ``<u>``, ``<s>``, ``<font color>``, ``<a href>``, ``<br>``; line breaks as ``\\n``) made
into safe HTML. Everything else, other tags included, shows as the literal text it is.
"""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

_PAIRED = {"b", "i", "u", "s", "font", "a"}
_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}")
_LINK = re.compile(r"(https?|mailto):", re.IGNORECASE)


class _Subset(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "br":
            self.out.append("<br>")
        elif tag == "font" and _COLOR.fullmatch(values.get("color") or ""):
            self._open(tag, f'<font color="{values["color"]}">')
        elif tag == "a" and _LINK.match(values.get("href") or ""):
            self._open(tag, f'<a href="{escape(values["href"])}" target="_blank" '
                            'rel="noopener noreferrer">')
        elif tag in _PAIRED - {"font", "a"}:
            self._open(tag, f"<{tag}>")
        else:
            self.handle_data(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("<br>")
        else:
            self.handle_data(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                closing = self.open.pop()
                self.out.append(f"</{closing}>")
                if closing == tag:
                    break
        elif tag != "br":
            self.handle_data(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data).replace("\n", "<br>"))

    def _open(self, tag: str, html: str) -> None:
        self.open.append(tag)
        self.out.append(html)


def formatted(text: str | None) -> str:
    """Safe HTML for card text in Google's subset."""
    parser = _Subset()
    parser.feed(text or "")
    parser.close()
    return "".join(parser.out) + "".join(f"</{tag}>" for tag in reversed(parser.open))


def plain(text: str | None) -> str:
    """Safe HTML for text shown as it is (titles, labels, button texts)."""
    return escape(text or "")
