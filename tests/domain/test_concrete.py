"""Success statements judged concrete or vague (heuristics, table-driven)."""
import pytest

from flask_app.domain.concrete import EMPTY_PROMPT, PROMPT, check_success

CONCRETE = [
    # (statement, what made it concrete)
    ("Reduce p95 latency below 200 ms", "number"),
    ("90% of tickets answered on the first try", "number"),
    ("Cut onboarding time by half", "number"),
    ("Hire two engineers", "number"),
    ("Run the retro weekly", "number"),
    ("Dec 15", "date"),
    ("Draft ready by Q1", "date"),
    ("2027-01-10", "date"),
    ("The design doc reviewed by end of month", "date"),
    ("Agreed with the team by next Friday", "date"),
    ("Before the deadline we agreed", "date"),
    ("in May 2027", "date"),
    ("Ship the billing API to beta customers", "outcome"),
    ("Present the roadmap at the all-hands", "outcome"),
    ("Get certified as a cloud architect", "outcome"),
    ("The refactor is merged and the flaky test closed", "outcome"),
    ("Closing deals without my help", "outcome"),
    ("Publicar el informe antes del viernes", "date"),
    ("Terminar la migración", "outcome"),
    ("Lancer la version bêta", "outcome"),
    ("Den Vortrag bis Ende des Monats halten", "date"),
    ("Zwei Vorträge auf der Konferenz halten", "number"),
    ("下周发布新版本", "date"),
    ("新功能上线", "outcome"),
    ("Ｑ３までに資格試験に合格", "date"),
]

VAGUE = [
    "be better",
    "Improve communication",
    "feel more confident",
    "do well",
    "Be better at presenting",
    "be good at closing",
    "Be more present in meetings",
    "Work more closely with design",
    "Communicate better with stakeholders",
    "Ser mejor comunicador",
    "Avoir plus confiance en moi",
    "Mehr Selbstvertrauen",
    "我想更好地沟通",
]


@pytest.mark.parametrize("statement, kind", CONCRETE)
def test_concrete_statements(statement, kind):
    verdict = check_success(statement)
    assert verdict.concrete, verdict
    assert verdict.prompt is None
    expected = {"number": "number or quantity", "date": "date or deadline",
                "outcome": "visible outcome"}[kind]
    assert expected in verdict.reason


@pytest.mark.parametrize("statement", VAGUE)
def test_vague_statements_get_the_prompt(statement):
    verdict = check_success(statement)
    assert not verdict.concrete, verdict
    assert verdict.prompt == PROMPT
    assert "no number, date or visible outcome" in verdict.reason


def test_the_reason_quotes_what_was_found():
    assert check_success("Reach 90% coverage").reason == "names a number or quantity (90%)"
    assert check_success("Ship it").reason == "names a visible outcome (ship)"
    assert check_success("Be better").reason.startswith("vague (better)")


@pytest.mark.parametrize("statement", ["", "   ", "\n\t"])
def test_an_empty_statement_asks_to_agree_on_success(statement):
    verdict = check_success(statement)
    assert not verdict.concrete and verdict.prompt == EMPTY_PROMPT
