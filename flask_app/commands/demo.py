"""``coach demo``: the service on the Workspace sandbox with the demo organisation."""
from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import timedelta

import click
from werkzeug.serving import make_server

from ..adapters.addon_manifest import deployment
from ..bootstrap import build
from ..config import load_settings
from ..domain.rollout import DELEGATION
from ..errors import CoachError
from .sync import summarise

log = logging.getLogger(__name__)
DEMO_UNITS = ("/Engineering", "/Product")
DEMO_HR_GROUP = "hr@example.com"


def _seeded_before_this_week(client) -> bool:
    seeded, now = client.seeded_at(), client.now()
    if seeded is None:
        return True
    monday = (now - timedelta(days=now.weekday())).date()
    return seeded.date() < monday


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
    from workspace_sandbox import SandboxClient, SandboxServer, running_sandbox

    from .. import create_app

    settings = load_settings()
    if settings.google_api_root:
        raise click.UsageError("coach demo runs on the local sandbox; unset "
                               "COACH_GOOGLE_API_ROOT.")
    server = None
    if running_sandbox(settings.sandbox_dir) is None:
        server = SandboxServer(settings.sandbox_dir, port=sandbox_port).start()
        client = SandboxClient(server.url, server.ca_file)
        if fresh or _seeded_before_this_week(client):
            client.reset()
            click.echo("Seeded the sandbox with the demo organisation.")
    coach = build(settings)  # the store forgets a world that was seeded anew
    click.echo(f"Workspace sandbox: {coach.sandbox.url}")
    if not coach.store.rollout().enabled:  # HR's first step, done for the demo
        coach.rollout().save("coach demo", mode=DELEGATION, units=list(DEMO_UNITS), groups=[],
                             reuse_docs=False, directory=coach.directory())
        click.echo(f"Enabled {', '.join(DEMO_UNITS)} (the console enables the rest).")
    app = create_app(coach=coach, test_config={"COACH_DEMO": True})
    web = make_server("127.0.0.1", port, app, threaded=True)
    base = f"http://127.0.0.1:{web.server_port}"
    coach.settings = replace(coach.settings, public_url=base, tasks="cloud",
                             hr_group=coach.settings.hr_group or DEMO_HR_GROUP)
    coach.sandbox.install_addon(deployment(base))  # the sandbox's Calendar and Docs run it
    coach.sandbox.tasks_target(base)  # the sandbox's Cloud Tasks delivers to this service
    coach.sandbox.call("PUT", "/calendar/settings", json={"allowHttpReceivers": True})
    click.echo("Finding one-on-ones and writing agendas…")
    click.echo(summarise(coach.sync_pass().run()))
    stop = threading.Event()

    def sweep():  # as cron does: one task per manager on the sandbox's queue, which opens
        while True:  # or renews the manager's push channel and syncs them
            try:
                swept = coach.fan_out().sweep()
                if swept.failed:
                    log.warning("sweep: %s", swept.failed)
            except CoachError as error:
                log.warning("sweep: %s", error)
            if stop.wait(every):
                return

    threading.Thread(target=sweep, daemon=True, name="sync-sweep").start()
    click.echo(f"\nOne-on-One Coach is running. The HR console: {base}/admin (sign in as the "
               f"demo's HR admin with one click)\nThe demo organisation, its calendars and "
               f"docs with the add-on: {base}/")
    try:
        web.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        coach.close()
        if server:
            server.stop()
