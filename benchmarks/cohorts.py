"""Forming quarterly peer-coaching cohorts for large organisations, four quarters in a row.

    .venv/bin/python benchmarks/cohorts.py [managers ...]   (default 500 5000 20000)

Each organisation is the tests' generated reporting tree (tests/domain/test_cohorts.py: org):
managers who each manage 3–8 managers, eight org units, five offices and remote workers, time
zones 60% Europe, 30% Americas, 10% Asia. Cohorts are formed for 2027Q1 to 2027Q4, each quarter
with the one before as `previous`. Printed per quarter: managers, cohorts, the range of cohort
sizes, managers unplaced, pairs of managers who shared a cohort last quarter and share one
again (against all such pairs, which is what keeping last quarter's cohorts would repeat), the
seconds `form_cohorts` took (time.perf_counter) and the rules the plan breaks (`violations`,
timed apart; the run fails when there is any).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the org generator is in tests/

from flask_app.domain.cohorts import CohortPlan, form_cohorts, violations  # noqa: E402
from tests.domain.test_cohorts import org  # noqa: E402

QUARTERS = ("2027Q1", "2027Q2", "2027Q3", "2027Q4")


def together(plan: CohortPlan) -> set[frozenset[str]]:
    """Every two managers who share a cohort."""
    return {frozenset((a, b)) for c in plan.cohorts for i, a in enumerate(c.members)
            for b in c.members[i + 1:]}


def main(sizes: list[int]) -> int:
    broken = 0
    print(f"{'managers':>8} {'quarter':>7} {'cohorts':>7} {'sizes':>6} {'unplaced':>8} "
          f"{'repeats':>15} {'seconds':>7} {'broken':>6}")
    for n in sizes:
        members, previous = org(n, 1), None
        for quarter in QUARTERS:
            started = time.perf_counter()
            plan = form_cohorts(members, quarter, previous=previous)
            seconds = time.perf_counter() - started
            lengths = [len(c.members) for c in plan.cohorts]
            span = f"{min(lengths)}–{max(lengths)}" if lengths else "-"
            repeats = (f"{len(together(plan) & together(previous))} of "
                       f"{len(together(previous))}" if previous else "-")
            problems = violations(plan, members)
            broken += len(problems)
            print(f"{n:>8} {quarter:>7} {len(plan.cohorts):>7} {span:>6} "
                  f"{len(plan.unplaced):>8} {repeats:>15} {seconds:>7.2f} {len(problems):>6}")
            previous = plan
    return 1 if broken else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("managers", nargs="*", type=int, default=[500, 5000, 20000])
    args = parser.parse_args()
    if any(n < 1 for n in args.managers):
        parser.error("organisation sizes must be positive")
    sys.exit(main(args.managers))
