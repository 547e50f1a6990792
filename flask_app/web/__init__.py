"""Flask blueprints: the service's HTTP entry points."""
from __future__ import annotations

from flask import current_app

from ..services.context import Coach


def coach() -> Coach:
    return current_app.extensions["coach"]
