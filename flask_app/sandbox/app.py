"""The sandbox's WSGI application: Google's API surfaces plus the control plane."""
from __future__ import annotations

import importlib

from flask import Flask, jsonify, request

from . import api, control
from .errors import ApiError
from .world import World

# Modules that register API handlers (with api.handles) and, optionally, a blueprint ``bp``.
API_MODULES = (
    "oauth", "directory_api",
    "drive_files", "drive_permissions", "drive_batch", "docs_api",
    "calendar_api", "calendar_control",
)


def create_sandbox_app(world: World) -> Flask:
    """Build the sandbox app over a world; nothing is served until a server runs it."""
    app = Flask("workspace_sandbox")
    app.config["WORLD"] = world
    app.register_error_handler(ApiError, lambda error: (jsonify(error.body()), error.code))
    app.register_blueprint(control.bp)
    for name in API_MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)

    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def google_api(path):
        return api.dispatch(world, request)

    return app
