"""When a failed task is tried again, and when Cloud Tasks gives up on it (``RetryConfig``).

The interval starts at ``minBackoff``, doubles ``maxDoublings`` times, then grows linearly by the
last doubled interval and is capped at ``maxBackoff`` (Google's example: 10s, 20s, 40s, 80s, 160s,
240s, 300s, 300s... for 10s/300s/3 doublings). Retrying stops when the limits that are set are all
reached: ``maxAttempts`` attempts (-1: no limit) and ``maxRetryDuration`` since the first attempt
(0: no limit), as ``task_retry_limit`` and ``task_age_limit`` combine in queue.yaml.
"""
from __future__ import annotations

from workspace_sandbox.tasks.errors import invalid
from workspace_sandbox.tasks.wire import seconds

# What Cloud Tasks picks for a queue made through the API when a field is left out (proto3 cannot
# tell a zero from a field left out, so a zero given at creation also gets the default).
DEFAULTS = {"maxAttempts": 100, "minBackoff": "0.100s", "maxBackoff": "3600s", "maxDoublings": 16}


def effective(queue_config: dict, task_config: dict | None) -> dict:
    """The retry settings of a task: its own ``retryConfig`` fields over its queue's."""
    return {**queue_config, **(task_config or {})}


def backoff(config: dict, retry: int) -> float:
    """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
    low, high = seconds(config.get("minBackoff")), seconds(config.get("maxBackoff"))
    doublings = config.get("maxDoublings", 0)
    doubled = low * 2 ** min(retry - 1, doublings)
    linear = max(0, retry - 1 - doublings) * low * 2 ** doublings
    return min(doubled + linear, high)


def gives_up(config: dict, attempts: int, since_first: float) -> bool:
    """Whether a task that failed its ``attempts``-th attempt is not retried."""
    max_attempts = config.get("maxAttempts", 0)
    max_duration = seconds(config.get("maxRetryDuration"))
    limits = []
    if max_attempts != -1:
        limits.append(attempts >= max_attempts)
    if max_duration > 0:
        limits.append(since_first >= max_duration)
    return bool(limits) and all(limits)


def check(config: dict) -> None:
    """Reject retry settings Google rejects (messages unconfirmed)."""
    if config.get("maxAttempts", 0) < -1:
        raise invalid("RetryConfig.max_attempts must be greater than or equal to -1.")
    if config.get("maxDoublings", 0) < 0:
        raise invalid("RetryConfig.max_doublings must be greater than or equal to 0.")
    for name in ("minBackoff", "maxBackoff", "maxRetryDuration"):
        if seconds(config.get(name)) < 0:
            raise invalid(f"RetryConfig.{name} must not be negative.")
    if "maxBackoff" in config and seconds(config.get("minBackoff")) > seconds(config["maxBackoff"]):
        raise invalid("RetryConfig.min_backoff must be less than or equal to "
                      "RetryConfig.max_backoff.")
