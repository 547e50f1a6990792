"""Google Calendar's push notifications (``events.watch``): each believed message becomes a
sync of that manager alone — a task when Cloud Tasks fans out (or, when that manager's sync is
running, a flag on it to read the calendar once more), else right here."""
from __future__ import annotations

import logging

from flask import Blueprint, request

from ..services.watching import Refused
from . import coach
from .security import csrf

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
csrf.exempt(bp)  # Google's requests, checked by their channel token
log = logging.getLogger(__name__)


@bp.post("/calendar")
def calendar():
    c = coach()
    watching = c.watching()
    if watching is None:
        return "", 404
    headers = request.headers
    try:
        manager = watching.notified(headers.get("X-Goog-Channel-ID", ""),
                                    headers.get("X-Goog-Channel-Token", ""),
                                    headers.get("X-Goog-Resource-ID", ""),
                                    headers.get("X-Goog-Resource-State", ""))
    except Refused as refused:
        log.warning("a calendar notification was refused: %s", refused)  # never the token
        return "", refused.status
    if manager is None:
        return "", 200  # a channel's first message
    if c.task_queue() is None:
        c.manager_sync(lease_waits=0).run(manager, c.recent_directory())
        return "", 200
    c.fan_out().notified(manager)
    return "", 200
