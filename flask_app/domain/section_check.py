"""A check of one meeting's section as the side panel shows it: which of the four questions are
unanswered, whether success is concrete, and whether each commitment has an owner and a date.

An owner is someone named in the commitment: either person's given name, a pronoun ("I", "we",
"you", and the like in German, French, Spanish and Japanese), an @-mention, or "Name:" at the
start. A date is anything :func:`~flask_app.domain.concrete.names_a_date` recognises. These are
nudges, like the concreteness check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .agenda import QUESTIONS
from .concrete import Concreteness, check_success, fold, names_a_date
from .notes import MeetingNotes

_PRONOUNS = re.compile(
    r"(?<!\w)(?:i|i'll|i'm|i've|me|my|we|we'll|us|our|you|you'll|your|ich|wir|du|sie|je|j'|"
    r"nous|tu|vous|moi|yo|nosotros|usted|ella)(?!\w)|私|僕|我|あなた")
_MENTION = re.compile(r"(?:^|\s)@\w|^\s*[A-Z][\w.-]*\s*:")


@dataclass(frozen=True)
class CommitmentCheck:
    text: str
    done: bool
    has_owner: bool
    has_date: bool


@dataclass(frozen=True)
class SectionCheck:
    unanswered: tuple[str, ...]  # the questions' keys, in the agenda's order
    success: Concreteness
    commitments: tuple[CommitmentCheck, ...]

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(QUESTIONS[key] for key in self.unanswered)


def check_section(notes: MeetingNotes, names: tuple[str, ...] = ()) -> SectionCheck:
    """The check of a section's notes; ``names``: the two people's given names."""
    unanswered = tuple(key for key in QUESTIONS if not notes.answers.get(key, "").strip())
    return SectionCheck(unanswered, check_success(notes.answers.get("success", "")),
                        tuple(CommitmentCheck(c.text, c.done, has_owner(c.text, names),
                                              names_a_date(c.text))
                              for c in notes.commitments))


def has_owner(text: str, names: tuple[str, ...] = ()) -> bool:
    """Whether a commitment says who does it."""
    folded = fold(text)
    if _PRONOUNS.search(folded) or _MENTION.search(text):
        return True
    return any(re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", folded)
               for name in names if name.strip())
