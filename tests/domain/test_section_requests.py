"""Document model -> Docs batchUpdate requests (and HTML), with hand-checked UTF-16 indices."""

import json
from datetime import date
from pathlib import Path

import googleapiclient
import pytest

from flask_app.adapters.templates import load_template
from flask_app.domain.agenda import AgendaContext, OpenItem
from flask_app.domain.section_requests import section_requests
from flask_app.domain.document import Block, DocumentModel, Run, utf16_len
from flask_app.domain.html import to_html
from workspace_sandbox.docs.document import Document

DISCOVERY = json.loads(
    (
        Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "docs.v1.json"
    ).read_text(encoding="utf-8")
)
ALLOWED_KINDS = {
    "insertText",
    "updateParagraphStyle",
    "updateTextStyle",
    "createParagraphBullets",
    "createNamedRange",
}

MINI_TEMPLATE = """\
## Open {#open_items}

{{ open_items }}

## Obstacle, {{ report_name }}? {#obstacle}

## Tried {#tried}

## Success {#success}

## Needs from *{{ manager_name }}* {#needs}

## Commitments {#commitments}

- [ ] {{ report_name }}
  - [ ] step
"""


# --- a tiny schema check against the discovery document ------------------------------------


def check_schema(value, schema: dict, where: str) -> None:
    if "$ref" in schema:
        check_schema(value, DISCOVERY["schemas"][schema["$ref"]], where)
        return
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), f"{where}: expected an object"
        properties = schema.get("properties", {})
        for name, item in value.items():
            assert name in properties, f"{where}: unknown field {name!r}"
            check_schema(item, properties[name], f"{where}.{name}")
    elif kind == "array":
        assert isinstance(value, list), f"{where}: expected an array"
        for position, item in enumerate(value):
            check_schema(item, schema["items"], f"{where}[{position}]")
    elif kind == "string":
        assert isinstance(value, str), f"{where}: expected a string"
        assert value in schema.get("enum", [value]), f"{where}: {value!r} not in enum"
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: expected an int"
        assert -(2**31) <= value < 2**31, f"{where}: out of int32 range"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: expected a boolean"
    else:
        raise AssertionError(f"{where}: schema type {kind!r} not handled by this check")


def check_requests(requests: list[dict]) -> None:
    for position, request in enumerate(requests):
        assert len(request) == 1, f"request {position} has {len(request)} kinds"
        assert set(request) <= ALLOWED_KINDS, f"request {position}: {set(request)}"
        check_schema(request, {"$ref": "Request"}, f"requests[{position}]")


def test_schema_check_catches_what_google_would_reject():
    with pytest.raises(AssertionError, match="unknown field 'colour'"):
        check_requests([{"updateTextStyle": {"textStyle": {"colour": 1}, "fields": "*"}}])
    with pytest.raises(AssertionError, match="not in enum"):
        check_requests([{"createParagraphBullets": {"bulletPreset": "BULLET_TICK"}}])
    with pytest.raises(AssertionError, match="2 kinds"):
        check_requests([{"insertText": {}, "createNamedRange": {}}])


# --- exact request lists -------------------------------------------------------------------


@pytest.fixture
def mini(tmp_path) -> DocumentModel:
    path = tmp_path / "mini.md"
    path.write_text(MINI_TEMPLATE, encoding="utf-8")
    context = AgendaContext(
        manager_name="José Álvarez",
        report_name="王芳",
        meeting_date=date(2026, 12, 1),
        open_items=(OpenItem("Sam 🚀 Rivera intro", date(2026, 11, 24)),),
    )
    return load_template(path).render(context)


def heading(start: int, end: int, level: int) -> dict:
    return paragraph_style(start, end, f"HEADING_{level}")


def paragraph_style(start: int, end: int, style: str = "NORMAL_TEXT") -> dict:
    return {
        "updateParagraphStyle": {
            "range": {"startIndex": start, "endIndex": end},
            "paragraphStyle": {"namedStyleType": style},
            "fields": "namedStyleType",
        }
    }


def named(name: str, start: int, end: int) -> dict:
    return {"createNamedRange": {"name": name, "range": {"startIndex": start, "endIndex": end}}}


MINI_TEXT = (
    "1:1 · Tue 1 Dec 2026\n"  # 20 units + newline: [1, 22)
    "Open\n"  # [22, 27)
    "Sam 🚀 Rivera intro (from Tue 24 Nov 2026)\n"  # 19 + 23 + 1: [27, 70), italic [46, 69)
    "Obstacle, 王芳?\n"  # [70, 84)
    "\n"  # [84, 85)
    "Tried\n"  # [85, 91)
    "\n"  # [91, 92)
    "Success\n"  # [92, 100)
    "\n"  # [100, 101)
    "Needs from José Álvarez\n"  # 11 + 12 + 1: [101, 125), italic [112, 124)
    "\n"  # [125, 126)
    "Commitments\n"  # [126, 138)
    "王芳\n"  # [138, 141)
    "\tstep\n"  # [141, 147); its tab goes when the checkboxes are made
)


def test_agenda_with_accented_cjk_and_emoji_text_at_the_top_of_a_doc(mini):
    write = section_requests(mini, 1, range_prefix="coach.evt1")
    assert write.requests == [
        {"insertText": {"text": MINI_TEXT, "location": {"index": 1}}},
        {
            "updateTextStyle": {
                "range": {"startIndex": 1, "endIndex": 147},
                "textStyle": {},
                "fields": "*",
            }
        },
        heading(1, 22, 1),
        heading(22, 27, 2),
        paragraph_style(27, 70),
        heading(70, 84, 2),
        paragraph_style(84, 85),
        heading(85, 91, 2),
        paragraph_style(91, 92),
        heading(92, 100, 2),
        paragraph_style(100, 101),
        heading(101, 125, 2),
        paragraph_style(125, 126),
        heading(126, 138, 2),
        paragraph_style(138, 147),
        {
            "updateTextStyle": {
                "range": {"startIndex": 46, "endIndex": 69},
                "textStyle": {"italic": True},
                "fields": "italic",
            }
        },
        {
            "updateTextStyle": {
                "range": {"startIndex": 112, "endIndex": 124},
                "textStyle": {"italic": True},
                "fields": "italic",
            }
        },
        {
            "createParagraphBullets": {
                "range": {"startIndex": 138, "endIndex": 147},
                "bulletPreset": "BULLET_CHECKBOX",
            }
        },
        {
            "createParagraphBullets": {
                "range": {"startIndex": 27, "endIndex": 70},
                "bulletPreset": "BULLET_CHECKBOX",
            }
        },
        named("coach.evt1", 1, 146),
        named("coach.evt1.open_items", 22, 70),
        named("coach.evt1.obstacle", 70, 85),
        named("coach.evt1.tried", 85, 92),
        named("coach.evt1.success", 92, 101),
        named("coach.evt1.needs", 101, 126),
        named("coach.evt1.commitments", 126, 146),
    ]
    assert write.length == 145
    assert write.ranges == {
        "open_items": (22, 70),
        "obstacle": (70, 85),
        "tried": (85, 92),
        "success": (92, 101),
        "needs": (101, 126),
        "commitments": (126, 146),
    }
    check_requests(write.requests)


def test_emoji_name_bold_link_and_nested_bullets_in_the_middle_of_a_doc():
    model = DocumentModel(
        (
            Block("heading", (Run("Sam 🚀 Rivera"),), 2, "needs"),
            Block(
                "paragraph",
                (
                    Run("Hi "),
                    Run("Sam 🚀 Rivera", bold=True),
                    Run(", see "),
                    Run("the plan", link="https://example.com/plan"),
                    Run("."),
                ),
            ),
            Block("bullet", (Run("é"),), 0),
            Block("bullet", (Run("🚀"),), 1),
            Block("bullet", (Run("z", italic=True, bold=True),), 2),
            Block("bullet", (Run("back"),), 0),
        )
    )
    write = section_requests(model, 57)
    assert write.requests == [
        {
            "insertText": {
                "text": "Sam 🚀 Rivera\nHi Sam 🚀 Rivera, see the plan.\né\n\t🚀\n\t\tz\nback\n",
                "location": {"index": 57},
            }
        },
        {
            "updateTextStyle": {
                "range": {"startIndex": 57, "endIndex": 118},
                "textStyle": {},
                "fields": "*",
            }
        },
        heading(57, 71, 2),  # "Sam 🚀 Rivera\n" is 14 units
        paragraph_style(71, 118),
        {
            "updateTextStyle": {
                "range": {"startIndex": 74, "endIndex": 87},
                "textStyle": {"bold": True},
                "fields": "bold",
            }
        },
        {
            "updateTextStyle": {
                "range": {"startIndex": 93, "endIndex": 101},
                "textStyle": {"link": {"url": "https://example.com/plan"}},
                "fields": "link",
            }
        },
        {
            "updateTextStyle": {
                "range": {"startIndex": 111, "endIndex": 112},  # after "\t\t" at 109
                "textStyle": {"bold": True, "italic": True},
                "fields": "bold,italic",
            }
        },
        {
            "createParagraphBullets": {
                "range": {"startIndex": 103, "endIndex": 118},
                "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE",
            }
        },
    ]
    assert write.length == 58  # 61 inserted, 3 tabs removed
    assert write.ranges == {"needs": (57, 115)}
    check_requests(write.requests)


# --- applying the requests to the sandbox's Docs model ------------------------------------


def body(doc: Document) -> list[tuple[str, int | None, str]]:
    """(named style, list nesting level or None, text) per paragraph."""
    content = doc.to_json()["body"]["content"][1:]
    rows = []
    for element in content:
        paragraph = element["paragraph"]
        bullet = paragraph.get("bullet")
        text = "".join(run["textRun"]["content"] for run in paragraph["elements"])
        level = bullet.get("nestingLevel", 0) if bullet is not None else None
        rows.append((paragraph["paragraphStyle"]["namedStyleType"], level, text))
    return rows


def styled_runs(doc: Document) -> list[tuple[str, dict]]:
    """(text, textStyle) of every run with a style of its own. Docs may give a paragraph's
    newline the style of the text before it; the newline is left out here."""
    return [
        (element["textRun"]["content"].rstrip("\n"), element["textRun"]["textStyle"])
        for part in doc.to_json()["body"]["content"][1:]
        for element in part["paragraph"]["elements"]
        if element["textRun"]["textStyle"]
    ]


def named_ranges(doc: Document) -> dict[str, tuple[int, int]]:
    ranges = {}
    for name, group in doc.to_json().get("namedRanges", {}).items():
        (only,) = group["namedRanges"]
        (span,) = only["ranges"]
        ranges[name] = (span.get("startIndex", 0), span["endIndex"])
    return ranges


def between(body_text: str, start: int, end: int) -> str:
    """The body text from index `start` to `end` (UTF-16 units; index 1 is the first character)."""
    units = body_text.encode("utf-16-le")
    return units[2 * (start - 1) : 2 * (end - 1)].decode("utf-16-le")


def expected_body(model: DocumentModel) -> list[tuple[str, int | None, str]]:
    return [
        (
            f"HEADING_{block.level}" if block.kind == "heading" else "NORMAL_TEXT",
            block.level if block.is_list else None,
            block.text + "\n",
        )
        for block in model.blocks
    ]


def test_newest_section_goes_on_top_in_the_sandbox_with_styles_lists_and_ranges(tmp_path):
    path = tmp_path / "mini.md"
    path.write_text(MINI_TEMPLATE, encoding="utf-8")
    template = load_template(path)
    context = dict(manager_name="José Álvarez", report_name="Sam 🚀 Rivera")
    first = template.render(
        AgendaContext(
            **context,
            meeting_date=date(2026, 12, 1),
            open_items=(OpenItem("Intro to 王芳", date(2026, 11, 24)),),
        )
    )
    second = template.render(AgendaContext(**context, meeting_date=date(2026, 12, 8)))
    doc = Document.new("doc-1", "José Álvarez / Sam 🚀 Rivera")
    first_write = section_requests(first, 1, range_prefix="coach.m.a")
    doc.apply(first_write.requests)
    second_write = section_requests(second, 1, range_prefix="coach.m.b")
    doc.apply(second_write.requests)

    assert body(doc) == expected_body(second) + expected_body(first) + [("NORMAL_TEXT", None, "\n")]
    shift = second_write.length
    ranges = named_ranges(doc)
    assert ranges["coach.m.b"] == (1, 1 + shift)
    assert ranges["coach.m.a"] == (1 + shift, 1 + shift + first_write.length)
    for key, (start, end) in second_write.ranges.items():
        assert ranges[f"coach.m.b.{key}"] == (start, end)
    for key, (start, end) in first_write.ranges.items():
        assert ranges[f"coach.m.a.{key}"] == (start + shift, end + shift)
    assert between(doc.text(), *ranges["coach.m.a.needs"]) == "Needs from José Álvarez\n\n"
    assert between(doc.text(), *ranges["coach.m.b.commitments"]) == "Commitments\nSam 🚀 Rivera\nstep\n"
    open_item = ranges["coach.m.a.open_items"][0] + len("Open\n")
    assert doc.is_checked(open_item) is False  # a real, unticked checklist item
    assert styled_runs(doc) == [
        ("Nothing open from last time.", {"italic": True}),
        ("José Álvarez", {"italic": True}),
        (" (from Tue 24 Nov 2026)", {"italic": True}),
        ("José Álvarez", {"italic": True}),
    ]


def test_nested_mixed_lists_keep_every_index_right_in_the_sandbox():
    model = DocumentModel(
        (
            Block("heading", (Run("Commitments 🎯"),), 2, "commitments"),
            Block("bullet", (Run("a"),), 0),
            Block("bullet", (Run("a1 🚀"),), 1),
            Block("bullet", (Run("a2", bold=True),), 2),
            Block("checkbox", (Run("c1"),), 0),
            Block("checkbox", (Run("c2 王"),), 1),
            Block("heading", (Run("Needs"),), 2, "needs"),
            Block("bullet", (Run("n"),), 0),
            Block("bullet", (Run("n1", italic=True),), 1),
            Block("paragraph", (Run("end", link="https://example.com/"),)),
        )
    )
    doc = Document.new("doc-2", "t")
    doc.type_text(1, "Older heading")
    doc.apply(
        [
            {
                "updateParagraphStyle": {
                    "range": {"startIndex": 1, "endIndex": 14},
                    "paragraphStyle": {"namedStyleType": "HEADING_1"},
                    "fields": "namedStyleType",
                }
            }
        ]
    )
    write = section_requests(model, 1, range_prefix="p")
    check_requests(write.requests)
    doc.apply(write.requests)
    assert body(doc) == expected_body(model) + [("HEADING_1", None, "Older heading\n")]
    ranges = named_ranges(doc)
    assert ranges == {"p": (1, 1 + write.length), **{f"p.{k}": v for k, v in write.ranges.items()}}
    assert between(doc.text(), *ranges["p.commitments"]) == "Commitments 🎯\na\na1 🚀\na2\nc1\nc2 王\n"
    assert between(doc.text(), *ranges["p.needs"]) == "Needs\nn\nn1\nend\n"
    assert doc.is_checked(1 + utf16_len("Commitments 🎯\na\na1 🚀\na2\nc1\n")) is False
    runs = styled_runs(doc)
    assert ("a2", {"bold": True}) in runs
    assert ("n1", {"italic": True}) in runs
    assert [(text, style["link"]) for text, style in runs if "link" in style] == [
        ("end", {"url": "https://example.com/"})
    ]


def test_html_converts_in_the_sandbox_to_the_same_paragraphs_with_box_marks():
    model = DocumentModel(
        (
            Block("heading", (Run("1:1 · Tue 1 Dec 2026"),), 1),
            Block("paragraph", (Run("Hi "), Run("Sam 🚀", bold=True), Run("!", link="https://e.com/"))),
            Block("bullet", (Run("a"),), 0),
            Block("bullet", (Run("b", italic=True),), 1),
            Block("checkbox", (Run("王"),), 0),
            Block("heading", (Run("Needs"),), 2, "needs"),
        )
    )
    doc = Document.from_html("doc-3", "t", to_html(model))
    assert body(doc) == [
        ("HEADING_1", None, "1:1 · Tue 1 Dec 2026\n"),
        ("NORMAL_TEXT", None, "Hi Sam 🚀!\n"),
        ("NORMAL_TEXT", 0, "a\n"),
        ("NORMAL_TEXT", 1, "b\n"),
        ("NORMAL_TEXT", 0, "☐ 王\n"),
        ("HEADING_2", None, "Needs\n"),
    ]


def test_bad_arguments_are_refused(mini):
    with pytest.raises(ValueError, match="starts at 1"):
        section_requests(mini, 0)
    with pytest.raises(ValueError, match="empty"):
        section_requests(DocumentModel(()), 1)
    with pytest.raises(ValueError, match="1..256"):
        section_requests(mini, 1, range_prefix="x" * 250)


# --- the document model --------------------------------------------------------------------


def test_runs_refuse_text_that_would_break_paragraphs_or_be_stripped_by_docs():
    for bad in ("a\nb", "a\tb", "a\vb", "\x01", "\ue000"):
        with pytest.raises(ValueError):
            Run(bad)


def test_lengths_are_utf16_units():
    model = DocumentModel((Block("paragraph", (Run("é王🚀"),)), Block("bullet", (), 0)))
    assert model.text_length_utf16() == 1 + 1 + 2 + 1 + 1


def test_section_keys_are_unique():
    with pytest.raises(ValueError, match="repeat"):
        DocumentModel((Block("heading", (Run("a"),), 2, "needs"), Block("heading", (Run("b"),), 2, "needs")))


def test_list_levels_cannot_skip():
    with pytest.raises(ValueError, match="skips a level"):
        DocumentModel((Block("bullet", (Run("a"),), 0), Block("bullet", (Run("b"),), 2)))
    with pytest.raises(ValueError, match="skips a level"):
        DocumentModel((Block("paragraph"), Block("checkbox", (Run("b"),), 1)))


# --- HTML ----------------------------------------------------------------------------------


def test_html_for_drive_upload_nests_lists_and_marks_checkboxes():
    model = DocumentModel(
        (
            Block("heading", (Run("1:1 · Tue 1 Dec 2026"),), 1),
            Block("heading", (Run("Needs <José>"),), 2, "needs"),
            Block(
                "paragraph",
                (
                    Run("王芳 & "),
                    Run("Sam 🚀", bold=True, italic=True),
                    Run("x", link='https://e.com/?a="1"&b'),
                ),
            ),
            Block("bullet", (Run("a"),), 0),
            Block("bullet", (Run("a1"),), 1),
            Block("checkbox", (Run("c"),), 2),
            Block("checkbox", (), 0),
            Block("paragraph"),
        )
    )
    assert to_html(model) == (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n'
        "<h1>1:1 · Tue 1 Dec 2026</h1>\n"
        "<h2>Needs &lt;José&gt;</h2>\n"
        '<p>王芳 &amp; <b><i>Sam 🚀</i></b><a href="https://e.com/?a=&quot;1&quot;&amp;b">x</a></p>\n'
        "<ul>\n<li>a<ul>\n<li>a1<ul>\n<li>☐ c</li></ul></li></ul></li>\n<li>☐ </li></ul>\n"
        "<p></p>\n"
        "</body></html>\n"
    )
