"""Reading one meeting's section of a pair doc back: answers, commitments and other notes.

The section is found by its named range (``coach.m.<hash>``). Inside it, each paragraph is
assigned to a part of the agenda by its heading, identified in this order:

1. the named sub-range ``<range>.<key>`` that starts in it (survives renamed headings);
2. its text equal to a heading of the template (survives reordering, which loses ranges);
3. keywords in its text, in several languages ("Blockers" → obstacle), for a key that no
   heading has claimed yet;
4. its position: unknown headings in the gap where keys are missing, as many as missing.

A heading that matches nothing starts "other" notes, unless it is deeper than the agenda's
headings, in which case it continues the part above it. Text typed before the first heading
(under the title) is "other" too, so text typed anywhere in the section is captured.

Template text is not an answer: the template's lines (hints, "Nothing open from last time.")
are dropped, and where a person typed onto a hint line only their part is kept. Without the
rendered template, a wholly italic paragraph right under an agenda heading is taken for a hint.

Documents are read with SUGGESTIONS_INLINE and the snapshot does not mark suggestions, so
suggested insertions read as typed text and suggested deletions as still there. Only body
paragraphs are read (text in tables is not). The title line is not read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .agenda import COMMITMENTS, FEEDBACK, OPEN_ITEMS, PULSE, QUESTIONS, TOPIC
from .concrete import fold
from .locales import PHRASES, carried_pattern
from .document import DocumentModel
from .sections import is_done
from .snapshot import DocSnapshot, Paragraph

DEFAULT_ORDER = (TOPIC, OPEN_ITEMS, *QUESTIONS, FEEDBACK, COMMITMENTS, PULSE)  # one-on-one.md
_DEFAULT_LABELS = {**{text: key for key, text in QUESTIONS.items()},
                   "Still open from last time": OPEN_ITEMS, "Commitments": COMMITMENTS,
                   "This time": TOPIC, "Feedback on a moment": FEEDBACK}
_TEXT_KEYS = (*QUESTIONS, TOPIC, FEEDBACK)  # parts whose text is an answer
_KEYWORDS = {
    "obstacle": ("obstacle", "blocker", "blocked", "blocking", "problem", "issue", "challenge",
                 "stuck", "hindernis", "problema", "obstaculo", "bloqueo", "blocage",
                 "difficult", "ostacolo", "障碍", "阻碍", "问题", "問題", "課題", "障害"),
    "tried": ("tried", "attempt", "so far", "versucht", "intentado", "probado", "essaye",
              "tentato", "尝试", "試した", "試み"),
    "success": ("success", "done looks like", "definition of done", "outcome", "goal",
                "erfolg", "exito", "succes", "成功", "目标", "目標"),
    "needs": ("need", "support", "from me", "help", "brauchst", "benotigst", "necesitas",
              "besoin", "bisogno", "需要", "支持", "必要", "サポート"),
    COMMITMENTS: ("commitment", "action item", "next step", "to do", "todo", "to-do",
                  "follow-up", "follow up", "agreed", "zusage", "vereinbar", "compromiso",
                  "acuerdo", "engagement", "impegn", "承诺", "约定", "約束", "アクション"),
    OPEN_ITEMS: ("still open", "open item", "from last time", "carried", "offen", "pendiente",
                 "en suspens", "未完成", "待办", "前回"),
    TOPIC: ("this time", "topic", "agenda item", "diesmal", "thema", "cette fois", "sujet",
            "esta vez", "tema", "今回", "テーマ", "议题"),
    FEEDBACK: ("feedback", "ruckmeldung", "retour", "retroalimentacion", "フィードバック", "反馈"),
    PULSE: ("how useful", "wie hilfreich", "utile", "util", "役に立", "有用"),
}
_KEYWORD = re.compile("|".join(
    f"(?P<{key}>" + "|".join((r"(?<!\w)" if word.isascii() else "") + re.escape(word)
                             for word in words) + ")"
    for key, words in _KEYWORDS.items()))
_MARK = re.compile(r"^\s*(?:[✓✔☑✅☐]|\[[ xX]?\]|done\b[:.]?)\s*", re.IGNORECASE)
_CARRIED = carried_pattern()
_NOTHING_OPEN = tuple(words["nothing_open"] for words in PHRASES.values())
_PULSE = re.compile(r"(?<!\d)(?<!\d[.,])([1-5])(?!\d|[.,]\d)")  # not in 10, 2.5 or 3,5
_SOFT_BREAK = "\x0b"  # Shift+Enter inside a paragraph


@dataclass(frozen=True)
class Commitment:
    """A commitment (or a need carried over) and whether people marked it done."""

    text: str
    done: bool = False


@dataclass(frozen=True)
class MeetingNotes:
    """What people wrote in one meeting's section.

    ``answers`` has the four question keys, each the typed text ("" when unanswered);
    ``open_items`` are the items carried into this meeting, with their done state;
    ``other`` is text typed outside the questions and commitments.
    """

    answers: dict[str, str]
    commitments: tuple[Commitment, ...] = ()
    open_items: tuple[Commitment, ...] = ()
    other: str = ""
    topic: str = ""
    feedback: str = ""
    pulse: int | None = None  # the report's 1-5; only the number is ever read

    @property
    def filled(self) -> bool:
        """Someone wrote an answer, a commitment or another note (ticking items off, or only
        the pulse, is not)."""
        return bool(any(self.answers.values()) or self.commitments or self.other
                    or self.topic or self.feedback)

    @property
    def questions_answered(self) -> int:
        return sum(1 for text in self.answers.values() if text)


@dataclass(frozen=True)
class _Template:
    order: tuple[str, ...]
    labels: dict[str, str]        # normalised heading text -> key
    prompts: frozenset[str]       # normalised template lines that are not answers
    raw_prompts: tuple[str, ...]  # the same, as written, for text typed onto them
    italic_hints: bool


@dataclass
class _Line:
    paragraph: Paragraph
    label: bool               # a heading, or a paragraph reading exactly like one
    level: int | None
    key: str | None = None
    title: bool = False


@dataclass
class _Parts:
    answers: dict[str, list[str]] = field(
        default_factory=lambda: {key: [] for key in _TEXT_KEYS})
    commitments: list[Commitment] = field(default_factory=list)
    open_items: list[Commitment] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    pulse: int | None = None


def read_meeting(doc: DocSnapshot, range_name: str,
                 template: DocumentModel | None = None) -> MeetingNotes | None:
    """The notes in the section named ``range_name``, or None if it is no longer in the doc.

    ``template``: the section as the service rendered it (``AgendaTemplate.render``), so that
    its hint lines are recognised exactly; without it the default template's are assumed.
    """
    extent = doc.range(range_name)
    if extent is None:
        return None
    subranges = {}
    for key in DEFAULT_ORDER:
        found = doc.range(f"{range_name}.{key}")
        if found:
            subranges[key] = found[0]
    return read_paragraphs(doc.paragraphs_in(*extent), subranges, template)


def read_paragraphs(paragraphs: list[Paragraph] | tuple[Paragraph, ...],
                    subranges: dict[str, int] | None = None,
                    template: DocumentModel | None = None) -> MeetingNotes:
    """The notes in a run of paragraphs; ``subranges`` maps keys to where their range starts."""
    spec = _template(template)
    lines = _lines(paragraphs, spec, subranges or {})
    parts = _Parts()
    current: str | None = None
    current_level = 0
    under_label = False
    for line in lines:
        if line.title:
            continue
        if line.key:
            current, current_level = line.key, line.level
            under_label = line.label
            if line.label:
                continue
        elif line.label and not (current and line.level > current_level):
            current, current_level, under_label = None, line.level, False
        hint = (spec.italic_hints and under_label and _all_italic(line.paragraph))
        under_label = False
        if not hint:
            _collect(parts, current, line, spec)
    text = {key: "\n".join(texts) for key, texts in parts.answers.items()}
    return MeetingNotes(
        answers={key: text[key] for key in QUESTIONS},
        commitments=tuple(parts.commitments), open_items=tuple(parts.open_items),
        other="\n".join(parts.other), topic=text[TOPIC], feedback=text[FEEDBACK],
        pulse=parts.pulse)


def _template(model: DocumentModel | None) -> _Template:
    labels = {_norm(text): key for text, key in _DEFAULT_LABELS.items()}
    prompts = list(_NOTHING_OPEN)
    if model is None:
        return _Template(DEFAULT_ORDER, labels, frozenset(map(_norm, prompts)),
                         tuple(prompts), True)
    order = []
    for block in model.blocks:
        if block.key:
            labels[_norm(block.text)] = block.key
            order.append(block.key)
        elif block.text.strip() and not _CARRIED.search(block.text):
            prompts.append(" ".join(block.text.split()))
    return _Template(tuple(order), labels, frozenset(map(_norm, prompts)), tuple(prompts), False)


def _lines(paragraphs, spec: _Template, subranges: dict[str, int]) -> list[_Line]:
    """Paragraphs with each agenda heading's key, found as the module docstring describes."""
    lines = []
    for p in paragraphs:  # an emptied heading is no label: what follows stays where it was
        label = bool(p.text.strip()) and (p.heading_level is not None
                                          or _norm(p.text) in spec.labels)
        lines.append(_Line(p, label, p.heading_level if label else None))
    claimed: set[str] = set()
    for key, start in subranges.items():
        line = next((x for x in lines if x.paragraph.start <= start < x.paragraph.end), None)
        if line is not None and line.key is None:
            line.key = key
            claimed.add(key)
    first = lines[0] if lines else None
    if first and not first.key and first.level is not None and _norm(first.paragraph.text) \
            not in spec.labels:
        first.title = True
    for line in lines:
        if line.label and not line.key and not line.title:
            line.key = spec.labels.get(_norm(line.paragraph.text))
            claimed.update([line.key] if line.key else [])
    key_level = next((x.level for x in lines if x.key and x.level is not None), 2)
    peers = []
    for line in lines:
        if line.level is None and (line.label or line.key):
            line.level = key_level
        if line.label and not line.title and line.level <= key_level:
            peers.append(line)
    for line in peers:
        if not line.key:
            key = _keyword_key(line.paragraph.text)
            if key and key not in claimed:
                line.key = key
                claimed.add(key)
    if claimed:
        _by_position(peers, spec.order, claimed)
    return lines


def _keyword_key(text: str) -> str | None:
    match = _KEYWORD.search(fold(text))
    return match.lastgroup if match else None


def _by_position(peers: list[_Line], order: tuple[str, ...], claimed: set[str]) -> None:
    """Give unknown headings the keys missing in their gap, when the counts agree."""
    position = 0
    while position < len(peers):
        if peers[position].key:
            position += 1
            continue
        gap_end = position
        while gap_end < len(peers) and not peers[gap_end].key:
            gap_end += 1
        before = peers[position - 1].key if position else None
        after = peers[gap_end].key if gap_end < len(peers) else None
        low = order.index(before) if before in order else -1
        high = order.index(after) if after in order else len(order)
        missing = [key for key in order[low + 1:high] if key not in claimed]
        if len(missing) == gap_end - position:
            for line, key in zip(peers[position:gap_end], missing):
                line.key = key
                claimed.add(key)
        position = gap_end


def _collect(parts: _Parts, key: str | None, line: _Line, spec: _Template) -> None:
    text = _typed(line.paragraph.text, spec)
    if not text:
        return
    if key == PULSE:
        number = _PULSE.search(text)
        if number and parts.pulse is None:
            parts.pulse = int(number.group(1))
        return  # only the number: nothing else typed there is read
    if key in _TEXT_KEYS:
        parts.answers[key].append(text)
    elif key == COMMITMENTS and not line.label:
        item = _MARK.sub("", " ".join(text.split()))
        if item:
            parts.commitments.append(Commitment(item, is_done(line.paragraph)))
    elif key == OPEN_ITEMS and _CARRIED.search(text):
        item = _MARK.sub("", _CARRIED.sub("", " ".join(text.split()))).strip()
        parts.open_items.append(Commitment(item, is_done(line.paragraph)))
    else:
        parts.other.append(text)


def _typed(text: str, spec: _Template) -> str:
    """What a person typed in a paragraph: without template lines, soft breaks as newlines."""
    text = text.replace(_SOFT_BREAK, "\n")
    if _norm(text) in spec.prompts:
        return ""
    flat = " ".join(text.split())
    for prompt in spec.raw_prompts:
        if flat.startswith(prompt):
            return flat[len(prompt):].strip()
        if flat.endswith(prompt):
            return flat[:-len(prompt)].strip()
    return "\n".join(part.strip() for part in text.split("\n") if part.strip())


def _norm(text: str) -> str:
    return " ".join(text.replace(_SOFT_BREAK, " ").split()).casefold()


def _all_italic(paragraph: Paragraph) -> bool:
    visible = [span for span in paragraph.spans if span.text.strip()]
    return bool(visible) and all(span.italic for span in visible)
