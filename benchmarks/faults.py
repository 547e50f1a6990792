"""Many rounds of sync and gather under faults, crashes, concurrency and people's edits.

    .venv/bin/python benchmarks/faults.py [ROUNDS] [STEPS]

Each round starts from the demo organisation's seed and runs up to STEPS steps (default 8) drawn
by the Hypothesis state machine in tests/faults (seeded: the same run every time): syncs with
injected 429/403/500/503 and latency on random methods, lost answers, a crash after the n-th
Google call and a restart, a person typing between the service's read and its write, two syncs
of one manager at once, people typing into answers, titles, tables and plan entries, renaming
headings, deleting sections, meetings moved and cancelled, the clock moving. After every step it
checks the sandbox's state and prints, at the end: rounds, steps, faults, crashes, duplicates,
characters lost and tracebacks. A failure stops the run with the steps that led to it.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the rounds live in tests/

from tests.conftest import LocalSandbox  # noqa: E402
from tests.faults.harness import FaultWorld, Tally  # noqa: E402
from tests.faults.machine import rounds  # noqa: E402
from workspace_sandbox import SandboxServer  # noqa: E402


def main(count: int = 1000, steps: int = 8) -> int:
    tally = Tally()
    started = time.monotonic()
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        server = SandboxServer(Path(folder) / "sandbox").start()
        world = FaultWorld(LocalSandbox(server), Path(folder), tally)
        world.on_round = lambda n: n % 100 or print(  # progress, on stderr
            f"round {n}: {tally.line()} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
        try:
            rounds(world, count, steps)
        except Exception as failure:  # a round that found a problem: say which, then the tally
            failed = True
            print(f"FAILED: {type(failure).__name__}: {failure}")
            report(failure, world)
        finally:
            world.close()
            server.stop()
    print(tally.line())
    print(f"wall time: {time.monotonic() - started:.0f} s")
    clean = not (failed or tally.duplicates or tally.characters_lost or tally.tracebacks)
    return 0 if clean and tally.rounds >= count else 1


def report(failure: BaseException, world: FaultWorld) -> None:
    """What stopped the run. On stdout, the first exception a step raised and in which round
    (Hypothesis may report another error: when its replay of a failing round goes differently
    it reports a flaky replay or an inconsistent data generation instead). On stderr, the
    failure with its traceback, its causes and contexts and, for an exception group (a flaky
    failure), each inner exception; then each distinct exception steps raised, with the rounds
    it happened in and its first traceback."""
    if world.failures:
        print(f"first exception a step raised: {world.failures[0].describe()}")
    print("--- the failure Hypothesis reported ---", file=sys.stderr)
    traceback.print_exception(failure, file=sys.stderr)  # with causes, contexts and groups
    kinds: dict[tuple[str, str], list] = {}
    for noted in world.failures:
        kinds.setdefault((noted.step, noted.error), []).append(noted)
    for (step, error), seen in kinds.items():
        rounds_seen = sorted({noted.round for noted in seen})
        print(f"--- step {step} raised {error} in round(s) "
              f"{', '.join(map(str, rounds_seen[:10]))}{' ...' if len(rounds_seen) > 10 else ''}"
              " ---", file=sys.stderr)
        print(seen[0].traceback, file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rounds", nargs="?", type=int, default=1000)
    parser.add_argument("steps", nargs="?", type=int, default=8, help="at most, per round")
    args = parser.parse_args()
    if args.rounds < 1 or args.steps < 1:
        parser.error("ROUNDS and STEPS must be positive")
    sys.exit(main(args.rounds, args.steps))
