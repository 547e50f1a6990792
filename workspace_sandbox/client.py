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
