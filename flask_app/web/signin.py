"""Signing in with Google: HR to the console, a person to opt out, a manager to authorise the
service (the opt-in mode), an admin to let it read the directory (the same mode).

The flow's state and PKCE verifier are kept in the store, used once, for ten minutes at most;
the browser's session cookie only carries the state it started, so a callback another browser
started is refused. The console's session lasts ``COACH_SESSION_HOURS``.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import (Blueprint, abort, redirect, render_template, request, session, url_for)

from ..adapters.google.id_tokens import Unauthorized
from ..adapters.google.signin import SIGN_IN
from ..adapters.google.workspace import CALENDAR_EVENTS, DIRECTORY_SCOPES, DOCUMENTS, DRIVE_FILE
from ..domain.records import Grant, SigninRequest
from ..domain.rollout import OPT_IN
from ..services.rollout import CALENDAR_GRANT
from . import coach

bp = Blueprint("signin", __name__)
log = logging.getLogger(__name__)
PENDING = timedelta(minutes=10)
USER, SINCE = "console_user", "console_since"
PURPOSES = ("console", "opt_out", "opt_in", "directory")


def scopes_for(purpose: str) -> tuple[str, ...]:
    """What each sign-in asks for: the console never Docs or Drive."""
    if purpose == "opt_in":
        extra = (DOCUMENTS,) if coach().store.rollout().reuse_docs else ()
        return (*SIGN_IN, CALENDAR_EVENTS, DRIVE_FILE, *extra)
    if purpose == "directory":
        return (*SIGN_IN, *DIRECTORY_SCOPES)
    return SIGN_IN


def _redirect_uri() -> str:
    base = coach().settings.public_url
    return (base + url_for("signin.callback")) if base else url_for("signin.callback",
                                                                      _external=True)


def start(purpose: str, hint: str | None = None):
    """Send the browser to Google to sign in for ``purpose``."""
    c = coach()
    offline = purpose in ("opt_in", "directory")
    started = c.signin().start(scopes_for(purpose), _redirect_uri(), offline=offline,
                               login_hint=hint)
    c.store.save_signin(SigninRequest(started.state, started.verifier, purpose, c.now()))
    session["signin_state"] = started.state
    return redirect(started.url)


@bp.get("/signin")
def signin():
    """HR's sign-in to the console (``?hint=`` preselects an account). In the opt-in mode,
    until an admin let the coach read the directory, signing in asks for that too: the
    directory is how the console knows who is an admin."""
    c = coach()
    needs_directory = c.store.rollout().mode == OPT_IN and not c.store.grants("directory")
    hint = request.args.get("hint") or c.demo_admin()  # the demo: its HR admin, one click
    wanted = request.args.get("next", "")
    if wanted.startswith("/admin") and "//" not in wanted and "\\" not in wanted:
        session["signin_next"] = wanted  # back to the console page asked for, nowhere else
    return start("directory" if needs_directory else "console", hint)


@bp.get("/signin/callback")
def callback():
    c = coach()
    state = request.args.get("state", "")
    pending = c.store.take_signin(state) if state else None
    if pending is None or session.pop("signin_state", None) != state or \
            c.now() - pending.created > PENDING:
        abort(400, "This sign-in has expired or was started elsewhere; start again.")
    if request.args.get("error"):
        return render_template("signed_out.html", message="Signing in was cancelled."), 200
    try:
        finished = c.signin().finish(scopes_for(pending.purpose), _redirect_uri(), state,
                                     pending.verifier, request.args.get("code", ""))
    except Unauthorized as refused:
        log.warning("sign-in refused: %s", refused)
        abort(401, "Google did not confirm who signed in; try again.")
    return _done(pending.purpose, finished)


def _done(purpose: str, finished):
    c = coach()
    if purpose == "console":
        return _console_session(finished.email)
    if purpose == "opt_out":
        session["opting_out"] = finished.email
        return redirect(url_for("people.opt_out_confirm"))
    if not finished.refresh_token:
        abort(400, "Google sent no lasting authorisation; start again and allow access.")
    kind = CALENDAR_GRANT if purpose == "opt_in" else "directory"
    c.store.save_grant(Grant(finished.email, kind, c.vault().seal(finished.refresh_token),
                             list(finished.scopes), c.now()))
    log.info("an authorisation was stored (%s)", kind)
    if purpose == "directory":  # an admin, who is signed in to the console with it
        if not c.console_access().allowed(finished.email):
            c.store.delete_grant(finished.email, kind)  # not an admin: keep nothing of theirs
        return _console_session(finished.email)
    c.rollout().opt_in_again(finished.email)
    return render_template("authorised.html", kind=kind, email=finished.email)


def _console_session(email: str):
    if not coach().console_access().allowed(email):
        log.info("console sign-in refused for someone who is neither admin nor HR")
        return render_template("refused.html", email=email), 403
    wanted = session.get("signin_next")
    session.clear()
    session.permanent = True
    session[USER], session[SINCE] = email, time.time()
    return redirect(wanted or url_for("console.overview"))


@bp.post("/signout")
def signout():
    session.clear()
    return render_template("signed_out.html", message="You are signed out.")


def console_user() -> str | None:
    """Who is signed in to the console, while their session lasts and they may use it."""
    user, since = session.get(USER), session.get(SINCE)
    if not user or not since:
        return None
    if time.time() - since > coach().settings.session_hours * 3600:
        session.clear()
        return None
    return user if coach().console_access().allowed(user) else None
