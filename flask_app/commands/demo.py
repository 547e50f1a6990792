"""``coach demo``: the service on the Workspace sandbox with the demo organisation."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from pathlib import Path

import click
from werkzeug.serving import make_server

from ..config import load_settings
from ..services.context import Coach
from .sync import summarise

log = logging.getLogger(__name__)


def _seeded_before_this_week(world) -> bool:
    with world.transaction() as tx:
        seeded, now = tx.setting("seeded_at"), tx.now()
    if seeded is None:
        return True
    monday = (now - timedelta(days=now.weekday())).date()
    return datetime.fromisoformat(seeded).date() < monday


def _forget_store(settings) -> None:
    """Remove the demo's SQLite store (it points at docs of the world just replaced)."""
    prefix = "sqlite:///"
    if settings.database_url.startswith(prefix):
        for path in Path(settings.database_url[len(prefix):]).parent.glob(
                Path(settings.database_url[len(prefix):]).name + "*"):
            path.unlink()


@click.command("demo")
@click.option("--port", default=8080, show_default=True, help="Port of the service.")
@click.option("--sandbox-port", default=8443, show_default=True, help="Port of the sandbox.")
@click.option("--every", default=300, show_default=True, help="Seconds between sync passes.")
@click.option("--fresh", is_flag=True, help="Start over: reseed the sandbox, forget the store.")
def demo(port: int, sandbox_port: int, every: int, fresh: bool) -> None:
    """Start the sandbox (seeded with the demo organisation) and the service on it.

    The demo's calendars are laid around the week they were seeded in, so a world seeded in
    an earlier week is seeded again (and the service's store, which points into it, cleared).
    """
    from .. import create_app
    from ..adapters.workspace import connect
    from workspace_sandbox import SandboxServer, running_sandbox, seed_world

    settings = load_settings()
    if settings.google_api_root:
        raise click.UsageError("coach demo runs on the local sandbox; unset "
                               "COACH_GOOGLE_API_ROOT.")
    server = None
    if running_sandbox(settings.sandbox_dir) is None:
        server = SandboxServer(settings.sandbox_dir, port=sandbox_port).start()
        if fresh or _seeded_before_this_week(server.world):
            seed_world(server.world)
            _forget_store(settings)
            click.echo("Seeded the sandbox with the demo organisation.")
    coach = Coach.from_settings(settings, connect(settings))
    click.echo(f"Workspace sandbox: {coach.workspace.endpoints.root}")
    click.echo("Finding one-on-ones and writing agendas…")
    click.echo(summarise(coach.sync_pass().run()))
    stop = threading.Event()

    def sweep():
        while not stop.wait(every):
            try:
                coach.sync_pass().run()
            except Exception:  # the demo keeps serving; the log says what went wrong
                log.exception("sync pass failed")

    threading.Thread(target=sweep, daemon=True, name="sync-sweep").start()
    app = create_app(coach=coach, test_config={"COACH_DEMO": True})
    web = make_server("127.0.0.1", port, app, threaded=True)
    click.echo(f"\nOne-on-One Coach is running: open http://127.0.0.1:{web.server_port}/")
    try:
        web.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        coach.close()
        if server:
            server.stop()
