"""Class-list import screens: upload → map columns → preview → commit (all or nothing).

Between the steps the browser carries only the random id of the server-side upload (see
uploads.py for why), never a name, and nothing about a student goes into a URL.
"""

import os

from flask import current_app, request, url_for
from flask_login import current_user

from planner.access import allow, school_or_404
from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l
from planner.roles import EDITORS
from planner.students import roster, schemas, uploads
from planner.students.blueprint import bp
from planner.web import go, load_form, render


def _dir():
    return current_app.config.get("STUDENT_IMPORT_DIR") or os.path.join(
        current_app.instance_path, "student-imports"
    )


def _panel(school, status=200, step="upload", **context):
    return render(
        "students/import.html",
        "students/_import_panel.html",
        status,
        school=school,
        step=step,
        fields=roster.FIELDS,
        max_rows=roster.MAX_ROWS,
        **context,
    )


def _stored(school):
    """(upload id, payload, mapping, errors) from the posted form; payload None if gone."""
    values, errors = load_form(schemas.MappingSchema())
    token = request.form.get("upload", "")
    try:
        payload = uploads.load(_dir(), token, current_user.id, school.id)
    except PlannerError:
        return token, None, {}, {}
    mapping = {key: (values or {}).get(f"col_{key}") for key in roster.FIELD_KEYS}
    if errors:  # a forged or broken column index: the whole mapping is asked again
        return (
            token,
            payload,
            mapping,
            {key: _l("请选择有效的选项。") for key in roster.FIELD_KEYS if f"col_{key}" in errors},
        )
    return token, payload, mapping, roster.check_mapping(mapping, len(payload["table"]["headers"]))


def _mapping_step(school, token, payload, mapping, errors, status=200):
    table = payload["table"]
    return _panel(
        school,
        status,
        "mapping",
        upload=token,
        filename=payload["file"],
        headers=table["headers"],
        samples=table["rows"][:3],
        mapping=mapping,
        errors=errors,
        guessed=any(v is not None for v in mapping.values()),
    )


@bp.route("/schools/<int:school_id>/students/import", methods=["GET", "POST"])
@allow(*EDITORS)
def import_upload(school_id):
    """Upload an .xlsx or .csv class list; nothing is saved to the student table here."""
    school = school_or_404(current_user, school_id, plan=True)
    if request.method == "GET":
        return _panel(school)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _panel(school, 422, error=_l("请选择要导入的 .xlsx 或 .csv 文件。"))
    try:
        table = roster.parse(roster.read_limited(upload.stream), upload.filename)
    except PlannerError as err:
        return _panel(school, 422, error=err.message)
    payload = {"table": table, "file": upload.filename[:100]}
    token = uploads.save(_dir(), current_user.id, school.id, payload)
    return _mapping_step(school, token, payload, roster.guess(table["headers"]), {})


@bp.post("/schools/<int:school_id>/students/import/preview")
@allow(*EDITORS)
def import_preview(school_id):
    """Check every row with the chosen columns; shows the problems row by row."""
    school = school_or_404(current_user, school_id, plan=True)
    token, payload, mapping, errors = _stored(school)
    if payload is None:
        return _panel(school, 422, error=uploads.EXPIRED)
    if errors:
        return _mapping_step(school, token, payload, mapping, errors, 422)
    if request.form.get("back") == "1":  # from the preview, to change the columns
        return _mapping_step(school, token, payload, mapping, {})
    rows = roster.validate(school, payload["table"], mapping)
    return _panel(
        school,
        200,
        "preview",
        upload=token,
        filename=payload["file"],
        rows=rows,
        mapping=mapping,
        bad=sum(1 for r in rows if r.errors),
    )


@bp.post("/schools/<int:school_id>/students/import/commit")
@allow(*EDITORS)
def import_commit(school_id):
    """Import every previewed row, or none; the rows are checked again first."""
    school = school_or_404(current_user, school_id, plan=True)
    token, payload, mapping, errors = _stored(school)
    if payload is None:
        return _panel(school, 422, error=uploads.EXPIRED)
    if errors:
        return _mapping_step(school, token, payload, mapping, errors, 422)
    rows = roster.validate(school, payload["table"], mapping)
    try:
        count = roster.commit(school, rows, user=current_user)
    except PlannerError as err:
        return _panel(
            school,
            422,
            "preview",
            upload=token,
            filename=payload["file"],
            rows=rows,
            mapping=mapping,
            bad=sum(1 for r in rows if r.errors),
            error=err.message,
        )
    uploads.discard(_dir(), token)
    return go(url_for("students.index", school_id=school.id, imported=count))


@bp.post("/schools/<int:school_id>/students/import/cancel")
@allow(*EDITORS)
def import_cancel(school_id):
    """Drop the uploaded list from the server at once."""
    school = school_or_404(current_user, school_id, plan=True)
    token = request.form.get("upload", "")
    try:
        uploads.load(_dir(), token, current_user.id, school.id)  # only one's own upload
        uploads.discard(_dir(), token)
    except PlannerError:
        pass
    return go(url_for("students.index", school_id=school.id))
