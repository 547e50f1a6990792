"""POSTing an event object to an add-on endpoint, as Google's host does, and reading its answer.

Google's deadline for an HTTP add-on's answer is not documented; the sandbox waits 30 seconds
(unconfirmed; the ``addons.timeout_seconds`` setting changes it). Redirects are not followed
(unconfirmed). An answer counts when it is a 2xx whose body parses as JSON, whatever its
``Content-Type`` says (unconfirmed).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests

DEFAULT_TIMEOUT = 30.0
_session = requests.Session()
_session.trust_env = False  # no proxies from the environment between the host and the add-on


@dataclass
class Answer:
    """An endpoint's answer: HTTP status and JSON body, or why there is none."""

    status: int | None
    body: Any = None
    error: str | None = None


def post(url: str, event: dict, headers: dict, timeout: float = DEFAULT_TIMEOUT) -> Answer:
    try:
        response = _session.post(url, data=json.dumps(event), headers=headers, timeout=timeout,
                                 allow_redirects=False)
    except requests.Timeout:
        return Answer(None, error=f"{url} did not answer within {timeout:g} s.")
    except requests.RequestException as error:
        return Answer(None, error=f"{url} could not be reached: {error}")
    if not 200 <= response.status_code < 300:
        return Answer(response.status_code,
                      error=f"{url} answered HTTP {response.status_code}, not 2xx.")
    try:
        return Answer(response.status_code, json.loads(response.content))
    except ValueError:
        return Answer(response.status_code, error=f"{url} answered something that is not JSON.")
