"""Agenda templates: Markdown files that HR edits, checked on load and filled per meeting.

The syntax is described for HR in agendas/README.md; adapters/templates.py reads the files. A
template is parsed once (see agenda_parser)
into document blocks whose text still holds `{{ placeholders }}`; `render` fills them in and
puts the meeting's open items where `{{ open_items }}` stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .agenda_parser import (
    ANSWER_KEYS,
    COMMITMENTS,
    FEEDBACK,
    OPEN_ITEMS,
    OPTIONAL_KEYS,
    PLACEHOLDER,
    PLACEHOLDERS,
    PULSE,
    QUESTIONS,
    SECTION_KEYS,
    TOPIC,
    OpenItemsSlot,
    Parser,
)
from .document import Block, DocumentModel, Run, clean_text
from .locales import DEFAULT_LANGUAGE, human_date, human_day, human_time, phrase, zone_city
from ..errors import InputError

# The template vocabulary is defined with the parser and offered here with the rest of the API.
__all__ = [
    "ANSWER_KEYS", "COMMITMENTS", "FEEDBACK", "NOTHING_OPEN", "OPEN_ITEMS", "OPTIONAL_KEYS",
    "PLACEHOLDERS", "PULSE", "QUESTIONS", "SECTION_KEYS", "TOPIC",
    "AgendaContext", "AgendaTemplate", "OpenItem", "OpenItemsSlot", "TemplateError",
    "choose_template", "human_date", "local_date", "nothing_open", "parse_template",
    "section_title",
]

NOTHING_OPEN = phrase(DEFAULT_LANGUAGE, "nothing_open")

# A template file is <name>.md or <name>.<language>.md (one-on-one.de.md), the language a
# BCP 47 code as the directory gives it.
_TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)?")


NAMING = ("template files are named with lowercase letters, digits and hyphens, then a "
          "language code unless in English, and end in .md (like team-lead.md, team-lead.de.md)")


class TemplateError(InputError):
    """One or more templates are invalid; `problems` holds one "file:line: what" per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


def nothing_open(language: str = DEFAULT_LANGUAGE) -> str:
    return phrase(language, "nothing_open")


def _local(moment: datetime, zone: str) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(zone)) if zone else moment
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def local_date(moment: datetime, zone: str) -> date:
    """The day ``moment`` falls on in ``zone`` (an IANA name; as given, when unknown)."""
    return _local(moment, zone).date()


def choose_template(templates: dict[str, AgendaTemplate], name: str,
                    language: str) -> AgendaTemplate:
    """The template ``name`` in ``language`` if there is one, else in the default language."""
    return templates.get(f"{name}.{language}") or templates[name]


def section_title(meeting_date: date, *, start: datetime | None = None, manager_zone: str = "",
                  report_zone: str = "", language: str = DEFAULT_LANGUAGE) -> str:
    """The heading of one meeting's section: "1:1 · Tue 1 Dec 2026 · 10:00 Lisbon", with the
    report's time beside it when they are in another zone ("· 11:00 Stockholm")."""
    title = f"{phrase(language, 'title')} · {human_date(meeting_date, language)}"
    if start is None:
        return title
    here = _local(start, manager_zone)
    title += f" · {human_time(here, language)}"
    if manager_zone:
        title += f" {zone_city(manager_zone, language)}"
    if report_zone and report_zone != manager_zone:
        there = _local(start, report_zone)
        day = "" if there.date() == here.date() else f"{human_date(there.date(), language)} "
        title += f" · {day}{human_time(there, language)} {zone_city(report_zone, language)}"
    return title


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
    """What one meeting's agenda is filled with. ``start`` (aware) and the zones, when known,
    put the time in the title in the participants' own zones."""

    manager_name: str
    report_name: str
    meeting_date: date
    open_items: tuple[OpenItem, ...] = ()
    start: datetime | None = None
    manager_zone: str = ""
    report_zone: str = ""
    language: str = DEFAULT_LANGUAGE
    manager_given_name: str = ""
    report_given_name: str = ""

    def __post_init__(self) -> None:
        for field in ("manager_name", "report_name"):
            if not clean_text(getattr(self, field)).strip():
                raise ValueError(f"{field} must not be blank")

    def values(self) -> dict[str, str]:
        """Placeholder values, each made safe to stand in one line of a document."""
        return {
            "manager_name": clean_text(self.manager_name).strip(),
            "report_name": clean_text(self.report_name).strip(),
            "manager_given_name": clean_text(self.manager_given_name or self.manager_name).strip(),
            "report_given_name": clean_text(self.report_given_name or self.report_name).strip(),
            "meeting_date": human_date(self.meeting_date, self.language),
            "meeting_day": human_day(self.meeting_date, self.language),
        }

    def title(self) -> str:
        return section_title(self.meeting_date, start=self.start, manager_zone=self.manager_zone,
                             report_zone=self.report_zone, language=self.language)


@dataclass(frozen=True)
class AgendaTemplate:
    """A validated template. `blocks` hold unfilled placeholders and one OpenItemsSlot."""

    name: str
    blocks: tuple[Block | OpenItemsSlot, ...]
    language: str = DEFAULT_LANGUAGE

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(b.key for b in self.blocks if isinstance(b, Block) and b.key)

    def render(self, context: AgendaContext) -> DocumentModel:
        """The meeting's section: a level-1 dated title followed by the filled template."""
        values = context.values()
        blocks = [Block("heading", (Run(context.title()),), 1)]
        for block in self.blocks:
            if isinstance(block, OpenItemsSlot):
                blocks.extend(_open_item_blocks(context.open_items, context.language))
            else:
                runs = tuple(_fill(run, values) for run in block.runs)
                blocks.append(Block(block.kind, runs, block.level, block.key))
        return DocumentModel(tuple(blocks))


def parse_template(name: str, source: str, label: str) -> AgendaTemplate:
    """Validate a template's Markdown ``source``; ``label`` names it in errors (its file).

    :raises TemplateError: naming the file and line of every problem found.
    """
    if not _TEMPLATE_NAME.fullmatch(name):
        raise TemplateError([f"{label}: {NAMING}"])
    parser = Parser(source, label)
    blocks = parser.parse()
    if parser.problems:
        raise TemplateError(parser.problems)
    base, _, language = name.partition(".")
    return AgendaTemplate(base, blocks, language.lower() or DEFAULT_LANGUAGE)


def _fill(run: Run, values: dict[str, str]) -> Run:
    text = PLACEHOLDER.sub(lambda match: values[match.group(1)], run.text)
    return Run(text, run.bold, run.italic, run.link, run.strike)


def _open_item_blocks(items: tuple[OpenItem, ...], language: str) -> list[Block]:
    if not items:
        return [Block("paragraph", (Run(nothing_open(language), italic=True),))]
    return [
        Block(
            "checkbox",
            (
                Run(clean_text(item.text).strip()),
                Run(f" ({phrase(language, 'from')} {human_date(item.from_date, language)})",
                    italic=True),
            ),
        )
        for item in items
    ]
