"""Quotas, injected faults and call accounting, the way Google meters its APIs."""
from __future__ import annotations

import random

from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx

# Per-minute limits. Docs figures are Google's published defaults; the others are generous
# stand-ins (Google sets them per project in the Cloud console). Tests and benchmarks override them.
DEFAULT_QUOTAS = {
    "docs.read": {"per_user": 300, "per_project": 3000},
    "docs.write": {"per_user": 60, "per_project": 600},
    "calendar": {"per_user": 600, "per_project": 10000},
    "drive": {"per_user": 12000, "per_project": 12000},
    "directory": {"per_user": 2400, "per_project": 2400},
}

# How each API says "slow down": Docs answers 429, the others 403 with a rate-limit reason.
_OVER_QUOTA = {"docs": 429}


def quota_group(method_id: str) -> str:
    api = method_id.split(".")[0]
    if api == "docs":
        return "docs.read" if method_id == "docs.documents.get" else "docs.write"
    return {"admin": "directory"}.get(api, api)


def charge(tx: Tx, method_id: str, user: str, project: str) -> None:
    """Count one call against its per-minute quotas, or raise Google's over-quota answer."""
    group = quota_group(method_id)
    limits = {**DEFAULT_QUOTAS.get(group, {}), **tx.setting("quotas", {}).get(group, {})}
    minute = int(tx.now().timestamp() // 60)
    user_count = tx.use_quota(group, minute, f"user:{user}")
    project_count = tx.use_quota(group, minute, f"project:{project}")
    api = method_id.split(".")[0]
    if user_count > limits.get("per_user", float("inf")):
        raise _over(api, group, "user", "userRateLimitExceeded")
    if project_count > limits.get("per_project", float("inf")):
        raise _over(api, group, "project", "rateLimitExceeded")


def _over(api: str, group: str, scope: str, reason: str) -> ApiError:
    code = _OVER_QUOTA.get(api, 403)
    message = (f"Quota exceeded for quota metric '{group}' and limit 'requests per minute per "
               f"{scope}'.")
    if code == 429:
        return ApiError(429, "rateLimitExceeded", message, status="RESOURCE_EXHAUSTED")
    return ApiError(403, reason, "Rate Limit Exceeded" if scope == "project"
                    else "User Rate Limit Exceeded", domain="usageLimits")


def record(tx: Tx, method_id: str, user: str) -> None:
    tx.add(f"calls:{method_id}:{user}")


def call_counts(tx: Tx) -> list[dict]:
    """Calls so far as rows ``{method, user, count}``."""
    rows = []
    for name, count in tx.counters("calls:").items():
        _, method, user = name.split(":", 2)
        rows.append({"method": method, "user": user, "count": count})
    return rows


def take_fault(tx: Tx, method_id: str) -> dict | None:
    """The fault to inject into this call, if one is configured and its dice say so."""
    faults = tx.setting("faults", {})
    fault = faults.get(method_id)
    if fault is None or random.random() >= fault.get("probability", 1.0):
        return None
    if fault.get("times") is not None:
        fault["times"] -= 1
        if fault["times"] <= 0:
            del faults[method_id]
        tx.set_setting("faults", faults)
    return fault
