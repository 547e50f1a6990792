"""Push notifications of the sandbox's Calendar API: events.watch, channels.stop and the POSTs a
watched calendar's changes send, received by small HTTP(S) servers on 127.0.0.1."""
from __future__ import annotations

import ssl
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from googleapiclient.errors import HttpError

from .test_calendar import ANA, BO, ONE_ON_ONE, calendar, control, error_of

WEEK_MS = 7 * 24 * 3600 * 1000


class Receiver:
    """An HTTP(S) server on 127.0.0.1 that records the notifications it receives."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                received.append((dict(self.headers), self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_port}/notifications"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, count: int, timeout: float = 10) -> list[tuple[dict, bytes]]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(empty_sandbox):
    control(empty_sandbox, "PUT", "/settings", json={"allowHttpReceivers": True})
    server = Receiver()
    yield server
    server.close()


def _watch(service, address: str, channel_id: str = "channel-1", **extra) -> dict:
    return service.events().watch(calendarId="primary", body={
        "id": channel_id, "type": "web_hook", "address": address, **extra}).execute()


def test_watch_sends_sync_then_a_notification_for_each_change(empty_sandbox, receiver):
    ana = calendar(empty_sandbox, ANA)
    channel = _watch(ana, receiver.url, token="target=coach")
    assert channel["kind"] == "api#channel" and channel["id"] == "channel-1"
    assert channel["token"] == "target=coach" and channel["resourceId"]
    assert channel["resourceUri"].endswith("/calendar/v3/calendars/primary/events?alt=json")
    (headers, body), = receiver.wait(1)
    assert headers["X-Goog-Resource-State"] == "sync"
    assert headers["X-Goog-Message-Number"] == "1" and body == b""

    ana.events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    headers, body = receiver.wait(2)[1]
    assert body == b""
    assert {key: headers[key] for key in (
        "X-Goog-Channel-ID", "X-Goog-Channel-Token", "X-Goog-Resource-ID", "X-Goog-Resource-URI",
        "X-Goog-Resource-State", "X-Goog-Message-Number")} == {
        "X-Goog-Channel-ID": "channel-1", "X-Goog-Channel-Token": "target=coach",
        "X-Goog-Resource-ID": channel["resourceId"], "X-Goog-Resource-URI": channel["resourceUri"],
        "X-Goog-Resource-State": "exists", "X-Goog-Message-Number": "2"}
    expires = parsedate_to_datetime(headers["X-Goog-Channel-Expiration"])
    assert int(expires.timestamp()) == int(channel["expiration"]) // 1000
    deliveries = control(empty_sandbox, "GET", "/notifications?channelId=channel-1")
    assert [(d["state"], d["status"]) for d in deliveries["notifications"]] == [
        ("sync", "delivered"), ("exists", "delivered")]


def test_a_guests_channel_hears_the_organizers_changes(empty_sandbox, receiver):
    _watch(calendar(empty_sandbox, BO), receiver.url, "bo-channel")
    receiver.wait(1)
    calendar(empty_sandbox, ANA).events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    headers, _ = receiver.wait(2)[1]
    assert (headers["X-Goog-Channel-ID"], headers["X-Goog-Resource-State"]) == (
        "bo-channel", "exists")


def test_stopped_and_expired_channels_stay_silent(empty_sandbox, receiver):
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    stopped = _watch(ana, receiver.url, "stopped")
    now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    _watch(ana, receiver.url, "short", expiration=str(now_ms + 60_000))
    _watch(bo, receiver.url, "witness")
    receiver.wait(3)
    ana.channels().stop(body={"id": "stopped", "resourceId": stopped["resourceId"]}).execute()
    empty_sandbox.advance(120)
    calendar(empty_sandbox, ANA).events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    received = receiver.wait(4)
    time.sleep(0.3)
    assert [h["X-Goog-Channel-ID"] for h, _ in received[3:]] == ["witness"]


def test_channel_expiration_defaults_to_a_week_and_is_capped(empty_sandbox, receiver):
    ana = calendar(empty_sandbox, ANA)
    now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    default = _watch(ana, receiver.url, "default")
    capped = _watch(ana, receiver.url, "capped", expiration=str(now_ms + 5 * WEEK_MS))
    for channel in (default, capped):
        assert abs(int(channel["expiration"]) - (now_ms + WEEK_MS)) < 60_000


@pytest.mark.parametrize("body, reason", [
    ({"id": "c", "type": "web_hook", "address": "http://example.com/hook"},
     "push.webhookUrlNotHttps"),
    ({"id": "c", "type": "email", "address": "https://example.com/hook"}, "invalid"),
])
def test_watch_rejects_what_google_rejects(empty_sandbox, body, reason):
    with pytest.raises(HttpError) as raised:
        calendar(empty_sandbox, ANA).events().watch(calendarId="primary", body=body).execute()
    assert raised.value.resp.status == 400
    assert error_of(raised)["errors"][0]["reason"] == reason


def test_a_channel_id_is_unique_and_stopping_an_unknown_channel_is_not_found(empty_sandbox,
                                                                             receiver):
    ana = calendar(empty_sandbox, ANA)
    _watch(ana, receiver.url, "once")
    with pytest.raises(HttpError) as raised:
        _watch(ana, receiver.url, "once")
    assert error_of(raised)["errors"][0]["reason"] == "channelIdNotUnique"
    with pytest.raises(HttpError) as raised:
        ana.channels().stop(body={"id": "never", "resourceId": "nothing"}).execute()
    assert raised.value.resp.status == 404


def test_https_receivers_are_verified_against_the_configured_ca(empty_sandbox):
    tls_dir = empty_sandbox.server.folder / "tls"
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_dir / "server.pem", tls_dir / "server.key")
    server = Receiver(tls=context)
    try:
        control(empty_sandbox, "PUT", "/settings", json={"receiverCaFile": empty_sandbox.ca_file})
        _watch(calendar(empty_sandbox, ANA), server.url)
        (headers, _), = server.wait(1)
        assert headers["X-Goog-Resource-State"] == "sync"
    finally:
        server.close()


def test_a_receiver_that_fails_is_recorded(empty_sandbox):
    control(empty_sandbox, "PUT", "/settings", json={"allowHttpReceivers": True})
    _watch(calendar(empty_sandbox, ANA), "http://127.0.0.1:9/nobody-listens", "lost")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        notes = control(empty_sandbox, "GET", "/notifications?channelId=lost")["notifications"]
        if notes and notes[0]["status"] != "pending":
            break
        time.sleep(0.05)
    assert notes[0]["status"] == "failed" and notes[0]["error"]


def test_expired_time_is_measured_on_the_sandbox_clock(empty_sandbox, receiver):
    ana = calendar(empty_sandbox, ANA)
    _watch(ana, receiver.url, "weekly")
    receiver.wait(1)
    empty_sandbox.advance(timedelta(days=8).total_seconds())
    calendar(empty_sandbox, ANA).events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    time.sleep(0.3)
    assert len(receiver.received) == 1
