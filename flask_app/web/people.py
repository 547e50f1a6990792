"""Pages for anyone in the organisation: opting out of the coach (the link in every agenda's
header), and, in the opt-in mode, authorising it for one's own calendar (the link HR sends)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, session

from . import coach
from .signin import start

bp = Blueprint("people", __name__)


@bp.get("/optout")
def opt_out():
    """Sign in with Google to say who is opting out."""
    return start("opt_out")


@bp.get("/optout/confirm")
def opt_out_confirm():
    email = session.get("opting_out")
    if not email:
        abort(400, "Start from the opt-out link again.")
    already = email in coach().rollout().opted_out()
    return render_template("people/opt_out.html", email=email, already=already)


@bp.post("/optout/confirm")
def opt_out_done():
    email = session.pop("opting_out", None)
    if not email:
        abort(400, "Start from the opt-out link again.")
    coach().rollout().opt_out(email)
    return render_template("people/opted_out.html", email=email)


@bp.get("/optin")
def opt_in():
    """A manager authorises the coach with their own account (the opt-in mode)."""
    return start("opt_in")
