"""Flask blueprints: the service's HTTP entry points. They parse, call a service, render."""
from __future__ import annotations

from flask import current_app


def coach():
    """The process's collaborators (:class:`flask_app.bootstrap.Coach`)."""
    return current_app.extensions["coach"]
