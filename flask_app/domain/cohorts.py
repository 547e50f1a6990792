"""Quarterly peer-coaching cohorts of managers, and the coaching pairs inside each cohort.

Each quarter the managers are split into cohorts of ``smallest``..``largest`` (aiming at
``target``) that meet together, and each cohort into pairs (one trio when it is odd) that coach
each other. A cohort never holds a manager with their own manager or a direct report; it mixes
org units and sites; it splits up people who shared a cohort last quarter where the numbers
allow, and its pairs avoid last quarter's pairs where they can.

Time-zone regions. A cohort needs a common slot in working hours, so the UTC offsets within it
span at most ``max_offset_spread_minutes``. The managers are sorted by offset and cut into
regions, each spanning at most that much, and each cohort is formed inside one region. The cut
uses as few regions as the spread allows; of such cuts, the one that places the most managers,
then the one whose regions are tightest. A region in which fewer than ``smallest`` managers can
meet together (time zones close enough, no manager with their report) forms one cohort of them
when they are at least ``minimum``; otherwise they are unplaced with the reason, which is how
managers whose time zones are too far from everyone else's are left out. So a cohort smaller
than ``smallest`` is allowed only as the one cohort of its region, and `violations` says so.

The formation is greedy, fast for tens of thousands of managers: inside a region the managers
are ordered by unit and site (a sha256 of seed, quarter and email orders the rest) and dealt
round the region's cohorts, each into one of the next few open cohorts that holds neither their
manager nor a report, preferring fewer of last quarter's cohort-mates, then of their unit and
their site; a repair pass moves one person to place anyone left over. Nothing depends on the
order of the input, the clock or global random state.
"""
from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from .people import normalize_email
from ..errors import InputError

_QUARTER = re.compile(r"(\d{4})Q([1-4])")
_MAX_OFFSET = 18 * 60  # no time zone is further from UTC
_WINDOW = 8  # the open cohorts a manager being dealt chooses among
# Cutting regions, one of up to _EXACT cohorts is formed to see how many it places (when there
# are at most _EXACT_OFFSETS offsets); a larger one is judged by its numbers.
_EXACT, _EXACT_OFFSETS = 3, 64
_TRIES = 3  # cohort counts tried for a region when the first leaves someone out
_PAIRING_STEPS = 2000  # the search for pairs that repeat nobody's pairing stops after this


class CohortError(InputError):
    """Bad input to the cohorts, or a change to a plan that would break a rule; the message
    says which, in one line."""


@dataclass(frozen=True)
class Member:
    """A manager who can join a cohort."""

    email: str  # lower-case
    manager_email: str | None  # this manager's own manager
    org_unit: str  # "/Engineering/Platform"
    site: str  # office or site label; "" when none (the time zone counts as the site)
    utc_offset_minutes: int  # at the quarter's start: Europe/Berlin in January is 60


@dataclass(frozen=True)
class CohortRules:
    """How big cohorts are and how far apart their time zones may be."""

    target: int = 8
    smallest: int = 6
    largest: int = 10
    minimum: int = 4  # the least a cohort may have when fewer than `smallest` can meet together
    max_offset_spread_minutes: int = 360  # 9-17 working hours leave a 2 h common window at 6 h
    seed: str = ""  # mixes into the deterministic ordering


@dataclass(frozen=True)
class Cohort:
    """One cohort: its members and their coaching pairs (one trio when the cohort is odd)."""

    number: int  # 1-based, stable ordering in the plan
    members: tuple[str, ...]  # emails, sorted
    pairs: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class CohortPlan:
    """A quarter's cohorts, the managers who could not be placed and why, and a line for people."""

    quarter: str  # "2027Q1"
    cohorts: tuple[Cohort, ...]
    unplaced: tuple[tuple[str, str], ...]  # (email, why)
    message: str

    def cohort_of(self, email: str) -> Cohort | None:
        email = normalize_email(email)
        return next((c for c in self.cohorts if email in c.members), None)


# Quarters ----------------------------------------------------------------------------------------

def quarter_of(day: date) -> str:
    """The quarter holding ``day``: date(2027, 2, 3) is "2027Q1"."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _parse_quarter(quarter: str) -> tuple[int, int]:
    found = _QUARTER.fullmatch(quarter) if isinstance(quarter, str) else None
    if not found:
        raise CohortError(f'"{quarter}" is not a quarter: expected the form "2027Q1"')
    return int(found[1]), int(found[2])


def quarter_start(quarter: str) -> date:
    """The first day of ``quarter``: "2027Q1" starts on date(2027, 1, 1)."""
    year, q = _parse_quarter(quarter)
    return date(year, 3 * q - 2, 1)


def previous_quarter(quarter: str) -> str:
    """The quarter before: "2027Q1" follows "2026Q4"."""
    year, q = _parse_quarter(quarter)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def next_quarter(quarter: str) -> str:
    """The quarter after: "2026Q4" is followed by "2027Q1"."""
    year, q = _parse_quarter(quarter)
    return f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}"


# The organisation --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Org:
    """The managers by email, each one's manager and direct reports among them, and how many
    managers above them there are."""

    people: dict[str, Member]
    links: dict[str, frozenset[str]]
    depth: dict[str, int]

    def offset(self, email: str) -> int | None:
        member = self.people.get(email)
        return member.utc_offset_minutes if member else None


def _normal(member: Member) -> Member:
    email = normalize_email(member.email or "")
    if not email:
        raise CohortError("a manager has no email")
    offset = member.utc_offset_minutes
    if not isinstance(offset, int) or abs(offset) > _MAX_OFFSET:
        raise CohortError(f"{email}: a UTC offset of {offset!r} minutes is not a time zone "
                          f"(at most {_MAX_OFFSET} either side)")
    boss = normalize_email(member.manager_email) if member.manager_email else None
    return replace(member, email=email, manager_email=boss if boss != email else None)


def _org(members: Iterable[Member]) -> _Org:
    people: dict[str, Member] = {}
    for member in map(_normal, members):
        if people.get(member.email, member) != member:
            raise CohortError(f"{member.email} is listed twice with different details")
        people[member.email] = member
    links: dict[str, set[str]] = defaultdict(set)
    for member in people.values():
        if member.manager_email in people:
            links[member.email].add(member.manager_email)
            links[member.manager_email].add(member.email)
    return _Org(people, {e: frozenset(s) for e, s in links.items()}, _depths(people))


def _depths(people: dict[str, Member]) -> dict[str, int]:
    """How many managers above each one, among ``people`` (a loop of managers counts once)."""
    depth: dict[str, int] = {}
    for email in people:
        chain, seen = [], set()
        while email in people and email not in depth and email not in seen:
            seen.add(email)
            chain.append(email)
            email = people[email].manager_email
        above = depth.get(email, -1) if email in people else -1
        for e in reversed(chain):
            above += 1
            depth[e] = above
    return depth


def _site(member: Member) -> str:
    return member.site or _zone(member.utc_offset_minutes)


def _top(unit: str) -> str:
    return "/" + unit.strip("/").split("/")[0]


def _keyer(*parts: str) -> Callable[[str], str]:
    """A stable pseudo-random order of emails, from sha256 of the parts and the email."""
    salt = "|".join(parts)
    return lambda email: hashlib.sha256(f"{salt}|{email}".encode()).hexdigest()


def _check(rules: CohortRules) -> None:
    if not 2 <= rules.minimum <= rules.smallest <= rules.target <= rules.largest:
        raise CohortError(f"cohort sizes must keep 2 <= minimum ({rules.minimum}) <= smallest "
                          f"({rules.smallest}) <= target ({rules.target}) <= largest "
                          f"({rules.largest})")
    if rules.max_offset_spread_minutes < 0:
        raise CohortError("the spread of time zones in a cohort cannot be negative")


# Words -------------------------------------------------------------------------------------------

def _zone(offset: int) -> str:
    sign = "-" if offset < 0 else "+"
    return f"UTC{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def _span(low: int, high: int) -> str:
    return _zone(low) if low == high else f"{_zone(low)} to {_zone(high)}"


def _zones(low: int, high: int) -> str:
    return f"time zone{'' if low == high else 's'} {_span(low, high)}"


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} h"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# The kinds of reasons, by how each begins, as the message counts them.
_KINDS = (("only ", "too few in their time zones"),
          ("their ", "with their manager or a report in each cohort near them"),
          ("each cohort ", "with their manager or a report in each cohort near them"),
          ("cohort ", "with no room in the cohorts near them"),
          ("the cohorts ", "with no room in the cohorts near them"),
          ("no cohort ", "with no cohort that fits"))


def _kind(why: str) -> str:
    return next((kind for start, kind in _KINDS if why.startswith(start)), "for other reasons")


def _message(count: int, cohorts: tuple[Cohort, ...], unplaced: tuple[tuple[str, str], ...],
             rules: CohortRules, note: str = "", formed: bool = True) -> str:
    """One line: how many managers, the cohorts, and who is unplaced and why."""
    line = _summary(count, cohorts, unplaced, rules, formed)
    return f"{note}; {line}" if note else line


def _summary(count, cohorts, unplaced, rules, formed) -> str:
    if not count:
        return "No managers: no cohorts"
    head = _plural(count, "manager")
    if not cohorts and count < rules.minimum and len(unplaced) == count:
        return f"{head}: too few for a cohort (at least {rules.minimum})"
    sizes = sorted(len(c) for c in cohorts)
    if not cohorts:
        body = "no cohorts"
    elif len(cohorts) == 1:
        body = f"one cohort of {sizes[0]}"
    else:
        span = f"{sizes[0]}" if sizes[0] == sizes[-1] else f"{sizes[0]}–{sizes[-1]}"
        body = f"{len(cohorts)} cohorts of {span}"
    small = sum(size < rules.smallest for size in sizes)
    if small and len(cohorts) == 1 and sizes[0] == count:
        body += f" (fewer than {rules.smallest} in all)"
    elif small and len(cohorts) == 1:
        body += f" (fewer than {rules.smallest} can meet together)" if formed else \
            f" (fewer than {rules.smallest})"
    elif small:
        body += f" ({small} smaller than {rules.smallest}" + \
            (": too few can meet together in their time zones)" if formed else ")")
    if unplaced:
        kinds = Counter(_kind(why) for _, why in unplaced)
        body += f"; {len(unplaced)} unplaced: " + ", ".join(
            f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{head}: {body}"


# Regions -----------------------------------------------------------------------------------------

def _independent(group: list[Member], org: _Org, key: Callable[[str], str]) -> list[str]:
    """A largest set of ``group`` holding no one with their manager or a direct report.

    Manager links form a forest, where taking a leaf (or a loner) and dropping its neighbour is
    always part of some largest set."""
    alive = {m.email for m in group}
    near = {e: sorted(org.links.get(e, frozenset()) & alive) for e in sorted(alive)}
    degree = {e: len(n) for e, n in near.items()}
    ready = sorted((e for e in near if degree[e] <= 1), key=key, reverse=True)
    chosen = []
    while alive:
        if not ready:  # managers in a loop: not a tree, so take whoever has fewest links
            ready.append(min(sorted(alive, key=key), key=lambda e: degree[e]))
        email = ready.pop()
        if email not in alive:
            continue
        chosen.append(email)
        alive.discard(email)
        for gone in (n for n in near[email] if n in alive):
            alive.discard(gone)
            for other in (n for n in near[gone] if n in alive):
                degree[other] -= 1
                if degree[other] <= 1:
                    ready.append(other)
    return chosen


def _placeable(count: int, group: list[Member], org: _Org, rules: CohortRules,
               exact: bool) -> int:
    """How many of a region's ``count`` managers its cohorts would hold: a region of up to
    three cohorts (``group``, its managers) is formed to see (when ``exact``), a larger one is
    judged by numbers."""
    if count <= rules.largest:
        fit = len(_independent(group, org, str))
        return fit if fit >= rules.minimum else 0
    if exact and count <= _EXACT * rules.largest:
        region = _Region(sorted(group, key=lambda m: m.email), False, 1)
        return sum(map(len, _form_region(region, org, rules, {}, str)[0]))
    k = math.ceil(count / rules.largest)
    return count if k * rules.smallest <= count else (k - 1) * rules.largest


def _regions(org: _Org, rules: CohortRules) -> list[list[Member]]:
    """The managers cut by UTC offset into regions (see the module's docstring): fewest
    regions, then most placed, then the least spread in all."""
    by_offset: dict[int, list[Member]] = defaultdict(list)
    for member in org.people.values():
        by_offset[member.utc_offset_minutes].append(member)
    offsets = sorted(by_offset)
    exact = len(offsets) <= _EXACT_OFFSETS
    best: list[tuple[tuple[int, int, int], int]] = [((0, 0, 0), 0)]  # (score, where it starts)
    for end in range(1, len(offsets) + 1):
        choice, group, count = None, [], 0
        for start in range(end - 1, -1, -1):
            if offsets[end - 1] - offsets[start] > rules.max_offset_spread_minutes:
                break
            count += len(by_offset[offsets[start]])
            if count <= _EXACT * rules.largest:
                group += by_offset[offsets[start]]
            before = best[start][0]
            score = (before[0] + 1, before[1] - _placeable(count, group, org, rules, exact),
                     before[2] + offsets[end - 1] - offsets[start])
            if choice is None or score < choice[0]:
                choice = (score, start)
        best.append(choice)
    cuts, end = [], len(offsets)
    while end:
        start = best[end][1]
        cuts.append(sorted((m for o in offsets[start:end] for m in by_offset[o]),
                           key=lambda m: m.email))
        end = start
    return cuts[::-1]


def _region_index(org: _Org, rules: CohortRules) -> dict[int, int]:
    return {m.utc_offset_minutes: i for i, region in enumerate(_regions(org, rules))
            for m in region}


# Forming a region's cohorts ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Region:
    """A region's managers, sorted by email."""

    members: list[Member]
    whole: bool  # the region is the whole organisation
    first: int  # the number its first cohort gets

    @property
    def zones(self) -> str:
        offsets = [m.utc_offset_minutes for m in self.members]
        return f"their time-zone region ({_span(min(offsets), max(offsets))})"


def _cohort_count(count: int, rules: CohortRules) -> int:
    """How many cohorts a region of ``count`` gets: near ``target`` each, within the sizes."""
    fewest, most = math.ceil(count / rules.largest), count // rules.smallest
    aim = max(1, (count + rules.target // 2) // rules.target)
    return max(1, most) if fewest > most else min(max(aim, fewest), most)


def _form_region(region: _Region, org: _Org, rules: CohortRules, mates: dict[str, set[str]],
                 key: Callable[[str], str]) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """A region's cohorts and its unplaced managers with the reasons.

    When a deal leaves someone out, it is dealt again with the busiest managers first, then with
    fewer cohorts (a few counts, or down to one cohort when none keeps the sizes)."""
    count, best = len(region.members), None
    most = _cohort_count(count, rules)
    for k in range(most, 1, -1):
        for busy_first in (False, True):
            groups, left = _deal(region.members, k, min(count, k * rules.largest),
                                 rules.largest, org, mates, key, busy_first)
            if all(len(g) >= rules.smallest for g in groups) and (
                    best is None or len(left) < len(best[1])):
                best = groups, [(e, _crowded(e, groups, region, org, rules))
                                for e in sorted(left)]
                if not left:
                    return best
        if best is not None and most - k + 1 >= _TRIES:
            return best
    single = _one_cohort(region, org, rules, key)
    return single if best is None or len(single[1]) < len(best[1]) else best


def _crowded(email: str, groups: list[list[str]], region: _Region, org: _Org,
             rules: CohortRules) -> str:
    """Why a region's cohorts could not take ``email``."""
    near = org.links.get(email, frozenset())
    if all(near & set(g) for g in groups):
        return f"each cohort in {region.zones} holds their manager or a report"
    return (f"the cohorts in {region.zones} without their manager or a report are full "
            f"({rules.largest})")


def _one_cohort(region: _Region, org: _Org, rules: CohortRules,
                key: Callable[[str], str]) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """A region of one cohort: the most who may meet together, up to ``largest``."""
    count, zones = len(region.members), region.zones
    chosen = _independent(region.members, org, key)
    if len(chosen) < rules.minimum:
        if count < rules.minimum:
            where = "all" if region.whole else zones
            why = f"only {_plural(count, 'manager')} in {where}, too few for a cohort"
        else:
            why = (f"only {len(chosen)} of the {count} managers in {zones} can meet without "
                   f"a manager and their report, too few for a cohort")
        why += f" (at least {rules.minimum})"
        return [], [(m.email, why) for m in region.members]
    cohort = set(sorted(chosen, key=key)[:rules.largest])
    left = []
    for member in region.members:
        if member.email in cohort:
            continue
        clash = sorted(org.links.get(member.email, frozenset()) & cohort)
        if clash:
            role = "manager" if clash[0] == member.manager_email else "report"
            why = f"their {role} {clash[0]} is in cohort {region.first}, the only one in {zones}"
        else:
            why = (f"cohort {region.first} is full ({rules.largest}): the {count} managers in "
                   f"{zones} do not split into cohorts of {rules.smallest}–{rules.largest}")
        left.append((member.email, why))
    return [sorted(cohort)], left


def _balanced(total: int, k: int) -> list[int]:
    return [total // k + (i < total % k) for i in range(k)]


def _deal(members: list[Member], k: int, capacity: int, largest: int, org: _Org,
          mates: dict[str, set[str]], key: Callable[[str], str], busy_first: bool = False
          ) -> tuple[list[list[str]], list[str]]:
    """Deal ``members`` round ``k`` cohorts holding ``capacity`` in all (one left over may go
    past its cohort's share, up to ``largest``); who could not be placed.

    Managers go by unit and site, largest first (with ``busy_first``, those linked to many of
    the others, to half as many as there are cohorts, go before, from the top of the tree
    down). Each goes to the cheapest of the next few open cohorts without their manager or a
    report: a cohort-mate of last quarter costs most, then going past the cohort's fair share
    of their unit or site, then sharing either at all."""
    sizes = _balanced(capacity, k)
    traits = {m.email: _traits(m) for m in members}
    total = Counter(t for ts in traits.values() for t in ts)
    fair = {t: -(-n // k) for t, n in total.items()}  # each cohort's share of a unit or site
    inside = set(traits)
    busy = {e for e in inside if len(org.links.get(e, frozenset()) & inside) >= max(2, k / 2)
            } if busy_first else set()
    order = sorted(members, key=lambda m: [m.email not in busy, org.depth[m.email]
                                           if m.email in busy else 0]
                   + [x for t in traits[m.email] for x in (-total[t], t)] + [key(m.email)])
    where: dict[str, int] = {}
    held: list[list[str]] = [[] for _ in range(k)]
    tally: list[Counter] = [Counter() for _ in range(k)]
    open_ = list(range(k))
    left, at = [], 0
    for member in order:
        unit, top, site = traits[member.email]
        shares = fair[unit] - 1, fair[top] - 1, fair[site] - 1
        banned = {where[e] for e in org.links.get(member.email, ()) if e in where}
        repeats = Counter(where[e] for e in mates.get(member.email, ()) if e in where)
        best, seen, start = None, 0, bisect_left(open_, at)
        for step in range(len(open_)):
            i = open_[(start + step) % len(open_)]
            if i in banned:
                continue
            has = tally[i]
            u, t, s = has[unit], has[top], has[site]
            over = max(0, u - shares[0]) + max(0, t - shares[1]) + max(0, s - shares[2])
            cost = (100 * repeats[i] + 20 * over + 4 * u + 2 * t + 2 * s, (i - at) % k)
            if best is None or cost < best[0]:
                best = (cost, i)
            seen += 1
            if seen >= _WINDOW:
                break
        if best is None:
            left.append(member)
            continue
        i = best[1]
        _put(member, i, where, held, tally)
        if len(held[i]) == sizes[i]:
            open_.remove(i)
        at = (i + 1) % k
    unplaced = [m.email for m in left if not _swap_in(m, org, sizes, where, held, tally)
                and not _squeeze_in(m, org, largest, where, held, tally)]
    return [sorted(g) for g in held], unplaced


def _squeeze_in(member: Member, org: _Org, largest: int, where, held, tally) -> bool:
    """Place a manager into the smallest cohort with room up to ``largest`` that holds neither
    their manager nor a report."""
    links = org.links.get(member.email, frozenset())
    room = [i for i in range(len(held)) if len(held[i]) < largest
            and not any(where.get(e) == i for e in links)]
    if room:
        _put(member, min(room, key=lambda i: (len(held[i]), i)), where, held, tally)
    return bool(room)


def _traits(member: Member) -> tuple[tuple[str, str], ...]:
    return ("u", member.org_unit), ("t", _top(member.org_unit)), ("s", _site(member))


def _put(member: Member, i: int, where, held, tally) -> None:
    where[member.email] = i
    held[i].append(member.email)
    tally[i].update(_traits(member))


def _swap_in(member: Member, org: _Org, sizes, where, held, tally) -> bool:
    """Place a manager no open cohort takes, moving one other person: out of a full cohort into
    an open one, or, when the open cohort holds their manager or report, that person swaps with
    someone of another cohort."""
    def blockers(email: str, i: int, without: str = "") -> list[str]:
        return sorted(e for e in org.links.get(email, ()) if where.get(e) == i and e != without)

    def shift(email: str, j: int) -> None:
        mover, i = org.people[email], where[email]
        held[i].remove(email)
        tally[i].subtract(_traits(mover))
        _put(mover, j, where, held, tally)

    spare = [i for i in range(len(held)) if len(held[i]) < sizes[i]]
    for i in range(len(held)):
        blocking = blockers(member.email, i)
        if len(blocking) > 1 or (not blocking and i in spare):
            continue
        for other in blocking or sorted(held[i]):
            j = next((j for j in spare if j != i and not blockers(other, j)), None)
            if j is not None:
                shift(other, j)
                _put(member, i, where, held, tally)
                return True
        if i not in spare:
            continue
        other = blocking[0]
        for j in (j for j in range(len(held)) if j != i):
            swap = next((y for y in sorted(held[j]) if not blockers(other, j, y)
                         and not blockers(y, i, other)
                         and y not in org.links.get(member.email, ())), None)
            if swap:
                shift(other, j)
                shift(swap, i)
                _put(member, i, where, held, tally)
                return True
    return False


# Pairs -------------------------------------------------------------------------------------------

def _fresh(group: tuple[str, ...], avoid: dict[str, set[str]]) -> bool:
    return all(b not in avoid.get(a, ()) for i, a in enumerate(group) for b in group[i + 1:])


def _match(rest: tuple[str, ...], avoid: dict[str, set[str]], budget: list[int]):
    """Pairs (one trio when odd) of ``rest`` repeating no pairing in ``avoid``, or None."""
    if not rest:
        return []
    budget[0] -= 1
    if budget[0] < 0 or len(rest) == 1:
        return None
    if len(rest) == 3:
        return [rest] if _fresh(rest, avoid) else None
    first, others = rest[0], rest[1:]
    for mate in others:
        if mate not in avoid.get(first, ()):
            tail = _match(tuple(o for o in others if o != mate), avoid, budget)
            if tail is not None:
                return [(first, mate), *tail]
    if len(rest) % 2:
        for i, a in enumerate(others):
            for b in others[i + 1:]:
                if _fresh((first, a, b), avoid):
                    tail = _match(tuple(o for o in others if o not in (a, b)), avoid, budget)
                    if tail is not None:
                        return [(first, a, b), *tail]
    return None


def _fallback(order: list[str], avoid: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Pairs repeating as few pairings as a greedy pass finds."""
    rest, groups = list(order), []
    while len(rest) > 1:
        first = rest.pop(0)
        mate = min(rest, key=lambda e: (e in avoid.get(first, ()), rest.index(e)))
        rest.remove(mate)
        groups.append((first, mate))
    if rest:
        odd = rest[0]
        if not groups:
            return [(odd,)]
        i = min(range(len(groups)), key=lambda i: (sum(e in avoid.get(odd, ()) for e in groups[i]),
                                                   i))
        groups[i] = (*groups[i], odd)
    return groups


def _canonical(groups: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted(tuple(sorted(g)) for g in groups if g))


def _pair_up(members: Iterable[str], avoid: dict[str, set[str]],
             key: Callable[[str], str]) -> tuple[tuple[str, ...], ...]:
    """Coaching pairs of a cohort (one trio when odd), repeating no pairing in ``avoid`` when
    that is possible."""
    order = sorted(members, key=key)
    if len(order) < 2:
        return _canonical([order])
    groups = _match(tuple(order), avoid, [_PAIRING_STEPS])
    return _canonical(groups if groups is not None else _fallback(order, avoid))


def _history(previous: CohortPlan | None) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Who shared a cohort, and who shared a pair, in ``previous``."""
    mates: dict[str, set[str]] = defaultdict(set)
    partners: dict[str, set[str]] = defaultdict(set)
    for cohort in previous.cohorts if previous else ():
        for email in cohort.members:
            mates[email].update(e for e in cohort.members if e != email)
        for group in cohort.pairs:
            for email in group:
                partners[email].update(e for e in group if e != email)
    return mates, partners


# Forming -----------------------------------------------------------------------------------------

def form_cohorts(members: Iterable[Member], quarter: str, rules: CohortRules = CohortRules(),
                 previous: CohortPlan | None = None) -> CohortPlan:
    """The quarter's cohorts and pairs (see the module's docstring for the rules kept)."""
    quarter_start(quarter)
    _check(rules)
    org = _org(members)
    mates, partners = _history(previous)
    key = _keyer(rules.seed, quarter)
    groups: list[list[str]] = []
    unplaced: list[tuple[str, str]] = []
    regions = _regions(org, rules)
    for people in regions:
        region = _Region(people, len(regions) == 1, len(groups) + 1)
        formed, left = _form_region(region, org, rules, mates, key)
        groups += formed
        unplaced += left
    pair_key = _keyer(rules.seed, quarter, "pairs")
    cohorts = tuple(Cohort(i, tuple(sorted(g)), _pair_up(g, partners, pair_key))
                    for i, g in enumerate(groups, 1))
    unplaced_ = tuple(sorted(unplaced))
    return CohortPlan(quarter, cohorts, unplaced_,
                      _message(len(org.people), cohorts, unplaced_, rules))


# Changes during the quarter ----------------------------------------------------------------------

def _with(plan: CohortPlan, cohorts: Iterable[Cohort], unplaced: Iterable[tuple[str, str]],
          rules: CohortRules, note: str) -> CohortPlan:
    cohorts_ = tuple(sorted((c for c in cohorts if c.members), key=lambda c: c.number))
    unplaced_ = tuple(sorted(unplaced))
    counted = sum(len(c) for c in cohorts_) + len(unplaced_)
    return CohortPlan(plan.quarter, cohorts_, unplaced_,
                      _message(counted, cohorts_, unplaced_, rules, note, formed=False))


def _spread(offsets: Iterable[int | None]) -> tuple[int, int] | None:
    known = [o for o in offsets if o is not None]
    return (min(known), max(known)) if known else None


def _fits_zones(offset: int, cohort: Cohort, org: _Org, rules: CohortRules) -> bool:
    span = _spread([*map(org.offset, cohort.members), offset])
    return span[1] - span[0] <= rules.max_offset_spread_minutes


def _clash(email: str, cohort: Cohort, org: _Org) -> str | None:
    """Who in ``cohort`` is ``email``'s manager or direct report, as "manager x" / "report x"."""
    boss = org.people[email].manager_email
    if boss in cohort.members:
        return f"manager {boss}"
    report = next((e for e in cohort.members if org.people.get(e) and
                   org.people[e].manager_email == email), None)
    return f"report {report}" if report else None


def _odd_one_out(trio: tuple[str, ...], key: Callable[[str], str]) -> str:
    return max(trio, key=key)


def _add_to_pairs(pairs: tuple[tuple[str, ...], ...], email: str,
                  key: Callable[[str], str]) -> tuple[tuple[str, ...], ...]:
    """A newcomer joins the pairs: with a lone member, with a trio's odd one out, or into a pair
    making a trio."""
    groups = list(pairs)
    lone = next((g for g in groups if len(g) == 1), None)
    trio = next((g for g in groups if len(g) == 3), None)
    if lone:
        groups[groups.index(lone)] = (*lone, email)
    elif trio:
        odd = _odd_one_out(trio, key)
        groups[groups.index(trio)] = tuple(e for e in trio if e != odd)
        groups.append((odd, email))
    elif groups:
        first = min(groups, key=lambda g: min(map(key, g)))
        groups[groups.index(first)] = (*first, email)
    else:
        groups.append((email,))
    return _canonical(groups)


def _drop_from_pairs(pairs: tuple[tuple[str, ...], ...], email: str,
                     key: Callable[[str], str]) -> tuple[tuple[str, ...], ...]:
    """The pairs without ``email``: a partner left alone pairs with a trio's odd one out, or
    joins a pair making a trio."""
    group = next(g for g in pairs if email in g)
    groups = [g for g in pairs if g is not group]
    rest = tuple(e for e in group if e != email)
    if len(rest) != 1:
        return _canonical([*groups, rest])
    trio = next((g for g in groups if len(g) == 3), None)
    if trio:
        odd = _odd_one_out(trio, key)
        groups[groups.index(trio)] = tuple(e for e in trio if e != odd)
        groups.append((rest[0], odd))
    elif groups:
        first = min(groups, key=lambda g: min(map(key, g)))
        groups[groups.index(first)] = (*first, rest[0])
    else:
        groups.append(rest)
    return _canonical(groups)


def _no_fit(member: Member, plan: CohortPlan, org: _Org, rules: CohortRules) -> str:
    hours, zone = _hours(rules.max_offset_spread_minutes), _zone(member.utc_offset_minutes)
    near = [c for c in plan.cohorts if _fits_zones(member.utc_offset_minutes, c, org, rules)]
    if not near:
        return f"no cohort has time zones within {hours} of theirs ({zone})"
    if all(_clash(member.email, c, org) for c in near):
        return (f"no cohort fits: each cohort within {hours} of their time zone ({zone}) holds "
                f"their manager or a report")
    return (f"no cohort fits: the cohorts within {hours} of their time zone ({zone}) without "
            f"their manager or a report are full ({rules.largest})")


def join(plan: CohortPlan, member: Member, members: Iterable[Member],
         rules: CohortRules = CohortRules()) -> CohortPlan:
    """A manager joining mid-quarter, into the smallest cohort that keeps the rules (room, time
    zones, no manager or report; of equals, the one with fewest of their unit and site); when
    none does, among the unplaced with the reason. Only that cohort's pairs change."""
    member = _normal(member)
    org = _org([*(m for m in members if normalize_email(m.email) != member.email), member])
    present = plan.cohort_of(member.email)
    if present is not None:
        raise CohortError(f"{member.email} is already in cohort {present.number}")
    unplaced = [u for u in plan.unplaced if u[0] != member.email]
    site, unit = _site(member), member.org_unit
    fitting = [c for c in plan.cohorts if len(c) < rules.largest
               and _fits_zones(member.utc_offset_minutes, c, org, rules)
               and not _clash(member.email, c, org)]
    if not fitting:
        why = _no_fit(member, plan, org, rules)
        return _with(plan, plan.cohorts, [*unplaced, (member.email, why)], rules,
                     f"{member.email} is unplaced: {why}")

    def likeness(c: Cohort) -> tuple[int, int, int, int]:
        known = [org.people[e] for e in c.members if e in org.people]
        return (len(c), sum(m.org_unit == unit for m in known), sum(_site(m) == site
                                                                    for m in known), c.number)

    chosen = min(fitting, key=likeness)
    key = _keyer(rules.seed, plan.quarter, "pairs")
    joined = Cohort(chosen.number, tuple(sorted((*chosen.members, member.email))),
                    _add_to_pairs(chosen.pairs, member.email, key))
    cohorts = [joined if c is chosen else c for c in plan.cohorts]
    return _with(plan, cohorts, unplaced, rules,
                 f"{member.email} joined cohort {chosen.number}")


def leave(plan: CohortPlan, email: str, rules: CohortRules = CohortRules()) -> CohortPlan:
    """A manager leaving or opting out: out of their cohort and its pairs (their partner re-paired
    within the cohort); the cohort stays even when it drops below ``smallest``."""
    email = normalize_email(email)
    cohort = plan.cohort_of(email)
    if cohort is None:
        if all(e != email for e, _ in plan.unplaced):
            raise CohortError(f"{email} is in no cohort of {plan.quarter} and not unplaced")
        return _with(plan, plan.cohorts, [u for u in plan.unplaced if u[0] != email], rules,
                     f"{email} left")
    key = _keyer(rules.seed, plan.quarter, "pairs")
    smaller = Cohort(cohort.number, tuple(e for e in cohort.members if e != email),
                     _drop_from_pairs(cohort.pairs, email, key))
    note = f"{email} left cohort {cohort.number}"
    if not smaller.members:
        note += ", which is empty now and dropped"
    elif len(smaller) < rules.smallest:
        note += f", which has {len(smaller)} now (fewer than {rules.smallest})"
    cohorts = [smaller if c is cohort else c for c in plan.cohorts]
    return _with(plan, cohorts, plan.unplaced, rules, note)


def move(plan: CohortPlan, email: str, to_cohort: int, members: Iterable[Member],
         rules: CohortRules = CohortRules()) -> CohortPlan:
    """HR moving a manager (placed or unplaced) into cohort ``to_cohort``; both cohorts' pairs
    are formed again. Raises CohortError naming who and which rule when the move breaks one."""
    org = _org(members)
    email = normalize_email(email)
    if email not in org.people:
        raise CohortError(f"{email} is not one of the managers")
    target = next((c for c in plan.cohorts if c.number == to_cohort), None)
    if target is None:
        raise CohortError(f"there is no cohort {to_cohort} in {plan.quarter}")
    source = plan.cohort_of(email)
    if source is not None and source.number == target.number:
        return plan
    _check_move(email, source, target, org, rules)
    key = _keyer(rules.seed, plan.quarter, "pairs")
    into = tuple(sorted((*target.members, email)))
    changed = {target.number: Cohort(target.number, into, _pair_up(into, {}, key))}
    if source is not None:
        rest = tuple(e for e in source.members if e != email)
        changed[source.number] = Cohort(source.number, rest, _pair_up(rest, {}, key))
    cohorts = [changed.get(c.number, c) for c in plan.cohorts]
    unplaced = [u for u in plan.unplaced if u[0] != email]
    start = f"cohort {source.number}" if source is not None else "the unplaced"
    return _with(plan, cohorts, unplaced, rules,
                 f"{email} moved from {start} to cohort {target.number}")


def _check_move(email: str, source: Cohort | None, target: Cohort, org: _Org,
                rules: CohortRules) -> None:
    if len(target) >= rules.largest:
        raise CohortError(f"cohort {target.number} is full: it has {len(target)}, and "
                          f"{rules.largest} is the most")
    clash = _clash(email, target, org)
    if clash:
        raise CohortError(f"{email}'s {clash} is in cohort {target.number}")
    offset = org.people[email].utc_offset_minutes
    if not _fits_zones(offset, target, org, rules):
        low, high = _spread(map(org.offset, target.members))
        raise CohortError(f"{email}'s time zone ({_zone(offset)}) is more than "
                          f"{_hours(rules.max_offset_spread_minutes)} from cohort "
                          f"{target.number}'s ({_span(low, high)})")
    if source is not None:
        floor = rules.smallest if len(source) >= rules.smallest else rules.minimum
        if len(source) - 1 < floor:
            raise CohortError(f"cohort {source.number} would have {len(source) - 1} without "
                              f"{email}, fewer than {floor}")


# Checking ----------------------------------------------------------------------------------------

def violations(plan: CohortPlan, members: Iterable[Member],
               rules: CohortRules = CohortRules()) -> list[str]:
    """Every rule ``plan`` breaks, one line each; [] when it keeps them all."""
    org = _org(members)
    problems = _placement(plan, org)
    region = _region_index(org, rules)
    regions_of = {c.number: {region[o] for o in map(org.offset, c.members) if o is not None}
                  for c in plan.cohorts}
    for cohort in plan.cohorts:
        alone = not any(regions_of[cohort.number] & regions_of[other.number]
                        for other in plan.cohorts if other is not cohort)
        problems += _cohort_problems(cohort, org, rules, alone)
    return problems


def _placement(plan: CohortPlan, org: _Org) -> list[str]:
    """Everyone known is in exactly one cohort or unplaced, and no one else is."""
    problems, where = [], {}
    numbers = Counter(c.number for c in plan.cohorts)
    problems += [f"{n} cohorts are numbered {number}" for number, n in sorted(numbers.items())
                 if n > 1]
    places = [(e, f"cohort {c.number}") for c in plan.cohorts for e in c.members]
    places += [(e, "the unplaced") for e, _ in plan.unplaced]
    for email, place in places:
        if email in where:
            problems.append(f"{email} is in {where[email]} and in {place}"
                            if where[email] != place else f"{email} is twice in {place}")
        where.setdefault(email, place)
        if email not in org.people:
            problems.append(f"{email} in {place} is not one of the managers")
    problems += [f"{e} is in no cohort and not unplaced" for e in sorted(org.people)
                 if e not in where]
    problems += [f"{e} is unplaced without a reason" for e, why in plan.unplaced
                 if not why.strip()]
    return problems


def _cohort_problems(cohort: Cohort, org: _Org, rules: CohortRules, alone: bool) -> list[str]:
    n, size, problems = cohort.number, len(cohort), []
    if size > rules.largest:
        problems.append(f"cohort {n} has {size}, more than {rules.largest}")
    elif size < rules.minimum:
        problems.append(f"cohort {n} has {size}, fewer than {rules.minimum}")
    elif size < rules.smallest and not alone:
        problems.append(f"cohort {n} has {size}, fewer than {rules.smallest}, though other "
                        f"cohorts share its time zones")
    inside = set(cohort.members)
    for email in cohort.members:
        boss = org.people[email].manager_email if email in org.people else None
        if boss in inside:
            problems.append(f"{email}'s manager {boss} is in cohort {n} too")
    span = _spread(map(org.offset, cohort.members))
    if span and span[1] - span[0] > rules.max_offset_spread_minutes:
        problems.append(f"cohort {n} spans {_hours(span[1] - span[0])} of {_zones(*span)}, "
                        f"more than {_hours(rules.max_offset_spread_minutes)}")
    paired = sorted(e for g in cohort.pairs for e in g)
    if paired != sorted(cohort.members):
        problems.append(f"cohort {n}'s pairs do not hold its members once each")
    shapes = sorted(len(g) for g in cohort.pairs)
    expected = [1] if size == 1 else [2] * (size // 2 - size % 2) + [3] * (size % 2)
    if size and shapes != sorted(expected):
        problems.append(f"cohort {n}'s pairs are not pairs with one trio when odd")
    return problems
