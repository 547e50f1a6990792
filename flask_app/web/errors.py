"""Errors as people see them: one clear line, never a traceback (the log keeps the details)."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import GoogleApiError, UserError

log = logging.getLogger(__name__)


def _answer(status: int, message: str):
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/tasks"):
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return _answer(400, "This form has expired or did not come from this site; reload the "
                            "page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error):
        return _answer(error.code or 500, error.description or error.name)

    @app.errorhandler(UserError)
    def user_error(error):
        return _answer(400, str(error))

    @app.errorhandler(GoogleApiError)
    def google_error(error):
        log.warning("Google API call failed: %s", error.summary)
        return _answer(503, "Google did not answer as expected; try again in a minute.")

    @app.errorhandler(Exception)
    def unexpected(error):
        log.exception("unexpected error")
        return _answer(500, "Something went wrong on our side; it has been logged.")
