"""Peer-coaching cohorts on the sandbox: planned from the enabled managers, scheduled against
their free/busy in their own zones, invited once (the sandbox's invitations log shows each mail),
updated on membership change, exported as .ics, and run from the command line."""
from __future__ import annotations

import csv
import shutil
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import requests
from click.testing import CliRunner

from flask_app.cli import main
from flask_app.domain.cohorts import CohortRules, Member, violations
from flask_app.domain.records import OptOut
from flask_app.services.cohorts import COHORT_KEY, event_id
from tests.conftest import CoachHarness, LocalSandbox
from workspace_sandbox.core.seed import SEED_DIR, seed_world

QUARTER = "2027Q2"
NOW = datetime(2027, 3, 10, 6, tzinfo=timezone.utc)  # a fixed clock: nothing hangs on today
ORGANIZER = "fatima.haddad@example.com"  # the admin the directory is read as
EUROPE = ("Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Lisbon",
          "Europe/Stockholm", "Europe/Dublin", "Europe/Rome")
UNITS = ("/Engineering/Platform", "/Engineering/Data", "/Sales/EMEA", "/Product", "/People")


def _bigger_seed(folder):
    """The demo organisation with 16 more European managers (each with one report), so that
    the region around Europe holds enough managers for two cohorts."""
    seed = folder / "seed"
    shutil.copytree(SEED_DIR, seed)
    with (seed / "people.csv").open("a", encoding="utf-8", newline="") as handle:
        rows = csv.writer(handle, lineterminator="\n")
        for n in range(16):
            manager = f"lead{n:02d}@example.com"
            boss = "zoe.angstrom@example.com" if n < 4 else f"lead{n % 4:02d}@example.com"
            unit, zone = UNITS[n % len(UNITS)], EUROPE[n % len(EUROPE)]
            rows.writerow([manager, f"Lead{n:02d}", "Example", boss, unit, "Team Lead", zone,
                           "false", "en"])
            rows.writerow([f"member{n:02d}@example.com", f"Member{n:02d}", "Example", manager,
                           unit, "Engineer", zone, "false", "en"])
    return seed


def _pin(world, moment):
    with world.transaction() as tx:
        tx.set_setting("clock_offset", 0)
        tx.set_setting("clock_offset", (moment - tx.now()).total_seconds())


@pytest.fixture
def org(sandbox_server, tmp_path):
    seed_world(sandbox_server.world, seed_dir=_bigger_seed(tmp_path))
    _pin(sandbox_server.world, NOW)
    return CoachHarness(LocalSandbox(sandbox_server), tmp_path / "instance")


@pytest.fixture
def demo(sandbox_server, tmp_path):
    seed_world(sandbox_server.world)
    _pin(sandbox_server.world, NOW)
    return CoachHarness(LocalSandbox(sandbox_server), tmp_path / "instance")


def members_of(coach, planned):
    directory = coach.app.directory()
    noon = datetime(2027, 4, 1, 12, tzinfo=timezone.utc)
    return [Member(e, directory.get(e).manager_email, directory.get(e).org_unit_path, "",
                   int(noon.astimezone(ZoneInfo(planned.zones[e])).utcoffset()
                       .total_seconds() // 60))
            for e in planned.zones]


def busy(coach, email, start, end):
    """``email``'s busy times as the organiser's free/busy query shows them."""
    return coach.app.workspace.calendar(ORGANIZER).free_busy([email], start, end).get(email, [])


def invitations(coach, **query):
    answer = requests.get(f"{coach.sandbox.url}/_sandbox/calendar/invitations", params=query,
                          verify=coach.sandbox.ca_file)
    answer.raise_for_status()
    return answer.json()["invitations"]


def put_event(coach, organizer, start, end, summary="Offsite"):
    events = coach.service("calendar", organizer).events()
    events.insert(calendarId="primary", body={
        "summary": summary, "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": end.isoformat()}}).execute()


def test_the_plan_keeps_the_rules_and_each_session_fits_its_members_days(org):
    planned = org.app.cohorts().plan(QUARTER, by="test")
    live = [c for c in planned.cohorts if c.members]
    assert len(live) >= 2, planned.message
    assert violations(org.app.cohorts()._kept(QUARTER), members_of(org, planned),
                      CohortRules()) == []
    assert all(6 <= len(c.members) <= 10 for c in live)
    for cohort in live:
        assert cohort.start is not None and cohort.end - cohort.start == timedelta(minutes=90)
        for email in set(cohort.members) - set(cohort.conflicts):
            local = cohort.start.astimezone(ZoneInfo(planned.zones[email]))
            ends = cohort.end.astimezone(ZoneInfo(planned.zones[email]))
            assert local.weekday() < 5 and time(9) <= local.time() and ends.time() <= time(17)
            assert datetime(2027, 4, 1).date() <= local.date() <= datetime(2027, 4, 21).date()
            assert not [b for b in busy(org, email, cohort.start, cohort.end)]
    again = org.app.cohorts().plan(QUARTER, by="test")
    assert [(c.members, c.pairs, c.start) for c in again.cohorts] == \
        [(c.members, c.pairs, c.start) for c in planned.cohorts]


def test_a_member_busy_all_three_weeks_is_named_as_the_conflict(org):
    first = org.app.cohorts().plan("2027Q3", by="test")  # learn who is in a cohort
    member = next(e for c in first.cohorts for e in c.members if e.startswith("lead"))
    start = datetime(2027, 9, 30, tzinfo=timezone.utc)  # organisers put it in their calendar
    put_event(org, member, start, start + timedelta(days=24), "Parental leave")
    planned = org.app.cohorts().plan("2027Q4", by="test")
    cohort = next(c for c in planned.cohorts if member in c.members)
    assert cohort.start is not None
    assert cohort.conflicts == [member]


def test_invitations_go_out_once_and_follow_membership_changes(org):
    service = org.app.cohorts()
    planned = service.plan(QUARTER, by="test")
    sent = service.send(QUARTER, by="test")
    assert sent.problems == [] and set(sent.outcomes.values()) == {"made"}
    guests = {e for c in planned.cohorts for e in c.members}
    mails = invitations(org)
    assert sorted(m["to"] for m in mails) == sorted(guests)  # one each
    assert {m["method"] for m in mails} == {"invitation"}
    cohort = next(c for c in service.kept(QUARTER).cohorts if c.members)
    assert cohort.event_id == event_id(QUARTER, cohort.number, ORGANIZER)
    event = org.service("calendar", ORGANIZER).events().get(
        calendarId="primary", eventId=cohort.event_id).execute()
    assert sorted(a["email"] for a in event["attendees"]) == sorted(cohort.members)
    assert event["attachments"][0]["fileId"] == cohort.doc_id
    drive = org.service("drive", ORGANIZER)
    shared = {p["emailAddress"] for p in drive.permissions().list(
        fileId=cohort.doc_id, fields="permissions(emailAddress,role)").execute()["permissions"]}
    assert set(cohort.members) <= shared
    text = drive.files().export(fileId=cohort.doc_id, mimeType="text/plain").execute().decode()
    assert QUARTER in text and "A real coaching conversation" in text
    assert "Not shown: fewer than 5" in text  # nobody had mirrors last quarter

    assert set(service.send(QUARTER, by="test").outcomes.values()) == {"unchanged"}
    assert len(invitations(org)) == len(mails)  # nothing new was mailed
    assert len(drive.files().list(q=f"appProperties has {{ key='{COHORT_KEY}' and "
                                    f"value='{QUARTER}/{cohort.number}' }}").execute()
               ["files"]) == 1

    leaver = cohort.members[0]
    org.store.save_opt_out(OptOut(leaver, org.now()))
    service.plan(QUARTER, by="test")
    assert set(service.send(QUARTER, by="test").outcomes.values()) >= {"updated"}
    after = invitations(org)[len(mails):]
    stayed = [e for e in cohort.members if e != leaver]
    assert sorted((m["to"], m["method"]) for m in after) == sorted(
        [(leaver, "cancellation")] + [(e, "update") for e in stayed])
    shared = {p["emailAddress"] for p in drive.permissions().list(
        fileId=cohort.doc_id, fields="permissions(emailAddress)").execute()["permissions"]}
    assert leaver not in shared and set(stayed) <= shared


def test_a_person_who_wrote_in_the_cohort_doc_keeps_their_text(org):
    service = org.app.cohorts()
    service.plan(QUARTER, by="test")
    service.send(QUARTER, by="test")
    cohort = next(c for c in service.kept(QUARTER).cohorts if c.members)
    org.sandbox.person_types(cohort.doc_id, cohort.members[0], 1, "Bring: my Tuesday 1:1\n")
    before = org.sandbox.document_html(cohort.doc_id)
    service.send(QUARTER, by="test")
    assert org.sandbox.document_html(cohort.doc_id) == before


def test_the_ics_invitation_parses_back_with_organiser_guests_and_zone(org):
    service = org.app.cohorts()
    planned = service.plan(QUARTER, by="test")
    cohort = next(c for c in planned.cohorts if c.members)
    runner = CliRunner()
    env = {"COACH_INSTANCE_DIR": str(org.settings.instance_dir),
           "COACH_GOOGLE_API_ROOT": org.sandbox.url, "COACH_SANDBOX_CA": org.sandbox.ca_file}
    out = org.settings.instance_dir / "cohort.ics"
    result = runner.invoke(main, ["cohorts", "ics", "--quarter", QUARTER, "--cohort",
                                  str(cohort.number), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["ORGANIZER"]).lower() == f"mailto:{ORGANIZER}"
    assert sorted(str(a).lower().removeprefix("mailto:") for a in event.get("ATTENDEE")) == \
        sorted(cohort.members)
    assert event["DTSTART"].dt.astimezone(timezone.utc) == cohort.start
    zone = event["DTSTART"].params.get("TZID", "UTC")
    assert zone == "Europe/London"  # the organiser's calendar's zone
    assert any(z["TZID"] == zone for z in calendar.walk("VTIMEZONE"))
    second = runner.invoke(main, ["cohorts", "ics", "--quarter", QUARTER, "--cohort",
                                  str(cohort.number)], env=env)
    assert icalendar.Calendar.from_ical(second.output.encode()).walk("VEVENT")[0]["UID"] == \
        event["UID"]
    missing = runner.invoke(main, ["cohorts", "ics", "--quarter", QUARTER, "--cohort", "99"],
                            env=env)
    assert missing.exit_code != 0 and "has no cohort 99 (coach cohorts plan" in missing.output
    assert "Traceback" not in missing.output


def test_coach_cohorts_plan_and_send_on_the_demo_organisation(demo):
    runner = CliRunner()
    env = {"COACH_INSTANCE_DIR": str(demo.settings.instance_dir),
           "COACH_GOOGLE_API_ROOT": demo.sandbox.url, "COACH_SANDBOX_CA": demo.sandbox.ca_file}
    planned = runner.invoke(main, ["cohorts", "plan", "--quarter", QUARTER], env=env)
    assert planned.exit_code == 0, planned.output
    assert planned.output.startswith(f"{QUARTER}: 10 managers: one cohort of 4")
    assert "Cohort 1 (4): " in planned.output and "peer-coach pairs: " in planned.output
    assert "session: Thu 01 Apr 2027" in planned.output
    assert planned.output.count("Not placed: ") == 6
    sent = runner.invoke(main, ["cohorts", "send", "--quarter", QUARTER], env=env)
    assert sent.exit_code == 0 and sent.output == "cohort 1: made\n", sent.output
    again = runner.invoke(main, ["cohorts", "send", "--quarter", QUARTER], env=env)
    assert again.output == "cohort 1: unchanged\n"
    assert len(invitations(demo)) == 4
    bad = runner.invoke(main, ["cohorts", "plan", "--quarter", "2027-2"], env=env)
    assert bad.exit_code != 0 and "2027-2" in bad.output and "2027Q1" in bad.output


def test_the_cohort_pages_need_a_signed_in_admin(org):
    from flask_app import create_app
    client = create_app(coach=org.app, test_config={"TESTING": True}).test_client()
    org.app.cohorts().plan(QUARTER, by="test")
    for path in ("/admin/cohorts", f"/admin/cohorts/{QUARTER}/1.ics"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/signin" in answer.headers["Location"], path
    assert client.post("/admin/cohorts/send", data={"quarter": QUARTER}).status_code == 400
    assert invitations(org) == []  # no CSRF token, nothing sent


def test_opting_out_takes_a_manager_out_of_the_coming_session_at_once(org):
    service = org.app.cohorts()
    service.plan(QUARTER, by="test")
    service.send(QUARTER, by="test")
    cohort = next(c for c in service.kept(QUARTER).cohorts if c.members)
    leaver, mailed = cohort.members[-1], len(invitations(org))
    assert org.app.rollout().opt_out(leaver)  # from /optout or the add-on; HR does nothing
    assert [(m["to"], m["method"]) for m in invitations(org, to=leaver)][-1] == \
        (leaver, "cancellation")
    assert len(invitations(org)) == mailed + len(cohort.members)  # one each: cancel, updates
    kept = service.kept(QUARTER)
    assert all(leaver not in c.members for c in kept.cohorts)
    shared = {p["emailAddress"] for p in org.service("drive", ORGANIZER).permissions().list(
        fileId=cohort.doc_id, fields="permissions(emailAddress)").execute()["permissions"]}
    assert leaver not in shared


def test_an_empty_plan_is_formed_again_once_more_managers_are_enabled(demo):
    from flask_app.domain.rollout import Rollout
    demo.store.save_rollout(Rollout(units=["/Engineering"]))  # four managers, three regions
    service = demo.app.cohorts()
    assert [c for c in service.plan(QUARTER, by="test").cohorts if c.members] == []
    demo.store.save_rollout(Rollout(units=["/"]))
    formed = [c for c in service.plan(QUARTER, by="test").cohorts if c.members]
    assert len(formed) == 1 and len(formed[0].members) == 4
    kept = formed[0].members
    again = service.plan(QUARTER, by="test", afresh=True)
    assert [c.members for c in again.cohorts if c.members] == [kept]  # deterministic
