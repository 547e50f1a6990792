"""Reading real-world .ics files event by event: every malformed shape is one skipped event with its
file:line, the rest is read, and nothing a file holds makes the reader hang or raise anything else."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from flask_app.adapters.ics import read_events, read_instances
from flask_app.domain.occurrences import Limits
from flask_app.errors import InputError

LISBON = ZoneInfo("Europe/Lisbon")


def event(uid="e1", *extra, start="DTSTART;TZID=Europe/Lisbon:20261201T100000",
          end="DTEND;TZID=Europe/Lisbon:20261201T103000", summary="Ana / Bo") -> str:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", start, end, f"SUMMARY:{summary}", *extra, "END:VEVENT"]
    return "".join(f"{line}\r\n" for line in lines if line)


def calendar(*events: str, head: str = "") -> str:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{head}{''.join(events)}END:VCALENDAR\r\n"


def read(tmp_path, text: str, name: str = "cal.ics"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return read_events(path)


def problems(reading) -> list[str]:
    return [line.partition(".ics:")[2] for line in reading.skipped]


# Line numbers: 1-3 the calendar's head, 4 BEGIN:VEVENT, 5 UID, 6 DTSTART, 7 DTEND, 8 SUMMARY, 9 ...
@pytest.mark.parametrize("bad, message", [
    (event("e1", start=""), "4: event without DTSTART"),
    (event("e1", end="DTEND;VALUE=DATE:20261202"), "7: DTSTART and DTEND mix a date and a date-time"),
    (event("e1", start="DTSTART;VALUE=DATE:20261201"), "7: DTSTART and DTEND mix a date and a date-time"),
    (event("e1", "RRULE:FREQ=WEEKLY;BYDAY=MO,,TU"), "9: RRULE: Expected weekday abbreviation, got: "),
    (event("e1", "RRULE:FREQ=WEEKLY;BYDAY=XX"), "9: RRULE: Expected weekday abbreviation, got: XX"),
    (event("e1", "RRULE:FREQ=WEEKLY;UNTIL="), "9: RRULE: Expected datetime, date, or time. Got: ''"),
    (event("e1", "RRULE:FREQ=WEEKLY;COUNT=0"), "9: RRULE: COUNT must be a positive number, not 0"),
    (event("e1", "RRULE:FREQ=WEEKLY;INTERVAL=0"), "9: RRULE: INTERVAL must be a positive number, not 0"),
    (event("e1", "RRULE:INTERVAL=2"), "9: RRULE: no FREQ"),
    (event("e1", "RRULE:FREQ=MONTHLY;BYMONTHDAY=32"), "9: RRULE: BYMONTHDAY 32 is out of range"),
    (event("e1", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"), "9: RRULE: no BYMONTH has such a BYMONTHDAY"),
    (event("e1", "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20261231"), "9: RRULE: COUNT and UNTIL may not be used together"),
    (event("e1", "RRULE:FREQ=WEEKLY", "RRULE:FREQ=DAILY;BYHOUR=25"), "10: RRULE: hour must be in 0..23"),
    (event("e1", "EXDATE:2026"), "9: EXDATE: Expected datetime, date, or time. Got: '2026'"),
    (event("e1", start="DTSTART;TZID=Mars/Olympus:20261201T100000"),
     "6: DTSTART: unknown time zone 'Mars/Olympus' (no readable VTIMEZONE and not an IANA name)"),
    (event("e1", start="DTSTART:20261201T100000"), "6: DTSTART: floating time without a time zone"),
    (event("e1", end="DTEND;TZID=Europe/Lisbon:20261201T090000"), "7: the event ends before it starts"),
    (event("e1", "DURATION:-PT1H", end=""), "8: the event ends before it starts"),
    (event("e1", "STATUS:MAYBE"), "9: STATUS MAYBE is not one of CONFIRMED, TENTATIVE, CANCELLED"),
    (event("e1", "BEGIN:VALARM", "TRIGGER:soon", "END:VALARM"), "10: Expected datetime, date, or time. Got: 'soon'"),
    (event("e1", start="DTSTART;VALUE=DATE:99991231", end=""), "4: a date of the event is too close to year 1 or 9999"),
    (event("e1").replace("END:VEVENT\r\n", ""), "4: BEGIN:VEVENT without END:VEVENT"),
])
def test_each_nasty_shape_is_one_skipped_event_and_the_next_is_read(tmp_path, bad, message):
    reading = read(tmp_path, calendar(bad, event("good")))
    assert problems(reading) == [message]
    assert [e.id for e in reading.events] == ["good"]


@pytest.mark.parametrize("line", [
    "DTSTART;TZID=Europe/Lisbon:20261201T110000", "DTEND;TZID=Europe/Lisbon:20261201T113000", "DURATION:PT1H",
    "UID:e2", "SUMMARY:again", "RECURRENCE-ID;TZID=Europe/Lisbon:20261201T100000", "STATUS:CONFIRMED",
    "ORGANIZER:mailto:a@example.com", "DTSTAMP:20261120T090000Z", "SEQUENCE:1", "LOCATION:here",
    "DESCRIPTION:notes", "URL:https://example.com/x", "CLASS:PUBLIC", "TRANSP:OPAQUE", "PRIORITY:1"])
def test_a_property_that_may_appear_once_appearing_twice_is_named_on_its_second_line(tmp_path, line):
    name = line.split(":")[0].split(";")[0]
    text = calendar(event("e1", line, line, end="" if name == "DURATION" else
                          "DTEND;TZID=Europe/Lisbon:20261201T103000"), event("good"))
    lines = [n for n, text_line in enumerate(text.split("\r\n"), 1) if text_line.startswith(name)]
    reading = read(tmp_path, text)
    assert problems(reading) == [f"{lines[1]}: {name} appears more than once (first on line {lines[0]}); "
                                 f"it may appear only once"]
    assert [e.id for e in reading.events] == ["good"]


def test_the_reported_crash_two_dtstart_lines_and_a_duration(tmp_path):
    twice = event("e1", "DTSTART;TZID=Europe/Lisbon:20261202T100000", "DURATION:PT30M", end="")
    assert problems(read(tmp_path, calendar(twice))) == [
        "8: DTSTART appears more than once (first on line 6); it may appear only once"]


def test_a_missing_end_vevent_before_the_next_event_skips_only_the_open_one(tmp_path):
    reading = read(tmp_path, calendar(event("open").replace("END:VEVENT\r\n", ""), event("good")))
    assert problems(reading) == ["4: BEGIN:VEVENT without END:VEVENT"]
    assert [e.id for e in reading.events] == ["good"]


def test_byte_order_mark_folded_lines_and_stray_lines_outside_events(tmp_path):
    text = "\ufeff" + calendar(event("e1", summary="Ana / Bo weekly\r\n  catch-up"), "JUNK LINE\r\n", event("e2"))
    reading = read(tmp_path, text)
    assert reading.skipped == []
    assert [e.summary for e in reading.events] == ["Ana / Bo weekly catch-up", "Ana / Bo"]


def test_a_custom_vtimezone_is_used_and_a_broken_one_leaves_its_events_skipped(tmp_path):
    zones = ("BEGIN:VTIMEZONE\r\nTZID:Coach Standard\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
             "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
             "BEGIN:VTIMEZONE\r\nTZID:Coach Broken\r\nBEGIN:STANDARD\r\nDTSTART:soon\r\nEND:STANDARD\r\n"
             "END:VTIMEZONE\r\n")
    zoned = event("zoned", start="DTSTART;TZID=Coach Standard:20261201T100000",
                  end="DTEND;TZID=Coach Standard:20261201T103000")
    broken = event("broken", start="DTSTART;TZID=Coach Broken:20261201T100000",
                   end="DTEND;TZID=Coach Broken:20261201T103000")
    reading = read(tmp_path, calendar(zoned, broken, head=zones))
    assert [e.start.utcoffset() for e in reading.events] == [timedelta(hours=3)]
    assert problems(reading) == [
        "26: DTSTART: unknown time zone 'Coach Broken' (no readable VTIMEZONE and not an IANA name)"]


def test_a_huge_file_is_read_event_by_event(tmp_path):
    events = [event(f"e{n}", "RRULE:FREQ=WEEKLY" if n % 3 else "RRULE:FREQ=SECONDLY") for n in range(1500)]
    events[1234] = event("e1234", start="")
    path = tmp_path / "huge.ics"
    path.write_text(calendar(*events), encoding="utf-8", newline="")
    reading = read_instances(path, date(2026, 12, 1), date(2026, 12, 15))
    assert problems(reading) == [f"{4 + 1234 * 7}: event without DTSTART"]
    assert len(reading.events) == 999 * 2 + 500  # weekly twice; every-second series once, not expanded
    assert reading.cut_short == []


# --- read_instances

def instances(tmp_path, *events, start=date(2026, 12, 1), end=date(2026, 12, 29), **kwargs):
    path = tmp_path / "cal.ics"
    path.write_text(calendar(*events), encoding="utf-8", newline="")
    return read_instances(path, start, end, **kwargs)


def test_instances_apply_moves_cancellations_exdates_and_rdates(tmp_path):
    series = event("s", "RRULE:FREQ=WEEKLY", "EXDATE;TZID=Europe/Lisbon:20261215T100000", "RDATE;VALUE=DATE:20261224")
    moved = event("s", "RECURRENCE-ID;TZID=Europe/Lisbon:20261208T100000",
                  start="DTSTART;TZID=Europe/Lisbon:20261209T150000", end="DTEND;TZID=Europe/Lisbon:20261209T153000")
    cancelled = event("s", "RECURRENCE-ID;TZID=Europe/Lisbon:20261222T100000", "STATUS:CANCELLED",
                      start="DTSTART;TZID=Europe/Lisbon:20261222T100000", end="DTEND;TZID=Europe/Lisbon:20261222T103000")
    reading = instances(tmp_path, series, moved, cancelled)  # December 1st to 28th
    assert [(e.id, e.start, e.status) for e in reading.events] == [
        ("s_20261201T100000Z", datetime(2026, 12, 1, 10, tzinfo=LISBON), "confirmed"),
        ("s_20261208T100000Z", datetime(2026, 12, 9, 15, tzinfo=LISBON), "confirmed"),  # moved
        ("s_20261222T100000Z", datetime(2026, 12, 22, 10, tzinfo=LISBON), "cancelled"),
        ("s_20261224T100000Z", datetime(2026, 12, 24, 10, tzinfo=LISBON), "confirmed"),  # RDATE at the series' time
    ]  # December 15th is an EXDATE
    assert all(e.recurring_event_id == "s" and not e.recurrence for e in reading.events)


def test_instances_of_an_all_day_series_are_days(tmp_path):
    series = event("d", "RRULE:FREQ=WEEKLY;COUNT=3", start="DTSTART;VALUE=DATE:20261204", end="")
    reading = instances(tmp_path, series)
    assert [(e.id, e.start, e.end) for e in reading.events] == [
        (f"d_202612{d:02}", date(2026, 12, d), date(2026, 12, d + 1)) for d in (4, 11, 18)]


def test_the_window_is_midnight_in_each_event_s_own_zone(tmp_path):
    late = event("late", start="DTSTART;TZID=America/Los_Angeles:20261130T233000",
                 end="DTEND;TZID=America/Los_Angeles:20261130T235900")  # 07:30 UTC on December 1st
    assert instances(tmp_path, late).events == []


def test_single_events_are_not_instances_of_a_series(tmp_path):
    [single] = instances(tmp_path, event("one")).events
    assert (single.id, single.recurring_event_id, single.recurring) == ("one", None, False)


def test_instances_stop_at_the_limits_and_say_so(tmp_path):
    daily = [event(f"d{n}", "RRULE:FREQ=DAILY") for n in range(3)]
    reading = instances(tmp_path, *daily, limits=Limits(per_series=20, total=50))
    assert [sum(e.recurring_event_id == f"d{n}" for e in reading.events) for n in range(3)] == [20, 20, 10]
    assert [line.partition(".ics:")[2] for line in reading.cut_short] == [
        f"{4 + 7 * n}: series d{n} cut short: more than {cap} occurrences in the window (the cap {which})"
        for n, cap, which in ((0, 20, "per series"), (1, 20, "per series"), (2, 10, "for all series"))]


def test_an_old_series_runs_out_of_time_budget_before_the_window(tmp_path):
    old = event("old", "RRULE:FREQ=DAILY", start="DTSTART;TZID=Europe/Lisbon:19000101T100000",
                end="DTEND;TZID=Europe/Lisbon:19000101T103000")
    reading = instances(tmp_path, old, limits=Limits(steps=1_000))
    assert reading.events == []
    assert reading.cut_short[0].endswith("series old cut short: its rules gave more than 1000 starts (the time budget)")


def test_a_file_that_cannot_be_read_raises_one_line(tmp_path):
    with pytest.raises(InputError, match=r"missing.ics: cannot read: No such file or directory$"):
        read_events(tmp_path / "missing.ics")


def test_a_parser_failing_in_a_way_nobody_foresaw_skips_only_that_event(tmp_path, monkeypatch):
    real = icalendar.Event.from_ical

    def fragile(text, *args, **kwargs):
        if "UID:odd" in text:
            raise AttributeError("'ENDVEVENT' object has no attribute 'to_tz'")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(icalendar.Event, "from_ical", fragile)
    reading = read(tmp_path, calendar(event("odd"), event("good")))
    assert problems(reading) == ["4: cannot read this event: AttributeError: 'ENDVEVENT' object has no attribute 'to_tz'"]
    assert [e.id for e in reading.events] == ["good"]
