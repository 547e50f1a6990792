"""The coach's meeting sections inside a pair doc: where they are, where a new one goes, what
is still open in them, and whether anyone wrote in them.

Sections are found by their named ranges (``coach.m.<hash>``; each question inside as
``coach.m.<hash>.<key>``), which Google moves along with people's edits.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from .agenda import OpenItem
from .locales import PHRASES, carried_pattern, parse_date
from .snapshot import DocSnapshot, Paragraph

RANGE_PREFIX = "coach.m."
_DONE_MARK = re.compile(r"^\s*(?:[✓✔☑✅]|\[[xX]\]|done\b[:.]?)\s*", re.IGNORECASE)
_CARRIED_FROM = carried_pattern()


def range_name(occurrence_key: str) -> str:
    """The named range of one occurrence's section (short, stable, no personal data)."""
    return RANGE_PREFIX + hashlib.sha256(occurrence_key.encode()).hexdigest()[:20]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class PlacedSection:
    """A section present in the doc, with the meeting date the service knows for it."""

    name: str
    start: int
    end: int
    day: date


def placed_sections(doc: DocSnapshot, days: dict[str, date]) -> list[PlacedSection]:
    """Sections of known meetings present in the doc, in document order."""
    found = []
    for name, day in days.items():
        extent = doc.range(name)
        if extent:
            found.append(PlacedSection(name, extent[0], extent[1], day))
    return sorted(found, key=lambda s: s.start)


def insert_index(sections: list[PlacedSection], day: date, top: int) -> int:
    """Where a section for ``day`` goes so that the newest meeting is on top; ``top`` is where
    the first section goes."""
    for section in sections:
        if section.day < day:
            return section.start
    return sections[-1].end if sections else top


def is_done(paragraph: Paragraph) -> bool:
    """A commitment or need counts as done when ticked, struck through or marked ✓ / [x] /
    done. (The Docs API does not say whether a box is ticked: see ticks.py.)"""
    return paragraph.ticked or paragraph.struck or bool(_DONE_MARK.match(paragraph.text))


def _normal(text: str) -> str:
    return " ".join(_DONE_MARK.sub("", text).split()).casefold()


def normal_item(text: str) -> str:
    """An item's text as compared across sections: no done mark, no "(from …)", any case."""
    return _normal(_carried(_DONE_MARK.sub("", text).strip(), date.min)[0])


def _answer_paragraphs(doc: DocSnapshot, name: str) -> list[Paragraph]:
    extent = doc.range(name)
    if extent is None:
        return []
    paragraphs = doc.paragraphs_in(*extent)
    return [p for p in paragraphs if p.heading_level is None and p.text.strip()]


def item_states(doc: DocSnapshot, earlier: list[PlacedSection]) -> dict[str, tuple[OpenItem, bool]]:
    """Needs and commitments raised in ``earlier`` sections, by normalised text, with whether
    anyone marked them done.

    Sections are read oldest first; an item marked done anywhere (in its own section or
    where it was carried to) is closed.
    """
    state: dict[str, tuple[OpenItem, bool]] = {}
    for section in sorted(earlier, key=lambda s: s.day):
        for key in ("open_items", "needs", "commitments"):
            for paragraph in _answer_paragraphs(doc, f"{section.name}.{key}"):
                if key != "needs" and not paragraph.checkbox:
                    continue
                text, since = _carried(_DONE_MARK.sub("", paragraph.text).strip(), section.day)
                normal = _normal(text)
                if not normal:
                    continue
                done = is_done(paragraph)
                if normal in state:
                    item, was_done = state[normal]
                    state[normal] = (item, was_done or done)
                else:
                    state[normal] = (OpenItem(text, since), done)
    return state


def open_items(doc: DocSnapshot, earlier: list[PlacedSection]) -> tuple[OpenItem, ...]:
    """Needs and commitments from earlier meetings that nobody has marked done yet."""
    return tuple(item for item, done in item_states(doc, earlier).values() if not done)


def _carried(text: str, day: date) -> tuple[str, date]:
    """An item's own text and the day it was first raised ("… (from Tue 1 Dec 2026)")."""
    match = _CARRIED_FROM.search(text)
    if not match:
        return text, day
    for language in PHRASES:
        since = parse_date(match.group(1), language, day)
        if since is not None:
            return text[:match.start()].strip(), since
    return text, day
