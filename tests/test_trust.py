"""Nothing duplicated, nothing lost, end to end against the sandbox: lost answers, two syncs at
once, people's text in titles, tables and plan entries, one manager failing, a world replaced,
bad input."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from click.testing import CliRunner

from flask_app.adapters.google.docs import snapshot
from flask_app.cli import main
from flask_app.domain.document import utf16_len
from flask_app.domain.sections import RANGE_PREFIX
from flask_app.services.pair_docs import PAIR_PROPERTY, pair_marker
from tests.conftest import CoachHarness, pin_clock, postgres_url

ANA, BO = "ana.silva@example.com", "bo.nilsson@example.com"


def pair_doc(coach, manager=ANA, report=BO):
    record = coach.store.pair(manager, report)
    return snapshot(coach.service("docs", manager).documents().get(
        documentId=record.doc_id).execute())


def sections(doc):
    return sorted((n for n in doc.named_ranges if n.startswith(RANGE_PREFIX)
                   and n.count(".") == 2), key=lambda n: doc.range(n)[0])


def marked_docs(coach, manager=ANA, report=BO):
    query = (f"appProperties has {{ key='{PAIR_PROPERTY}' and "
             f"value='{pair_marker(manager, report)}' }} and trashed = false")
    return coach.service("drive", manager).files().list(q=query).execute()["files"]


def env(coach):
    return {"COACH_INSTANCE_DIR": str(coach.settings.instance_dir),
            "COACH_DATABASE_URL": coach.settings.database_url, "COACH_RETRY_BASE_SECONDS": "0",
            "COACH_GOOGLE_API_ROOT": coach.sandbox.url, "COACH_SANDBOX_CA": coach.sandbox.ca_file}


def test_a_lost_answer_to_a_first_batch_or_a_new_doc_writes_it_once(coach, sandbox):
    sandbox.fault("drive.files.create", status=503, applied=True, times=1)
    sandbox.fault("docs.documents.batchUpdate", status=503, applied=True, times=3)
    coach.sync(ANA)
    coach.sync(ANA)
    assert len(marked_docs(coach)) == 1
    doc = pair_doc(coach)
    assert len(sections(doc)) == 1
    titles = [p.text for p in doc.paragraphs if p.style == "HEADING_1"]
    assert len(titles) == len(set(titles)) == 1


def test_two_syncs_of_one_manager_at_once_make_one_doc_and_one_section_each(coach, sandbox):
    others = [CoachHarness(sandbox, coach.settings.instance_dir) for _ in range(3)]
    threads = [threading.Thread(target=other.sync, args=(ANA,)) for other in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(marked_docs(coach)) == 1
    assert len(sections(pair_doc(coach))) == 1


def test_two_processes_with_their_own_stores_converge_on_one_doc(coach, sandbox, tmp_path):
    commands = [[sys.executable, "-c", "from flask_app.cli import main; main()", "sync",
                 "--manager", ANA]] * 2
    runs = [subprocess.Popen(command, env={
        **os.environ, **env(coach),
        "COACH_DATABASE_URL": f"sqlite:///{tmp_path}/store{n}.sqlite"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for n, command in enumerate(commands)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(marked_docs(coach)) == 1


def test_text_typed_into_a_title_keeps_a_cancelled_meetings_section(coach, sandbox):
    coach.sync(ANA)
    record = coach.store.pair(ANA, BO)
    first = min(coach.store.meetings(record.key), key=lambda m: m.start)
    doc = pair_doc(coach)
    title = doc.paragraph_at(doc.range(first.range_name)[0])
    sandbox.person_types(record.doc_id, BO, title.start + utf16_len(title.text),
                         " — bring the Q3 numbers")
    calendar = coach.service("calendar", ANA).events()
    event = next(e for e in calendar.list(calendarId="primary").execute()["items"]
                 if e.get("summary") == "Ana / Bo")
    instance = calendar.instances(calendarId="primary", eventId=event["id"],
                                  timeMin=coach.now().isoformat()).execute()["items"][0]
    calendar.delete(calendarId="primary", eventId=instance["id"]).execute()
    result = coach.sync(ANA)[0]
    assert result.sections_kept == 1 and result.sections_removed == 0
    text = pair_doc(coach).text_in(1, 10**6)
    assert " — bring the Q3 numbers (cancelled)" in text


def test_a_table_people_added_keeps_a_cancelled_meetings_section(coach, sandbox):
    coach.sync(ANA)
    record = coach.store.pair(ANA, BO)
    first = min(coach.store.meetings(record.key), key=lambda m: m.start)
    doc = pair_doc(coach)
    obstacle = doc.paragraphs_in(*doc.range(f"{first.range_name}.obstacle"))[-1]
    sandbox.person_edits(record.doc_id, BO, [
        {"insertTable": {"rows": 2, "columns": 2, "location": {"index": obstacle.end - 1}}}])
    table = pair_doc(coach).tables[0]
    sandbox.person_edits(record.doc_id, BO, [
        # the first cell's paragraph: after the table's, the row's and the cell's own starts
        {"insertText": {"location": {"index": table.start + 3}, "text": "p95 latency"}}])
    calendar = coach.service("calendar", ANA).events()
    event = next(e for e in calendar.list(calendarId="primary").execute()["items"]
                 if e.get("summary") == "Ana / Bo")
    instance = calendar.instances(calendarId="primary", eventId=event["id"],
                                  timeMin=coach.now().isoformat()).execute()["items"][0]
    calendar.delete(calendarId="primary", eventId=instance["id"]).execute()
    result = coach.sync(ANA)[0]
    assert result.sections_kept == 1
    after = pair_doc(coach)
    assert after.tables and "p95 latency" in after.text_in(1, 10**6)


def test_a_note_a_manager_adds_inside_a_plan_entry_survives_a_regather(coach, sandbox):
    coach.sync(ANA)
    record = coach.store.pair(ANA, BO)
    first = min(coach.store.meetings(record.key), key=lambda m: m.start)
    doc = pair_doc(coach)
    line = doc.paragraphs_in(*doc.range(f"{first.range_name}.obstacle"))[-1]
    sandbox.person_types(record.doc_id, BO, line.start + utf16_len(line.text), "Flaky CI")
    sandbox.advance_to(first.start + timedelta(hours=2))
    coach.sync(ANA)  # gathered: the plan has its entry, the next meeting its section
    plan = coach.store.plan(BO)
    plan_doc = snapshot(coach.service("docs", ANA).documents().get(
        documentId=plan.doc_id).execute())
    entry = next(n for n in plan_doc.named_ranges if n.startswith("coach.plan.2"))
    heading = plan_doc.paragraph_at(plan_doc.range(entry)[0])
    sandbox.person_types(plan.doc_id, ANA, heading.end, "Ana: ask about the on-call rota\n")
    doc = pair_doc(coach)
    line = doc.paragraphs_in(*doc.range(f"{first.range_name}.tried"))[-1]
    sandbox.person_types(record.doc_id, BO, line.start + utf16_len(line.text), "Retries")
    second = max(coach.store.meetings(record.key), key=lambda m: m.start)
    sandbox.advance_to(second.start + timedelta(hours=2))
    result = coach.sync(ANA)[0]  # the first meeting is read again with the second
    plan_doc = snapshot(coach.service("docs", ANA).documents().get(
        documentId=plan.doc_id).execute())
    assert "Ana: ask about the on-call rota" in plan_doc.text_in(1, 10**6)
    assert any("edited by people" in p for p in result.problems)


def test_one_managers_calendar_failing_does_not_stop_the_pass(coach, sandbox):
    sandbox.fault("calendar.events.list", status=500, times=5)  # the first manager's attempts
    result = CliRunner().invoke(main, ["sync"], env=env(coach))
    assert result.exit_code == 1, result.output
    assert "failed: 1 manager(s)" in result.output
    assert "calendar.events.list: 500 backendError" in result.output
    assert "managers synced: 9" in result.output and "Traceback" not in result.output


def test_a_directory_failure_is_one_line_and_exit_code_2(coach, sandbox):
    sandbox.fault("directory.users.list", status=503, times=10)
    result = CliRunner().invoke(main, ["sync"], env=env(coach))
    assert result.exit_code == 2
    assert result.output.strip() == ("nothing synced: the directory could not be read "
                                     "(directory.users.list: 503 backendError)")


def test_after_a_sandbox_reset_the_store_starts_over(coach, sandbox):
    first = coach.sync(ANA)[0]
    old = coach.store.pair(ANA, BO).doc_id
    reset = CliRunner().invoke(main, ["sandbox", "reset"], env=env(coach))
    assert reset.exit_code == 0, reset.output
    pin_clock(sandbox.world)  # the same moment as before the reset
    result = CliRunner().invoke(main, ["sync", "--manager", ANA], env=env(coach))
    assert result.exit_code == 0, result.output
    assert f"docs created: {first.docs_created}," in result.output
    assert f"attached: {first.attached}" in result.output
    fresh = CoachHarness(sandbox, coach.settings.instance_dir)
    assert fresh.store.pair(ANA, BO).doc_id not in (None, old)
    assert len(sections(pair_doc(fresh))) == 1


@pytest.mark.parametrize("args, message", [
    (["sync", "--manager", "nobody@example.com"],
     "error: nobody@example.com is not in the organisation's directory"),
    (["gather", "--manager", "bogus"], "error: bogus is not in the organisation's directory"),
    (["sync", "--manager", "bo.nilsson@example.com"],
     "error: bo.nilsson@example.com has no reports in the directory: nothing to sync"),
])
def test_unknown_people_are_a_one_line_error(coach, args, message):
    result = CliRunner().invoke(main, args, env=env(coach))
    assert result.exit_code == 2 and result.output.strip() == message


def test_emails_are_matched_whatever_their_case(coach):
    result = CliRunner().invoke(main, ["sync", "--manager", "ANA.Silva@Example.COM"],
                                env=env(coach))
    assert result.exit_code == 0 and "managers synced: 1" in result.output


def test_processes_sharing_a_postgresql_store_make_one_doc_and_one_section(coach, sandbox):
    url = postgres_url()
    from flask_app.adapters.sql_store import SqlStore
    shared = SqlStore(url, migrate=True)
    shared.forget_workspace(sandbox.world_id())
    from flask_app.domain.rollout import Rollout
    shared.save_rollout(Rollout(units=["/"]))
    command = [sys.executable, "-c", "from flask_app.cli import main; main()", "sync",
               "--manager", ANA]
    runs = [subprocess.Popen(command, env={**os.environ, **env(coach), "COACH_DATABASE_URL": url},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert len(marked_docs(coach)) == 1
    record = shared.pair(ANA, BO)
    doc = snapshot(coach.service("docs", ANA).documents().get(documentId=record.doc_id).execute())
    assert len(sections(doc)) == 1 and len(shared.meetings(record.key)) == 1
