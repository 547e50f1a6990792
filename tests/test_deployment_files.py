"""The App Engine files agree with the service: queue.yaml has the two queues the service
enqueues on by default, with rates Cloud Tasks accepts and that keep within Google's quotas the
way their comments say; cron.yaml runs the sweep the handler serves."""
from __future__ import annotations

from pathlib import Path

import yaml

from flask_app.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DOCS_WRITES_PER_SECOND = 600 / 60  # the Docs API's writes per minute per project
CALENDAR_PER_SECOND = 10_000 / 60


def per_second(rate: str) -> float:
    number, _, unit = rate.partition("/")
    return float(number) / UNITS[unit]


def queues() -> dict[str, dict]:
    return {q["name"]: q for q in yaml.safe_load((ROOT / "queue.yaml").read_text())["queue"]}


def test_queue_yaml_has_the_queues_the_service_enqueues_on():
    settings = load_settings({})
    names = {settings.tasks_queue.rpartition("/")[2], settings.tasks_first_queue.rpartition("/")[2]}
    assert set(queues()) == names
    for queue in queues().values():
        assert 0 < per_second(queue["rate"]) <= 500  # Cloud Tasks' bounds
        assert 1 <= queue["max_concurrent_requests"] <= 5000


def test_the_rates_keep_within_googles_quotas_and_the_sweep_interval():
    found = queues()
    syncs, first = per_second(found["manager-sync"]["rate"]), per_second(found["first-sync"]["rate"])
    assert 10_000 / syncs < 15 * 60  # 10,000 managers within one sweep's interval
    assert syncs < CALENDAR_PER_SECOND  # an unchanged sync is one events.list
    assert first * 6 <= DOCS_WRITES_PER_SECOND  # a first sync writes about six times


def test_cron_runs_the_sweep():
    (job,) = yaml.safe_load((ROOT / "cron.yaml").read_text())["cron"]
    assert job["url"] == "/tasks/sync" and job["schedule"] == "every 15 minutes"
