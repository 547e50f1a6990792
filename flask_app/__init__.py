"""One-on-One Coach: the Flask service behind the Google Workspace add-on."""
from __future__ import annotations

from flask import Flask

from .config import Settings, load_settings


def create_app(settings: Settings | None = None, test_config: dict | None = None,
               coach=None) -> Flask:
    """Build the service: settings, store and blueprints. Nothing is created at import time."""
    settings = settings or (coach.settings if coach else load_settings())
    app = Flask(__name__, instance_path=str(settings.instance_dir))
    app.config.update(SECRET_KEY=settings.secret_key, COACH_SETTINGS=settings)
    if test_config:
        app.config.update(test_config)
    from .services.context import Coach
    from .web import demo, home, tasks
    app.extensions["coach"] = coach = coach or Coach.from_settings(settings)
    app.add_template_filter(coach.name_of, "person")
    app.register_blueprint(home.bp)
    app.register_blueprint(tasks.bp)
    if settings.uses_sandbox:
        app.register_blueprint(demo.bp)
    return app
