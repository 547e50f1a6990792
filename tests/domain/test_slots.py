"""Finding a cohort's meeting slot: working hours and weekends in each person's own zone, DST, busy
intervals, and the best partial slot when not everyone can meet."""
from __future__ import annotations

import time as clock
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from flask_app.domain.slots import Attendee, Slot, candidate_window, find_slot

UTC = timezone.utc
MONDAY = date(2027, 1, 4)  # a Monday; London on GMT, Berlin on CET, Sydney on AEDT, LA on PST


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def whole_window(first_day: date = MONDAY, weeks: int = 3) -> list[tuple[datetime, datetime]]:
    return [candidate_window(first_day, weeks)]


def test_candidate_window_covers_every_zones_local_days():
    start, end = candidate_window(date(2027, 1, 1))
    assert (start, end) == (utc(2026, 12, 31, 10), utc(2027, 1, 22, 14))
    kiritimati, baker = ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12")  # UTC+14, UTC-12
    assert start <= datetime(2027, 1, 1, tzinfo=kiritimati)
    assert datetime(2027, 1, 22, tzinfo=baker) <= end
    assert candidate_window(date(2027, 4, 1), weeks=1)[1] == utc(2027, 4, 8, 14)


def test_everyone_free_gives_the_earliest_common_working_hour():
    # Berlin works 08:00-16:00 UTC in January, London 09:00-17:00 UTC.
    group = [Attendee("lena@example.com", "Europe/Berlin"), Attendee("amy@example.com", "Europe/London")]
    slot = find_slot(group, {}, MONDAY)
    assert slot == Slot(start=utc(2027, 1, 4, 9), end=utc(2027, 1, 4, 10, 30),
                        free=("amy@example.com", "lena@example.com"), conflicts=())
    assert slot.start.astimezone(ZoneInfo("Europe/Berlin")).hour == 10


def test_the_latest_start_of_a_day_still_ends_by_day_end():
    # London busy until 15:30 UTC on the Monday: 15:30-17:00 still fits for London alone ...
    amy = [Attendee("amy@example.com", "Europe/London")]
    assert find_slot(amy, {"amy@example.com": [(utc(2027, 1, 4, 9), utc(2027, 1, 4, 15, 30))]},
                     MONDAY).start == utc(2027, 1, 4, 15, 30)
    # ... but not once 15:31 is taken: the next is Tuesday 09:00.
    assert find_slot(amy, {"amy@example.com": [(utc(2027, 1, 4, 9), utc(2027, 1, 4, 15, 31))]},
                     MONDAY).start == utc(2027, 1, 5, 9)


def test_minutes_step_and_working_hours_are_honoured():
    amy = [Attendee("amy@example.com", "Europe/London")]
    busy = {"amy@example.com": [(utc(2027, 1, 4, 9), utc(2027, 1, 4, 9, 10))]}
    slot = find_slot(amy, busy, MONDAY, minutes=45, step_minutes=15, day_start=time(8), day_end=time(10))
    assert (slot.start, slot.end) == (utc(2027, 1, 4, 8), utc(2027, 1, 4, 8, 45))
    busy = {"amy@example.com": [(utc(2027, 1, 4, 8), utc(2027, 1, 4, 8, 10))]}
    slot = find_slot(amy, busy, MONDAY, minutes=45, step_minutes=15, day_start=time(8), day_end=time(10))
    assert slot.start == utc(2027, 1, 4, 8, 15)  # the next 15-minute grid point, not 08:10


def test_weekdays_are_each_persons_local_weekdays():
    # Sydney (UTC+11) starts its Monday at 22:00 UTC on the Sunday: that counts.
    sam = [Attendee("sam@example.com", "Australia/Sydney")]
    assert find_slot(sam, {}, MONDAY).start == utc(2027, 1, 3, 22)
    # Tokyo's Saturday 09:00 is 00:00 UTC on the Saturday: after a busy week, the next slot is
    # Monday 09:00 in Tokyo (00:00 UTC on the Monday), not Saturday.
    yuki = [Attendee("yuki@example.com", "Asia/Tokyo")]
    week_one = {"yuki@example.com": [(utc(2027, 1, 3), utc(2027, 1, 8, 12))]}
    assert find_slot(yuki, week_one, MONDAY).start == utc(2027, 1, 11, 0)
    # Los Angeles' Friday 16:00 is 00:00 UTC on the Saturday: that counts.
    lou = [Attendee("lou@example.com", "America/Los_Angeles")]
    until_friday_4pm = {"lou@example.com": [(utc(2027, 1, 4), utc(2027, 1, 9, 0))]}
    assert find_slot(lou, until_friday_4pm, MONDAY, minutes=60).start == utc(2027, 1, 9, 0)


def test_tokyo_and_sydney_meet_on_their_monday():
    group = [Attendee("yuki@example.com", "Asia/Tokyo"), Attendee("sam@example.com", "Australia/Sydney")]
    slot = find_slot(group, {}, MONDAY)
    assert slot.start == utc(2027, 1, 4, 0) and slot.conflicts == ()  # 09:00 Tokyo, 11:00 Sydney


def test_only_the_first_weeks_local_days_count():
    # From Tuesday 2027-01-05 for one week: Los Angeles' local days Tuesday 5th .. Monday 11th.
    lou = [Attendee("lou@example.com", "America/Los_Angeles")]
    tuesday = date(2027, 1, 5)
    # Monday the 4th 16:00-17:00 PST is on the UTC 5th, but not on Los Angeles' 5th.
    assert find_slot(lou, {}, tuesday, weeks=1, minutes=60).start == utc(2027, 1, 5, 17)
    # The last hour of the local Monday the 11th is on the UTC 12th, and counts ...
    busy = {"lou@example.com": [(utc(2027, 1, 5), utc(2027, 1, 12, 0))]}
    assert find_slot(lou, busy, tuesday, weeks=1, minutes=60).start == utc(2027, 1, 12, 0)
    # ... and Tuesday the 12th does not.
    busy = {"lou@example.com": [(utc(2027, 1, 5), utc(2027, 1, 12, 1))]}
    assert find_slot(lou, busy, tuesday, weeks=1, minutes=60) is None
    # Auckland (UTC+13) starts Monday the 4th at 20:00 UTC on the 3rd.
    ana = [Attendee("ana@example.com", "Pacific/Auckland")]
    assert find_slot(ana, {}, MONDAY).start == utc(2027, 1, 3, 20)
    # Its last start on its Friday the 8th is 15:30 NZDT = 02:30 UTC.
    busy = {"ana@example.com": [(utc(2027, 1, 3, 20), utc(2027, 1, 8, 2, 30))]}
    assert find_slot(ana, busy, MONDAY, weeks=1).start == utc(2027, 1, 8, 2, 30)


def test_dst_change_in_the_window_moves_working_hours_in_utc():
    # New York: EST (UTC-5) until Sunday 2027-03-14, then EDT (UTC-4).
    nia = [Attendee("nia@example.com", "America/New_York")]
    week = date(2027, 3, 8)
    assert find_slot(nia, {}, week).start == utc(2027, 3, 8, 14)  # 09:00 EST
    # The last start on the Monday is 15:30 EST = 20:30 UTC ...
    assert find_slot(nia, {"nia@example.com": [(utc(2027, 3, 8, 14), utc(2027, 3, 8, 20, 30))]},
                     week).start == utc(2027, 3, 8, 20, 30)
    # ... and a week later 15:30 EDT = 19:30 UTC; 09:00 EDT = 13:00 UTC.
    first_week = (utc(2027, 3, 8), utc(2027, 3, 13))
    assert find_slot(nia, {"nia@example.com": [first_week]}, week).start == utc(2027, 3, 15, 13)
    busy = {"nia@example.com": [first_week, (utc(2027, 3, 15, 13), utc(2027, 3, 15, 19, 30))]}
    assert find_slot(nia, busy, week).start == utc(2027, 3, 15, 19, 30)
    busy = {"nia@example.com": [first_week, (utc(2027, 3, 15, 13), utc(2027, 3, 15, 19, 31))]}
    assert find_slot(nia, busy, week).start == utc(2027, 3, 16, 13)


def test_dst_with_a_zone_that_has_not_changed_yet():
    # London stays on GMT until 2027-03-28: before New York's change the overlap is 14:00-17:00
    # UTC, after it 13:00-17:00 UTC.
    group = [Attendee("nia@example.com", "America/New_York"), Attendee("amy@example.com", "Europe/London")]
    week = date(2027, 3, 8)
    assert find_slot(group, {}, week).start == utc(2027, 3, 8, 14)
    first_week = (utc(2027, 3, 8), utc(2027, 3, 13))
    busy = {"nia@example.com": [first_week], "amy@example.com": [first_week]}
    assert find_slot(group, busy, week).start == utc(2027, 3, 15, 13)


@pytest.mark.parametrize("interval, expected", [
    ((utc(2027, 1, 4, 8), utc(2027, 1, 4, 9)), utc(2027, 1, 4, 9)),           # ends as it starts
    ((utc(2027, 1, 4, 10, 30), utc(2027, 1, 4, 12)), utc(2027, 1, 4, 9)),     # starts as it ends
    ((utc(2027, 1, 4, 9), utc(2027, 1, 4, 9, 30)), utc(2027, 1, 4, 9, 30)),   # takes the first half hour
    ((utc(2027, 1, 4, 10, 29), utc(2027, 1, 4, 10, 31)), utc(2027, 1, 4, 11)),  # a minute either side
    ((utc(2027, 1, 4, 9), utc(2027, 1, 4, 9)), utc(2027, 1, 4, 9)),           # empty: blocks nothing
])
def test_busy_intervals_conflict_and_touching_ones_do_not(interval, expected):
    group = [Attendee("lena@example.com", "Europe/Berlin"), Attendee("amy@example.com", "Europe/London")]
    slot = find_slot(group, {"amy@example.com": [interval]}, MONDAY)
    assert slot.start == expected and slot.conflicts == ()


def test_busy_intervals_in_other_zones_unsorted_and_overlapping():
    berlin = ZoneInfo("Europe/Berlin")
    amy = [Attendee("amy@example.com", "Europe/London")]
    busy = {"amy@example.com": [
        (datetime(2027, 1, 4, 11, 30, tzinfo=berlin), datetime(2027, 1, 4, 13, tzinfo=berlin)),  # 10:30-12 UTC
        (utc(2027, 1, 4, 9), utc(2027, 1, 4, 10)),
        (utc(2027, 1, 4, 9, 30), utc(2027, 1, 4, 11)),  # overlaps both
        (utc(2027, 1, 4, 12, 30), utc(2027, 1, 4, 13)),
    ]}
    # Free 12:00-12:30 (too short), then from 13:00.
    assert find_slot(amy, busy, MONDAY).start == utc(2027, 1, 4, 13)


def test_nobody_can_meet_all_gives_the_slot_most_can_meet():
    group = [Attendee("a@example.com", "Europe/London"), Attendee("b@example.com", "Europe/London"),
             Attendee("c@example.com", "Europe/London")]
    monday_morning, tuesday_morning = (utc(2027, 1, 4, 9), utc(2027, 1, 4, 10, 30)), \
        (utc(2027, 1, 5, 9), utc(2027, 1, 5, 10, 30))
    start, end = candidate_window(MONDAY)
    busy = {
        "a@example.com": [(start, monday_morning[0]), (monday_morning[1], end)],  # only Monday 9-10:30
        "b@example.com": [(start, monday_morning[0]), (monday_morning[1], tuesday_morning[0]),
                          (tuesday_morning[1], end)],  # Monday and Tuesday 9-10:30
        "c@example.com": [(utc(2027, 1, 4), utc(2027, 1, 5))],  # all Monday
    }
    slot = find_slot(list(reversed(group)), busy, MONDAY)
    assert slot == Slot(start=utc(2027, 1, 4, 9), end=utc(2027, 1, 4, 10, 30),
                        free=("a@example.com", "b@example.com"), conflicts=("c@example.com",))


def test_someone_busy_throughout_is_a_conflict_of_the_earliest_slot():
    group = [Attendee("lena@example.com", "Europe/Berlin"), Attendee("amy@example.com", "Europe/London"),
             Attendee("zoe@example.com", "Europe/Paris")]
    slot = find_slot(group, {"zoe@example.com": whole_window()}, MONDAY)
    assert slot.start == utc(2027, 1, 4, 9)
    assert (slot.free, slot.conflicts) == (("amy@example.com", "lena@example.com"), ("zoe@example.com",))


def test_zones_too_far_apart_give_the_bigger_group_its_slot():
    # Tokyo works 00:00-08:00 UTC, Los Angeles 17:00-01:00 UTC: never both.
    group = [Attendee("lou@example.com", "America/Los_Angeles"), Attendee("yuki@example.com", "Asia/Tokyo"),
             Attendee("ken@example.com", "Asia/Tokyo")]
    slot = find_slot(group, {}, MONDAY)
    assert slot.start == utc(2027, 1, 4, 0)
    assert (slot.free, slot.conflicts) == (("ken@example.com", "yuki@example.com"), ("lou@example.com",))
    # Los Angeles outnumbering Tokyo: its Monday 09:00 PST.
    group = [Attendee("lou@example.com", "America/Los_Angeles"), Attendee("lia@example.com", "America/Los_Angeles"),
             Attendee("yuki@example.com", "Asia/Tokyo")]
    slot = find_slot(group, {}, MONDAY)
    assert slot.start == utc(2027, 1, 4, 17)
    assert (slot.free, slot.conflicts) == (("lia@example.com", "lou@example.com"), ("yuki@example.com",))
    # One each: a tie, so the earliest (Tokyo's Monday morning).
    slot = find_slot(group[1:], {}, MONDAY)
    assert (slot.start, slot.free, slot.conflicts) == (utc(2027, 1, 4, 0), ("yuki@example.com",),
                                                       ("lia@example.com",))


def test_no_attendees_or_nobody_ever_available_gives_none():
    assert find_slot([], {}, MONDAY) is None
    amy = [Attendee("amy@example.com", "Europe/London")]
    assert find_slot(amy, {"amy@example.com": whole_window()}, MONDAY) is None
    assert find_slot(amy, {}, MONDAY, minutes=9 * 60) is None  # longer than the working day
    assert find_slot(amy, {}, MONDAY, weeks=0) is None


def test_unknown_or_empty_zone_uses_the_fallback():
    for zone in ("Mars/Olympus_Mons", "", "America", "../../etc/passwd"):
        stranger = [Attendee("x@example.com", zone)]
        assert find_slot(stranger, {}, MONDAY).start == utc(2027, 1, 4, 9)  # UTC by default
        assert find_slot(stranger, {}, MONDAY, fallback_zone="Europe/Berlin").start == utc(2027, 1, 4, 8)
        assert find_slot(stranger, {}, MONDAY, fallback_zone="Asia/Tokyo").start == utc(2027, 1, 4, 0)


def test_duplicate_attendees_count_once():
    group = [Attendee("amy@example.com", "Europe/London"), Attendee("amy@example.com", "Asia/Tokyo"),
             Attendee("lena@example.com", "Europe/Berlin")]
    slot = find_slot(group, {}, MONDAY)
    assert (slot.start, slot.free, slot.conflicts) == (utc(2027, 1, 4, 9), ("amy@example.com", "lena@example.com"), ())


@pytest.mark.parametrize("kwargs", [dict(minutes=0), dict(step_minutes=0), dict(step_minutes=-30),
                                    dict(day_start=time(17), day_end=time(9)),
                                    dict(day_start=time(9), day_end=time(9)),
                                    dict(fallback_zone="Nowhere/Special")])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        find_slot([Attendee("x@example.com", "Nowhere/At_All")], {}, MONDAY, **kwargs)


def test_an_unknown_fallback_zone_is_refused_even_when_unneeded():
    with pytest.raises(ValueError, match="fallback"):
        find_slot([Attendee("amy@example.com", "Europe/London")], {}, MONDAY, fallback_zone="Europe/Nowhere")


def test_naive_busy_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        find_slot([Attendee("amy@example.com", "Europe/London")],
                  {"amy@example.com": [(datetime(2027, 1, 4, 9), datetime(2027, 1, 4, 10))]}, MONDAY)


def test_ten_people_with_two_hundred_busy_intervals_each_is_fast():
    zones = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata", "Europe/Lisbon",
             "Africa/Lagos", "Europe/Helsinki", "America/Sao_Paulo", "Asia/Dubai", "Europe/Madrid"]
    group = [Attendee(f"p{i}@example.com", zone) for i, zone in enumerate(zones)]
    start, _ = candidate_window(MONDAY)
    busy = {}
    for i, person in enumerate(group):  # 200 half-hour meetings each, spread over the window
        busy[person.email] = [(start + timedelta(minutes=157 * k + 17 * i),
                               start + timedelta(minutes=157 * k + 17 * i + 30)) for k in range(200)]
    best = float("inf")
    for _ in range(3):
        began = clock.perf_counter()
        slot = find_slot(group, busy, MONDAY)
        best = min(best, clock.perf_counter() - began)
    assert slot is not None and len(slot.free) >= 2
    assert best < 0.1, f"{best * 1000:.0f} ms"


# A brute-force check on small inputs: every UTC grid point around the window, each person's
# availability judged from local clock readings, independently of how find_slot computes it.

ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
         "Asia/Tokyo", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide", "Pacific/Auckland",
         "Pacific/Kiritimati", "Pacific/Pago_Pago"]
FIRST_DAYS = [date(2027, 1, 4), date(2027, 3, 11), date(2027, 3, 25), date(2027, 10, 28), date(2027, 4, 1)]


def available(email, zone, busy, start, end, first_day, weeks, day_start, day_end):
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    in_hours = (local_start.date() == local_end.date()
                and first_day <= local_start.date() < first_day + timedelta(days=7 * weeks)
                and local_start.weekday() < 5
                and day_start <= local_start.time() and local_end.time() <= day_end)
    return in_hours and not any(s < end and start < e for s, e in busy.get(email, ()))


@st.composite
def cohorts(draw):
    first_day = draw(st.sampled_from(FIRST_DAYS))
    people = draw(st.lists(st.sampled_from(ZONES), min_size=0, max_size=4))
    attendees = [Attendee(f"p{i}@example.com", zone) for i, zone in enumerate(people)]
    origin = datetime.combine(first_day, time(0), tzinfo=UTC) - timedelta(days=1)
    busy = {a.email: [(origin + timedelta(minutes=15 * s), origin + timedelta(minutes=15 * (s + d)))
                      for s, d in draw(st.lists(st.tuples(st.integers(0, 10 * 96), st.integers(1, 96)),
                                                max_size=12))]
            for a in attendees}
    minutes = draw(st.sampled_from([30, 60, 90, 120]))
    step = draw(st.sampled_from([15, 30, 60]))
    hours = draw(st.sampled_from([(time(9), time(17)), (time(8, 30), time(12)), (time(13), time(23, 30))]))
    return attendees, busy, first_day, minutes, step, hours


@settings(max_examples=60, deadline=None)
@given(cohorts())
def test_the_slot_is_best_by_brute_force(case):
    attendees, busy, first_day, minutes, step, (day_start, day_end) = case
    weeks = 1
    slot = find_slot(attendees, busy, first_day, weeks=weeks, minutes=minutes, step_minutes=step,
                     day_start=day_start, day_end=day_end)
    zones = {a.email: ZoneInfo(a.time_zone) for a in attendees}
    length = timedelta(minutes=minutes)
    origin = datetime.combine(first_day, time(0), tzinfo=UTC) - timedelta(days=2)
    counts = []
    t = origin
    while t < origin + timedelta(days=7 * weeks + 4):
        counts.append((t, sum(available(e, z, busy, t, t + length, first_day, weeks, day_start, day_end)
                              for e, z in zones.items())))
        t += timedelta(minutes=step)
    most = max((n for _, n in counts), default=0)
    if most == 0:
        assert slot is None
        return
    assert slot is not None
    assert slot.start.utcoffset() == timedelta(0) and slot.end - slot.start == length
    assert (slot.start - origin) % timedelta(minutes=step) == timedelta(0)  # on the UTC grid
    assert set(slot.free) | set(slot.conflicts) == set(zones) and not set(slot.free) & set(slot.conflicts)
    assert list(slot.free) == sorted(slot.free) and list(slot.conflicts) == sorted(slot.conflicts)
    for email in slot.free:
        assert available(email, zones[email], busy, slot.start, slot.end, first_day, weeks, day_start, day_end)
    for email in slot.conflicts:
        assert not available(email, zones[email], busy, slot.start, slot.end, first_day, weeks, day_start,
                             day_end)
    assert len(slot.free) == most
    assert slot.start == min(t for t, n in counts if n == most)
