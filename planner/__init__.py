"""驻校社工计划系统: the Flask application factory."""

import os

from flask import Flask, render_template, request
from flask_htmx import HTMX

from planner import db, i18n, security
from planner.config import ROOT, default_config, secret_key


def register_errors(app: Flask) -> None:
    """Generic error pages: no stack traces, no record details."""
    for code in (400, 403, 404, 405, 409, 413, 429, 500):

        def handler(error, code=code):
            from planner.api.views import error as api_error
            from planner.api.views import is_json_path

            if is_json_path(request.path):  # the JSON API answers errors in JSON
                return api_error(code)
            return render_template("errors.html", code=code), code

        app.register_error_handler(code, handler)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. Nothing touches the database until a request or a command."""
    app = Flask(
        __name__,
        instance_path=os.path.join(ROOT, "instance"),
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    app.config.update(default_config(app.instance_path))
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)

    if os.environ.get("PLANNER_PROXY_FIX") == "1":
        # behind nginx: trust one proxy for the client address (login rate limit) and scheme
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    HTMX(app)
    register_errors(app)

    from planner.accounts.views import bp as accounts_bp
    from planner.api import openapi, tokens  # noqa: F401  (routes on the "api" blueprint)
    from planner.api.views import bp as api_bp
    from planner.calendars.views import bp as calendars_bp
    from planner.cli import planner_cli
    from planner.curricula.views import bp as curricula_bp
    from planner.dashboard import bp as dashboard_bp
    from planner.evaluation.views import bp as evaluation_bp
    from planner.exports import template_views  # noqa: F401  (admin template routes on exports)
    from planner.exports.views import bp as exports_bp
    from planner.feeds.views import bp as feeds_bp
    from planner.reflections.views import bp as reflections_bp
    from planner.reports.views import bp as reports_bp
    from planner.runs.views import bp as runs_bp
    from planner.schools.views import bp as schools_bp
    from planner.sessions.agenda import bp as agenda_bp
    from planner.sessions.views import bp as programs_bp
    from planner.students.views import bp as students_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(schools_bp)
    app.register_blueprint(curricula_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(programs_bp)
    app.register_blueprint(agenda_bp)
    app.register_blueprint(students_bp)
    app.register_blueprint(runs_bp)
    app.register_blueprint(reflections_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(planner_cli)
    return app
