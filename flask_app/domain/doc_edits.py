"""One batch of edits to a pair doc, composed so that every index is right when Google applies
the requests in order, and so that the service's named ranges end up exactly where intended.

Google's documentation does not say whether text inserted exactly at a named range's start
or end joins the range. The batch therefore never relies on it: every range of the service
that touches an insertion point is deleted and created again at its intended extent, in the
same batch.
"""
from __future__ import annotations

from .section_requests import SectionWrite
from .document import utf16_len

OWN_PREFIX = "coach."


class DocEdits:
    """A running picture of the service's named ranges while requests are added."""

    def __init__(self, ranges: dict[str, tuple[int, int]]):
        self.ranges = {name: extent for name, extent in sorted(ranges.items())
                       if name.startswith(OWN_PREFIX)}  # in a fixed order: same batch each time
        self.requests: list[dict] = []

    def insert(self, index: int, write: SectionWrite, *, unbullet: bool = False) -> None:
        """Add a section written by ``section_requests.section_requests`` at ``index``.

        ``unbullet``: the paragraph at ``index`` is a list item, whose bullet the inserted
        paragraphs would otherwise copy.
        """
        touching = {}
        for name, (start, end) in self.ranges.items():
            if start >= index:
                start, end = start + write.length, end + write.length
                if start == index + write.length:
                    touching[name] = (start, end)
            elif end >= index:
                if end == index:
                    touching[name] = (start, end)
                else:
                    end += write.length
            self.ranges[name] = (start, end)
        requests = list(write.requests)
        if unbullet:
            inserted_end = index + len(requests[0]["insertText"]["text"].encode("utf-16-le")) // 2
            requests.insert(1, {"deleteParagraphBullets": {
                "range": {"startIndex": index, "endIndex": inserted_end}}})
        self.requests += requests
        for request in write.requests:
            created = request.get("createNamedRange")
            if created:
                r = created["range"]
                self.ranges[created["name"]] = (r["startIndex"], r["endIndex"])
        for name, (start, end) in touching.items():
            self.requests.append({"deleteNamedRange": {"name": name}})
            self.requests.append({"createNamedRange": {
                "name": name, "range": {"startIndex": start, "endIndex": end}}})

    def delete(self, start: int, end: int) -> None:
        """Delete [start, end); ranges wholly inside vanish (as Google removes them)."""
        length = end - start

        def moved(i: int) -> int:
            return i if i <= start else start if i <= end else i - length

        for name, (a, b) in list(self.ranges.items()):
            if start <= a and b <= end:
                del self.ranges[name]
            else:
                self.ranges[name] = (moved(a), moved(b))
        self.requests.append({"deleteContentRange": {
            "range": {"startIndex": start, "endIndex": end}}})

    def type_at(self, index: int, text: str) -> None:
        """Insert ``text`` (no newline) at ``index``, strictly inside the ranges around it."""
        added = utf16_len(text)
        self.requests.append({"insertText": {"text": text, "location": {"index": index}}})
        self.ranges = {name: (a + added if a > index else a, b + added if b > index else b)
                       for name, (a, b) in self.ranges.items()}

    def replace_inside(self, start: int, end: int, text: str) -> None:
        """Replace the text [start, end) of one paragraph (not its newline) with ``text``.

        The new text goes in after the old text's first character, strictly inside any range
        around it, and the old text on both sides of it is then deleted.
        """
        if end - start < 1 or not text:
            raise ValueError("replace_inside needs old and new text")
        added = len(text.encode("utf-16-le")) // 2
        self.requests += [
            {"insertText": {"text": text, "location": {"index": start + 1}}},
            {"deleteContentRange": {"range": {"startIndex": start + 1 + added,
                                              "endIndex": end + added}}},
            {"deleteContentRange": {"range": {"startIndex": start, "endIndex": start + 1}}},
        ]
        shift = added - (end - start)
        self.ranges = {name: (a + shift if a >= end else a, b + shift if b >= end else b)
                       for name, (a, b) in self.ranges.items()}
