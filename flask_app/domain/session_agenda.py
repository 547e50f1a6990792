"""A cohort's peer-coaching session agenda: a Markdown template (``agendas/sessions/peer-coaching.md``)
with placeholders for the quarter, the date, the members, the peer-coach pairs and the
cohort's focus.

The focus is the cohort's own aggregate: the coaching competencies its members' mirrors
flagged most last quarter, as counts, over at least five managers (fewer: not shown). Never a
name, never a quote.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from .agenda_parser import PLACEHOLDER, SESSION, Parser
from .agenda import TemplateError
from .document import Block, DocumentModel, Run
from .figures import MIN_PEOPLE
from .mirror import mirror
from .records import MeetingRecord


def parse_session_template(source: str, label: str) -> tuple[Block, ...]:
    """:raises TemplateError: naming the file and line of every problem."""
    parser = Parser(source, label, SESSION)
    blocks = parser.parse()
    if parser.problems:
        raise TemplateError(parser.problems)
    return tuple(b for b in blocks if isinstance(b, Block))


def render_session(blocks: tuple[Block, ...], values: dict[str, str]) -> DocumentModel:
    """The template with its placeholders filled in."""
    def fill(run: Run) -> Run:
        return replace(run, text=PLACEHOLDER.sub(lambda m: values[m.group(1)], run.text))
    return DocumentModel(tuple(replace(b, runs=tuple(fill(r) for r in b.runs))
                               for b in blocks))


def flagged(meetings: list[MeetingRecord], start: datetime,
            end: datetime) -> set[str] | None:
    """The competencies a manager's coaching mirrors flagged (something to try, not to keep)
    on their meetings gathered in [start, end); None if none was gathered then."""
    held = [m for m in meetings if m.gathered_at and m.status == "scheduled"
            and start <= m.start < end]
    if not held:
        return None
    found: set[str] = set()
    for meeting in held:
        shown = mirror([m for m in meetings if m.start <= meeting.start], meeting.start)
        found |= {o.competency for o in (shown.observations if shown else ()) if not o.good}
    return found


def focus(flags: dict[str, int], managers: int) -> str:
    """The competencies flagged most (``flags``: competency -> how many managers' mirrors
    flagged it), or why there is none to show."""
    if managers < MIN_PEOPLE:
        return (f"Not shown: fewer than {MIN_PEOPLE} of you had coaching mirrors last "
                "quarter.")
    flagged = sorted(((n, c) for c, n in flags.items() if n), key=lambda x: (-x[0], x[1]))
    if not flagged:
        return "Nothing stood out in last quarter's coaching mirrors."
    return "; ".join(f"{competency} ({n} of {managers})" for n, competency in flagged[:3])
