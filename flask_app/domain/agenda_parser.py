"""The agenda template syntax and its parser: Markdown in, document blocks out.

What a template may hold is defined here (section keys, placeholders, the open-items slot).
The parser collects every problem with its line; agenda.py loads files with it and fills the
parsed blocks per meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .document import MAX_LIST_LEVEL, Block, Run, clean_text

QUESTIONS = {
    "obstacle": "What's the obstacle you keep running into on this?",
    "tried": "What have you already tried?",
    "success": "What would success look like in concrete terms?",
    "needs": "What do you need from me to move this forward?",
}
COMMITMENTS = "commitments"
OPEN_ITEMS = "open_items"
TOPIC = "topic"          # what this meeting is about: "the obstacle ... on this" refers to it
FEEDBACK = "feedback"    # feedback tied to a moment: what happened, what it led to, what next
PULSE = "pulse"          # the report's 1-5 on how useful the conversation was
SECTION_KEYS = (*QUESTIONS, COMMITMENTS, OPEN_ITEMS)  # every template has these
OPTIONAL_KEYS = (TOPIC, FEEDBACK, PULSE)
ANSWER_KEYS = (TOPIC, *QUESTIONS, FEEDBACK, PULSE)  # each gets an empty line to answer on
PLACEHOLDERS = ("manager_name", "report_name", "manager_given_name", "report_given_name",
                "meeting_date", "meeting_day")

SESSION_PLACEHOLDERS = ("quarter", "session_date", "members", "pairs", "focus")


@dataclass(frozen=True)
class Vocabulary:
    """What a kind of template may hold: its section keys (and which are required), its
    placeholders, and the placeholder that stands alone on a line for a list (the slot)."""

    keys: tuple[str, ...]
    required: tuple[str, ...]
    placeholders: tuple[str, ...]
    slot: str | None


ONE_ON_ONE = Vocabulary((*SECTION_KEYS, *OPTIONAL_KEYS), SECTION_KEYS, PLACEHOLDERS, OPEN_ITEMS)
SESSION = Vocabulary((), (), SESSION_PLACEHOLDERS, None)  # a cohort's peer-coaching session

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_SECTION_TAG = re.compile(r"\s*\{#([^{}]*)\}\s*$")
_STRAY_TAG = re.compile(r"\{#[^{}]*\}")
_CHECKBOX = re.compile(r"\[([ xX])\](?=\s|$)")
_MARKDOWN = MarkdownIt("commonmark")
_SUPPORTED = "use headings, paragraphs, '- ' bullets, '- [ ]' checkboxes, **bold**, *italic* and links"
_UNSUPPORTED_BLOCKS = {
    "ordered_list_open": "numbered lists",
    "blockquote_open": "block quotes",
    "fence": "code blocks",
    "code_block": "code blocks (indented text)",
    "hr": "horizontal rules",
    "html_block": "HTML",
    "table_open": "tables",
}
_UNSUPPORTED_INLINE = {"code_inline": "inline code", "image": "images", "html_inline": "inline HTML"}


@dataclass(frozen=True)
class OpenItemsSlot:
    """Where a template's `{{ open_items }}` line stands."""


class Parser:
    """Turns one template's Markdown into blocks, collecting every problem with its line."""

    def __init__(self, source: str, label: str, vocabulary: Vocabulary = ONE_ON_ONE):
        self.vocabulary = vocabulary
        self.source = source
        self.lines = source.splitlines()
        self.label = label
        self.problems: list[str] = []
        self.blocks: list[Block | OpenItemsSlot] = []
        self.open_sections: list[tuple[int, str | None]] = []  # (heading level, key)
        self.key_lines: dict[str, int] = {}
        self.slot_line: int | None = None
        self.keys_with_checkboxes: set[str] = set()

    def problem(self, line: int | None, message: str) -> None:
        where = f"{self.label}:{line}" if line else self.label
        self.problems.append(f"{where}: {message}")

    def parse(self) -> tuple[Block | OpenItemsSlot, ...]:
        tokens = _MARKDOWN.parse(self.source)
        depth = 0  # bullet-list nesting
        item_line: int | None = None  # a list item whose paragraph is still to come
        position = 0
        while position < len(tokens):
            token = tokens[position]
            kind = token.type
            line = token.map[0] + 1 if token.map else None
            if item_line is not None and kind in ("bullet_list_open", "list_item_close"):
                self.list_item(None, depth, item_line)
                item_line = None
            if kind == "heading_open":
                self.heading(int(token.tag[1:]), tokens[position + 1], line)
            elif kind == "paragraph_open":
                if depth == 0:
                    self.paragraph(tokens[position + 1], line)
                elif item_line is not None:
                    self.list_item(tokens[position + 1], depth, item_line)
                    item_line = None
                else:
                    self.problem(line, "a list item holds one paragraph; start each item with '- '")
            elif kind == "bullet_list_open":
                depth += 1
            elif kind == "bullet_list_close":
                depth -= 1
            elif kind == "list_item_open":
                item_line = line
            elif kind == "html_block" and token.content.lstrip().startswith("<!--"):
                pass  # comments are notes for template editors
            elif kind in _UNSUPPORTED_BLOCKS:
                self.problem(line, f"not supported: {_UNSUPPORTED_BLOCKS[kind]}; {_SUPPORTED}")
                position = _closing(tokens, position)
            position += 1
        self.close_sections(1)
        self.check_required()
        return tuple(self.blocks)

    def heading(self, level: int, inline: Token, line: int | None) -> None:
        runs = self.runs(inline)
        key = None
        tag = _SECTION_TAG.search(runs[-1].text) if runs else None
        if tag:
            key = tag.group(1)
            runs = _trimmed((*runs[:-1], replace(runs[-1], text=runs[-1].text[: tag.start()])))
            if key not in self.vocabulary.keys:
                known = ", ".join(self.vocabulary.keys) or "none in this kind of template"
                self.problem(line, f"unknown section key '{key}' (known: {known})")
                key = None
            elif key in self.key_lines:
                first = self.key_lines[key]
                self.problem(line, f"section {{#{key}}} appears twice (first on line {first})")
                key = None
            else:
                self.key_lines[key] = line or 0
        self.check_stray_tag(runs, line)
        if not runs:
            self.problem(line, "a heading needs text")
        if level == 1:
            self.problem(
                line,
                "level-1 headings (# ...) are reserved for the dated meeting title; use ## or deeper",
            )
        self.close_sections(level)
        self.open_sections.append((level, key))
        self.blocks.append(Block("heading", runs, level, key))

    def paragraph(self, inline: Token, line: int | None) -> None:
        slot = PLACEHOLDER.fullmatch(inline.content.strip())
        if not (slot and self.vocabulary.slot and slot.group(1) == self.vocabulary.slot):
            runs = self.runs(inline)
            self.check_stray_tag(runs, line)
            self.blocks.append(Block("paragraph", runs))
            return
        if self.slot_line is not None:
            self.problem(line, f"{{{{ open_items }}}} appears twice (first on line {self.slot_line})")
        elif self.enclosing_key() != OPEN_ITEMS:
            self.problem(line, "{{ open_items }} belongs in the {#open_items} section")
        self.slot_line = line
        self.blocks.append(OpenItemsSlot())

    def list_item(self, inline: Token | None, depth: int, line: int) -> None:
        level = depth - 1
        if level > MAX_LIST_LEVEL:
            self.problem(line, f"lists nest at most {MAX_LIST_LEVEL + 1} levels deep")
            return
        runs = self.runs(inline) if inline is not None else ()
        self.check_stray_tag(runs, line)
        box = _CHECKBOX.match(inline.content) if inline is not None else None
        if box is None:
            self.blocks.append(Block("bullet", runs, level))
            return
        if box.group(1) != " ":
            self.problem(line, "checkboxes in a template start unticked: write '- [ ]'")
        runs = _trimmed((replace(runs[0], text=runs[0].text[box.end() :]), *runs[1:]))
        self.keys_with_checkboxes.update(key for _, key in self.open_sections if key)
        self.blocks.append(Block("checkbox", runs, level))

    def runs(self, inline: Token) -> tuple[Run, ...]:
        """The styled text of an inline token; placeholders stay in the text."""
        line = inline.map[0] + 1 if inline.map else None
        placeholders_ok = self.scan_placeholders(inline)
        runs: list[Run] = []
        bold = italic = 0
        link: str | None = None
        for child in inline.children or ():
            kind = child.type
            if kind in ("text", "softbreak", "hardbreak"):
                text = clean_text(child.content if kind == "text" else " ")
                run = Run(text, bold > 0, italic > 0, link)
                if runs and runs[-1].same_style(run):
                    run = replace(run, text=runs.pop().text + text)
                runs.append(run)
            elif kind in ("strong_open", "strong_close"):
                bold += child.nesting
            elif kind in ("em_open", "em_close"):
                italic += child.nesting
            elif kind == "link_open":
                link = str(child.attrs["href"])
                if "%7B%7B" in link or "{{" in link:
                    self.problem(line, "placeholders do not work inside link addresses")
            elif kind == "link_close":
                link = None
            elif kind in _UNSUPPORTED_INLINE:
                self.problem(line, f"not supported: {_UNSUPPORTED_INLINE[kind]}; {_SUPPORTED}")
            else:
                self.problem(line, f"not supported: Markdown {kind}; {_SUPPORTED}")
        runs_tuple = _trimmed(runs)
        for run in runs_tuple:
            names = PLACEHOLDER.findall(run.text)
            if OPEN_ITEMS in names:
                self.problem(line, "{{ open_items }} must stand alone on its own line")
            # Placeholders written with entities (&#123;) or split by formatting get past
            # the source scan; render must only ever meet well-formed, known names.
            leftover = PLACEHOLDER.sub("", run.text)
            unknown = set(names) - set(self.vocabulary.placeholders) - {OPEN_ITEMS}
            if placeholders_ok and (unknown or "{{" in leftover or "}}" in leftover):
                self.problem(line, "malformed placeholder: write {{ name }} as plain text")
        return runs_tuple

    def scan_placeholders(self, inline: Token) -> bool:
        """Check every placeholder on the token's source lines; True if all are well formed."""
        known = (*self.vocabulary.placeholders,
                 *((self.vocabulary.slot,) if self.vocabulary.slot else ()))
        start, end = inline.map or (0, 0)
        ok = True
        for number in range(start, end):
            text = self.lines[number]
            for match in PLACEHOLDER.finditer(text):
                if match.group(1) not in known:
                    self.problem(
                        number + 1,
                        f"unknown placeholder '{match.group(1)}' (known: {', '.join(known)})",
                    )
                    ok = False
            leftover = PLACEHOLDER.sub("", text)
            if "{{" in leftover or "}}" in leftover:
                self.problem(number + 1, "unclosed placeholder: write {{ name }} on one line")
                ok = False
        return ok

    def check_stray_tag(self, runs: tuple[Run, ...], line: int | None) -> None:
        if any(_STRAY_TAG.search(run.text) for run in runs):
            self.problem(line, "a section tag like {#needs} goes only at the very end of a heading")

    def enclosing_key(self) -> str | None:
        return next((key for _, key in reversed(self.open_sections) if key), None)

    def close_sections(self, level: int) -> None:
        """End the open sections at `level` or deeper; each question gets an empty answer line."""
        while self.open_sections and self.open_sections[-1][0] >= level:
            _, key = self.open_sections.pop()
            if key in ANSWER_KEYS:
                self.blocks.append(Block("paragraph"))

    def check_required(self) -> None:
        missing = [key for key in self.vocabulary.required if key not in self.key_lines]
        if missing:
            tags = ", ".join(f"{{#{key}}}" for key in missing)
            self.problem(None, f"missing section(s) {tags}; see agendas/README.md")
        if OPEN_ITEMS in self.key_lines and self.slot_line is None:
            self.problem(
                self.key_lines[OPEN_ITEMS],
                "the {#open_items} section needs a line with just {{ open_items }}",
            )
        if COMMITMENTS in self.key_lines and COMMITMENTS not in self.keys_with_checkboxes:
            self.problem(
                self.key_lines[COMMITMENTS],
                "the {#commitments} section needs a checkbox list ('- [ ]')",
            )


def _closing(tokens: list[Token], position: int) -> int:
    """Position of the token that closes the one at `position` (itself if it is a leaf)."""
    opening = tokens[position]
    if opening.nesting != 1:
        return position
    for later in range(position + 1, len(tokens)):
        if tokens[later].nesting == -1 and tokens[later].level == opening.level:
            return later
    return len(tokens) - 1


def _trimmed(runs) -> tuple[Run, ...]:
    """Runs without leading and trailing spaces, and without empty runs."""
    runs = [run for run in runs if run.text]
    while runs and not runs[0].text.strip():
        runs.pop(0)
    while runs and not runs[-1].text.strip():
        runs.pop()
    if runs:
        runs[0] = replace(runs[0], text=runs[0].text.lstrip())
        runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip())
    return tuple(runs)
