"""Expanding series into occurrences: the rules, and the bounds that keep any rule from running away."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from flask_app.domain.events import CalendarEvent
from flask_app.domain.occurrences import (ExpansionCutShort, Limits, RecurrenceError, expand, expand_bounded,
                                          repeats_more_often_than_daily)

LISBON = ZoneInfo("Europe/Lisbon")
START = datetime(2026, 12, 1, 10, tzinfo=LISBON)  # a Tuesday
DECEMBER = (datetime(2026, 12, 1, tzinfo=LISBON), datetime(2027, 1, 1, tzinfo=LISBON))


def series(*recurrence, start=START, minutes=30, **fields):
    return CalendarEvent(id="s", summary="Ana / Bo", start=start, end=start + timedelta(minutes=minutes),
                         recurrence=recurrence, **fields)


def days(occurrences):
    return [f"{o.start:%m-%d %H:%M}" for o in occurrences]


@pytest.mark.parametrize("recurrence, expected", [
    (("RRULE:FREQ=WEEKLY",), ["12-01 10:00", "12-08 10:00", "12-15 10:00", "12-22 10:00", "12-29 10:00"]),
    (("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=2",), ["12-01 10:00", "12-15 10:00"]),
    (("RRULE:FREQ=WEEKLY;UNTIL=20261215",), ["12-01 10:00", "12-08 10:00", "12-15 10:00"]),  # the whole day
    (("RRULE:FREQ=WEEKLY;UNTIL=20261215T095959Z",), ["12-01 10:00", "12-08 10:00"]),
    (("RRULE:FREQ=WEEKLY;UNTIL=20261208T100000",), ["12-01 10:00", "12-08 10:00"]),  # floating: the series' zone
    (("RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2",), ["12-01 10:00", "12-07 10:00", "12-14 10:00"]),  # DTSTART counts
    (("RRULE:FREQ=WEEKLY", "EXDATE;TZID=Europe/Lisbon:20261208T100000", "EXDATE:20261215T100000Z",
      "EXDATE;VALUE=DATE:20261222"), ["12-01 10:00", "12-29 10:00"]),
    (("RRULE:FREQ=WEEKLY;COUNT=1", "RDATE;VALUE=DATE:20261224", "RDATE;TZID=Europe/Lisbon:20261230T160000"),
     ["12-01 10:00", "12-24 10:00", "12-30 16:00"]),
    (("RRULE:FREQ=DAILY;COUNT=7", "EXRULE:FREQ=WEEKLY;BYDAY=SA,SU"),
     ["12-01 10:00", "12-02 10:00", "12-03 10:00", "12-04 10:00", "12-07 10:00"]),
    (("RRULE:FREQ=MONTHLY;BYDAY=1TU", "RRULE:FREQ=MONTHLY;BYDAY=1TU;BYHOUR=10;BYMINUTE=0"), ["12-01 10:00"]),
])
def test_rules_give_the_occurrences_in_the_window(recurrence, expected):
    assert days(expand(series(*recurrence), [], *DECEMBER)) == expected


def test_occurrences_keep_wall_time_across_daylight_saving():
    spring = expand(series("RRULE:FREQ=WEEKLY;COUNT=3", start=datetime(2027, 3, 22, 10, tzinfo=LISBON)), [],
                    datetime(2027, 3, 1, tzinfo=LISBON), datetime(2027, 4, 30, tzinfo=LISBON))
    assert [(f"{o.start:%H:%M}", o.start.utcoffset()) for o in spring] == [
        ("10:00", timedelta(0)), ("10:00", timedelta(hours=1)), ("10:00", timedelta(hours=1))]


def test_moved_and_cancelled_exceptions():
    moved = CalendarEvent("s_20261208T100000Z", "Ana / Bo", datetime(2026, 12, 9, 15, tzinfo=LISBON),
                          datetime(2026, 12, 9, 15, 30, tzinfo=LISBON), recurring_event_id="s",
                          original_start=datetime(2026, 12, 8, 10, tzinfo=LISBON))
    cancelled = CalendarEvent("s_20261215T100000Z", "Ana / Bo", datetime(2026, 12, 15, 10, tzinfo=LISBON),
                              datetime(2026, 12, 15, 10, 30, tzinfo=LISBON), status="cancelled",
                              recurring_event_id="s", original_start=datetime(2026, 12, 15, 10, tzinfo=LISBON))
    found = expand(series("RRULE:FREQ=WEEKLY;COUNT=3"), [moved, cancelled], *DECEMBER)
    assert [(days([o])[0], o.moved, o.cancelled, o.event_id) for o in found] == [
        ("12-01 10:00", False, False, "s_20261201T100000Z"),
        ("12-09 15:00", True, False, "s_20261208T100000Z"),
        ("12-15 10:00", False, True, "s_20261215T100000Z")]


def test_a_single_event_and_an_all_day_series():
    assert days(expand(series(), [], *DECEMBER)) == ["12-01 10:00"]
    all_day = CalendarEvent("d", "Offsite", date(2026, 12, 4), date(2026, 12, 5), all_day=True,
                            recurrence=("RRULE:FREQ=WEEKLY;COUNT=2",))
    assert [o.start for o in expand(all_day, [], *DECEMBER)] == [
        datetime(2026, 12, d, tzinfo=timezone.utc) for d in (4, 11)]


@pytest.mark.parametrize("line, message", [
    ("RRULE:FREQ=SOMETIMES", "RRULE: Expected frequency, got: SOMETIMES"),
    ("RRULE:FREQ=WEEKLY;COUNT=0", "RRULE: COUNT must be a positive number, not 0"),
    ("RRULE:FREQ=WEEKLY;UNTIL=", "RRULE: Expected datetime, date, or time. Got: ''"),
    ("RRULE:FREQ=HOURLY;INTERVAL=24;BYHOUR=3", "RRULE: Invalid rrule byxxx generates an empty set."),
    ("RRULE;VALUE=DATE:20261201", "RRULE: expected a recurrence rule"),
    ("RDATE;VALUE=DURATION:P1D", "RDATE: expected dates, date-times or periods"),
    ("X-RULE:FREQ=DAILY", "X-RULE: not an RRULE, EXRULE, RDATE or EXDATE line"),
])
def test_a_line_that_cannot_be_expanded_is_named(line, message):
    with pytest.raises(RecurrenceError) as raised:
        expand(series("RRULE:FREQ=WEEKLY", line), [], *DECEMBER)
    assert (str(raised.value), raised.value.line) == (message, line)


# --- bounds: each of these ran for seconds to hours, and grew without limit, before

DAILY = series("RRULE:FREQ=DAILY")
TEN_YEARS = (DECEMBER[0], datetime(2036, 12, 1, tzinfo=LISBON))


@pytest.mark.parametrize("rule", ["RRULE:FREQ=SECONDLY", "RRULE:FREQ=MINUTELY;INTERVAL=7;BYDAY=SA;BYHOUR=19",
                                  "RRULE:FREQ=SECONDLY;BYHOUR=0;BYMINUTE=0;BYSECOND=17,18,4;BYSETPOS=1"])
def test_a_series_repeating_more_often_than_daily_is_not_expanded(rule):
    from_google = series(rule, start=datetime(2000, 1, 1, tzinfo=timezone.utc))
    expansion = expand_bounded(from_google, [], *DECEMBER)
    assert (expansion.occurrences, expansion.steps) == ([], 0)
    assert expansion.cut_short == "it repeats more often than daily: not expanded"
    with pytest.raises(ExpansionCutShort, match="^series s: it repeats more often than daily: not expanded$"):
        expand(from_google, [], *DECEMBER)


def test_the_cap_per_series():
    expansion = expand_bounded(DAILY, [], *TEN_YEARS, limits=Limits(per_series=50))
    assert len(expansion.occurrences) == 50
    assert expansion.occurrences[-1].start == START + timedelta(days=49)
    assert expansion.cut_short == "more than 50 occurrences in the window (the cap per series)"


def test_expand_raises_with_what_it_found():
    with pytest.raises(ExpansionCutShort) as raised:
        expand(DAILY, [], *TEN_YEARS, limits=Limits(per_series=5))
    assert len(raised.value.occurrences) == 5
    assert str(raised.value) == "series s: more than 5 occurrences in the window (the cap per series)"


def test_expand_with_the_default_limits_stops_at_the_cap_per_series():
    with pytest.raises(ExpansionCutShort) as raised:
        expand(DAILY, [], *TEN_YEARS)
    assert len(raised.value.occurrences) == 1_000


def test_the_time_budget_counts_starts_drawn_before_the_window():
    long_ago = series("RRULE:FREQ=DAILY", start=datetime(1601, 1, 1, 10, tzinfo=LISBON))  # Outlook's "always"
    expansion = expand_bounded(long_ago, [], *DECEMBER, limits=Limits(steps=2_000))
    assert (expansion.occurrences, expansion.steps) == ([], 2_000)
    assert expansion.cut_short == "its rules gave more than 2000 starts (the time budget)"


def test_the_time_budget_counts_starts_an_exclusion_rule_removes():
    nothing_left = series("RRULE:FREQ=DAILY", "EXRULE:FREQ=DAILY")  # not one start comes out, up to year 9999
    expansion = expand_bounded(nothing_left, [], *DECEMBER, limits=Limits(steps=1_000))
    assert (expansion.occurrences, expansion.steps, expansion.cut_short) == (
        [], 1_000, "its rules gave more than 1000 starts (the time budget)")


def test_the_cap_in_total_is_shared_through_after():
    limits = Limits(per_series=30, total=50)
    first = expand_bounded(DAILY, [], *TEN_YEARS, limits=limits)
    second = expand_bounded(DAILY, [], *TEN_YEARS, limits=limits.after(first))
    assert (len(first.occurrences), len(second.occurrences)) == (30, 20)
    assert second.cut_short == "more than 20 occurrences in the window (the cap for all series)"
    assert first.steps == 31  # the 31st start says there are more
    assert limits.after(first).after(second) == Limits(30, 0, limits.steps - first.steps - second.steps)


def test_a_series_within_its_limits_is_not_cut_short():
    expansion = expand_bounded(DAILY, [], *DECEMBER, limits=Limits(per_series=31, steps=32))
    assert (len(expansion.occurrences), expansion.cut_short) == (31, None)


@pytest.mark.parametrize("rule, often", [
    ("RRULE:FREQ=SECONDLY", True), ("RRULE:FREQ=MINUTELY;INTERVAL=30", True), ("RRULE:FREQ=HOURLY;INTERVAL=12", True),
    ("RRULE:FREQ=HOURLY;INTERVAL=24", False), ("RRULE:FREQ=MINUTELY;INTERVAL=2880", False),
    ("RRULE:FREQ=DAILY;BYHOUR=9,17", True), ("RRULE:FREQ=WEEKLY;BYDAY=MO;BYMINUTE=0,30", True),
    ("RRULE:FREQ=DAILY;BYHOUR=9,17;BYSETPOS=1", False), ("RRULE:FREQ=DAILY", False),
    ("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", False), ("rrule:freq=hourly", True), ("RDATE:20261201T100000Z", False),
])
def test_repeats_more_often_than_daily(rule, often):
    assert repeats_more_often_than_daily((rule,)) is often


# --- no rule runs away

_FREQS = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _values(low, high):
    return st.lists(st.integers(low, high), min_size=1, max_size=4, unique=True).map(lambda v: ",".join(map(str, v)))


@st.composite
def rules(draw):
    """Random RRULEs that can match (rules that never can are dateutil's own search; see occurrences)."""
    freq = draw(st.sampled_from(_FREQS))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 6))}"]  # 7 could miss a BYDAY forever
    ending = draw(st.sampled_from(("", "COUNT", "UNTIL")))
    if ending == "COUNT":
        parts.append(f"COUNT={draw(st.integers(1, 10**9))}")
    elif ending == "UNTIL":
        parts.append(f"UNTIL={draw(st.dates(date(2026, 1, 1), date(2100, 1, 1))):%Y%m%d}")
    optional = {
        "BYDAY": st.lists(st.sampled_from(_DAYS), min_size=1, unique=True).map(",".join),
        "BYMONTHDAY": _values(1, 28), "BYHOUR": _values(0, 23), "BYMINUTE": _values(0, 59),
        "BYSECOND": _values(0, 59), "BYSETPOS": st.sampled_from(("1", "-1")),
    }
    if freq == "YEARLY" or parts[1] == "INTERVAL=1":  # other months could never come round
        optional["BYMONTH"] = _values(1, 12)
    for part, values in optional.items():
        if draw(st.booleans()):
            parts.append(f"{part}={draw(values)}")
    return "RRULE:" + ";".join(parts)


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(rule=rules(), start=st.datetimes(datetime(1990, 1, 1), datetime(2030, 1, 1), timezones=st.just(LISBON)),
       window_days=st.integers(1, 366 * 3))
def test_no_rule_expands_past_its_limits(rule, start, window_days):
    limits = Limits(per_series=200, total=150, steps=3_000)
    window = datetime(2026, 12, 1, tzinfo=LISBON), datetime(2026, 12, 1, tzinfo=LISBON) + timedelta(days=window_days)
    try:
        expansion = expand_bounded(series(rule, start=start), [], *window, limits=limits)
    except RecurrenceError:
        return  # dateutil rejects some combinations ("byxxx generates an empty set"): never expanded
    assert len(expansion.occurrences) <= 150
    assert expansion.steps <= 3_000
    if repeats_more_often_than_daily((rule,)):
        assert expansion.steps == 0
    starts = [o.start for o in expansion.occurrences]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(window[0] - o.start < o.end - o.start and o.start < window[1] for o in expansion.occurrences)
