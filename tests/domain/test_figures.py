"""HR's figures over meeting metadata: what they count, and that a group of fewer than five
people (or a difference between groups that would single one out) is never shown."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from flask_app.domain.figures import MIN_PEOPLE, PairFacts, by_unit, compute, weekly
from flask_app.domain.records import MeetingRecord

NOW = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


def meeting(days_ago: float, **facts) -> MeetingRecord:
    start = NOW - timedelta(days=days_ago)
    values = dict(gathered_at=start + timedelta(hours=1), filled=True, questions_answered=4)
    values.update(facts)
    return MeetingRecord("p", f"s@{days_ago}", "r", start, "1:1", "h", **values)


def pair(manager: str, report: str, unit: str = "/Eng", *meetings) -> PairFacts:
    return PairFacts(manager, report, unit, tuple(meetings))


def team(manager: str, size: int, unit: str, *meetings) -> list[PairFacts]:
    return [pair(manager, f"{manager}-r{n}", unit, *meetings) for n in range(size)]


@pytest.mark.parametrize("people, shown", [(4, False), (5, True), (6, True)])
def test_a_group_of_fewer_than_five_people_is_suppressed(people, shown):
    pairs = team("m", people - 1, "/Eng", meeting(1, pulse=4))
    found = compute(pairs, NOW)
    assert found.people == people and found.suppressed is not shown
    if shown:
        assert found.pulse_median == 4 and found.pulse_counts == (0, 0, 0, people - 1, 0)
    else:
        assert (found.pulse_median, found.meetings_held, found.managers) == (None, None, None)


def test_the_figures_count_what_they_say():
    pairs = [
        pair("m1", "a", "/Eng", meeting(15, pulse=3), meeting(8, questions_answered=2, pulse=4,
                                                               carried=2, carried_done=1),
             meeting(1, pulse=5, carried=1, carried_done=1),
             MeetingRecord("p", "next", "r", NOW + timedelta(days=6), "t", "h")),
        pair("m1", "b", "/Eng", meeting(40, pulse=2)),
        pair("m2", "c", "/Eng", meeting(3, questions_answered=0, filled=False)),
    ]
    found = compute(pairs, NOW)
    assert (found.people, found.managers, found.pairs) == (5, 2, 3)
    assert found.meetings_held == 5 and found.agendas_ready == 1
    assert found.all_four_share == 0.6  # 3 of 5
    assert found.cadence_days == 7.0
    assert found.quiet_pairs == 1  # b: nothing in 30 days
    assert found.needs_resolved_share == round(2 / 3, 3)
    assert found.pulse_median == 3.5 and found.pulse_counts == (0, 1, 1, 1, 1)


def test_a_difference_between_nested_units_that_would_single_out_a_few_is_suppressed():
    platform = team("ana", 6, "/Eng/Platform", meeting(1))  # 7 people
    data = team("fang", 3, "/Eng/Data", meeting(1))  # 4 people: suppressed
    figures = by_unit(platform + data, ["/Eng", "/Eng/Platform", "/Eng/Data"], NOW)
    assert figures["/Eng/Data"].suppressed
    assert not figures["/Eng"].suppressed
    # /Eng (11) minus /Eng/Platform (7) would be Data's 4: Platform goes too.
    assert figures["/Eng/Platform"].suppressed


def test_nested_units_are_all_shown_when_every_difference_is_five_or_more():
    platform = team("ana", 5, "/Eng/Platform", meeting(1))
    data = team("fang", 4, "/Eng/Data", meeting(1))
    figures = by_unit(platform + data, ["/Eng", "/Eng/Platform", "/Eng/Data"], NOW)
    assert not any(f.suppressed for f in figures.values())
    assert figures["/Eng"].people == 11 and figures["/Eng/Data"].people == 5


def test_weekly_figures_cover_the_pairs_that_met_that_week():
    pairs = team("m", 5, "/Eng", meeting(1, pulse=5)) + team("n", 2, "/Eng", meeting(8, pulse=1))
    weeks = weekly(pairs, NOW, weeks=3)
    assert [w for w, _ in weeks] == [NOW.date() - timedelta(days=NOW.weekday() + 14),
                                     NOW.date() - timedelta(days=NOW.weekday() + 7),
                                     NOW.date() - timedelta(days=NOW.weekday())]
    last_week, this_week = weeks[1][1], weeks[2][1]
    assert last_week.suppressed and last_week.people == 3  # n and two reports
    assert this_week.meetings_held == 5 and this_week.pulse_median == 5
    assert MIN_PEOPLE == 5
