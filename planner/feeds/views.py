"""iCal feeds by secret URL, the 日历订阅 page, and one program's .ics download."""

import datetime as dt

import segno
from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_login import current_user

from planner.access import allow, public
from planner.db import now
from planner.errors import PlannerError
from planner.feeds import services
from planner.feeds.models import AUDIENCES
from planner.feeds.schemas import FeedTokenSchema
from planner.forms import FieldSpec
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.roles import EVERYONE
from planner.web import error_status, go, load_form, render

bp = Blueprint("feeds", __name__)
CALENDAR = "text/calendar"


def base_url() -> str:
    """The address phones reach: PUBLIC_BASE_URL (PLANNER_BASE_URL). Without it the
    request's host, which Flask has checked against TRUSTED_HOSTS (create_app starts
    without either only in debug and tests)."""
    return (current_app.config["PUBLIC_BASE_URL"] or request.host_url).rstrip("/")


def _new_link(raw, with_days):
    """The one-time view of a fresh token: https URL, webcal URL and a QR code (data URI,
    because the CSP allows img-src data: but no inline styles or scripts)."""
    url = services.feed_url(base_url(), raw, with_days)
    webcal = services.webcal_url(url)
    qr = segno.make(webcal, error="m").svg_data_uri(scale=5, border=2, dark="#1d2733")
    return {"url": url, "webcal": webcal, "qr": qr}


def _fields(options) -> list:
    """The new-link form: a calendar (grouped by audience), a name for it, holidays or not."""
    calendars = {
        AUDIENCES[audience]: {f"{audience}:{key}": name for key, name in choices.items()}
        for audience, choices in options.items()
        if choices
    }
    return [
        FieldSpec("target", _l("要订阅的日历"), "select", calendars, required=True),
        FieldSpec(
            "label",
            _l("备注名称"),
            maxlength=60,
            help=_l("例如：我的 iPhone。只用于在这里区分不同的链接。"),
        ),
        FieldSpec("days", _l("同时显示节假日和调休上课日"), "checkbox"),
    ]


def _page(status=200, errors=None, values=None, new=None):
    tokens = services.active_tokens(current_user)
    options = services.targets(current_user)
    return render(
        "feeds/subscriptions.html",
        "feeds/_subscriptions.html",
        status,
        tokens=tokens,
        names=services.target_names(tokens),
        options=options,
        fields=_fields(options),
        audiences=AUDIENCES,
        errors=errors or {},
        values=values or {"days": "1"},
        new=new,
    )


@bp.get("/feeds/<token>.ics")
@public
def feed(token):
    """A calendar feed by secret URL; unknown or revoked tokens get a bare 404."""
    found = services.resolve(token)
    if found is None:
        # Plain text, not the error page: that page echoes the request path (with the token)
        # into its language form, and a calendar app shows no HTML anyway.
        return Response("404 Not Found\n", 404, mimetype="text/plain")
    body = services.feed_body(found, base_url(), request.args.get("days") == "1", local_today())
    etag, modified = services.record_fetch(found, body, now())
    response = Response(body, mimetype=CALENDAR)
    response.set_etag(etag)
    response.last_modified = modified.replace(tzinfo=dt.timezone.utc)
    # Clients may keep a copy but must ask again (If-None-Match → 304) before using it.
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.get("/calendar/subscriptions")
@allow(*EVERYONE)
def subscriptions():
    """The user's feed links: create, rotate, revoke."""
    return _page()


@bp.post("/calendar/subscriptions")
@allow(*EVERYONE)
def create():
    """A new feed link, shown once."""
    values, errors = load_form(FeedTokenSchema())
    if errors:
        return _page(422, errors, request.form)
    try:
        token, raw = services.create_token(
            current_user, values["audience"], values["target_id"], values["label"]
        )
    except PlannerError as err:
        return _page(422, {"target": err.message}, request.form)
    return _page(201, new=dict(_new_link(raw, values["days"]), token_id=token.id))


@bp.post("/calendar/subscriptions/<int:token_id>/rotate")
@allow(*EVERYONE)
def rotate(token_id):
    """Replace a link: the old one stops working at once."""
    try:
        token, raw = services.rotate_token(current_user, token_id)
    except PlannerError as err:
        if error_status(err) == 404:
            abort(404)
        return _page(422, {"rotate": err.message})
    with_days = request.form.get("days") == "1"
    return _page(new=dict(_new_link(raw, with_days), token_id=token.id))


@bp.post("/calendar/subscriptions/<int:token_id>/revoke")
@allow(*EVERYONE)
def revoke(token_id):
    """Stop a link for good."""
    if not services.revoke_token(current_user, token_id):
        abort(404)
    return go(url_for("feeds.subscriptions"))


@bp.get("/programs/<int:program_id>/calendar.ics")
@allow(*EVERYONE)
def program_calendar(program_id):
    """Download one program's sessions; the file name carries no names at all."""
    program = services.visible_program(current_user, program_id)
    if program is None:
        abort(404)
    body = services.program_body(program, base_url())
    return Response(
        body,
        mimetype=CALENDAR,
        headers={"Content-Disposition": f'attachment; filename="program-{program.id}.ics"'},
    )
