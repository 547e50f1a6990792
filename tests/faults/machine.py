"""The fault rounds as a Hypothesis state machine: each example is a round on a fresh demo
organisation, each rule one thing that happens, and the invariant is checked after every step.
Seeded (derandomized) so that a run is reproducible; `benchmarks/faults.py` runs many rounds."""
from __future__ import annotations

import functools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.faults.harness import FAULTS, FAULTY_METHODS, MANAGERS, FaultWorld

managers = st.sampled_from(MANAGERS)
faults = st.fixed_dictionaries({
    "method": st.sampled_from(FAULTY_METHODS),
    "fault": st.sampled_from(FAULTS),
    "applied": st.booleans(),
    "times": st.integers(1, 4),
    "latency_ms": st.sampled_from([0, 0, 50, 200]),
}).map(lambda d: {"method": d["method"], **d["fault"], "times": d["times"],
                  "latency_ms": d["latency_ms"],
                  # only a call that Google may have done can lose its answer
                  "applied": d["applied"] and d["fault"]["status"] >= 500})


def noted(step):
    """The step, with whatever it raises noted on the world (with the round) and raised again:
    when Hypothesis replays a failing round and reports another error (a flaky replay), the
    benchmark still names the first one."""
    @functools.wraps(step)
    def noting(self, *args, **kwargs):
        try:
            return step(self, *args, **kwargs)
        except BaseException as error:
            self.world.note_failure(step.__name__, error)
            raise
    return noting


class FaultRounds(RuleBasedStateMachine):
    """Steps through one round on the world set by :func:`rounds`."""

    world: FaultWorld | None = None

    @initialize(manager=managers, seed=st.integers(0, 2**32 - 1))
    @noted
    def begin(self, manager, seed):
        self.world.start_round(seed)
        self.world.sync(manager)

    @rule(manager=managers)
    @noted
    def sync(self, manager):
        self.world.sync(manager)

    @rule(manager=managers, fault=faults)
    @noted
    def sync_under_a_fault(self, manager, fault):
        self.world.sync(manager, dict(fault))

    @rule(manager=managers, after=st.integers(1, 8))
    @noted
    def crash_and_restart(self, manager, after):
        self.world.crash_during_sync(manager, after)

    @rule(manager=managers)
    @noted
    def edit_between_read_and_write(self, manager):
        self.world.edit_between_read_and_write(manager)

    @rule(manager=managers)
    @noted
    def two_syncs_at_once(self, manager):
        self.world.concurrent_syncs(manager)

    @rule()
    @noted
    def person_types_an_answer(self):
        self.world.person_types_answer()

    @rule()
    @noted
    def person_types_in_a_title(self):
        self.world.person_types_title()

    @rule()
    @noted
    def person_adds_a_table(self):
        self.world.person_adds_a_table()

    @rule()
    @noted
    def person_renames_a_heading(self):
        self.world.person_renames_a_heading()

    @rule()
    @noted
    def person_deletes_a_section(self):
        self.world.person_deletes_a_section()

    @rule()
    @noted
    def person_edits_a_plan_entry(self):
        self.world.person_edits_a_plan_entry()

    @rule()
    @noted
    def person_writes_then_the_meeting_is_cancelled(self):
        self.world.person_writes_then_the_meeting_is_cancelled()

    @rule(cancel=st.booleans())
    @noted
    def meeting_moved_or_cancelled(self, cancel):
        self.world.move_or_cancel_a_meeting(cancel)

    @rule(hours=st.sampled_from([1, 6, 24, 72, 168]))
    @noted
    def time_passes(self, hours):
        self.world.advance(hours)

    @invariant()
    @noted
    def nothing_duplicated_or_lost(self):
        if self.world.sandbox is not None and getattr(self.world, "coach", None) is not None:
            problems = self.world.check()
            assert problems == [], problems


def rounds(world: FaultWorld, count: int, steps: int) -> None:
    """Run ``count`` rounds of up to ``steps`` steps each on ``world``."""
    FaultRounds.world = world
    FaultRounds.TestCase.settings = settings(
        max_examples=count, stateful_step_count=steps, derandomize=True, database=None,
        deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
    try:
        FaultRounds.TestCase("runTest").runTest()
    finally:
        FaultRounds.world = None
