"""``coach rollout`` and ``coach tokens``: HR's rollout from the command line, and the keys that
encrypt people's stored authorisations."""
from __future__ import annotations

import click

from ..adapters.token_vault import TokenVault
from ..bootstrap import build
from ..config import load_settings


@click.group("rollout")
def rollout() -> None:
    """Which org units and groups the coach works for (the HR console does the same)."""


@rollout.command("show")
def show() -> None:
    """What is enabled and whom it covers."""
    coach = build(load_settings())
    saved = coach.store.rollout()
    click.echo(f"mode: {saved.mode}; org units: {', '.join(saved.units) or 'none'}; "
               f"groups: {', '.join(saved.groups) or 'none'}")
    if saved.enabled:
        cover = coach.rollout().coverage(coach.directory(), saved.units, saved.groups)
        click.echo(f"covers {len(cover)} managers and {cover.reports} reports; "
                   f"{len(coach.rollout().opted_out())} people opted out")


@rollout.command("enable")
@click.option("--unit", "units", multiple=True, help="An org unit path, e.g. /Engineering.")
@click.option("--group", "groups", multiple=True, help="A group's email.")
def enable(units: tuple[str, ...], groups: tuple[str, ...]) -> None:
    """Add org units and groups to what is enabled."""
    coach = build(load_settings())
    saved = coach.store.rollout()
    coach.rollout().save("coach rollout", mode=saved.mode, units=[*saved.units, *units],
                         groups=[*saved.groups, *groups], reuse_docs=saved.reuse_docs,
                         directory=coach.directory())
    click.echo("Enabled; the next sync works for the managers these cover.")


@click.group("tokens")
def tokens() -> None:
    """The keys that encrypt stored authorisations (COACH_TOKEN_KEYS)."""


@tokens.command("new-key")
def new_key() -> None:
    """Print a new key: put it first in COACH_TOKEN_KEYS, keep the old ones after it."""
    click.echo(TokenVault.new_key())


@tokens.command("rotate")
def rotate() -> None:
    """Re-encrypt every stored authorisation with the first key of COACH_TOKEN_KEYS."""
    coach = build(load_settings())
    vault, count = coach.vault(), 0
    for kind in ("calendar", "directory"):
        for grant in coach.store.grants(kind):
            grant.token = vault.rotate(grant.token)
            coach.store.save_grant(grant)
            count += 1
    click.echo(f"Re-encrypted {count} stored authorisation(s) with the newest key.")
