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

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the rounds live in tests/

from tests.conftest import LocalSandbox  # noqa: E402
from tests.faults.harness import FaultWorld, Tally  # noqa: E402
from tests.faults.machine import rounds  # noqa: E402
from workspace_sandbox import SandboxServer  # noqa: E402


def main(count: int = 1000, steps: int = 8) -> int:
    tally = Tally()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        server = SandboxServer(Path(folder) / "sandbox").start()
        world = FaultWorld(LocalSandbox(server), Path(folder), tally)
        try:
            rounds(world, count, steps)
        except Exception as failure:  # a round that found a problem: say which, then the tally
            print(f"FAILED: {type(failure).__name__}: {failure}")
        finally:
            world.close()
            server.stop()
    print(tally.line())
    print(f"wall time: {time.monotonic() - started:.0f} s")
    clean = not (tally.duplicates or tally.characters_lost or tally.tracebacks)
    return 0 if clean and tally.rounds >= count else 1


if __name__ == "__main__":
    sys.exit(main(*(int(arg) for arg in sys.argv[1:3])))
