"""``coach demo``: the service on the Workspace sandbox with the demo organisation."""
from __future__ import annotations

import logging
import threading

import click
from werkzeug.serving import make_server

from ..config import load_settings
from ..services.context import Coach
from .sync import summarise

log = logging.getLogger(__name__)


@click.command("demo")
@click.option("--port", default=8080, show_default=True, help="Port of the service.")
@click.option("--sandbox-port", default=8443, show_default=True, help="Port of the sandbox.")
@click.option("--every", default=300, show_default=True, help="Seconds between sync passes.")
def demo(port: int, sandbox_port: int, every: int) -> None:
    """Start the sandbox (seeded with the demo organisation) and the service on it."""
    from .. import create_app
    from ..adapters.workspace import connect
    from ..sandbox.seed import seed_world
    from ..sandbox.server import SandboxServer, running_sandbox

    settings = load_settings()
    if settings.google_api_root:
        raise click.UsageError("coach demo runs on the local sandbox; unset "
                               "COACH_GOOGLE_API_ROOT.")
    server = None
    if running_sandbox(settings.sandbox_dir) is None:
        server = SandboxServer(settings.sandbox_dir, port=sandbox_port).start()
        if server.world.is_empty():
            seed_world(server.world)
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
