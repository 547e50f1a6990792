"""The cohort session's agenda: its template, its placeholders, and the cohort's focus (counts
over at least five managers, never a name)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flask_app.domain.agenda import TemplateError
from flask_app.domain.mirror import FEEDBACK, PLANNING, QUESTIONING
from flask_app.domain.records import MeetingRecord
from flask_app.domain.session_agenda import (flagged, focus, parse_session_template,
                                             render_session)

TEMPLATE = Path(__file__).resolve().parents[2] / "agendas" / "sessions" / "peer-coaching.md"
VALUES = {"quarter": "2027Q2", "session_date": "Tuesday 06 April 2027, 10:00 (Europe/London)",
          "members": "Ana Silva, Chloé Dubois", "pairs": "Ana Silva & Chloé Dubois",
          "focus": "feedback (5 of 6)"}
T0 = datetime(2027, 1, 12, 9, tzinfo=timezone.utc)


def test_the_shipped_template_renders_every_placeholder():
    blocks = parse_session_template(TEMPLATE.read_text(encoding="utf-8"), str(TEMPLATE))
    text = "\n".join("".join(r.text for r in b.runs) for b in render_session(blocks, VALUES).blocks)
    assert "{{" not in text and "}}" not in text
    for value in VALUES.values():
        assert value in text
    assert "real coaching conversation" in text and "practise before next quarter" in text
    assert "consent" in text


def test_an_unknown_placeholder_names_its_file_and_line():
    with pytest.raises(TemplateError) as raised:
        parse_session_template("## Session\n\n{{ quarter }} with {{ report_name }}\n", "s.md")
    assert "s.md:3" in str(raised.value) and "placeholder" in str(raised.value)


def test_one_on_one_section_keys_mean_nothing_in_a_session_template():
    with pytest.raises(TemplateError) as raised:
        parse_session_template("## Obstacle {#obstacle}\n", "s.md")
    assert "unknown section key 'obstacle'" in str(raised.value)


def test_the_focus_is_suppressed_below_five_managers():
    assert focus({FEEDBACK: 4}, 4).startswith("Not shown: fewer than 5")
    assert focus({FEEDBACK: 4, PLANNING: 2, QUESTIONING: 5}, 6) == (
        "questioning (5 of 6); feedback (4 of 6); development planning (2 of 6)")
    assert focus({FEEDBACK: 0}, 5) == "Nothing stood out in last quarter's coaching mirrors."


def meeting(start, **fields):
    values = dict(pair="m|r", occurrence=start.isoformat(), range_name="r", start=start,
                  title="", content_hash="", gathered_at=start + timedelta(hours=2),
                  filled=True, questions_answered=4, concrete=True, feedback=True, prepared=4,
                  pulse=4)
    values.update(fields)
    return MeetingRecord(**values)


def test_flagged_competencies_come_from_meetings_gathered_in_the_window():
    window = (T0 - timedelta(days=10), T0 + timedelta(days=60))
    assert flagged([], *window) is None
    assert flagged([meeting(T0, gathered_at=None)], *window) is None  # never gathered
    assert flagged([meeting(T0 - timedelta(days=30), concrete=False)], *window) is None
    good = meeting(T0)
    assert flagged([good], *window) == set()
    vague = meeting(T0 + timedelta(days=7), concrete=False, questions_answered=2)
    assert flagged([good, vague], *window) == {PLANNING, QUESTIONING}
