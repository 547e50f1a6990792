"""The service's front page; in the demo, a window onto the sandbox organisation."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template

from . import coach

bp = Blueprint("home", __name__)
CALENDAR_DAYS = 21


@bp.get("/")
def index():
    c = coach()
    pairs = sorted(c.store.pairs(), key=lambda p: (p.manager, p.report))
    managers = sorted({p.manager for p in pairs})
    sandbox = c.workspace.endpoints.root if c.settings.uses_sandbox else None
    return render_template("home.html", pairs=pairs, managers=managers, sandbox=sandbox)


@bp.get("/demo/calendar/<email>")
def calendar(email: str):
    """A manager's next three weeks as the Calendar API lists them, with attached docs."""
    c = coach()
    now = c.now()
    events = c.workspace.service("calendar", email).events().list(
        calendarId="primary", singleEvents=True, orderBy="startTime", maxResults=100,
        timeMin=now.isoformat(), timeMax=(now + timedelta(days=CALENDAR_DAYS)).isoformat(),
    ).execute().get("items", [])
    sandbox = c.workspace.endpoints.root if c.settings.uses_sandbox else None
    return render_template("calendar.html", email=email, events=events, sandbox=sandbox)
