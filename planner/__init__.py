"""驻校社工计划系统: the Flask application factory."""

import os

from flask import Flask, Response, render_template, request
from flask.globals import request_ctx
from flask_htmx import HTMX

from planner import db, i18n, login_steps, security
from planner.config import ROOT, check_public_address, default_config, secret_key


def view_modules() -> list:
    """Every module that serves routes, in the order their blueprints are registered. A
    package with several view modules shares one blueprint (its blueprint.py), and each of
    them is listed here: a module not listed serves nothing."""
    from planner import dashboard
    from planner.accounts import second_factor_views
    from planner.accounts import views as accounts
    from planner.api import openapi, tokens
    from planner.api import views as api
    from planner.calendars import notice_views
    from planner.calendars import views as calendars
    from planner.cases import appointment_views
    from planner.cases import views as cases
    from planner.curricula import views as curricula
    from planner.evaluation import views as evaluation
    from planner.exports import case_views, template_views
    from planner.exports import views as exports
    from planner.feeds import views as feeds
    from planner.privacy import views as privacy
    from planner.reflections import views as reflections
    from planner.reports import views as reports
    from planner.runs import views as runs
    from planner.schools import views as schools
    from planner.schools import year_views
    from planner.screening import views as screening
    from planner.service import views as service
    from planner.sessions import agenda, copy_views, manage_views
    from planner.sessions import views as programs
    from planner.students import consent_views, group_views, import_views
    from planner.students import views as students

    return [
        accounts,
        second_factor_views,
        dashboard,
        schools,
        year_views,
        curricula,
        calendars,
        notice_views,
        feeds,
        programs,
        agenda,
        copy_views,
        manage_views,
        students,
        import_views,
        group_views,
        consent_views,
        runs,
        reflections,
        evaluation,
        screening,
        cases,
        service,
        appointment_views,
        exports,
        template_views,
        case_views,
        reports,
        privacy,
        api,
        openapi,
        tokens,
    ]


def register_errors(app: Flask) -> None:
    """Generic error pages: no stack traces, no record details."""
    from planner.api.blueprint import error as api_error
    from planner.api.blueprint import is_json_path

    for code in (400, 403, 404, 405, 409, 413, 429, 500):

        def handler(error, code=code):
            if is_json_path(request.path):  # the JSON API answers errors in JSON
                return api_error(code)
            if request_ctx.url_adapter is None:
                # a Host outside TRUSTED_HOSTS: no page links can be built for it
                return Response(f"{code} Bad Request\n", code, mimetype="text/plain")
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
    # a `flask …` command serves no request (content check, migrate, purge); `flask run` is
    # for development (production serves through gunicorn, where the check holds)
    check_public_address(app.config, app.debug or os.environ.get("FLASK_RUN_FROM_CLI") == "true")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)

    if os.environ.get("PLANNER_PROXY_FIX") == "1":
        # behind nginx: trust one proxy for the client address (login rate limit) and scheme
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    login_steps.init_app(app)
    HTMX(app)
    register_errors(app)
    from planner.web import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    for bp in dict.fromkeys(module.bp for module in view_modules()):
        app.register_blueprint(bp)
    from planner.cli import planner_cli

    app.cli.add_command(planner_cli)
    return app
