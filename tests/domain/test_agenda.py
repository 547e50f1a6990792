"""Agenda templates: loading, validation with file:line messages, and filling."""

from datetime import date
from pathlib import Path

import pytest

from flask_app.domain.agenda import (
    NOTHING_OPEN,
    QUESTIONS,
    AgendaContext,
    OpenItem,
    TemplateError,
    human_date,
    section_title,
)
from flask_app.adapters.templates import load_template, load_templates
from flask_app.domain.document import Block, Run
from flask_app.errors import InputError

AGENDAS = Path(__file__).resolve().parents[2] / "agendas"
DEC_1 = date(2026, 12, 1)

VALID = """\
## Still open {#open_items}

{{ open_items }}

## Obstacle? {#obstacle}

## Tried? {#tried}

## Success? {#success}

## Needs? {#needs}

## Commitments {#commitments}

- [ ]
"""


def write(tmp_path: Path, text: str, name: str = "team-lead.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> tuple[str, ...]:
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    return caught.value.problems


def context(**overrides) -> AgendaContext:
    values = {"manager_name": "José Álvarez", "report_name": "王芳", "meeting_date": DEC_1}
    return AgendaContext(**{**values, **overrides})


def texts(model) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in model.blocks]


# --- dates ---------------------------------------------------------------------------------


def test_dates_read_the_same_whatever_the_locale():
    assert human_date(DEC_1) == "Tue 1 Dec 2026"
    assert human_date(date(2027, 1, 31)) == "Sun 31 Jan 2027"
    assert section_title(DEC_1) == "1:1 · Tue 1 Dec 2026"


# --- the shipped templates -----------------------------------------------------------------


def test_every_shipped_template_loads_and_readme_is_not_a_template():
    templates = load_templates(AGENDAS)
    assert "one-on-one" in templates
    assert "README" not in templates


def test_default_template_asks_the_four_questions_in_order_under_a_dated_title():
    model = load_template(AGENDAS / "one-on-one.md").render(context())
    assert model.blocks[0] == Block("heading", (Run("1:1 · Tue 1 Dec 2026"),), 1)
    headings = {block.key: block.text for block in model.blocks if block.key}
    for key, question in QUESTIONS.items():
        assert headings[key] == question
    keys = [block.key for block in model.blocks if block.key]
    assert keys == ["topic", "open_items", "obstacle", "tried", "success", "needs", "feedback",
                    "commitments", "pulse"]
    assert headings["pulse"] == "How useful was this conversation for your development? (1–5)"
    assert model.blocks[-1] == Block("paragraph")  # the line to answer on


@pytest.mark.parametrize("language", ["de", "fr", "es", "ja"])
def test_the_default_agenda_in_other_languages_has_the_same_parts(language):
    english = load_template(AGENDAS / "one-on-one.md")
    other = load_template(AGENDAS / f"one-on-one.{language}.md")
    assert (other.name, other.language) == ("one-on-one", language)
    assert [b.key for b in other.blocks if getattr(b, "key", None)] == [
        b.key for b in english.blocks if getattr(b, "key", None)]
    model = other.render(context(language=language))
    assert model.blocks[0].text != "1:1 · Tue 1 Dec 2026"  # the date in the language too


def test_the_title_says_the_time_in_both_participants_zones():
    from datetime import datetime, timezone
    start = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)
    same = context(start=start, manager_zone="Europe/Lisbon", report_zone="Europe/Lisbon")
    assert same.title() == "1:1 · Tue 1 Dec 2026 · 09:30 Lisbon"
    apart = context(start=start, manager_zone="Europe/Lisbon", report_zone="Asia/Tokyo")
    assert apart.title() == "1:1 · Tue 1 Dec 2026 · 09:30 Lisbon · 18:30 Tokyo"
    late = context(start=datetime(2026, 12, 1, 23, tzinfo=timezone.utc),
                   manager_zone="America/Los_Angeles", report_zone="Asia/Kolkata")
    assert late.title() == ("1:1 · Tue 1 Dec 2026 · 15:00 Los Angeles · "
                            "Wed 2 Dec 2026 04:30 Kolkata")
    german = context(start=start, manager_zone="Europe/Berlin", report_zone="Europe/Berlin",
                     language="de")
    assert german.title() == "1:1 · Di., 1. Dez. 2026 · 10:30 Berlin"


# --- filling -------------------------------------------------------------------------------


def test_names_with_accents_cjk_and_emoji_are_filled_in_as_plain_text(tmp_path):
    path = write(
        tmp_path,
        VALID.replace(
            "## Obstacle? {#obstacle}\n",
            "## Obstacle? {#obstacle}\n\n"
            "**{{report_name}}** meets {{ manager_name }} on {{ meeting_date }}.\n",
        ),
    )
    model = load_template(path).render(context(report_name="Sam 🚀 Rivera"))
    paragraph = model.blocks[4]
    assert paragraph.runs == (
        Run("Sam 🚀 Rivera", bold=True),
        Run(" meets José Álvarez on Tue 1 Dec 2026."),
    )
    model = load_template(path).render(context(report_name="王芳"))
    assert model.blocks[4].runs[0] == Run("王芳", bold=True)


def test_names_are_never_read_as_markdown_and_cannot_break_the_paragraph(tmp_path):
    path = write(tmp_path, VALID.replace("{#tried}\n", "{#tried}\n\nHi {{ report_name }}.\n"))
    model = load_template(path).render(context(report_name=" *Sam*\n\tO'Neil_ \ue000"))
    assert ("paragraph", "Hi *Sam* O'Neil_.") in texts(model)


def test_every_question_gets_an_empty_answer_line_after_its_own_content(tmp_path):
    path = write(
        tmp_path,
        VALID.replace("## Tried? {#tried}\n", "## Tried? {#tried}\n\nA hint.\n\n### Detail\n\n- x\n"),
    )
    model = load_template(path).render(context())
    assert texts(model)[5:12] == [
        ("heading", "Tried?"),
        ("paragraph", "A hint."),
        ("heading", "Detail"),
        ("bullet", "x"),
        ("paragraph", ""),
        ("heading", "Success?"),
        ("paragraph", ""),
    ]


def test_open_items_become_dated_checkboxes(tmp_path):
    items = (OpenItem("Book the 🚀 course", date(2026, 11, 24)), OpenItem("Ask\nJosé", date(2026, 11, 10)))
    model = load_template(write(tmp_path, VALID)).render(context(open_items=items))
    assert model.blocks[2:4] == (
        Block("checkbox", (Run("Book the 🚀 course"), Run(" (from Tue 24 Nov 2026)", italic=True))),
        Block("checkbox", (Run("Ask José"), Run(" (from Tue 10 Nov 2026)", italic=True))),
    )
    assert model.blocks[4].key == "obstacle"


def test_with_nothing_open_a_short_line_says_so(tmp_path):
    model = load_template(write(tmp_path, VALID)).render(context())
    assert model.blocks[2] == Block("paragraph", (Run(NOTHING_OPEN, italic=True),))


def test_formatting_links_and_nested_lists_are_kept(tmp_path):
    body = (
        "## Commitments {#commitments}\n\n"
        "Read *the* [guide **now**](https://example.com/g?a=1&b=2)\nplease.\n\n"
        "- [ ] Agree a goal\n  - sub point\n    - [ ] deeper\n- [ ] \n"
    )
    path = write(tmp_path, VALID.replace("## Commitments {#commitments}\n\n- [ ]\n", body))
    blocks = load_template(path).render(context()).blocks[-5:]
    assert blocks == (
        Block(
            "paragraph",
            (
                Run("Read "),
                Run("the", italic=True),
                Run(" "),
                Run("guide ", link="https://example.com/g?a=1&b=2"),
                Run("now", bold=True, link="https://example.com/g?a=1&b=2"),
                Run(" please."),
            ),
        ),
        Block("checkbox", (Run("Agree a goal"),), 0),
        Block("bullet", (Run("sub point"),), 1),
        Block("checkbox", (Run("deeper"),), 2),
        Block("checkbox", (), 0),
    )


def test_comments_are_left_out(tmp_path):
    model = load_template(write(tmp_path, "<!-- for {{ editors }} -->\n\n" + VALID)).render(context())
    assert "editors" not in str(texts(model))


def test_blank_names_and_open_items_are_refused():
    with pytest.raises(ValueError, match="report_name"):
        context(report_name=" \n ")
    with pytest.raises(ValueError, match="text"):
        OpenItem("  ", DEC_1)


# --- validation ----------------------------------------------------------------------------


def test_unknown_placeholder_is_reported_with_file_and_line(tmp_path):
    path = write(tmp_path, VALID.replace("{#tried}\n", "{#tried}\n\nFor\n{{ report }} and {{ x }}.\n"))
    with pytest.raises(InputError) as caught:
        load_template(path)
    assert caught.value.problems == (
        f"{path}:10: unknown placeholder 'report' (known: manager_name, report_name, "
        "manager_given_name, report_given_name, meeting_date, meeting_day, open_items)",
        f"{path}:10: unknown placeholder 'x' (known: manager_name, report_name, "
        "manager_given_name, report_given_name, meeting_date, meeting_day, open_items)",
    )
    assert str(caught.value).startswith(f"{path}:10: unknown placeholder 'report'")


def test_missing_coaching_sections_are_named(tmp_path):
    path = write(tmp_path, VALID.replace(" {#tried}", "").replace("## Needs? {#needs}\n", ""))
    assert problems(path) == (
        f"{path}: missing section(s) {{#tried}}, {{#needs}}; see agendas/README.md",
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{#tried}", "{#tired}", "7: unknown section key 'tired' (known: obstacle, tried, success,"),
        ("Success? {#success}", "Success? {#tried}", "9: section {#tried} appears twice (first on line 7)"),
        ("## Tried?", "# Tried?", "7: level-1 headings (# ...) are reserved for the dated meeting title"),
        ("{#tried}", "{#tried} now", "7: a section tag like {#needs} goes only at the very end"),
        ("- [ ]", "- [x] done", "15: checkboxes in a template start unticked"),
        ("- [ ]", "- [ ]\n\n1. one", "17: not supported: numbered lists"),
        ("- [ ]", "- [ ] a\n\n  more", "17: a list item holds one paragraph"),
        ("{{ open_items }}", "## Other\n\n{{ open_items }}", "5: {{ open_items }} belongs in the {#open_items}"),
        ("{{ open_items }}", "Nothing.", "1: the {#open_items} section needs a line with just {{ open_items }}"),
        ("- [ ]", "- a bullet", "13: the {#commitments} section needs a checkbox list"),
    ],
)
def test_template_mistakes_are_reported_with_their_line(tmp_path, old, new, expected):
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    found = problems(path)
    assert any(problem.startswith(f"{path}:{expected}") for problem in found), found


@pytest.mark.parametrize(
    ("added", "expected"),
    [
        ("> quote", "not supported: block quotes"),
        ("use `code`", "not supported: inline code"),
        ("Hi {{ report_name }", "unclosed placeholder"),
        ("*{{ report_name }*}", "unclosed placeholder"),
        ("[a]({{report_name}})", "placeholders do not work inside link addresses"),
        ("See {{ open_items }}", "{{ open_items }} must stand alone on its own line"),
        ("{{ open_items }}", "{{ open_items }} appears twice (first on line 3)"),
    ],
)
def test_mistakes_in_section_text_are_reported_with_their_line(tmp_path, added, expected):
    path = write(tmp_path, VALID.replace("{#tried}\n", "{#tried}\n\n" + added + "\n"))
    found = problems(path)
    assert any(problem.startswith(f"{path}:9: {expected}") for problem in found), found


def test_file_names_must_be_plain(tmp_path):
    path = write(tmp_path, VALID, name="Team Lead.md")
    assert problems(path) == (
        f"{path}: template files are named with lowercase letters, digits and hyphens, then "
        "a language code unless in English, and end in .md (like team-lead.md, "
        "team-lead.de.md)",
    )


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin.md"
    path.write_bytes("## Café {#tried}".encode("latin-1"))
    assert problems(path)[0].startswith(f"{path}: not UTF-8 text")


def test_hr_can_add_templates_and_each_is_validated(tmp_path):
    write(tmp_path, VALID, name="one-on-one.md")
    write(tmp_path, VALID.replace("Obstacle?", "What blocks you, {{ report_name }}?"), name="team-lead.md")
    write(tmp_path, "# Notes for HR\n", name="README.md")
    templates = load_templates(tmp_path)
    assert sorted(templates) == ["one-on-one", "team-lead"]
    model = templates["team-lead"].render(context())
    assert ("heading", "What blocks you, 王芳?") in texts(model)


def test_all_broken_templates_are_reported_together(tmp_path):
    write(tmp_path, VALID.replace("{{ open_items }}", "{{ open_items }}\n\n{{ nope }}"), name="a.md")
    write(tmp_path, VALID.replace(" {#needs}", ""), name="b.md")
    write(tmp_path, VALID, name="c.md")
    with pytest.raises(TemplateError) as caught:
        load_templates(tmp_path)
    assert [problem.split(": ")[0] for problem in caught.value.problems] == [
        f"{tmp_path / 'a.md'}:5",
        f"{tmp_path / 'b.md'}",
    ]


def test_a_directory_without_templates_is_an_error(tmp_path):
    with pytest.raises(TemplateError, match="holds no agenda templates"):
        load_templates(tmp_path)
    with pytest.raises(TemplateError, match="no such directory"):
        load_templates(tmp_path / "missing")


def test_placeholders_hidden_behind_entities_are_refused_not_filled_blindly(tmp_path):
    added = "&#123;&#123; boss &#125;&#125;"
    path = write(tmp_path, VALID.replace("{#tried}\n", "{#tried}\n\n" + added + "\n"))
    assert problems(path) == (f"{path}:9: malformed placeholder: write {{{{ name }}}} as plain text",)
