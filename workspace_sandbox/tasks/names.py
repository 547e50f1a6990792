"""Resource names of Cloud Tasks and Google's rules for them.

``projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID/tasks/TASK_ID``: a project id of
letters, digits, hyphens, colons and periods; a queue id of letters, digits and hyphens (at most
100); a task id of letters, digits, hyphens and underscores (1 to 500).
"""
from __future__ import annotations

import re
import secrets

from workspace_sandbox.tasks.errors import help_link, invalid

LOCATION = re.compile(r"projects/[A-Za-z0-9\-:.]+/locations/[A-Za-z0-9\-]+")
QUEUE = re.compile(rf"(?P<location>{LOCATION.pattern})/queues/(?P<queue>[A-Za-z0-9\-]{{1,100}})")
_TASK = re.compile(r"(?P<queue>.+)/tasks/(?P<task>.*)")
_TASK_ID = re.compile(r"[A-Za-z0-9_\-]{1,500}")


def check_queue(name: str, parent: str | None = None) -> None:
    """A queue name as CreateQueue/UpdateQueue require it (and under ``parent``, if given)."""
    match = QUEUE.fullmatch(name or "")
    if match is None:
        raise invalid('Queue name must be formatted: "projects/<PROJECT_ID>/locations/'
                      '<LOCATION_ID>/queues/<QUEUE_ID>".',
                      help_link("Definition of queue name",
                                "projects.locations.queues#Queue.FIELDS.name"))
    if parent is not None and match["location"] != parent:
        raise invalid(f"The location name from request ('{parent}') must be the same as the "
                      f"location name in the named queue ('{match['location']}').")  # (unconfirmed)


def task_name(name: str, queue: str) -> str:
    """A client-chosen task name, checked against its queue (``parent``) as CreateTask does."""
    match = _TASK.fullmatch(name)
    if match is None or not (QUEUE.fullmatch(match["queue"]) and _TASK_ID.fullmatch(match["task"])):
        task_id = match["task"] if match else name.rpartition("/")[2]
        raise invalid(f'Task ID "{task_id}" can contain only letters ([A-Za-z]), numbers ([0-9]), '
                      "hyphens (-), or underscores (_). Task ID must between 1 and 500 "
                      "characters.", help_link("Definition of task ID",
                                               "projects.locations.queues.tasks#Task.FIELDS.name"))
    if match["queue"] != queue:
        raise invalid(f"The queue name from request ('{queue}') must be the same as the queue name "
                      f"in the named task ('{match['queue']}').")
    return name


def new_task_name(queue: str) -> str:
    """A name Cloud Tasks picks: a random id of decimal digits (its form is unconfirmed)."""
    return f"{queue}/tasks/{secrets.randbelow(10**19):019d}"


def short(name: str) -> str:
    """The last segment of a resource name (a queue's or task's id)."""
    return name.rpartition("/")[2]


def queue_of(task: str) -> str:
    return task.rpartition("/tasks/")[0]


def project_of(name: str) -> str:
    return name.split("/")[1]
