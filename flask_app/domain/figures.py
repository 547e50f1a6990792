"""HR's outcome figures, from meeting metadata only (dates, counts, yes/no, the 1–5 pulse).

Every figure belongs to a group of people — the managers and reports of the pairs behind it —
and is shown only when that group has at least :data:`MIN_PEOPLE` people. Groups nested in one
another (an org unit and the units inside it) are checked together: when what one shown group
holds beyond the shown groups inside it is fewer than five people, one of those inner groups is
suppressed too, so that no subtraction ("team of 6 minus team of 5") singles anyone out.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .records import MeetingRecord
from .rollout import under

MIN_PEOPLE = 5
QUIET = timedelta(days=30)  # a pair without a meeting for this long is counted as quiet


@dataclass(frozen=True)
class PairFacts:
    """One pair's metadata: who, the manager's org unit, and its meetings' records."""

    manager: str
    report: str
    unit: str
    meetings: tuple[MeetingRecord, ...]

    @property
    def people(self) -> frozenset[str]:
        return frozenset((self.manager, self.report))


@dataclass(frozen=True)
class Figures:
    """One group's figures; every value is None when the group is suppressed."""

    people: int
    managers: int | None = None
    pairs: int | None = None
    agendas_ready: int | None = None
    meetings_held: int | None = None
    all_four_share: float | None = None  # of meetings held and gathered
    cadence_days: float | None = None  # median days between a pair's meetings
    quiet_pairs: int | None = None  # pairs with no meeting in the last 30 days
    needs_resolved_share: float | None = None  # carried items done by the next meeting
    pulse_median: float | None = None
    pulse_counts: tuple[int, ...] | None = None  # how many meetings got 1, 2, 3, 4, 5

    @property
    def suppressed(self) -> bool:
        return self.managers is None


def _held(pair: PairFacts, now: datetime, since: datetime | None = None) -> list[MeetingRecord]:
    return sorted((m for m in pair.meetings if m.gathered_at and m.start <= now
                   and m.status == "scheduled" and (since is None or m.start >= since)),
                  key=lambda m: m.start)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def compute(pairs: list[PairFacts], now: datetime, since: datetime | None = None,
            until: datetime | None = None) -> Figures:
    """The figures of ``pairs`` (over meetings held in [since, until) when given)."""
    people = frozenset().union(*(p.people for p in pairs)) if pairs else frozenset()
    if len(people) < MIN_PEOPLE:
        return Figures(len(people))
    end = until or now
    held = [[m for m in _held(p, end, since) if until is None or m.start < until]
            for p in pairs]
    meetings = [m for ms in held for m in ms]
    gaps = [(b.start - a.start).days for ms in held for a, b in zip(ms, ms[1:])]
    carried = sum(m.carried for m in meetings)
    pulses = [m.pulse for m in meetings if m.pulse is not None]
    return Figures(
        people=len(people), managers=len({p.manager for p in pairs}), pairs=len(pairs),
        agendas_ready=sum(1 for p in pairs if any(m.status == "scheduled" and m.start > now
                                                  for m in p.meetings)),
        meetings_held=len(meetings),
        all_four_share=_share(sum(1 for m in meetings if m.questions_answered == 4),
                              len(meetings)),
        cadence_days=float(statistics.median(gaps)) if gaps else None,
        quiet_pairs=sum(1 for ms in held if not any(m.start > end - QUIET for m in ms)),
        needs_resolved_share=_share(sum(m.carried_done for m in meetings), carried),
        pulse_median=float(statistics.median(pulses)) if pulses else None,
        pulse_counts=tuple(pulses.count(n) for n in range(1, 6)))


def by_unit(pairs: list[PairFacts], units: list[str], now: datetime) -> dict[str, Figures]:
    """Each org unit's figures (the pairs whose manager is in it or in a unit inside it), with
    the complementary suppression the module docstring describes."""
    members = {u: [p for p in pairs if under(p.unit, u)] for u in units}
    groups = {u: frozenset().union(*(p.people for p in ps)) if ps else frozenset()
              for u, ps in members.items()}
    shown = {u for u, people in groups.items() if len(people) >= MIN_PEOPLE}
    changed = True
    while changed:
        changed = False
        for outer in sorted(shown, key=len):
            inner = [u for u in shown if u != outer and under(u, outer)]
            if not inner:
                continue
            rest = groups[outer] - frozenset().union(*(groups[u] for u in inner))
            if 0 < len(rest) < MIN_PEOPLE:
                shown.discard(min(inner, key=lambda u: len(groups[u])))
                changed = True
                break
    return {u: compute(members[u], now) if u in shown else Figures(len(groups[u]))
            for u in units}


def weekly(pairs: list[PairFacts], now: datetime, weeks: int = 12) -> list[tuple[date, Figures]]:
    """The figures of the meetings held in each of the last ``weeks`` weeks (Monday first),
    over the pairs that met that week."""
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0,
                                                           microsecond=0)
    found = []
    for back in range(weeks - 1, -1, -1):
        start = monday - timedelta(weeks=back)
        end = start + timedelta(weeks=1)
        met = [p for p in pairs if any(start <= m.start < end for m in _held(p, now))]
        found.append((start.date(), compute(met, now, since=start, until=min(end, now))))
    return found
