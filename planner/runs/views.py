"""Views of planner.runs (blueprint "runs"): the run page, today's shortcut, attendance
taps and quick notes. Thin: load form → service → render."""

import hashlib
import hmac
import os

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from planner.access import allow
from planner.db import ConflictError, planned_once
from planner.errors import PlannerError
from planner.forms import FieldSpec
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.roles import EDITORS, STAFF
from planner.runs import services
from planner.runs.models import ATTENDANCE
from planner.runs.schemas import HEADCOUNT_MAX, NOTES_MAX, RecordForm, TapForm
from planner.web import conflict_response, error_status, go, is_htmx, load_form, render

bp = Blueprint("runs", __name__)


def wants_json() -> bool:
    """runmode.js asks for JSON (Accept: application/json); browsers without it get HTML."""
    return (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )


def _session(session_id, to_run=False):
    """The session in the user's scope (404 outside it). Workers not on the program,
    and supervisors when changing something, get 403."""
    session = services.load_session(current_user, session_id)
    if session is None:
        abort(404)
    runs = services.can_run(current_user, session)
    if not runs and (to_run or current_user.is_worker):
        abort(403)
    session.runs = runs
    return session


# The quick-notes form; a lesson also records its headcount (the first field).
RECORD_FIELDS = [
    FieldSpec(
        "headcount",
        _l("到场人数"),
        "number",
        min=0,
        max=HEADCOUNT_MAX,
        help=_l("0–%(max)s 人", max=HEADCOUNT_MAX),
        attrs={"inputmode": "numeric"},
    ),
    FieldSpec(
        "notes",
        _l("随堂笔记"),
        "textarea",
        maxlength=NOTES_MAX,
        help=_l("最多 %(n)s 字", n=NOTES_MAX),
    ),
]


def _context(session, full=True, **extra):
    """What the run page shows (a fixed number of queries, however many members); with
    full=False only what the notes fragment needs."""
    group = services.is_group(session)
    context = dict(
        session=session,
        group=group,
        runs=session.runs,
        not_started=services.is_future(session),
        locked=services.signed_off(session),
        sw_url=None,
        statuses=ATTENDANCE,
        next_status=services.NEXT_STATUS,
        record=services.record_of(session),
        errors={},
        form=None,
        conflict=None,
        saved=False,
        message=None,
        record_fields=RECORD_FIELDS[1:] if group else RECORD_FIELDS,
    )
    if full:
        context.update(
            activities=services.activities(session),
            status_labels=[[k, str(v)] for k, v in ATTENDANCE.items()],
            members=services.members(session) if group else [],
        )
    context.update(extra)
    return context


@bp.get("/sessions/<int:session_id>/run")
@allow(*STAFF)
@planned_once()
def run(session_id):
    """The tablet in the room; runmode.js polls the JSON shape ({id: status}) to converge."""
    session = _session(session_id)
    if wants_json():
        response = jsonify(
            attendance={str(k): v for k, v in services.attendance_state(session).items()},
            cancelled=session.status == "cancelled",
        )
    else:
        context = _context(session)
        if current_user.is_admin and context["members"]:
            services.audit_admin_view(current_user, session, context["members"])
        offline = session.runs and session.date == local_today()
        if offline:
            context["sw_url"] = url_for("runs.service_worker", k=cache_key(current_user))
        day = session.date if offline else None
        response = make_cacheable(render_template("runs/run.html", **context), day)
    return response, 200, {"Vary": "Accept"}


# The one header the service worker looks for: only a response carrying it is kept on
# the tablet (today's run page, for the worker or admin who runs it; never JSON, never
# another page, never for a supervisor or a teacher).
OFFLINE_HEADER = "X-Planner-Offline"


def make_cacheable(html, day):
    """The page, marked with its day (ISO) when the tablet may keep it: the worker keeps
    today's page only, and the service worker drops pages of other days."""
    response = current_app.make_response(html)
    if day is not None:
        response.headers[OFFLINE_HEADER] = day.isoformat()
    return response


def cache_key(user) -> str:
    """The tablet's cache name for this login: an HMAC of the user id and the login's
    session version, so it names nobody and changes at every logout."""
    message = f"{user.id}:{user.session_version}".encode()
    return hmac.new(current_app.secret_key.encode(), message, hashlib.sha256).hexdigest()[:20]


@bp.get("/sw.js")
@allow(*EDITORS)
def service_worker():
    """The run page's service worker, served from the root so that its scope covers the
    run pages (/sessions/<id>/run) and the static files they load."""
    with open(os.path.join(current_app.static_folder, "js", "sw.js"), encoding="utf-8") as script:
        response = current_app.response_class(script.read(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # the browser checks for a new version
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/run/today")
@allow(*STAFF)
def today():
    """One tap from the dashboard: a worker goes straight to the session to run now."""
    sessions = services.sessions_today(current_user)
    if current_user.is_worker:
        chosen = services.next_session(sessions)
        if chosen is not None:
            return redirect(url_for("runs.run", session_id=chosen.id))
    upcoming = None if sessions else services.upcoming_session(current_user)
    return render(
        "runs/today.html",
        "runs/_today_body.html",
        sessions=sessions,
        upcoming=upcoming,
        day=local_today(),
    )


def _tap_answer(status, message, errors=None, session=None):
    if wants_json():
        body = {
            "error": str(message),
            "errors": {k: str(v) for k, v in (errors or {}).items()},
            "tap_id": request.form.get("tap_id", "")[:64],
        }
        return jsonify(body), status, {"Vary": "Accept"}
    return render_template("runs/run.html", **_context(session, message=message)), status


@bp.post("/sessions/<int:session_id>/attendance")
@allow(*EDITORS)
def tap(session_id):
    """Record one tap; the latest tap per member wins. JSON for runmode.js, 303 without JS."""
    session = _session(session_id, to_run=True)
    values, errors = load_form(TapForm())
    if errors:
        return _tap_answer(422, " ".join(errors.values()), errors, session)
    try:
        row = services.record_tap(
            session,
            values["student_id"],
            values["status"],
            values["tapped_at"],
            current_user,
            if_unset=values["if_unset"],
            reason=values["reason"],
        )
    except PlannerError as err:
        return _tap_answer(error_status(err), err.message, session=session)
    if not wants_json():
        return go(url_for("runs.run", session_id=session.id))
    return (
        jsonify(
            tap_id=values["tap_id"],
            student_id=row.student_id,
            status=row.status,
            label=str(ATTENDANCE[row.status]),
            applied=row.applied,
        ),
        200,
        {"Vary": "Accept"},
    )


@bp.post("/sessions/<int:session_id>/record")
@allow(*EDITORS)
def record(session_id):
    """Save the quick notes (and a lesson's headcount); a stale version gets 409."""
    session = _session(session_id, to_run=True)
    values, errors = load_form(RecordForm())
    back = url_for("runs.run", session_id=session.id)
    if errors and wants_json():
        errors = {k: str(v) for k, v in errors.items()}
        body = {"error": " ".join(errors.values()), "errors": errors}
        return jsonify(body), 422, {"Vary": "Accept"}
    if errors:
        return render(
            "runs/run.html",
            "runs/_record.html",
            422,
            **_context(session, full=not is_htmx(), errors=errors, form=request.form),
        )
    try:
        saved = services.save_record(session, values, not services.is_group(session))
    except PlannerError as err:
        if wants_json():
            return jsonify(error=str(err.message)), error_status(err), {"Vary": "Accept"}
        context = _context(session, full=not is_htmx(), message=err.message)
        return render("runs/run.html", "runs/_record.html", error_status(err), **context)
    except ConflictError:
        if wants_json():  # runmode.js swaps in the conflict form, the worker's text kept
            html = render_template(
                "runs/_record.html",
                **_context(session, full=False, conflict=request.form.get("notes", "")),
            )
            return jsonify(conflict=True, html=html), 409, {"Vary": "Accept"}
        if not is_htmx():
            return conflict_response(back)
        return render_template(
            "runs/_record.html",
            **_context(session, full=False, conflict=request.form.get("notes", "")),
        ), 409
    if wants_json():
        return jsonify(version=saved.version, save_id=values["save_id"]), 200, {"Vary": "Accept"}
    if not is_htmx():
        return go(back)
    return render_template("runs/_record.html", **_context(session, full=False, saved=True))
