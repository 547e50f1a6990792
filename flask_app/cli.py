"""The ``coach`` command line (exit codes: see :mod:`flask_app.commands`)."""
from __future__ import annotations

import logging
import sys

import click

from .commands import FAILED
from .config import load_settings
from .errors import CoachError

log = logging.getLogger(__name__)


class _Group(click.Group):
    """Show errors as one clear line and exit non-zero; never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CoachError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(FAILED)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as error:  # a defect: one line for the person, details in the log
            log.debug("unexpected error", exc_info=True)
            click.echo(f"error: unexpected {type(error).__name__}: {error} (run with -v for "
                       "details)", err=True)
            sys.exit(FAILED)


@click.group(cls=_Group)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
def main(verbose: bool) -> None:
    """One-on-One Coach: coaching agendas in managers' one-on-ones."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.group()
def sandbox() -> None:
    """The Workspace sandbox: a local stand-in for the Google APIs."""


@sandbox.command("serve")
@click.option("--port", default=8443, show_default=True)
def sandbox_serve(port: int) -> None:
    """Serve the sandbox over HTTPS until interrupted (seeding it when empty)."""
    from workspace_sandbox import SandboxServer, seed_world
    settings = load_settings()
    server = SandboxServer(settings.sandbox_dir, port=port)
    if server.world.is_empty():
        seed_world(server.world)
    click.echo(f"Workspace sandbox at {server.url} (CA: {server.ca_file})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


@sandbox.command("reset")
def sandbox_reset() -> None:
    """Restore the sandbox to the demo organisation's seed (the running one, if one runs)."""
    from workspace_sandbox import World, seed_world

    from .bootstrap import sandbox_client
    settings = load_settings()
    try:
        client, _ = sandbox_client(settings, start=False)
    except CoachError:
        seed_world(World(settings.sandbox_dir / "world.sqlite"))
    else:
        client.reset()
    click.echo("Sandbox reset to the demo organisation; the service's store forgets the old "
               "world on its next start.")


def _register_commands() -> None:
    from .commands.addon import addon
    from .commands.cohorts import cohorts
    from .commands.db import db
    from .commands.demo import demo
    from .commands.rollout import rollout, tokens
    from .commands.scan import scan
    from .commands.sync import gather, sync
    for command in (addon, cohorts, db, demo, gather, rollout, scan, sync, tokens):
        main.add_command(command)


_register_commands()
