"""``coach sync`` and ``coach gather``: one pass over every enabled manager, by hand."""
from __future__ import annotations

import sys

import click
from tqdm import tqdm

from ..bootstrap import build
from . import FAILED, PARTLY_FAILED
from ..config import load_settings
from ..services.passes import PassResult


def summarise(outcome: PassResult) -> str:
    """What a pass did, in one paragraph of counts, then each failure on its own line."""
    if outcome.failed:
        return f"nothing synced: {outcome.failed}"
    results = [r for r in outcome.results if not r.failed]
    total = lambda name: sum(getattr(r, name) for r in results)  # noqa: E731
    lines = [
        f"managers synced: {len(results) - sum(1 for r in results if r.skipped)} "
        f"({sum(r.full_sync for r in results)} full syncs)",
        f"one-on-one pairs: {total('pairs')}",
        f"docs created: {total('docs_created')}, reused: {total('docs_reused')}, "
        f"attached: {total('attached')}",
        f"sections added: {total('sections_added')}, redated: {total('sections_redated')}, "
        f"removed: {total('sections_removed')}, kept (written in): {total('sections_kept')}",
        f"meetings gathered: {total('meetings_gathered')} (not filled in: "
        f"{total('not_filled')}), plan entries written: {total('plan_entries')}, "
        f"open items carried: {total('items_carried')}",
    ]
    skipped = [f"  {r.manager}: {r.skipped}" for r in results if r.skipped]
    if skipped:
        lines += [f"skipped: {len(skipped)}"] + skipped
    problems = [f"  {r.manager}: {p}" for r in results for p in r.problems]
    if problems:
        lines += [f"problems: {len(problems)}"] + problems
    if outcome.failures:
        lines += [f"failed: {len(outcome.failures)} manager(s)"] + [
            f"  {r.manager}: {r.failed}" for r in outcome.failures]
    return "\n".join(lines)


def _run(managers: tuple[str, ...], *, write_agendas: bool, label: str) -> None:
    coach = build(load_settings())
    try:
        outcome = coach.sync_pass().run(
            managers or None, write_agendas=write_agendas,
            progress=lambda items: tqdm(items, desc=label, unit="manager"))
    finally:
        coach.close()
    click.echo(summarise(outcome))
    if outcome.failed:
        sys.exit(FAILED)
    if outcome.failures:
        sys.exit(PARTLY_FAILED)


@click.command("sync")
@click.option("--manager", "managers", multiple=True, help="Only this manager (repeatable).")
def sync(managers: tuple[str, ...]) -> None:
    """Find one-on-ones and put coaching agendas in their docs (one pass)."""
    _run(managers, write_agendas=True, label="syncing managers")


@click.command("gather")
@click.option("--manager", "managers", multiple=True, help="Only this manager (repeatable).")
def gather(managers: tuple[str, ...]) -> None:
    """Gather ended meetings' notes into development plans (no new agendas)."""
    _run(managers, write_agendas=False, label="gathering")
