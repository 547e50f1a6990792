"""Google Calendar's push notifications (``events.watch``): each believed message becomes a
sync of that manager alone — a task when Cloud Tasks fans out, else right here."""
from __future__ import annotations

import logging
import math
from datetime import timedelta

from flask import Blueprint, request

from ..services.watching import Refused
from . import coach
from .security import csrf

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
csrf.exempt(bp)  # Google's requests, checked by their channel token
log = logging.getLogger(__name__)
GATHER = timedelta(seconds=30)  # changes in one window make one task, run when it closes


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
    queue = c.task_queue()
    if queue is None:
        c.manager_sync(lease_waits=0).run(manager, c.recent_directory())
        return "", 200
    now = c.now().timestamp()
    window = math.ceil(now / GATHER.total_seconds())
    wait = timedelta(seconds=window * GATHER.total_seconds() - now + 1)
    queue.enqueue(manager, delay=wait, dedupe_key=f"push{window}")
    return "", 200
