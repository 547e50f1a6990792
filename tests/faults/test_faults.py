"""A bounded number of fault rounds in every test run (benchmarks/faults.py runs a thousand)."""
from __future__ import annotations

from tests.faults.harness import FaultWorld, Tally
from tests.faults.machine import rounds

ROUNDS, STEPS = 12, 8


def test_rounds_under_faults_duplicate_nothing_and_lose_nothing(sandbox, tmp_path):
    tally = Tally()
    world = FaultWorld(sandbox, tmp_path, tally)
    try:
        rounds(world, ROUNDS, STEPS)
    finally:
        world.close()
    print(tally.line())
    assert tally.rounds >= ROUNDS and tally.steps > ROUNDS
    assert (tally.duplicates, tally.characters_lost, tally.tracebacks) == (0, 0, 0), tally.line()
