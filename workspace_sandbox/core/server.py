"""Serving the sandbox over HTTPS on localhost, and finding a sandbox that already runs."""
from __future__ import annotations

import json
import logging
import os
import ssl
import threading
from pathlib import Path

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from workspace_sandbox.core.app import create_sandbox_app
from workspace_sandbox.core.tls import ensure_certificates
from workspace_sandbox.core.world import FORMAT, World
from workspace_sandbox.tasks.dispatcher import CONFIG_KEY as DISPATCHER, Dispatcher

log = logging.getLogger(__name__)
logging.getLogger("werkzeug").setLevel(logging.WARNING)


class _KeepAlive(WSGIRequestHandler):
    """HTTP/1.1: clients keep their connection open between calls, as with Google."""

    protocol_version = "HTTP/1.1"


class SandboxServer:
    """A real threaded WSGI server over TLS, serving one world, with the Cloud Tasks dispatcher
    that delivers the world's tasks.

    ``start()`` runs it on a background thread (tests, in-process use); ``serve_forever()``
    runs it in the foreground (``coach sandbox serve``).
    """

    def __init__(self, folder: str | Path, host: str = "127.0.0.1", port: int = 0):
        self.folder = Path(folder)
        self.world = World(self.folder / "world.sqlite")
        _upgrade(self.world)
        self.ca_file, cert, key = ensure_certificates(self.folder / "tls")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.app = create_sandbox_app(self.world)
        self._server = make_server(host, port, self.app, threaded=True, ssl_context=context,
                                   request_handler=_KeepAlive)
        self.url = f"https://{host}:{self._server.server_port}"
        self.app.config["BASE_URL"] = self.url
        self.dispatcher = self.app.config[DISPATCHER] = Dispatcher(self.world)
        self._thread: threading.Thread | None = None

    def _announce(self) -> None:
        (self.folder / "server.json").write_text(json.dumps(
            {"url": self.url, "ca_file": str(self.ca_file), "pid": os.getpid()}))

    def start(self) -> "SandboxServer":
        self._announce()
        self.dispatcher.start()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                         name="workspace-sandbox")
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._announce()
        self.dispatcher.start()
        try:
            self._server.serve_forever()
        finally:
            self.dispatcher.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=10)
        self.dispatcher.stop()
        info = running_sandbox(self.folder, check=False)
        if info and info["url"] == self.url:
            (self.folder / "server.json").unlink(missing_ok=True)


def _upgrade(world: World) -> None:
    """Bring a world kept from an earlier version of the sandbox up to date."""
    from workspace_sandbox.core.seed import SEED_DIR
    from workspace_sandbox.directory.groups import upgrade_groups
    from workspace_sandbox.drive.access import index_files
    from workspace_sandbox.oauth.clients import FREEBUSY_DELEGATION, upgrade_delegation
    from workspace_sandbox.tasks.store import upgrade_due
    with world.transaction() as tx:
        found = tx.setting("format", 1)
        if found < 2:
            index_files(tx)
        if found < 3:
            upgrade_groups(tx, SEED_DIR)
            upgrade_delegation(tx)
        if found < 4:
            upgrade_delegation(tx, FREEBUSY_DELEGATION)
        upgrade_due(tx)  # waiting tasks of a world kept from before they were timed
        if found < FORMAT:
            tx.set_setting("format", FORMAT)


def running_sandbox(folder: str | Path, *, check: bool = True) -> dict | None:
    """``{url, ca_file}`` of the sandbox announced in ``folder``, if one answers there."""
    path = Path(folder) / "server.json"
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not check:
        return info
    try:
        requests.get(info["url"] + "/_sandbox/health", verify=info["ca_file"], timeout=2)
    except requests.RequestException:
        return None
    return info
