"""What one sync changes in a pair doc, decided against a snapshot of it (pure).

Given the doc as it is, the sections the service already wrote and the meetings as the
calendar now has them, :func:`compose` returns one batch of requests and what became of each
meeting. Nothing a person typed is overwritten or deleted: a section is removed, or its title
rewritten, only while its fingerprint (every character, table, image and footnote in it, title
included) is still the one of what the service wrote; otherwise a cancelled meeting's section
stays, marked "(cancelled)" in its heading, and is reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from .doc_edits import DocEdits
from .locales import DEFAULT_LANGUAGE, phrase
from .section_requests import section_requests
from .document import Block, DocumentModel, Run, utf16_len
from .occurrences import Occurrence
from .records import EDITED
from .sections import PlacedSection, insert_index, open_items, placed_sections, range_name
from .snapshot import DocSnapshot, fingerprint_lines

HEADER_RANGE = "coach.header"
CANCELLED_MARK = " (cancelled)"


@dataclass(frozen=True)
class Written:
    """A section as the service wrote it (what the store remembers of it)."""

    occurrence: str
    range_name: str
    start: datetime
    title: str
    content_hash: str


@dataclass
class Outcome:
    """The result of composing: the batch and the meetings' new records."""

    requests: list[dict]
    written: list[Written] = field(default_factory=list)      # new or redated sections
    removed: list[str] = field(default_factory=list)          # occurrence keys
    kept: list[str] = field(default_factory=list)             # cancelled but written in
    adopted: list[Written] = field(default_factory=list)      # found in the doc, not in store
    carried: int = 0                                          # open items put in new sections


def model_hash(model: DocumentModel) -> str:
    """The fingerprint a section written from ``model`` has in the doc."""
    return fingerprint_lines(model.lines())


def untouched(doc: DocSnapshot, written: Written) -> bool:
    """Whether the section is exactly as the service wrote it (or no longer there)."""
    extent = doc.range(written.range_name)
    return extent is None or doc.fingerprint(*extent) == written.content_hash


def header_model(manager_name: str, report_name: str, language: str = DEFAULT_LANGUAGE, *,
                 opt_out_url: str = "", earlier: tuple[str, ...] = ()) -> DocumentModel:
    """The doc's first lines: whose doc it is, how it works, the opt-out link, and links to the
    docs already attached that the service did not take over (``earlier``: their URLs)."""
    blocks = [Block("paragraph", (Run(phrase(language, "header", manager=manager_name,
                                              report=report_name), bold=True),)),
              Block("paragraph", (Run(phrase(language, "header_hint"), italic=True),))]
    links = [(phrase(language, "earlier"), url) for url in earlier]
    if opt_out_url:
        links.append((phrase(language, "stop"), opt_out_url))
    if links:
        runs: list[Run] = []
        for n, (text, url) in enumerate(links):
            runs += [Run(" · ")] if n else []
            runs.append(Run(text, link=url))
        blocks.append(Block("paragraph", tuple(runs)))
    return DocumentModel(tuple(blocks))


def cancelled_mark(language: str = DEFAULT_LANGUAGE) -> str:
    return f" ({phrase(language, 'cancelled')})"


def compose(doc: DocSnapshot, written: dict[str, Written], *, insert: list[Occurrence],
            redate: list[tuple[Written, Occurrence]], remove: list[Written],
            render: Callable[[Occurrence, tuple], DocumentModel], header: DocumentModel,
            tidy: list[Written] = (), cancelled_mark: str = CANCELLED_MARK) -> Outcome:
    """One batch that brings the doc in line with the calendar. ``remove``: sections of
    cancelled meetings; ``tidy``: sections of past meetings nobody filled in. Both go only if
    untouched; a cancelled one that people wrote in gets ``cancelled_mark`` in its heading."""
    edits = DocEdits({name: doc.range(name) for name in doc.named_ranges})
    outcome = Outcome(edits.requests)
    days = {w.range_name: w.start.date() for w in written.values()}
    for w, cancelled in [(w, True) for w in remove] + [(w, False) for w in tidy]:
        extent = doc.range(w.range_name)
        if extent is None:
            outcome.removed.append(w.occurrence)
        elif doc.fingerprint(*extent) == w.content_hash:
            edits.delete(*edits.ranges[w.range_name])
            days.pop(w.range_name, None)
            outcome.removed.append(w.occurrence)
        elif cancelled:
            _mark_cancelled(edits, doc, w, cancelled_mark)
            outcome.kept.append(w.occurrence)
    for w, meeting in redate:
        outcome.written.append(_redate(edits, doc, w, meeting, render(meeting, ()).blocks[0].text))
        days[w.range_name] = meeting.start.date()
    if insert and HEADER_RANGE not in edits.ranges:
        _insert(edits, doc, 1, header, HEADER_RANGE)
    for meeting in sorted(insert, key=lambda m: m.start):
        name = range_name(meeting.key)
        day = meeting.start.date()
        earlier = [s for s in placed_sections(doc, days) if s.day < day]
        items = open_items(doc, earlier)
        model = render(meeting, items)
        if name in edits.ranges:  # written by an earlier run that crashed before recording
            extent = doc.range(name)
            found = doc.fingerprint(*extent)
            title = doc.paragraph_at(extent[0]).text
            outcome.adopted.append(Written(meeting.key, name, meeting.start, title,
                                           found if found == model_hash(model) else EDITED))
            days[name] = day
            continue
        sections = _placed(edits, days)
        index = insert_index(sections, day, top=edits.ranges[HEADER_RANGE][1])
        _insert(edits, doc, index, model, name, original=_original_index(edits, doc, index))
        outcome.carried += len(items)
        days[name] = day
        outcome.written.append(Written(meeting.key, name, meeting.start,
                                       model.blocks[0].text, model_hash(model)))
    return outcome


def _redate(edits: DocEdits, doc: DocSnapshot, w: Written, meeting: Occurrence,
            new_title: str) -> Written:
    """A moved meeting's section: its title says the new date if nobody edited the title."""
    extent = doc.range(w.range_name)
    title_paragraph = doc.paragraph_at(extent[0]) if extent else None
    if title_paragraph is None or title_paragraph.text != w.title or w.title == new_title:
        return Written(w.occurrence, w.range_name, meeting.start, w.title, w.content_hash)
    was_ours = doc.fingerprint(*extent) == w.content_hash
    start = edits.ranges[w.range_name][0]
    edits.replace_inside(start, start + utf16_len(w.title), new_title)
    content = doc.fingerprint(*extent, retitled=new_title) if was_ours else EDITED
    return Written(w.occurrence, w.range_name, meeting.start, new_title, content)


def _mark_cancelled(edits: DocEdits, doc: DocSnapshot, w: Written, mark: str) -> None:
    """Say in the heading that the meeting was cancelled (people wrote in the section)."""
    extent = doc.range(w.range_name)
    title = doc.paragraph_at(extent[0])
    if title is None or title.heading_level is None or title.text.endswith(mark):
        return
    edits.type_at(edits.ranges[w.range_name][0] + utf16_len(title.text), mark)


def _placed(edits: DocEdits, days: dict[str, date]) -> list[PlacedSection]:
    return sorted((PlacedSection(name, *edits.ranges[name], day) for name, day in days.items()
                   if name in edits.ranges), key=lambda s: s.start)


def _original_index(edits: DocEdits, doc: DocSnapshot, index: int) -> int | None:
    """Where in the snapshot the paragraph now starting at ``index`` started (if it did)."""
    for name, (start, end) in edits.ranges.items():
        original = doc.range(name)
        if original is None:
            continue
        if start == index:
            return original[0]
        if end == index:
            return original[1]
    if doc.range(HEADER_RANGE) is None and edits.ranges.get(HEADER_RANGE, (0, 0))[1] == index:
        return 1  # just below a header inserted in this batch: the doc's first paragraph
    return None


def _insert(edits: DocEdits, doc: DocSnapshot, index: int, model: DocumentModel, name: str,
            original: int | None = 1) -> None:
    paragraph = doc.paragraph_at(original) if original is not None else None
    edits.insert(index, section_requests(model, index, range_prefix=name),
                 unbullet=bool(paragraph and paragraph.is_list))
