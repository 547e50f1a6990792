"""The running doc and the development plan end to end on the sandbox: one upcoming section at a
time, languages from the directory, times in each participant's zone, the pulse as a number,
objectives, links to sections, and a commitment ticked later shown done in its entry."""
from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from flask_app.adapters.google.docs import snapshot
from flask_app.domain.document import utf16_len
from flask_app.domain.sections import RANGE_PREFIX

ANA, BO = "ana.silva@example.com", "bo.nilsson@example.com"
LENA, JONAS = "lena.fischer@example.com", "jonas.weber@example.com"
KEN, HANAKO = "ken.sato@example.com", "hanako.suzuki@example.com"
CHLOE, EMILE = "chloe.dubois@example.com", "emile.laurent@example.com"
LUCIA, DIEGO = "lucia.fernandez@example.com", "diego.ramirez@example.com"


def read(coach, user, doc_id):
    return snapshot(coach.service("docs", user).documents().get(documentId=doc_id).execute())


def pair_doc(coach, manager=ANA, report=BO):
    return read(coach, manager, coach.store.pair(manager, report).doc_id)


def titles(doc):
    names = [n for n in doc.named_ranges if n.startswith(RANGE_PREFIX) and n.count(".") == 2]
    return [doc.paragraph_at(doc.range(n)[0]).text
            for n in sorted(names, key=lambda n: doc.range(n)[0])]


def meetings(coach, manager=ANA, report=BO):
    return sorted(coach.store.meetings(coach.store.pair(manager, report).key),
                  key=lambda m: m.start)


def type_answer(coach, sandbox, meeting, key, text, who=BO, manager=ANA, report=BO):
    doc_id = coach.store.pair(manager, report).doc_id
    doc = read(coach, who, doc_id)
    line = doc.paragraphs_in(*doc.range(f"{meeting.range_name}.{key}"))[-1]
    sandbox.person_types(doc_id, who, line.start + utf16_len(line.text), text)


def end(coach, sandbox, meeting):
    sandbox.advance_to(meeting.start + timedelta(hours=1, minutes=31))


@pytest.mark.parametrize("manager, report, heading", [
    (LENA, JONAS, "Was brauchst du von mir, um voranzukommen?"),
    (KEN, HANAKO, "前に進むために私から何が必要ですか？"),
    (CHLOE, EMILE, "De quoi avez-vous besoin de ma part pour avancer ?"),
    (LUCIA, DIEGO, "¿Qué necesitas de mí para avanzar?"),
], ids=["de", "ja", "fr", "es"])
def test_a_pair_gets_the_agenda_in_its_language(coach, manager, report, heading):
    coach.sync(manager)
    doc = pair_doc(coach, manager, report)
    assert heading in doc.text_in(1, doc.end_index)
    assert len(titles(doc)) == 1


def test_one_section_a_time_in_both_zones_and_the_next_after_gathering(coach, sandbox):
    coach.sync(ANA)
    [title] = titles(pair_doc(coach))
    assert " Lisbon · " in title and title.endswith(" Stockholm")
    first = meetings(coach)[0]
    end(coach, sandbox, first)
    coach.sync(ANA)
    assert [m.status for m in meetings(coach)] == ["removed", "scheduled"]
    assert len(titles(pair_doc(coach))) == 1


def test_the_pulse_is_kept_as_a_number_and_never_as_text(coach, sandbox):
    coach.sync(ANA)
    first = meetings(coach)[0]
    type_answer(coach, sandbox, first, "obstacle", "Reviews wait for days")
    type_answer(coach, sandbox, first, "pulse", "5, because we fixed the rota-zebra problem")
    end(coach, sandbox, first)
    coach.sync(ANA)
    assert meetings(coach)[0].pulse == 5
    database = coach.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        dump = "\n".join(db.iterdump())
    assert "rota-zebra" not in dump and "Reviews wait" not in dump


def test_the_plan_has_objectives_links_and_a_commitment_ticked_later_done(coach, sandbox):
    coach.sync(ANA)
    first = meetings(coach)[0]
    type_answer(coach, sandbox, first, "success", "Median review under 4 hours by 15 March")
    doc_id = coach.store.pair(ANA, BO).doc_id
    doc = read(coach, BO, doc_id)
    box = next(p for p in doc.paragraphs_in(*doc.range(f"{first.range_name}.commitments"))
               if p.checkbox)
    sandbox.person_types(doc_id, BO, box.start, "Bo drafts the review rota")
    end(coach, sandbox, first)
    coach.sync(ANA)
    second = meetings(coach)[1]
    doc = read(coach, ANA, doc_id)
    carried = next(p for p in doc.paragraphs_in(*doc.range(f"{second.range_name}.open_items"))
                   if "review rota" in p.text)
    sandbox.call("POST", f"/docs/{doc_id}/check",
                 json={"user": BO, "paragraph_index": carried.start, "checked": True})
    type_answer(coach, sandbox, second, "obstacle", "Rota adoption")
    end(coach, sandbox, second)
    coach.sync(ANA)
    plan = read(coach, BO, coach.store.plan(BO).doc_id)
    text = plan.text_in(1, plan.end_index)
    assert "Median review under 4 hours by 15 March · since " in text
    assert "✓ Bo drafts the review rota" in text
    assert plan.paragraphs[1].text.startswith("This quarter: 2 one-on-ones")
    links = [s.link for p in plan.paragraphs if p.style == "HEADING_3" for s in p.spans
             if s.text.strip()]
    assert links and all(link.startswith(
        f"https://docs.google.com/document/d/{doc_id}/edit#heading=h.") for link in links)
