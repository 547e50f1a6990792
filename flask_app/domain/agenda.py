"""Agenda templates: Markdown files that HR edits, checked on load and filled per meeting.

The syntax is described for HR in agendas/README.md; adapters/templates.py reads the files. A
template is parsed once (see agenda_parser)
into document blocks whose text still holds `{{ placeholders }}`; `render` fills them in and
puts the meeting's open items where `{{ open_items }}` stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .agenda_parser import (
    COMMITMENTS,
    OPEN_ITEMS,
    PLACEHOLDER,
    PLACEHOLDERS,
    QUESTIONS,
    SECTION_KEYS,
    OpenItemsSlot,
    Parser,
)
from .document import Block, DocumentModel, Run, clean_text
from ..errors import InputError

# The template vocabulary is defined with the parser and offered here with the rest of the API.
__all__ = [
    "COMMITMENTS", "NOTHING_OPEN", "OPEN_ITEMS", "PLACEHOLDERS", "QUESTIONS", "SECTION_KEYS",
    "AgendaContext", "AgendaTemplate", "OpenItem", "OpenItemsSlot", "TemplateError",
    "human_date", "parse_template", "section_title",
]

NOTHING_OPEN = "Nothing open from last time."

_TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class TemplateError(InputError):
    """One or more templates are invalid; `problems` holds one "file:line: what" per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


def human_date(day: date) -> str:
    """A date as people read it in the doc, independent of the server's locale: "Tue 1 Dec 2026"."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def section_title(meeting_date: date) -> str:
    """The heading of one meeting's section: "1:1 · Tue 1 Dec 2026"."""
    return f"1:1 · {human_date(meeting_date)}"


@dataclass(frozen=True)
class OpenItem:
    """A need or commitment not yet ticked off, carried over from the meeting on `from_date`."""

    text: str
    from_date: date

    def __post_init__(self) -> None:
        if not clean_text(self.text).strip():
            raise ValueError("an open item needs text")


@dataclass(frozen=True)
class AgendaContext:
    """What one meeting's agenda is filled with."""

    manager_name: str
    report_name: str
    meeting_date: date
    open_items: tuple[OpenItem, ...] = ()

    def __post_init__(self) -> None:
        for field in ("manager_name", "report_name"):
            if not clean_text(getattr(self, field)).strip():
                raise ValueError(f"{field} must not be blank")

    def values(self) -> dict[str, str]:
        """Placeholder values, each made safe to stand in one line of a document."""
        return {
            "manager_name": clean_text(self.manager_name).strip(),
            "report_name": clean_text(self.report_name).strip(),
            "meeting_date": human_date(self.meeting_date),
        }


@dataclass(frozen=True)
class AgendaTemplate:
    """A validated template. `blocks` hold unfilled placeholders and one OpenItemsSlot."""

    name: str
    blocks: tuple[Block | OpenItemsSlot, ...]

    def render(self, context: AgendaContext) -> DocumentModel:
        """The meeting's section: a level-1 dated title followed by the filled template."""
        values = context.values()
        blocks = [Block("heading", (Run(section_title(context.meeting_date)),), 1)]
        for block in self.blocks:
            if isinstance(block, OpenItemsSlot):
                blocks.extend(_open_item_blocks(context.open_items))
            else:
                runs = tuple(_fill(run, values) for run in block.runs)
                blocks.append(Block(block.kind, runs, block.level, block.key))
        return DocumentModel(tuple(blocks))


def parse_template(name: str, source: str, label: str) -> AgendaTemplate:
    """Validate a template's Markdown ``source``; ``label`` names it in errors (its file).

    :raises TemplateError: naming the file and line of every problem found.
    """
    if not _TEMPLATE_NAME.fullmatch(name):
        raise TemplateError(
            [f"{label}: template files are named with lowercase letters, digits and "
             f"hyphens and end in .md (like team-lead.md)"]
        )
    parser = Parser(source, label)
    blocks = parser.parse()
    if parser.problems:
        raise TemplateError(parser.problems)
    return AgendaTemplate(name, blocks)


def _fill(run: Run, values: dict[str, str]) -> Run:
    text = PLACEHOLDER.sub(lambda match: values[match.group(1)], run.text)
    return Run(text, run.bold, run.italic, run.link)


def _open_item_blocks(items: tuple[OpenItem, ...]) -> list[Block]:
    if not items:
        return [Block("paragraph", (Run(NOTHING_OPEN, italic=True),))]
    return [
        Block(
            "checkbox",
            (
                Run(clean_text(item.text).strip()),
                Run(f" (from {human_date(item.from_date)})", italic=True),
            ),
        )
        for item in items
    ]
