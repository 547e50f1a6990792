"""The side panel's check of a section: unanswered questions, concrete success, and commitments
with an owner and a date."""
from __future__ import annotations

from flask_app.domain.notes import Commitment, MeetingNotes
from flask_app.domain.section_check import check_section, has_owner


def notes(**answers) -> MeetingNotes:
    commitments = answers.pop("commitments", ())
    return MeetingNotes({key: answers.get(key, "") for key in
                         ("obstacle", "tried", "success", "needs")}, tuple(commitments))


def test_unanswered_questions_are_listed_in_the_agendas_order():
    check = check_section(notes(tried="Pairing with Sam", obstacle="  "))
    assert check.unanswered == ("obstacle", "success", "needs")
    assert check.questions[0] == "What's the obstacle you keep running into on this?"
    assert not check.success.concrete and check.success.prompt


def test_success_is_checked_for_concreteness():
    assert check_section(notes(success="Ship the beta to 3 customers by March")).success.concrete
    assert not check_section(notes(success="Be better at it")).success.concrete


def test_each_commitment_is_checked_for_an_owner_and_a_date():
    check = check_section(notes(commitments=(
        Commitment("Bo: send the draft by Friday"), Commitment("review the plan"),
        Commitment("I book the room next week", done=True),
        Commitment("Jonas schickt den Entwurf bis 3. März"))), names=("Jonas", "Ana"))
    found = [(c.has_owner, c.has_date, c.done) for c in check.commitments]
    assert found == [(True, True, False), (False, False, False), (True, True, True),
                     (True, True, False)]


def test_owners_are_people_pronouns_and_mentions_not_articles():
    assert has_owner("@sam reviews the PR")
    assert has_owner("Nous envoyons le rapport")
    assert has_owner("私が資料を送る")
    assert not has_owner("enviar el informe")
    assert not has_owner("update the roadmap")
