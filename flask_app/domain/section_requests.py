"""A document model as one Google Docs batchUpdate that inserts it as a new section.

Indices are UTF-16 code units. The requests, in the order Google applies them:

1. one insertText of the whole section at `index`;
2. updateTextStyle with fields "*" over the inserted text, so it does not inherit bold,
   links or colours from the text it was inserted next to;
3. updateParagraphStyle: HEADING_n per heading, NORMAL_TEXT for each run of other paragraphs
   (new paragraphs copy the style of the paragraph they were inserted into, which is often the
   previous meeting's heading);
4. updateTextStyle for bold, italic, strikethrough and links;
5. createParagraphBullets per run of same-kind list paragraphs, the last run first. A nested
   item is inserted with one leading tab per level; Google turns the tabs into the nesting
   level and deletes them, which shifts everything after them. Going from the end backwards
   keeps every earlier range valid;
6. createNamedRange for the whole section and each keyed section, in final indices.

Precondition: `index` is the start of a paragraph that is not in a list, because inserted
paragraphs copy that paragraph's bullet as well, and this batch does not remove bullets.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document import Block, DocumentModel, section_end, utf16_len

MAX_RANGE_NAME = 256  # UTF-16 code units, per CreateNamedRangeRequest
_BULLET_PRESETS = {"bullet": "BULLET_DISC_CIRCLE_SQUARE", "checkbox": "BULLET_CHECKBOX"}


@dataclass(frozen=True)
class SectionWrite:
    """The requests that insert a section, and what they leave in the document.

    `length` is how much the document grows (UTF-16 units, after the tabs that nest list
    items are removed): the section covers [index, index + length). `ranges` maps each
    keyed section (e.g. "obstacle") to its (start, end) after the batch.
    """

    requests: list[dict]
    length: int
    ranges: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class _Placed:
    """A block's position in the inserted text, before any tab is removed."""

    block: Block
    start: int  # first unit of the paragraph (its leading tabs, if any)
    text_start: int  # first unit after the tabs
    end: int  # just past the closing newline
    removed_before: int  # tabs removed ahead of this paragraph once bullets exist

    @property
    def tabs(self) -> int:
        return self.text_start - self.start

    @property
    def final_start(self) -> int:
        return self.start - self.removed_before

    @property
    def final_end(self) -> int:
        return self.end - self.removed_before - self.tabs


def section_requests(
    model: DocumentModel, index: int, *, range_prefix: str | None = None
) -> SectionWrite:
    """Requests that insert `model` at `index` (the start of an existing, non-list paragraph).

    With `range_prefix`, name the whole section `range_prefix` and each keyed section
    `f"{range_prefix}.{key}"`, so readers find answers even after headings are renamed.
    """
    if index < 1:
        raise ValueError(f"a body index starts at 1, not {index}")
    if not model.blocks:
        raise ValueError("nothing to insert: the document model is empty")
    placed = _place(model.blocks, index)
    inserted_end = placed[-1].end
    length = placed[-1].final_end - index
    ranges = {
        block.key: (
            placed[position].final_start,
            placed[section_end(model.blocks, position) - 1].final_end,
        )
        for position, block in enumerate(model.blocks)
        if block.key
    }
    requests: list[dict] = [
        {"insertText": {"text": _text(model.blocks), "location": {"index": index}}},
        {
            "updateTextStyle": {
                "range": _range(index, inserted_end),
                "textStyle": {},
                "fields": "*",
            }
        },
    ]
    requests += _paragraph_styles(placed)
    requests += _text_styles(placed)
    requests += _bullets(placed)
    if range_prefix is not None:
        requests += _named_ranges(range_prefix, (index, index + length), ranges)
    return SectionWrite(requests, length, ranges)


def _text(blocks: tuple[Block, ...]) -> str:
    return "".join(
        "\t" * (block.level if block.is_list else 0) + block.text + "\n" for block in blocks
    )


def _place(blocks: tuple[Block, ...], index: int) -> list[_Placed]:
    placed = []
    removed = 0
    for block in blocks:
        tabs = block.level if block.is_list else 0
        text_start = index + tabs
        end = text_start + block.text_length_utf16()
        placed.append(_Placed(block, index, text_start, end, removed))
        removed += tabs
        index = end
    return placed


def _range(start: int, end: int) -> dict:
    return {"startIndex": start, "endIndex": end}


def _groups(placed: list[_Placed], same) -> list[list[_Placed]]:
    """Consecutive placed blocks grouped while `same(previous, next)` holds."""
    groups: list[list[_Placed]] = []
    for item in placed:
        if groups and same(groups[-1][-1], item):
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _both_body(a: _Placed, b: _Placed) -> bool:
    return a.block.kind != "heading" and b.block.kind != "heading"


def _paragraph_styles(placed: list[_Placed]) -> list[dict]:
    requests = []
    for group in _groups(placed, _both_body):
        first = group[0].block
        style = f"HEADING_{first.level}" if first.kind == "heading" else "NORMAL_TEXT"
        requests.append(
            {
                "updateParagraphStyle": {
                    "range": _range(group[0].start, group[-1].end),
                    "paragraphStyle": {"namedStyleType": style},
                    "fields": "namedStyleType",
                }
            }
        )
    return requests


def _text_styles(placed: list[_Placed]) -> list[dict]:
    requests = []
    for item in placed:
        start = item.text_start
        for run in item.block.runs:
            end = start + run.text_length_utf16()
            if run.styled:
                style: dict = {}
                if run.bold:
                    style["bold"] = True
                if run.italic:
                    style["italic"] = True
                if run.strike:
                    style["strikethrough"] = True
                if run.link is not None:
                    style["link"] = {"url": run.link}
                requests.append(
                    {
                        "updateTextStyle": {
                            "range": _range(start, end),
                            "textStyle": style,
                            "fields": ",".join(style),
                        }
                    }
                )
            start = end
    return requests


def _bullets(placed: list[_Placed]) -> list[dict]:
    lists = [
        group
        for group in _groups(placed, lambda a, b: a.block.kind == b.block.kind)
        if group[0].block.is_list
    ]
    return [
        {
            "createParagraphBullets": {
                "range": _range(group[0].start, group[-1].end),
                "bulletPreset": _BULLET_PRESETS[group[0].block.kind],
            }
        }
        for group in reversed(lists)
    ]


def _named_ranges(
    prefix: str, section: tuple[int, int], ranges: dict[str, tuple[int, int]]
) -> list[dict]:
    named = {prefix: section, **{f"{prefix}.{key}": span for key, span in ranges.items()}}
    requests = []
    for name, (start, end) in named.items():
        if not 1 <= utf16_len(name) <= MAX_RANGE_NAME:
            raise ValueError(f"named range name must be 1..{MAX_RANGE_NAME} UTF-16 units: {name!r}")
        requests.append({"createNamedRange": {"name": name, "range": _range(start, end)}})
    return requests
