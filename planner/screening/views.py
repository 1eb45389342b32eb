"""Views of planner.screening (blueprint "screening"): a school's rounds, a round's tier list
with each student's history, result entry, tier overrides and the results import.

Results are read by the round program's workers and their supervisors only: admins and
teachers answer 403, a round of another school 404 (services.round_for). Nothing about a
student goes into a URL: the student is posted, and the import carries an upload id."""

import os

from flask import Blueprint, abort, current_app, request, url_for
from flask_login import current_user

from planner.access import allow, school_or_404
from planner.errors import CONFLICT, PlannerError
from planner.i18n import lazy_gettext as _l
from planner.roles import ADMIN, SUPERVISOR, WORKER
from planner.screening import imports, instruments, services
from planner.screening.models import TIERS
from planner.screening.schemas import (
    InstrumentTextForm,
    OverrideForm,
    RoundForm,
    mapping_schema,
    result_form,
)
from planner.screening.scoring import rule_text
from planner.students import roster, uploads
from planner.web import conflict_response, error_status, go, load_form, render

bp = Blueprint("screening", __name__)


def _round(round_id, write=False):
    try:
        return services.round_for(current_user, round_id, write)
    except PlannerError as err:
        abort(error_status(err))


def _index(school, status=200, errors=None, form=None):
    return render(
        "screening/index.html",
        "screening/_new_round.html",
        status,
        school=school,
        rounds=services.rounds_of(current_user, school),
        programs=services.program_choices(current_user, school),
        instruments=list(services.instruments(current_user.agency_id)),
        errors=errors or {},
        form=form,
    )


@bp.get("/schools/<int:school_id>/screening")
@allow(WORKER, SUPERVISOR)
def index(school_id):
    """The rounds of this school the user may read, and (for a worker) a new round."""
    return _index(school_or_404(current_user, school_id))


@bp.post("/schools/<int:school_id>/screening")
@allow(WORKER)
def new(school_id):
    """A round on one of the worker's classroom programs, with a screening instrument."""
    school = school_or_404(current_user, school_id, plan=True)
    values, errors = load_form(RoundForm())
    if errors:
        return _index(school, 422, errors, request.form)
    try:
        rnd = services.create_round(current_user, school, values)
    except PlannerError as err:
        return _index(school, error_status(err), err.errors, request.form)
    return go(url_for("screening.round_page", round_id=rnd.id))


def _page(rnd, status=200, errors=None, form=None, message=None):
    return render(
        "screening/round.html",
        "screening/_round.html",
        status,
        rnd=rnd,
        inst=rnd.instrument,
        rule=rule_text(rnd.instrument),
        tiers=TIERS,
        errors=errors or {},
        form=form,
        message=message,
        **services.round_page(current_user, rnd),
    )


@bp.get("/screening/<int:round_id>")
@allow(WORKER, SUPERVISOR)
def round_page(round_id):
    """The tier list (each student's history across rounds), entry and overrides."""
    return _page(_round(round_id))


@bp.post("/screening/<int:round_id>/results")
@allow(WORKER)
def result(round_id):
    """One student's answers: a new result (version 0) or a correction."""
    rnd = _round(round_id, write=True)
    values, errors = load_form(result_form(rnd.instrument))
    if errors:
        return _page(rnd, 422, errors, request.form)
    answers = {i["key"]: values[f"a_{i['key']}"] for i in rnd.instrument.items}
    try:
        services.save_result(current_user, rnd, values["student"], answers, values["version"])
    except PlannerError as err:
        if err.kind == CONFLICT:
            return conflict_response(url_for("screening.round_page", round_id=rnd.id))
        return _page(rnd, error_status(err), err.errors, request.form)
    return go(url_for("screening.round_page", round_id=rnd.id) + "#tiers")


@bp.post("/screening/<int:round_id>/results/<int:result_id>/tier")
@allow(WORKER)
def tier(round_id, result_id):
    """The worker's own tier for one result, with the reason (empty: the rule's again)."""
    rnd = _round(round_id, write=True)
    values, errors = load_form(OverrideForm())
    key = f"r{result_id}"
    if errors:
        return _page(rnd, 422, {key: next(iter(errors.values()))})
    try:
        services.override(current_user, rnd, result_id, values)
    except PlannerError as err:
        if err.kind == CONFLICT:
            return conflict_response(url_for("screening.round_page", round_id=rnd.id))
        if error_status(err) == 404:
            abort(404)
        return _page(rnd, error_status(err), {key: err.message})
    return go(url_for("screening.round_page", round_id=rnd.id) + "#tiers")


def _instruments_page(status=200, errors=None, form=None):
    listed = list(services.instruments(current_user.agency_id))
    return render(
        "screening/instruments.html",
        "screening/_instrument_form.html",
        status,
        instruments=listed,
        rules={i.id: rule_text(i) for i in listed},
        errors=errors or {},
        form=form,
    )


@bp.route("/admin/screening-instruments", methods=["GET", "POST"])
@allow(ADMIN)
def instruments_page():
    """The screening instruments in use, and the agency's own in the instrument format."""
    if request.method == "GET":
        return _instruments_page()
    values, errors = load_form(InstrumentTextForm())
    if errors:
        return _instruments_page(422, errors, request.form)
    try:
        instruments.add(current_user, values["text"])
    except PlannerError as err:
        return _instruments_page(error_status(err), {"text": err.message}, request.form)
    return go(url_for("screening.instruments_page"))


# ---- import: upload → map columns → preview → commit (students/roster.py's reading) ----


def _dir():
    base = current_app.config.get("STUDENT_IMPORT_DIR") or os.path.join(
        current_app.instance_path, "student-imports"
    )
    return os.path.join(base, "screening")  # never mistaken for a class list's upload


def _panel(rnd, status=200, step="upload", **context):
    return render(
        "screening/import.html",
        "screening/_import_panel.html",
        status,
        rnd=rnd,
        step=step,
        fields=imports.fields_of(rnd.instrument),
        max_rows=roster.MAX_ROWS,
        tiers=TIERS,
        **context,
    )


def _stored(rnd):
    keys = [k for k, _ in imports.fields_of(rnd.instrument)]
    values, errors = load_form(mapping_schema(keys))
    token = request.form.get("upload", "")
    try:
        payload = uploads.load(_dir(), token, current_user.id, rnd.id)
    except PlannerError:
        return token, None, {}, {}
    mapping = {key: (values or {}).get(f"col_{key}") for key in keys}
    if errors:
        bad = {k: _l("请选择有效的选项。") for k in keys if f"col_{k}" in errors}
        return token, payload, mapping, bad or {"upload": _l("请选择有效的选项。")}
    width = len(payload["table"]["headers"])
    return token, payload, mapping, imports.check_mapping(rnd.instrument, mapping, width)


def _mapping_step(rnd, token, payload, mapping, errors, status=200):
    table = payload["table"]
    return _panel(
        rnd,
        status,
        "mapping",
        upload=token,
        filename=payload["file"],
        headers=table["headers"],
        samples=table["rows"][:3],
        mapping=mapping,
        errors=errors,
    )


def _preview(rnd, token, payload, mapping, status=200, error=None):
    rows, lacking = imports.validate(current_user, rnd, payload["table"], mapping)
    return _panel(
        rnd,
        status,
        "preview",
        upload=token,
        filename=payload["file"],
        rows=rows,
        lacking=lacking,
        mapping=mapping,
        bad=sum(1 for r in rows if r.errors),
        error=error,
    ), rows


@bp.route("/screening/<int:round_id>/import", methods=["GET", "POST"])
@allow(WORKER)
def import_upload(round_id):
    """Upload the platform's .xlsx or .csv; nothing is saved to the results here."""
    rnd = _round(round_id, write=True)
    if request.method == "GET":
        return _panel(rnd)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _panel(rnd, 422, error=_l("请选择要导入的 .xlsx 或 .csv 文件。"))
    try:
        table = roster.parse(roster.read_limited(upload.stream), upload.filename)
    except PlannerError as err:
        return _panel(rnd, 422, error=err.message)
    payload = {"table": table, "file": upload.filename[:100]}
    token = uploads.save(_dir(), current_user.id, rnd.id, payload)
    mapping = imports.guess(rnd.instrument, table["headers"])
    return _mapping_step(rnd, token, payload, mapping, {})


@bp.post("/screening/<int:round_id>/import/preview")
@allow(WORKER)
def import_preview(round_id):
    """Every row checked with the chosen columns, and who lacks the screening consent."""
    rnd = _round(round_id, write=True)
    token, payload, mapping, errors = _stored(rnd)
    if payload is None:
        return _panel(rnd, 422, error=uploads.EXPIRED)
    if errors or request.form.get("back") == "1":
        return _mapping_step(rnd, token, payload, mapping, errors, 422 if errors else 200)
    return _preview(rnd, token, payload, mapping)[0]


@bp.post("/screening/<int:round_id>/import/commit")
@allow(WORKER)
def import_commit(round_id):
    """Import every previewed row, or none; the rows are checked again first."""
    rnd = _round(round_id, write=True)
    token, payload, mapping, errors = _stored(rnd)
    if payload is None:
        return _panel(rnd, 422, error=uploads.EXPIRED)
    if errors:
        return _mapping_step(rnd, token, payload, mapping, errors, 422)
    rows, _lacking = imports.validate(current_user, rnd, payload["table"], mapping)
    try:
        imports.commit(current_user, rnd, rows)
    except PlannerError as err:
        return _preview(rnd, token, payload, mapping, 422, err.message)[0]
    uploads.discard(_dir(), token)
    return go(url_for("screening.round_page", round_id=rnd.id) + "#tiers")


@bp.post("/screening/<int:round_id>/import/cancel")
@allow(WORKER)
def import_cancel(round_id):
    """Drop the uploaded sheet from the server at once."""
    rnd = _round(round_id, write=True)
    token = request.form.get("upload", "")
    try:
        uploads.load(_dir(), token, current_user.id, rnd.id)  # only one's own upload
        uploads.discard(_dir(), token)
    except PlannerError:
        pass
    return go(url_for("screening.round_page", round_id=rnd.id))
