"""The front page outside the sandbox: what the service is, and nothing personal."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("public.html")
