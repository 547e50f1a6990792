"""`coach scan` on the demo calendars and on broken files; the demo seed's own consistency."""

import csv
import re
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from workspace_sandbox import SEED_DIR
from flask_app.commands.scan import scan

SEED = SEED_DIR
ICS_DATA = Path(__file__).parent / "data" / "ics"
PEOPLE = str(SEED / "people.csv")
CALENDARS = SEED / "calendars"


def run(*args):
    return CliRunner().invoke(scan, [str(a) for a in args])


def test_lists_one_on_ones_with_cadence_people_and_reasons():
    result = run(CALENDARS / "ana.silva.ics", "--directory", PEOPLE)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "ana.silva.ics: 4 one-on-ones in 10 events" in out
    assert "  yes  Ana / Bo\n       when: Tue 2026-12-01 10:00-10:30 Europe/Lisbon, weekly\n" in out
    assert "who:  Ana Silva <ana.silva@example.com> -> Bo Nilsson <bo.nilsson@example.com>" in out
    assert ("why:  exactly two people; ana.silva@example.com manages bo.nilsson@example.com; "
            "title names both people; recurring weekly") in out
    assert "Platform stand-up" not in out  # rejected events only with --all


def test_all_lists_rejected_events_with_their_reasons():
    out = run(CALENDARS / "ana.silva.ics", "--directory", PEOPLE, "--all").stdout
    assert "   no  Platform stand-up" in out
    assert "why:  excluded: 6 people, not two" in out
    assert "why:  excluded: lasts 3h, longer than 1h 30m" in out
    assert "excluded: attendee outside the domain: dana.whitfield@partner.io" in out


def test_report_organised_series_shows_manager_first_and_every_two_weeks():
    out = run(CALENDARS / "sam.rivera.ics", "--directory", PEOPLE).stdout
    assert "when: Tue 2026-12-01 08:00-08:30 America/Los_Angeles, every 2 weeks" in out
    assert "who:  Ana Silva <ana.silva@example.com> -> Sam 🚀 Rivera <sam.rivera@example.com>" in out


def test_settings_flags_include_skip_level_and_peers():
    plain = run(CALENDARS / "jose.alvarez.ics", CALENDARS / "ana.silva.ics", "--directory", PEOPLE).stdout
    wide = run(CALENDARS / "jose.alvarez.ics", CALENDARS / "ana.silva.ics", "--directory", PEOPLE,
               "--include-skip-level", "--include-peer").stdout
    assert "Total: 8 one-on-ones in 18 events" in plain
    assert "Total: 10 one-on-ones in 18 events" in wide
    assert "who:  José Álvarez <jose.alvarez@example.com> -> Bo Nilsson <bo.nilsson@example.com>" in wide
    assert "who:  Ana Silva <ana.silva@example.com>, 王芳 <fang.wang@example.com>" in wide


def test_without_directory_only_title_and_attendee_count_decide():
    out = run(CALENDARS / "olivia.bennett.ics", "--all").stdout
    assert out.startswith("No directory given: deciding from title and attendee count only.")
    assert "  yes  Olivia / José" in out
    assert "who:  olivia.bennett@example.com, jose.alvarez@example.com" in out
    assert "   no  Weekly sync" in out  # its reporting line is what made it a one-on-one
    assert "excluded: the title does not say one-on-one" in out


def test_window_lists_occurrences_with_moves_cancellations_and_exdates():
    out = run(CALENDARS / "jose.alvarez.ics", CALENDARS / "ana.silva.ics", CALENDARS / "sam.rivera.ics",
              "--directory", PEOPLE, "--from", "2026-12-07", "--to", "2026-12-31", "--all").stdout
    assert "when: Fri 2026-12-11 08:30-09:00 Europe/Madrid (moved from Thu 2026-12-10 09:00)" in out
    assert re.search(r"no  Hannah 1-1\n       when: Thu 2026-12-17 14:00-14:30 Europe/Lisbon\n"
                     r"       why:  excluded: cancelled", out)
    assert "Sam 🚀 / Ana 1:1\n       when: Tue 2026-12-15 08:00" in out
    assert "Sam 🚀 / Ana 1:1\n       when: Tue 2026-12-29" not in out  # EXDATE


def test_from_needs_to():
    result = run(CALENDARS / "ana.silva.ics", "--from", "2026-12-07")
    assert result.exit_code == 2
    assert "--from and --to go together" in result.stderr


def test_from_must_be_before_to():
    for start, end in (("2026-12-31", "2026-12-07"), ("2026-12-07", "2026-12-07")):
        result = run(CALENDARS / "ana.silva.ics", "--from", start, "--to", end)
        assert result.exit_code == 2
        assert f"--from {start} must be before --to {end}" in result.stderr


VALID_EVENT = """BEGIN:VEVENT
UID:e1
DTSTAMP:20261120T090000Z
DTSTART;TZID=Europe/Paris:20261130T100000
DTEND;TZID=Europe/Paris:20261130T103000
SUMMARY:1:1
END:VEVENT
"""
GOOD_EVENT = """BEGIN:VEVENT
UID:good
DTSTAMP:20261120T090000Z
DTSTART;TZID=Europe/Paris:20261201T100000
DTEND;TZID=Europe/Paris:20261201T103000
SUMMARY:Ana / Bo 1:1
ORGANIZER:mailto:ana.silva@example.com
ATTENDEE:mailto:bo.nilsson@example.com
END:VEVENT
"""


def calendar(body: str) -> str:
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}END:VCALENDAR\n".replace("\n", "\r\n")


def write(tmp_path, content: str, name: str = "bad.ics"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize("content, message", [
    (calendar(VALID_EVENT.replace("20261130T100000", "2026113T100000")),
     "bad.ics:7: DTSTART: Expected datetime, date, or time. Got: '2026113T100000'"),
    (calendar(VALID_EVENT.replace("SUMMARY:1:1", "SUMMARY")), "bad.ics:9: Content line could not be parsed"),
    (calendar(VALID_EVENT.replace("Europe/Paris:20261130T100000", "Nowhere/Land:20261130T100000")),
     "bad.ics:7: DTSTART: unknown time zone 'Nowhere/Land' (no readable VTIMEZONE and not an IANA name)"),
    (calendar(VALID_EVENT.replace("SUMMARY", "X-WORKSPACE-EVENT-TYPE:vacation\nSUMMARY")),
     "bad.ics:9: X-WORKSPACE-EVENT-TYPE 'vacation' is not one of default, outOfOffice"),
    (calendar(VALID_EVENT.replace("UID:e1\n", "")), "bad.ics:4: event without a UID"),
    (calendar(VALID_EVENT.replace("SUMMARY", "RRULE:FREQ=SOMETIMES\nSUMMARY")), "bad.ics:9: RRULE: Expected frequency"),
    (calendar(VALID_EVENT.replace("DTEND;TZID=Europe/Paris:20261130T103000", "DTEND:20261201")),
     "bad.ics:8: DTSTART and DTEND mix a date and a date-time"),
    (calendar(VALID_EVENT.replace("DTEND", "DTSTART;TZID=Europe/Paris:20261130T110000\nDTEND")),
     "bad.ics:8: DTSTART appears more than once (first on line 7); it may appear only once"),
])
def test_a_malformed_event_is_skipped_with_its_line_and_the_others_are_scanned(tmp_path, content, message):
    path = write(tmp_path, content.replace("END:VCALENDAR", GOOD_EVENT.replace("\n", "\r\n") + "END:VCALENDAR"))
    result = run(path)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{path.parent}/{message}") and len(result.stderr.splitlines()) == 1
    assert "bad.ics: 1 one-on-one in 1 events; 1 event skipped\n" in result.stdout
    assert "  yes  Ana / Bo 1:1" in result.stdout


def test_an_event_repeated_under_one_uid_is_skipped(tmp_path):
    result = run(write(tmp_path, calendar(VALID_EVENT + VALID_EVENT)))
    assert result.exit_code == 3
    assert "bad.ics:11: UID e1 appears twice (first on line 4)" in result.stderr
    assert "bad.ics: 0 one-on-ones in 1 events; 1 event skipped" in result.stdout


def test_duplicated_properties_of_a_real_export_are_skipped_one_by_one():
    result = run(ICS_DATA / "duplicated-properties.ics", "--directory", PEOPLE)
    assert result.exit_code == 3
    problems = [line.partition("duplicated-properties.ics:")[2] for line in result.stderr.splitlines()]
    assert problems == [
        "56: DTSTART appears more than once (first on line 43); it may appear only once",
        "72: DTEND appears more than once (first on line 60); it may appear only once",
        "88: UID appears more than once (first on line 79); it may appear only once",
        "104: SUMMARY appears more than once (first on line 102); it may appear only once",
        "120: STATUS appears more than once (first on line 117); it may appear only once",
        "136: ORGANIZER appears more than once (first on line 126); it may appear only once",
        "153: RECURRENCE-ID appears more than once (first on line 152); it may appear only once",
        "169: DTEND and DURATION may not be used together",
    ]
    assert "duplicated-properties.ics: 2 one-on-ones in 2 events; 8 events skipped\n" in result.stdout


@pytest.mark.parametrize("content, message", [
    ("hello\r\n", "bad.ics:1: not a valid iCalendar file: expected BEGIN:VCALENDAR, found hello"),
    (VALID_EVENT, "bad.ics:1: not a valid iCalendar file: expected BEGIN:VCALENDAR, found BEGIN:VEVENT"),
    ("", "bad.ics:1: not a valid iCalendar file: expected BEGIN:VCALENDAR, the file is empty"),
])
def test_a_file_that_is_not_icalendar_is_a_one_line_error(tmp_path, content, message):
    result = run(write(tmp_path, content))
    assert result.exit_code == 1
    assert result.stderr.endswith(message + "\n") and len(result.stderr.splitlines()) == 1
    assert result.stdout == "No directory given: deciding from title and attendee count only.\n\n"


def test_calendar_that_is_not_utf8(tmp_path):
    path = tmp_path / "bad.ics"
    path.write_bytes(calendar(VALID_EVENT).replace("SUMMARY:1:1", "SUMMARY:caf\xe9").encode("latin-1"))
    result = run(path)
    assert result.exit_code == 1
    assert "bad.ics:9: not UTF-8 text" in result.stderr


def test_other_files_are_scanned_when_one_cannot_be_read(tmp_path):
    latin = tmp_path / "latin.ics"
    latin.write_bytes(calendar(VALID_EVENT).replace("SUMMARY:1:1", "SUMMARY:caf\xe9").encode("latin-1"))
    skipping = write(tmp_path, calendar(VALID_EVENT.replace("UID:e1\n", "") + GOOD_EVENT), "skipping.ics")
    result = run(latin, CALENDARS / "ana.silva.ics", skipping, "--directory", PEOPLE)
    assert result.exit_code == 1  # a file not read outranks skipped events
    assert result.stderr.splitlines() == [f"{latin}:9: not UTF-8 text", f"{skipping}:4: event without a UID"]
    assert "ana.silva.ics: 4 one-on-ones in 10 events\n" in result.stdout
    assert "skipping.ics: 1 one-on-one in 1 events; 1 event skipped\n" in result.stdout
    assert result.stdout.endswith("Total: 5 one-on-ones in 11 events; 1 event skipped; 1 file not read\n")


def test_a_series_repeating_every_second_is_not_a_one_on_one_and_is_not_expanded():
    result = run(ICS_DATA / "secondly.ics", "--directory", PEOPLE, "--all", "--from", "2026-11-30", "--to", "2026-12-14")
    assert result.exit_code == 0, result.output
    assert "secondly.ics: 0 one-on-ones in 1 events\n" in result.stdout
    assert "why:  excluded: repeats more often than daily" in result.stdout


def test_a_series_cut_short_by_the_cap_is_reported(tmp_path):
    daily = GOOD_EVENT.replace("SUMMARY", "RRULE:FREQ=DAILY\nSUMMARY")
    result = run(write(tmp_path, calendar(daily), "daily.ics"), "--from", "2026-12-01", "--to", "2030-01-01")
    assert result.exit_code == 3
    assert result.stderr.endswith("daily.ics:4: series good cut short: more than 1000 occurrences in the window "
                                  "(the cap per series)\n")
    assert "daily.ics: 1000 one-on-ones in 1000 events; 1 series cut short\n" in result.stdout


def test_attendee_emails_match_the_directory_whatever_their_case(tmp_path):
    shouting = GOOD_EVENT.replace("mailto:ana.silva", "MAILTO:ANA.SILVA").replace("bo.nilsson@example.com",
                                                                                     "Bo.Nilsson@EXAMPLE.com")
    result = run(write(tmp_path, calendar(shouting.replace("SUMMARY", "RRULE:FREQ=WEEKLY\nSUMMARY")), "case.ics"),
                 "--directory", PEOPLE)
    assert result.exit_code == 0, result.output
    assert "who:  Ana Silva <ana.silva@example.com> -> Bo Nilsson <bo.nilsson@example.com>" in result.stdout


HEADER = "email,given_name,family_name,manager_email,org_unit_path,title,time_zone,is_admin\n"
BOSS = "boss@example.com,Boss,One,,/,CEO,Europe/Paris,false\n"


@pytest.mark.parametrize("content, message", [
    ("email,given_name,family_name,manager_email,org_unit_path\n", "people.csv:1: missing column(s): title, time_zone"),
    (HEADER + BOSS + "a@example.com,A,B,ghost@example.com,/,,Europe/Paris,false\n",
     "people.csv:3: manager ghost@example.com is not in the file"),
    (HEADER + BOSS + "not-an-email,A,B,,/,,Europe/Paris,false\n", "people.csv:3: email 'not-an-email' is not"),
    (HEADER + BOSS + "Boss@example.com,B,C,,/,,Europe/Paris,false\n",
     "people.csv:3: boss@example.com already appears on line 2"),
    (HEADER + BOSS + "a@example.com,A,B,,/,,Mars/Olympus,false\n", "people.csv:3: unknown time_zone 'Mars/Olympus'"),
    (HEADER + BOSS + "a@example.com,A,B,,/,,Europe/Paris,yes\n", "people.csv:3: is_admin must be true or false"),
    (HEADER + BOSS + "a@example.com,A,B,,Sales,,Europe/Paris,false\n", "people.csv:3: org_unit_path 'Sales' must"),
    (HEADER + "a@example.com,A,B,b@example.com,/,,,false\nb@example.com,B,C,a@example.com,/,,,false\n",
     "people.csv:2: reporting cycle: a@example.com -> b@example.com -> a@example.com"),
])
def test_malformed_people_csv_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    result = run(CALENDARS / "ana.silva.ics", "--directory", path)
    assert result.exit_code == 1
    assert message in result.stderr


# --- the demo seed itself

def _rows(name):
    with open(SEED / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_seed_people_use_only_known_org_units_and_one_hr_admin():
    units = {row["org_unit_path"] for row in _rows("orgunits.csv")}
    people = _rows("people.csv")
    assert {row["org_unit_path"] for row in people} <= units
    assert [row["email"] for row in people if row["is_admin"] == "true"] == ["fatima.haddad@example.com"]
    assert 32 <= len(people) <= 40


@pytest.mark.parametrize("path", sorted(CALENDARS.glob("*.ics")), ids=lambda p: p.name)
def test_seed_calendar_is_anchored_and_self_contained(path):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert cal["X-SEED-ANCHOR"] == "20261130"
    defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    used = set(re.findall(r";TZID=([^:;]+)", path.read_text(encoding="utf-8")))
    assert used <= defined
    organizers = {str(e["ORGANIZER"]).removeprefix("mailto:") for e in cal.walk("VEVENT")}
    assert organizers == {f"{path.stem}@example.com"}
