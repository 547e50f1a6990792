"""Scheduled work: the cron sweep (cron.yaml) and the task that syncs one manager (queue.yaml).

With ``COACH_TASKS=cloud`` the sweep enqueues one task per manager and answers at once; the
queues (the managers' syncs, and their first syncs) deliver each to ``/tasks/manager``. Both
accept only App Engine's own requests: cron's ``X-Appengine-Cron`` and Cloud Tasks'
``X-AppEngine-QueueName`` are headers App Engine strips from requests coming from outside. With ``COACH_TASKS_TARGET=http`` (hosts other than App
Engine) a task must carry Cloud Tasks' OIDC token for this URL, issued to the service account.
"""
from __future__ import annotations

import logging

from flask import Blueprint, abort, request

from ..adapters.google.id_tokens import Unauthorized
from . import coach
from .security import csrf

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
csrf.exempt(bp)  # App Engine's requests, checked by their headers, not browsers' forms
log = logging.getLogger(__name__)


@bp.get("/sync")
def sync_all():
    """Run one sync pass. App Engine cron marks its calls with X-Appengine-Cron, a header App
    Engine strips from outside requests; anything else is refused."""
    if request.headers.get("X-Appengine-Cron") != "true":
        abort(403)
    c = coach()
    if c.task_queue() is not None:  # each task opens or renews its manager's channel
        swept = c.fan_out().sweep()
        if swept.failed:
            return {"error": swept.failed}, 503
        return {"enqueued": swept.enqueued, "already_queued": swept.already_queued,
                "first_syncs": swept.first, "channels_stopped": swept.channels_stopped}
    watching = c.watching()
    if watching is not None:  # channels opened for new managers, renewed, stopped
        renewed = watching.renew(c.recent_directory())
        log.info("channels: %d opened, %d kept, %d stopped, %d failed", renewed.opened,
                 renewed.kept, renewed.stopped, renewed.failed)
    outcome = c.sync_pass().run()
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


@bp.post("/manager")
def sync_one():
    """One manager's sync, as a Cloud Tasks task. 200 when done (or deferred: queued again for
    after a rate limit), 503 when the queue should retry it with backoff."""
    c = coach()
    if c.settings.tasks_target == "http":  # off App Engine: Cloud Tasks' OIDC token
        try:
            c.verify_task(request.headers.get("Authorization"))
        except Unauthorized as refused:
            log.warning("a task request was refused: %s", refused)
            abort(403)
    elif request.headers.get("X-AppEngine-QueueName") not in {
            queue.rpartition("/queues/")[2]
            for queue in (c.settings.tasks_queue, c.settings.tasks_first_queue)}:
        log.warning("a task request without the queue's header was refused")
        abort(403)
    manager = (request.get_json(silent=True) or {}).get("manager")
    if not isinstance(manager, str) or "@" not in manager:
        return {"error": "the task names no manager"}, 400  # a malformed task: not retried
    attempt = request.headers.get("X-AppEngine-TaskRetryCount", "0")
    done = c.fan_out().run_task(manager, int(attempt) if attempt.isdigit() else 0)
    return {"outcome": done.outcome, "detail": done.detail}, 503 if done.retry else 200
