"""Scheduled work: the cron sweep that syncs every enabled manager (see cron.yaml)."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, request

from . import coach

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
log = logging.getLogger(__name__)


@bp.get("/sync")
def sync_all():
    """Run one sync pass. App Engine cron marks its calls with X-Appengine-Cron, a header App
    Engine strips from outside requests; anything else is refused."""
    if request.headers.get("X-Appengine-Cron") != "true":
        abort(403)
    outcome = coach().sync_pass().run()
    if outcome.failed:
        log.warning("sync pass could not run: %s", outcome.failed)
        return {"error": outcome.failed}, 503
    results = outcome.results
    summary = {"managers": len(results),
               "sections_added": sum(r.sections_added for r in results),
               "docs_created": sum(r.docs_created for r in results),
               "failed": [{"manager": r.manager, "failure": r.failed} for r in outcome.failures],
               "problems": sum(len(r.problems) for r in results)}
    log.info("sync pass: %d managers, %d failed", len(results), len(outcome.failures))
    return summary
