"""Bringing items still open into agenda sections written before the last meeting happened.

A section for a meeting two weeks out is written before the meeting in between takes place;
once that one is over, its needs and unfinished commitments are added to the later section's
"Still open from last time" list, and items marked done since are taken off it. Only the
service's own lines go, and only while they read exactly as written ("… (from <date>)" and
"Nothing open from last time."): nothing people wrote is removed.
"""
from __future__ import annotations

from dataclasses import dataclass

from .agenda import OpenItem
from .locales import DEFAULT_LANGUAGE, PHRASES, human_date, phrase
from .document import utf16_len
from .sections import PlacedSection, is_done, item_states, normal_item
from .snapshot import DocSnapshot


@dataclass(frozen=True)
class Refresh:
    """The requests, and each changed section's paragraphs (texts) as they will then read."""

    requests: list[dict]
    lines: dict[str, list[str]]


_NOTHING_OPEN = frozenset(words["nothing_open"] for words in PHRASES.values())


def refresh_requests(doc: DocSnapshot, targets: list[PlacedSection],
                     sections: list[PlacedSection], language: str = DEFAULT_LANGUAGE) -> Refresh:
    """Requests adding to each target section the items open from the sections before it."""
    requests: list[dict] = []
    lines: dict[str, list[str]] = {}
    for target in sorted(targets, key=lambda s: s.start, reverse=True):
        states = item_states(doc, [s for s in sections if s.day < target.day])
        changes = _refresh(doc, target.name, states, language)
        if changes:
            requests += changes[0]
            lines[target.name] = changes[1]
    return Refresh(requests, lines)


def _line(item: OpenItem, language: str) -> str:
    return f"{item.text} ({phrase(language, 'from')} {human_date(item.from_date, language)})"


def _refresh(doc: DocSnapshot, name: str, states: dict[str, tuple[OpenItem, bool]],
             language: str) -> tuple[list[dict], list[str]] | None:
    extent = doc.range(f"{name}.open_items")
    if extent is None:
        return None
    paragraphs = [p for p in doc.paragraphs_in(*extent) if p.heading_level is None]
    if not paragraphs:
        return None
    listed = {normal_item(p.text) for p in paragraphs}
    missing = [item for normal, (item, done) in states.items()
               if not done and normal not in listed]
    closed = [p for p in paragraphs if p.checkbox and not is_done(p)
              and states.get(normal_item(p.text), (None, False))[1]
              and p.text == _line(states[normal_item(p.text)][0], language)]
    requests = _add(paragraphs[-1], missing, language) if missing else []
    stale = closed + [p for p in paragraphs if p.text in _NOTHING_OPEN and missing]
    if not requests and not stale:
        return None
    for paragraph in sorted(stale, key=lambda p: p.start, reverse=True):
        requests.append({"deleteContentRange": {"range": {
            "startIndex": paragraph.start, "endIndex": paragraph.end}}})
    gone = {p.start for p in stale}
    after: list[str] = []
    for paragraph in doc.paragraphs_in(*doc.range(name)):
        if paragraph.start not in gone:
            after.append(paragraph.text)
        if paragraph.start == paragraphs[-1].start:
            after += [_line(item, language) for item in missing]
    return requests, after


def _add(last, missing: list[OpenItem], language: str) -> list[dict]:
    """Lines for ``missing`` items typed after the list's ``last`` paragraph."""
    lines = [_line(item, language) for item in missing]
    text = "\n" + "\n".join(lines)
    # Typed at the end of the list's last line, then Enter: strictly inside the ranges.
    at = last.end - 1
    requests: list[dict] = [{"insertText": {"location": {"index": at}, "text": text}}]
    start = at + 1
    ranges = []
    for line, item in zip(lines, missing):
        end = start + utf16_len(line)
        ranges.append((start, end, start + utf16_len(item.text)))
        start = end + 1
    new_start, new_end = ranges[0][0], ranges[-1][1] + 1
    requests.append({"updateTextStyle": {"range": {"startIndex": new_start, "endIndex": new_end},
                                         "textStyle": {}, "fields": "*"}})
    for _, end, suffix in ranges:
        requests.append({"updateTextStyle": {"range": {"startIndex": suffix, "endIndex": end},
                                             "textStyle": {"italic": True}, "fields": "italic"}})
    if not last.checkbox:
        requests.append({"updateParagraphStyle": {
            "range": {"startIndex": new_start, "endIndex": new_end},
            "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}, "fields": "namedStyleType"}})
        requests.append({"createParagraphBullets": {
            "range": {"startIndex": new_start, "endIndex": new_end},
            "bulletPreset": "BULLET_CHECKBOX"}})
    return requests
