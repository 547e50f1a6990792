"""One-on-One Coach: the Flask service behind the Google Workspace add-on."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Flask

from .config import Settings, load_settings

MAX_REQUEST_BYTES = 64 * 1024  # every form and payload the service takes is far smaller


def create_app(coach=None, *, settings: Settings | None = None,
               test_config: dict | None = None) -> Flask:
    """Build the service: settings, collaborators and blueprints. Nothing runs at import time.

    ``coach``: the collaborators (:class:`flask_app.bootstrap.Coach`); built from the settings
    when not given.
    """
    from .bootstrap import build
    from .web import errors, security

    coach = coach or build(settings or load_settings())
    settings = coach.settings  # with what Secret Manager holds
    app = Flask(__name__, instance_path=str(settings.instance_dir))
    app.config.update(SECRET_KEY=settings.secret_key, COACH_SETTINGS=settings,
                      MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=not settings.uses_sandbox,
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours))
    if test_config:
        app.config.update(test_config)
    app.extensions["coach"] = coach
    app.add_template_filter(coach.name_of, "person")
    app.add_template_filter(_in_zone, "in_zone")
    security.init_app(app)
    errors.init_app(app)
    from .web import addon, console, demo, home, notifications, people, public, signin, tasks
    for blueprint in (tasks.bp, notifications.bp, addon.bp, signin.bp, console.bp, people.bp):
        app.register_blueprint(blueprint)
    if settings.uses_sandbox:
        app.register_blueprint(home.bp)
        app.register_blueprint(demo.bp)
    else:
        app.register_blueprint(public.bp)
    return app


def _in_zone(moment, zone: str):
    """A time as it reads in ``zone`` (for pages that show times in people's own zones)."""
    return moment.astimezone(ZoneInfo(zone))
