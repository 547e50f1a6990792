"""``coach sync`` and ``coach gather``: one pass over every enabled manager, by hand."""
from __future__ import annotations

import click
from tqdm import tqdm

from ..config import load_settings
from ..services.context import Coach
from ..services.sync import SyncResult


def summarise(results: list[SyncResult]) -> str:
    """What a pass did, in one paragraph of counts."""
    total = lambda name: sum(getattr(r, name) for r in results)  # noqa: E731
    lines = [
        f"managers synced: {len(results)} ({sum(r.full_sync for r in results)} full syncs)",
        f"one-on-one pairs: {total('pairs')}",
        f"docs created: {total('docs_created')}, reused: {total('docs_reused')}, "
        f"attached: {total('attached')}",
        f"sections added: {total('sections_added')}, redated: {total('sections_redated')}, "
        f"removed: {total('sections_removed')}, kept (written in): {total('sections_kept')}",
        f"meetings gathered: {total('meetings_gathered')} (not filled in: "
        f"{total('not_filled')}), plan entries written: {total('plan_entries')}, "
        f"open items carried: {total('items_carried')}",
    ]
    problems = [f"  {r.manager}: {p}" for r in results for p in r.problems]
    if problems:
        lines += [f"problems: {len(problems)}"] + problems
    return "\n".join(lines)


@click.command("sync")
@click.option("--manager", "managers", multiple=True, help="Only this manager (repeatable).")
def sync(managers: tuple[str, ...]) -> None:
    """Find one-on-ones and put coaching agendas in their docs (one pass)."""
    coach = Coach.from_settings(load_settings())
    try:
        results = coach.sync_pass().run(
            managers or None,
            progress=lambda items: tqdm(items, desc="syncing managers", unit="manager"))
    finally:
        coach.close()
    click.echo(summarise(results))


@click.command("gather")
@click.option("--manager", "managers", multiple=True, help="Only this manager (repeatable).")
def gather(managers: tuple[str, ...]) -> None:
    """Gather ended meetings' notes into development plans (no new agendas)."""
    coach = Coach.from_settings(load_settings())
    try:
        results = coach.sync_pass().run(
            managers or None, write_agendas=False,
            progress=lambda items: tqdm(items, desc="gathering", unit="manager"))
    finally:
        coach.close()
    click.echo(summarise(results))
