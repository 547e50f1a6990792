"""Fixtures for the sandbox's own tests."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _trust_sandbox_ca(monkeypatch):
    """requests lets REQUESTS_CA_BUNDLE override a session's own ``verify``; the tests' google-auth
    sessions must trust the sandbox CA they are given, so drop it."""
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
