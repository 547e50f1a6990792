"""Fixtures for the tests of what keeps the sandbox's cost flat (indexes, concurrent delivery)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _trust_sandbox_ca(monkeypatch):
    """As in tests/sandbox: requests lets REQUESTS_CA_BUNDLE override the sandbox CA given."""
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
