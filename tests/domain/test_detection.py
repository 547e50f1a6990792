"""The one-on-one classifier: one table of events, and the demo organisation's calendars."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workspace_sandbox import SEED_DIR
from flask_app.adapters.ics import read_events
from flask_app.adapters.people_csv import read_directory
from flask_app.domain.detection import DetectionSettings, classify
from flask_app.domain.events import Attendee, CalendarEvent, cadence
from flask_app.domain.people import Directory, Person

SEED = SEED_DIR
LISBON = ZoneInfo("Europe/Lisbon")
START = datetime(2026, 12, 1, 10, 0, tzinfo=LISBON)


def _person(local, name, manager=None, given="", family=""):
    return Person(f"{local}@example.com", name, manager and f"{manager}@example.com",
                  given_name=given or name.split()[0], family_name=family or name.split()[-1])


# A slice of the demo organisation: jose -> ana -> bo, sam; jose -> fang -> wei; lucia -> emily.
DIRECTORY = Directory([
    _person("jose.alvarez", "José Álvarez"),
    _person("ana.silva", "Ana Silva", "jose.alvarez"),
    _person("bo.nilsson", "Bo Nilsson", "ana.silva"),
    _person("sam.rivera", "Sam 🚀 Rivera", "ana.silva", given="Sam 🚀", family="Rivera"),
    _person("fang.wang", "王芳", "jose.alvarez", given="芳", family="王"),
    _person("wei.li", "李伟", "fang.wang", given="伟", family="李"),
    _person("lucia.fernandez", "Lucía Fernández", "jose.alvarez"),
    _person("emily.carter", "Emily Carter", "lucia.fernandez"),
])
DEFAULT = DetectionSettings()
WEEKLY = ("RRULE:FREQ=WEEKLY",)


def event(summary="Ana / Bo", people=("ana.silva", "bo.nilsson"), *, minutes=30, declined=(), **fields):
    """A 30-minute single event organised by the first person, everyone accepted unless declined."""
    emails = [p if "@" in p else f"{p}@example.com" for p in people]
    attendees = tuple(Attendee(e, response_status="declined" if e.split("@")[0] in declined else "accepted",
                               organizer=i == 0) for i, e in enumerate(emails))
    base = CalendarEvent(id="evt", summary=summary, start=START, end=START + timedelta(minutes=minutes),
                         organizer_email=emails[0] if emails else "", attendees=attendees)
    return replace(base, **fields)


ROOM = Attendee("c_1880room@resource.calendar.google.com", "Lisbon-2-Tejo (6)", "accepted", resource=True)
ALL_DAY = dict(start=date(2026, 12, 3), end=date(2026, 12, 4), all_day=True)
ANA, BO = "ana.silva@example.com", "bo.nilsson@example.com"
ONE_OFF = "excluded: a one-off meeting whose title does not say one-on-one"

# (case id, event, directory, settings, is one-on-one, (manager, report), a reason that must be given)
CASES = [
    # --- titles of names only
    ("names slash", event("Ana / Bo", recurrence=WEEKLY), DIRECTORY, DEFAULT, True, (ANA, BO), "title names both people"),
    ("names chevrons", event("Bo <> Ana"), DIRECTORY, DEFAULT, True, (ANA, BO), "title names both people"),
    ("names ampersand, family name", event("Silva & Nilsson"), DIRECTORY, DEFAULT, True, (ANA, BO), "title names both people"),
    ("name of one only is not enough", event("Bo"), DIRECTORY, DEFAULT, False, None, ONE_OFF),
    ("name inside another word", event("Anaconda / Bob"), DIRECTORY, DEFAULT, False, None, ONE_OFF),
    ("emoji in a name", event("Sam 🚀 / Ana", ("sam.rivera", "ana.silva")), DIRECTORY, DEFAULT, True,
     (ANA, "sam.rivera@example.com"), "title names both people"),
    ("CJK full names", event("王芳 / 李伟", ("fang.wang", "wei.li")), DIRECTORY, DEFAULT, True,
     ("fang.wang@example.com", "wei.li@example.com"), "title names both people"),
    ("scheduling tool, accents dropped",
     event("30 Minute Meeting between Emily Carter and Lucia Fernandez", ("emily.carter", "lucia.fernandez")),
     DIRECTORY, DEFAULT, True, ("lucia.fernandez@example.com", "emily.carter@example.com"), "title names both people"),
    # --- one-on-one phrases
    ("1:1", event("1:1 Bo"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '1:1'"),
    ("1:1s plural", event("Weekly 1:1s"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '1:1'"),
    ("1-1", event("Bo 1-1"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '1-1'"),
    ("1on1", event("1on1 Bo"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '1 on 1'"),
    ("1 on 1", event("1 on 1 with Bo"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '1 on 1'"),
    ("One-on-One", event("One-on-One: Bo"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches 'one on one'"),
    ("French", event("Réunion individuelle"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches 'réunion individuelle'"),
    ("French without accents", event("reunion individuelle"), DIRECTORY, DEFAULT, True, (ANA, BO),
     "title matches 'réunion individuelle'"),
    ("tête-à-tête", event("Tête-à-tête"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches 'tête-à-tête'"),
    ("German upper case", event("EINZELGESPRÄCH"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches 'Einzelgespräch'"),
    ("Spanish", event("Reunión 1:1"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '1:1'"),
    ("Japanese", event("1対1 佐藤 / 鈴木"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '1対1'"),
    ("Japanese full width", event("１対１"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '1対1'"),
    ("Chinese", event("一对一"), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '一对一'"),
    ("a time is not 1:1", event("Sync at 11:15"), DIRECTORY, DEFAULT, False, None, ONE_OFF),
    # --- recurrence and organisers
    ("neutral title, weekly", event("Weekly sync", recurrence=WEEKLY), DIRECTORY, DEFAULT, True, (ANA, BO),
     "recurring weekly"),
    ("neutral title, every 2 weeks", event("Sync", recurrence=("RRULE:FREQ=WEEKLY;INTERVAL=2",)), DIRECTORY,
     DEFAULT, True, (ANA, BO), "recurring every 2 weeks"),
    ("neutral title, monthly", event("Sync", recurrence=("RRULE:FREQ=MONTHLY;BYDAY=1TH",)), DIRECTORY, DEFAULT,
     True, (ANA, BO), "recurring monthly"),
    ("instance of a series", event("Sync", recurring=True, recurring_event_id="series"), DIRECTORY, DEFAULT,
     True, (ANA, BO), "instance of a recurring series"),
    ("moved instance", event("Ana / Bo", recurring=True, recurring_event_id="series",
                             original_start=START - timedelta(days=1)), DIRECTORY, DEFAULT, True, (ANA, BO),
     "instance of a recurring series"),
    ("one-off, neutral title", event("Incident review prep"), DIRECTORY, DEFAULT, False, None,
     ONE_OFF),
    ("one-off allowed by setting", event("Incident review prep"), DIRECTORY,
     DetectionSettings(require_title_or_recurrence=False), True, (ANA, BO), "ana.silva@example.com manages bo.nilsson@example.com"),
    ("organised by the report", event("Ana / Bo", ("bo.nilsson", "ana.silva")), DIRECTORY, DEFAULT, True, (ANA, BO),
     "ana.silva@example.com manages bo.nilsson@example.com"),
    # --- people
    ("room does not count", replace(event("Ana / Bo"), attendees=event().attendees + (ROOM,)), DIRECTORY, DEFAULT,
     True, (ANA, BO), "exactly two people"),
    ("report tentative", replace(event(), attendees=(event().attendees[0], Attendee(BO, response_status="tentative"))),
     DIRECTORY, DEFAULT, True, (ANA, BO), "exactly two people"),
    ("emails differ in case", replace(event(), attendees=(Attendee("Bo.Nilsson@Example.com", "Bo"),)), DIRECTORY,
     DEFAULT, True, (ANA, BO), "exactly two people"),
    ("organiser and guest shout", event("Ana / Bo", ("ANA.SILVA@EXAMPLE.COM", "Bo.Nilsson@Example.com"),
                                        recurrence=WEEKLY), DIRECTORY, DEFAULT, True, (ANA, BO), "title names both people"),
    ("declined in capitals", replace(event(), attendees=(Attendee("BO.NILSSON@example.com", response_status="declined"),)),
     DIRECTORY, DEFAULT, False, None, "excluded: declined by bo.nilsson@example.com"),
    ("directory in capitals", event("Sync", recurrence=WEEKLY), Directory([
        _person("ANA.Silva", "Ana Silva"), _person("Bo.NILSSON", "Bo Nilsson", "ANA.Silva")]), DEFAULT, True, (ANA, BO),
     "ana.silva@example.com manages bo.nilsson@example.com"),
    ("declined by the report", event(declined=("bo.nilsson",)), DIRECTORY, DEFAULT, False, None,
     "excluded: declined by bo.nilsson@example.com"),
    ("declined by the manager", event(declined=("ana.silva",)), DIRECTORY, DEFAULT, False, None,
     "excluded: declined by ana.silva@example.com"),
    ("three people", event("1:1", ("ana.silva", "bo.nilsson", "sam.rivera")), DIRECTORY, DEFAULT, False, None,
     "excluded: 3 people, not two"),
    ("optional third person counts", replace(event("1:1"), attendees=event().attendees + (
        Attendee("sam.rivera@example.com", optional=True),)), DIRECTORY, DEFAULT, False, None, "excluded: 3 people, not two"),
    ("nobody else", event("Focus", ("ana.silva",)), DIRECTORY, DEFAULT, False, None, "excluded: only one person"),
    ("contractor outside the domain", event("Dana / Ana 1:1", ("ana.silva", "dana.whitfield@partner.io")),
     DIRECTORY, DEFAULT, False, None, "excluded: attendee outside the domain: dana.whitfield@partner.io"),
    ("group address is not a person", event("All-hands", ("ana.silva", "everyone@example.com")), DIRECTORY,
     DEFAULT, False, None, "excluded: not in the directory: everyone@example.com"),
    ("domains from settings", event("1:1", ("ana.silva", "bo.nilsson")), DIRECTORY,
     DetectionSettings(domains=("partner.io",)), False, None, "excluded: attendee outside the domain: ana.silva@example.com"),
    # --- event-level exclusions
    ("cancelled", event("Ana / Bo", status="cancelled"), DIRECTORY, DEFAULT, False, None, "excluded: cancelled"),
    ("every second", event("Ana / Bo 1:1", recurrence=("RRULE:FREQ=SECONDLY",)), DIRECTORY, DEFAULT, False, None,
     "excluded: repeats more often than daily"),
    ("hourly", event("Ana / Bo 1:1", recurrence=("RRULE:FREQ=HOURLY;INTERVAL=4",)), DIRECTORY, DEFAULT, False, None,
     "excluded: repeats more often than daily"),
    ("twice a day", event("Ana / Bo 1:1", recurrence=("RRULE:FREQ=DAILY;BYHOUR=9,17",)), DIRECTORY, DEFAULT, False,
     None, "excluded: repeats more often than daily"),
    ("daily is fine", event("Ana / Bo 1:1", recurrence=("RRULE:FREQ=DAILY",)), DIRECTORY, DEFAULT, True, (ANA, BO),
     "recurring daily"),
    ("cancelled instance stripped by Google", CalendarEvent("s_20261201T100000Z", "", START, START, status="cancelled",
     recurring_event_id="s", original_start=START), DIRECTORY, DEFAULT, False, None, "excluded: cancelled"),
    ("all-day", event("Ana / Bo: planning day", **ALL_DAY), DIRECTORY, DEFAULT, False, None, "excluded: all-day event"),
    ("out of office", event("Out of office", ("ana.silva",), event_type="outOfOffice"), DIRECTORY, DEFAULT, False,
     None, "excluded: out-of-office event"),
    ("focus time", event("1:1 prep", ("ana.silva",), event_type="focusTime"), DIRECTORY, DEFAULT, False, None,
     "excluded: focus time event"),
    ("working location", event("Home", ("ana.silva",), event_type="workingLocation", **ALL_DAY), DIRECTORY,
     DEFAULT, False, None, "excluded: working location event"),
    ("3-hour 1:1 workshop", event("1:1 workshop", minutes=180), DIRECTORY, DEFAULT, False, None,
     "excluded: lasts 3h, longer than 1h 30m"),
    ("exactly the limit", event("1:1", minutes=90), DIRECTORY, DEFAULT, True, (ANA, BO), "title matches '1:1'"),
    ("a minute over", event("1:1", minutes=91), DIRECTORY, DEFAULT, False, None,
     "excluded: lasts 1h 31m, longer than 1h 30m"),
    # --- skip-level and peers
    ("skip-level off", event("Skip-level: José / Bo", ("jose.alvarez", "bo.nilsson")), DIRECTORY, DEFAULT, False,
     None, "excluded: skip-level one-on-ones are not included"),
    ("skip-level on", event("Skip-level: José / Bo", ("jose.alvarez", "bo.nilsson")), DIRECTORY,
     DetectionSettings(include_skip_level=True), True, ("jose.alvarez@example.com", BO),
     "skip-level: jose.alvarez@example.com is above bo.nilsson@example.com's manager ana.silva@example.com"),
    ("skip-level on, one-off neutral title", event("Coffee", ("bo.nilsson", "jose.alvarez")), DIRECTORY,
     DetectionSettings(include_skip_level=True), False, None, ONE_OFF),
    ("peers off", event("Peer 1:1 Ana / Fang", ("ana.silva", "fang.wang")), DIRECTORY, DEFAULT, False, None,
     "excluded: peer one-on-ones are not included"),
    ("peers on, title says 1:1", event("Peer 1:1 Ana / Fang", ("ana.silva", "fang.wang")), DIRECTORY,
     DetectionSettings(include_peer=True), True, None, "no reporting line between ana.silva@example.com and fang.wang@example.com: peers"),
    ("peers on, neutral title", event("Sync", ("ana.silva", "fang.wang"), recurrence=WEEKLY), DIRECTORY,
     DetectionSettings(include_peer=True), False, None, "excluded: peers, and the title does not say one-on-one"),
    # --- without a directory
    ("no directory, title", event("1:1 Bo"), None, DEFAULT, True, None,
     "no directory: decided from title and attendee count only"),
    ("no directory, names from display names", replace(event("Ana / Bo"), attendees=(
        Attendee("a@example.com", "Ana Silva"), Attendee("b@example.com", "Bo Nilsson")), organizer_email="a@example.com"),
     None, DEFAULT, True, None, "title names both people"),
    ("no directory, neutral title", event("Weekly sync", recurrence=WEEKLY), None, DEFAULT, False, None,
     "excluded: the title does not say one-on-one"),
]


@pytest.mark.parametrize("evt, directory, settings, expected, pair, reason",
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_classify(evt, directory, settings, expected, pair, reason):
    detection = classify(evt, directory, settings)
    assert detection.is_one_on_one is expected, detection.reasons
    assert (detection.manager_email, detection.report_email) == (pair or (None, None))
    assert reason in detection.reasons


@pytest.mark.parametrize("fields", [{"max_duration": timedelta(0)}, {"title_phrases": ("1:1", " ")}])
def test_settings_refuse_nonsense(fields):
    with pytest.raises(ValueError):
        DetectionSettings(**fields)


def test_the_table_is_big_enough():
    assert len(CASES) >= 40 and len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("recurrence, text", [
    ((), None),
    (("RRULE:FREQ=WEEKLY",), "weekly"),
    (("RRULE:FREQ=WEEKLY;INTERVAL=2", "EXDATE;TZID=Europe/Paris:20261229T100000"), "every 2 weeks"),
    (("RRULE:FREQ=MONTHLY;BYDAY=1TH",), "monthly"),
    (("RRULE:FREQ=DAILY;INTERVAL=3",), "every 3 days"),
    (("RRULE:FREQ=WEEKLY;UNTIL=20261215T155959Z",), "weekly until 2026-12-15"),
    (("RRULE:FREQ=WEEKLY;COUNT=4",), "weekly, 4 times"),
    (("RDATE;TZID=Europe/Paris:20261216T100000",), "on set dates"),
])
def test_cadence(recurrence, text):
    assert cadence(recurrence) == text


# Every one-on-one in the demo calendars under the default settings: event id -> (manager, report).
SEED_ONE_ON_ONES = {
    "nw-olivia-jose-weekly@example.com": ("olivia.bennett", "jose.alvarez"),
    "nw-olivia-priya-weekly@example.com": ("olivia.bennett", "priya.raman"),
    "nw-olivia-zoe-biweekly@example.com": ("olivia.bennett", "zoe.angstrom"),
    "nw-olivia-lena-weekly@example.com": ("olivia.bennett", "lena.fischer"),
    "nw-olivia-ruth-weekly@example.com": ("olivia.bennett", "ruth.okafor"),
    "nw-jose-ana-weekly@example.com": ("jose.alvarez", "ana.silva"),
    "nw-jose-fang-biweekly@example.com": ("jose.alvarez", "fang.wang"),
    "nw-jose-ken-weekly@example.com": ("jose.alvarez", "ken.sato"),
    "nw-jose-ken-weekly@example.com_20261210T080000Z": ("jose.alvarez", "ken.sato"),  # the moved instance
    "nw-ana-bo-weekly@example.com": ("ana.silva", "bo.nilsson"),
    "nw-ana-kwame-weekly@example.com": ("ana.silva", "kwame.mensah"),
    "nw-ana-hannah-weekly@example.com": ("ana.silva", "hannah.schulz"),
    "nw-ana-arjun-weekly@example.com": ("ana.silva", "arjun.patel"),
    "nw-sam-ana-biweekly@example.com": ("ana.silva", "sam.rivera"),
    "nw-fang-wei-weekly@example.com": ("fang.wang", "wei.li"),
    "nw-fang-nadia-biweekly@example.com": ("fang.wang", "nadia.petrova"),
    "nw-fang-tomas-weekly@example.com": ("fang.wang", "tomas.ortega"),
    "nw-fang-tomas-weekly_R20261217T090000@example.com": ("fang.wang", "tomas.ortega"),
    "nw-fang-grace-monthly@example.com": ("fang.wang", "grace.oneill"),
    "nw-ken-hanako-weekly@example.com": ("ken.sato", "hanako.suzuki"),
    "nw-ken-daniel-weekly@example.com": ("ken.sato", "daniel.kim"),
    "nw-ken-yuki-biweekly@example.com": ("ken.sato", "yuki.watanabe"),
    "nw-chloe-emile-weekly@example.com": ("chloe.dubois", "emile.laurent"),
    "nw-chloe-henrik-weekly@example.com": ("chloe.dubois", "henrik.larsen"),
    "nw-chloe-ingrid-biweekly@example.com": ("chloe.dubois", "ingrid.bauer"),
    "nw-chloe-fatou-weekly@example.com": ("chloe.dubois", "fatou.diop"),
    "nw-lucia-diego-weekly@example.com": ("lucia.fernandez", "diego.ramirez"),
    "nw-lucia-emily-weekly@example.com": ("lucia.fernandez", "emily.carter"),
    "nw-lucia-jordan-biweekly@example.com": ("lucia.fernandez", "jordan.lee"),
    "nw-lucia-marcus-weekly@example.com": ("lucia.fernandez", "marcus.johnson"),
    "nw-emily-calendly-lucia@example.com": ("lucia.fernandez", "emily.carter"),
    "nw-priya-chloe-weekly@example.com": ("priya.raman", "chloe.dubois"),
    "nw-priya-lucia-biweekly@example.com": ("priya.raman", "lucia.fernandez"),
    "nw-priya-omar-weekly@example.com": ("priya.raman", "omar.farouk"),
    "nw-zoe-fatima-weekly@example.com": ("zoe.angstrom", "fatima.haddad"),
    "nw-zoe-noah-biweekly@example.com": ("zoe.angstrom", "noah.williams"),
    "nw-lena-jonas-weekly@example.com": ("lena.fischer", "jonas.weber"),
    "nw-lena-klara-biweekly@example.com": ("lena.fischer", "klara.schmidt"),
    "nw-lena-ravi-monthly@example.com": ("lena.fischer", "ravi.kumar"),
}


def _scan_seed(settings):
    directory = read_directory(SEED / "people.csv")
    found = {}
    for path in sorted((SEED / "calendars").glob("*.ics")):
        for evt in read_events(path).events:
            detection = classify(evt, directory, settings)
            if detection.is_one_on_one:
                found[evt.id] = (detection.manager_email, detection.report_email)
    return directory, found


def test_demo_calendars_hold_exactly_the_expected_one_on_ones():
    directory, found = _scan_seed(DEFAULT)
    expected = {uid: (f"{m}@example.com", f"{r}@example.com") for uid, (m, r) in SEED_ONE_ON_ONES.items()}
    assert found == expected
    # Every manager has a one-on-one with every direct report.
    assert set(found.values()) == {(p.manager_email, p.email) for p in directory if p.manager_email}


def test_demo_calendars_with_skip_level_and_peers():
    _, found = _scan_seed(DetectionSettings(include_skip_level=True, include_peer=True))
    extra = {uid: pair for uid, pair in found.items() if uid not in SEED_ONE_ON_ONES}
    assert extra == {"nw-jose-bo-skip-level@example.com": ("jose.alvarez@example.com", "bo.nilsson@example.com"),
                     "nw-ana-fang-peer@example.com": (None, None)}
