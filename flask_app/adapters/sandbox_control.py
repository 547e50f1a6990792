"""The service's side of the sandbox's control plane, for the demo: the sandbox clock and
editing a document as a person would. Never used against Google."""
from __future__ import annotations

from datetime import datetime

import requests


class SandboxControl:
    def __init__(self, url: str, ca_file: str):
        self.url = url.rstrip("/") + "/_sandbox"
        self.http = requests.Session()
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
        self.http.verify = ca_file

    def _call(self, method: str, path: str, **kwargs) -> dict:
        response = self.http.request(method, self.url + path, timeout=30, **kwargs)
        response.raise_for_status()
        return response.json()

    def now(self) -> datetime:
        return datetime.fromisoformat(self._call("GET", "/clock")["now"])

    def advance_to(self, moment: datetime) -> None:
        seconds = (moment - self.now()).total_seconds()
        if seconds > 0:
            self._call("POST", "/clock", json={"seconds": seconds})

    def type_text(self, document_id: str, user: str, index: int, text: str) -> None:
        self._call("POST", f"/docs/{document_id}/type",
                   json={"user": user, "index": index, "text": text})
