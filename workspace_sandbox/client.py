"""The sandbox's control plane over HTTPS (``/_sandbox/...``): what tests, benchmarks and the demo
steer and observe. Not part of any Google API; never used against Google."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import requests


class SandboxClient:
    """A client of one running sandbox's control plane."""

    def __init__(self, url: str, ca_file: str, *, timeout: float = 30):
        self.url = url.rstrip("/")
        self.ca_file = str(ca_file)
        self.timeout = timeout
        self.http = requests.Session()
        # requests lets REQUESTS_CA_BUNDLE (set on many machines) override a session's verify.
        self.http.trust_env = False
        self.http.verify = self.ca_file

    def call(self, method: str, path: str, **kwargs) -> Any:
        """One control-plane request (``path`` below ``/_sandbox``); its JSON answer."""
        response = self.http.request(method, f"{self.url}/_sandbox{path}", timeout=self.timeout,
                                     **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    # --- the world ---------------------------------------------------------------------------
    def reset(self, empty: bool = False) -> None:
        """Restore the demo organisation's seed (or an empty world)."""
        self.call("POST", "/reset", json={"empty": empty})

    def world_id(self) -> str:
        """An id that changes whenever the world is seeded anew."""
        return self.call("GET", "/health")["world_id"]

    def seeded_at(self) -> datetime | None:
        """When the world was last seeded (on the sandbox clock), if it was."""
        seeded = self.call("GET", "/health")["seeded_at"]
        return datetime.fromisoformat(seeded) if seeded else None

    def service_account_key(self) -> dict:
        """The key file of the sandbox's service account (domain-wide delegation)."""
        return self.call("GET", "/oauth/service-account")

    def token(self, user: str, scopes: list[str], client_id: str = "sandbox-tests") -> str:
        """A ready access token for ``user`` (tests only)."""
        return self.call("POST", "/token", json={"user": user, "scopes": scopes,
                                                 "client_id": client_id})["access_token"]

    # --- the clock ---------------------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.fromisoformat(self.call("GET", "/clock")["now"])

    def advance(self, seconds: float) -> datetime:
        return datetime.fromisoformat(self.call("POST", "/clock", json={"seconds": seconds})["now"])

    def advance_to(self, moment: datetime) -> None:
        seconds = (moment - self.now()).total_seconds()
        if seconds > 0:
            self.advance(seconds)

    # --- calls, faults, quotas ---------------------------------------------------------------
    def call_log(self) -> list[dict]:
        """Calls so far as rows ``{method, user, count}``."""
        return self.call("GET", "/calls")["calls"]

    def calls(self, method: str | None = None, user: str | None = None) -> int:
        return sum(row["count"] for row in self.call_log()
                   if (method is None or row["method"] == method)
                   and (user is None or row["user"] == user))

    def clear_calls(self) -> None:
        self.call("DELETE", "/calls")

    def fault(self, method: str, **fault) -> None:
        """Inject a fault into a discovery method (see the control plane's /faults)."""
        self.call("PUT", "/faults", json={"method": method, **fault})

    def clear_faults(self) -> None:
        self.call("DELETE", "/faults")

    def quotas(self, **groups) -> None:
        self.call("PUT", "/quotas", json={k.replace("_", "."): v for k, v in groups.items()})

    # --- Cloud Tasks -------------------------------------------------------------------------
    def tasks_target(self, url: str | None, service: str = "default") -> dict:
        """Where App Engine serves ``service``: App Engine tasks are POSTed to ``url`` +
        relativeUri (None forgets it). The targets now."""
        return self.call("PUT", "/tasks/target", json={"url": url, "service": service})["targets"]

    def task_attempts(self, queue: str | None = None, task: str | None = None) -> list[dict]:
        """Every dispatch attempt so far (of a queue or a task: a name or an id), oldest first."""
        params = {k: v for k, v in (("queue", queue), ("task", task)) if v}
        return self.call("GET", "/tasks/log", params=params)["attempts"]

    def drain_tasks(self, timeout: float = 10) -> dict:
        """Wait until no task is due and no attempt runs: ``{drained, due, running}``."""
        response = self.http.post(f"{self.url}/_sandbox/tasks/drain", json={"timeout": timeout},
                                  timeout=timeout + self.timeout)
        response.raise_for_status()
        return response.json()

    def add_secret_version(self, secret: str, data: str, state: str = "ENABLED") -> str:
        """Add a version to Secret Manager's ``projects/P/secrets/S`` (made if new); its name."""
        return self.call("POST", "/secrets", json={"secret": secret, "data": data,
                                                   "state": state})["name"]

    def tasks_settings(self, **settings) -> dict:
        """Change Cloud Tasks settings (``taskTombstoneSeconds``, ``queueTombstoneSeconds``,
        ``dispatchPaused``, ``receiverCaFile``); all of them now."""
        return self.call("PUT", "/tasks/settings", json=settings)

    # --- people's edits ----------------------------------------------------------------------
    def person_types(self, document_id: str, user: str, index: int, text: str) -> str:
        """``user`` types ``text`` at ``index`` in Google Docs (a new revision); its id."""
        return self.call("POST", f"/docs/{document_id}/type",
                         json={"user": user, "index": index, "text": text})["revisionId"]

    def person_edits(self, document_id: str, user: str, requests: list[dict]) -> str:
        """``user`` makes the changes of these batchUpdate requests in Google Docs (tables,
        footnotes, images, text in cells...): a new revision by them; its id."""
        return self.call("POST", f"/docs/{document_id}/edit",
                         json={"user": user, "requests": requests})["revisionId"]

    def document_html(self, document_id: str) -> str:
        response = self.http.get(f"{self.url}/_sandbox/docs/{document_id}/html",
                                 timeout=self.timeout)
        response.raise_for_status()
        return response.text

    # --- the add-on host (Calendar and Docs side panels) ----------------------------------------
    def install_addon(self, deployment: dict, deployment_id: str | None = None) -> dict:
        """Install an HTTP add-on deployment (``deployments create/replace`` + ``install``)."""
        params = {"deploymentId": deployment_id} if deployment_id else None
        return self.call("PUT", "/addons/deployment", json=deployment, params=params)

    def addon_authorization(self) -> dict:
        """``projects.getAuthorization``: ``{name, serviceAccountEmail, oauthClientId}``."""
        return self.call("GET", "/addons/authorization")

    def addon_timeout(self, seconds: float | None) -> None:
        """How long the host waits for an endpoint's answer (None: 30 s)."""
        self.call("PUT", "/addons/settings", json={"timeoutSeconds": seconds})

    def open_addon(self, user: str, host: str, *, event_id: str | None = None,
                   calendar_id: str | None = None, document_id: str | None = None) -> dict:
        """``user`` opens the add-on in ``host`` (calendar or docs): on an event, a document or
        the homepage. The answer has ``session``, ``card``, ``html``, ``response``, ``calls``,
        ``notifications``, ``opened``, ``applied`` and ``error``."""
        body = {"user": user, "host": host, "event_id": event_id, "calendar_id": calendar_id,
                "document_id": document_id}
        return self._addon_step("open", {k: v for k, v in body.items() if v})

    def click_addon(self, user: str, session: str, *, button: str | None = None,
                    function: str | None = None, parameters: dict | None = None,
                    form: dict | None = None) -> dict:
        """``user`` clicks on the panel's card: the thing labelled ``button``, or the one running
        ``function`` with ``parameters``; ``form`` fills inputs in ({name: value or [values]})."""
        body = {"user": user, "session": session, "form": form or {}}
        if button is not None:
            body["button"] = button
        else:
            body.update(function=function, parameters=parameters or {})
        return self._addon_step("action", body)

    def _addon_step(self, path: str, body: dict) -> dict:
        """A step may wait for two endpoints (a click, then onFileScopeGrantedTrigger), 30 s
        each at most: wait for the host longer than for other control calls."""
        response = self.http.post(f"{self.url}/_sandbox/addons/{path}", json=body,
                                  timeout=self.timeout + 60)
        response.raise_for_status()
        return response.json()

    def addon_panel(self, session: str) -> str:
        """The side panel of a session as the HTML page a browser shows."""
        response = self.http.get(f"{self.url}/_sandbox/addons/panel/{session}",
                                 timeout=self.timeout)
        response.raise_for_status()
        return response.text
