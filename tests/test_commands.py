"""The coach commands a person runs by hand, against the sandbox."""
from __future__ import annotations

from click.testing import CliRunner

from flask_app.cli import main


def env(coach):
    return {"COACH_INSTANCE_DIR": str(coach.settings.instance_dir),
            "COACH_GOOGLE_API_ROOT": coach.sandbox.url, "COACH_SANDBOX_CA": coach.sandbox.ca_file}


def test_coach_sync_then_gather_print_what_they_did(coach):
    runner = CliRunner()
    synced = runner.invoke(main, ["sync"], env=env(coach))
    assert synced.exit_code == 0, synced.output
    assert "managers synced: 10 (10 full syncs)" in synced.output
    docs = sum(1 for pair in coach.store.pairs() if pair.doc_id)
    sections = sum(len(coach.store.meetings(pair.key)) for pair in coach.store.pairs())
    assert docs > 30 and sections == docs  # one upcoming meeting each
    assert f"docs created: {docs}," in synced.output
    assert f"sections added: {sections}," in synced.output
    again = runner.invoke(main, ["sync", "--manager", "ana.silva@example.com"], env=env(coach))
    assert "managers synced: 1 (0 full syncs)" in again.output
    assert "sections added: 0" in again.output
    gathered = runner.invoke(main, ["gather"], env=env(coach))
    assert gathered.exit_code == 0 and "meetings gathered: 0" in gathered.output


def test_a_bad_setting_is_a_clear_error(coach):
    result = CliRunner().invoke(main, ["sync"], env={**env(coach), "COACH_AGENDA_DAYS_BEFORE": "two"})
    assert result.exit_code == 2
    assert "COACH_AGENDA_DAYS_BEFORE must be a whole number, not 'two'" in result.output


def test_skip_level_one_on_ones_are_included_by_setting(coach):
    runner = CliRunner()
    jose = ["sync", "--manager", "jose.alvarez@example.com"]
    plain = runner.invoke(main, jose, env=env(coach))
    assert "one-on-one pairs: 3" in plain.output, plain.output
    wider = runner.invoke(main, jose, env={**env(coach), "COACH_INCLUDE_SKIP_LEVEL": "true"})
    assert "one-on-one pairs: 4" in wider.output, wider.output
