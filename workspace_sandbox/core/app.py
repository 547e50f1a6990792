"""The sandbox's WSGI application: Google's API surfaces plus the control plane."""
from __future__ import annotations

import importlib

from flask import Flask, jsonify, request

from workspace_sandbox.core import front as api

from workspace_sandbox.core import control_plane
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import World

# Modules that register API handlers (with api.handles) and, optionally, a blueprint ``bp``.
API_MODULES = (
    "workspace_sandbox.oauth.endpoints", "workspace_sandbox.directory.api",
    "workspace_sandbox.directory.groups_api",
    "workspace_sandbox.drive.files", "workspace_sandbox.drive.export",
    "workspace_sandbox.drive.permissions",
    "workspace_sandbox.drive.batch", "workspace_sandbox.docs.api",
    "workspace_sandbox.calendar.api", "workspace_sandbox.calendar.control_plane",
    "workspace_sandbox.tasks.api", "workspace_sandbox.tasks.control_plane",
    "workspace_sandbox.secrets.api", "workspace_sandbox.secrets.control_plane",
    "workspace_sandbox.addons.control_plane",
)


def create_sandbox_app(world: World) -> Flask:
    """Build the sandbox app over a world; nothing is served until a server runs it."""
    app = Flask("workspace_sandbox")
    app.config["WORLD"] = world
    app.register_error_handler(ApiError, lambda error: (jsonify(error.body()), error.code))
    app.register_blueprint(control_plane.bp)
    for name in API_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)

    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def google_api(path):
        return api.dispatch(world, request)

    return app
