"""The demo's front page on the sandbox: a window onto the demo organisation. Registered only
when the service runs on the sandbox (it lists people and reads calendars without sign-in)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, render_template

from . import coach

bp = Blueprint("home", __name__)
CALENDAR_DAYS = 21


@bp.get("/")
def index():
    c = coach()
    pairs = sorted(c.store.pairs(), key=lambda p: (p.manager, p.report))
    return render_template("home.html", pairs=pairs, sandbox=c.sandbox.url)


@bp.get("/demo/calendar/<email>")
def calendar(email: str):
    """A manager's next three weeks as the Calendar API lists them, with attached docs."""
    c = coach()
    person = c.directory().get(email)
    if person is None:
        abort(404, f"{email} is not in the demo organisation.")
    now = c.now()
    events = c.workspace.calendar(person.email).between(now, now + timedelta(days=CALENDAR_DAYS))
    return render_template("calendar.html", email=person.email, events=events,
                           sandbox=c.sandbox.url)
