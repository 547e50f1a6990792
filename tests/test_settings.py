"""Settings read from the environment: the task queues' names, and a clear error for bad ones."""
from __future__ import annotations

import pytest

from flask_app.config import load_settings
from flask_app.errors import ConfigError

QUEUE = "projects/p/locations/europe-west1/queues/manager-sync"


def test_the_first_sync_queue_sits_beside_the_sync_queue_unless_named():
    settings = load_settings({"COACH_TASKS_QUEUE": QUEUE})
    assert settings.tasks_first_queue == "projects/p/locations/europe-west1/queues/first-sync"
    named = load_settings({"COACH_TASKS_QUEUE": QUEUE,
                           "COACH_TASKS_FIRST_QUEUE": "projects/p/locations/x/queues/rollout"})
    assert named.tasks_first_queue == "projects/p/locations/x/queues/rollout"


@pytest.mark.parametrize("env, message", [
    ({"COACH_TASKS_QUEUE": "manager-sync"},
     "COACH_TASKS_QUEUE must look like projects/P/locations/L/queues/Q, not 'manager-sync'."),
    ({"COACH_TASKS_FIRST_QUEUE": "queues/first"},
     "COACH_TASKS_FIRST_QUEUE must look like projects/P/locations/L/queues/Q, not "
     "'queues/first'."),
    ({"COACH_TASKS_QUEUE": QUEUE, "COACH_TASKS_FIRST_QUEUE": QUEUE},
     "COACH_TASKS_FIRST_QUEUE must be another queue than COACH_TASKS_QUEUE."),
])
def test_a_bad_queue_name_is_refused_in_one_line(env, message):
    with pytest.raises(ConfigError) as refused:
        load_settings(env)
    assert str(refused.value) == message
