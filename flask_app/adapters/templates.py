"""Agenda templates from their folder (``agendas/`` by default): Markdown files HR edits."""
from __future__ import annotations

from pathlib import Path

from ..domain.agenda import NAMING, AgendaTemplate, TemplateError, parse_template
from ..domain.document import Block
from ..domain.session_agenda import parse_session_template

SESSION_TEMPLATE = Path("sessions") / "peer-coaching.md"  # inside the templates folder


def load_template(path: str | Path) -> AgendaTemplate:
    """Read and validate one template file.

    :raises TemplateError: naming the file (and line) of every problem found.
    """
    path = Path(path)
    label = str(path)
    if path.suffix != ".md":
        raise TemplateError([f"{label}: {NAMING}"])
    try:
        source = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise TemplateError([f"{label}: not UTF-8 text ({error.reason})"]) from error
    except OSError as error:
        raise TemplateError([f"{label}: cannot be read ({error.strerror})"]) from error
    return parse_template(path.stem, source, label)


def load_templates(directory: str | Path) -> dict[str, AgendaTemplate]:
    """Load every template (`*.md` except README.md) in a directory, keyed by name.

    :raises TemplateError: listing the problems of every invalid file, or if there is none.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise TemplateError([f"{directory}: no such directory of agenda templates"])
    templates: dict[str, AgendaTemplate] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.md")):
        if path.name == "README.md":
            continue
        try:
            templates[path.stem] = load_template(path)
        except TemplateError as error:
            problems.extend(error.problems)
    if problems:
        raise TemplateError(problems)
    if not templates:
        raise TemplateError([f"{directory}: holds no agenda templates (*.md)"])
    return templates


def load_session_template(directory: str | Path) -> tuple[Block, ...]:
    """The cohorts' peer-coaching session agenda (``sessions/peer-coaching.md``).

    :raises TemplateError: naming the file (and line) of every problem found.
    """
    path = Path(directory) / SESSION_TEMPLATE
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError([f"{path}: cannot be read ({error})"]) from error
    return parse_session_template(source, str(path))
