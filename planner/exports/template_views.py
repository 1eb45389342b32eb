"""The admin's Word templates per document type: upload (checked first), preview with the
sample data, an example to start from, and delete (back to the built-in layout)."""

from flask import abort, request, url_for
from flask_login import current_user

from planner.access import allow
from planner.exports import agency_templates
from planner.exports.blueprint import bp
from planner.exports.kinds import KINDS
from planner.exports.models import DocTemplate
from planner.i18n import lazy_gettext as _l
from planner.roles import ADMIN
from planner.web import go, render, send_docx

NO_FILE = _l("请选择一个 .docx 文件。")


def _kind(kind):
    if kind not in KINDS:
        abort(404)
    return kind


def _page(status=200, problems=None, kind=None):
    rows = {
        t.kind: t
        for t in DocTemplate.select(
            DocTemplate.id,
            DocTemplate.kind,
            DocTemplate.filename,
            DocTemplate.size,
            DocTemplate.uploaded_at,
        ).where(DocTemplate.agency == current_user.agency_id)
    }
    return render(
        "exports/templates.html",
        "exports/_templates_body.html",
        status,
        kinds=KINDS,
        rows=rows,
        variables=agency_templates.VARIABLES,
        problems=problems or [],
        problem_kind=kind,
        max_mb=agency_templates.MAX_BYTES // 2**20,
    )


@bp.get("/admin/templates")
@allow(ADMIN)
def doc_templates():
    """The six document types, each with the agency's template or the built-in layout."""
    return _page()


@bp.post("/admin/templates/<kind>")
@allow(ADMIN)
def template_upload(kind):
    """Upload a .docx for one type; unknown or broken placeholders are listed, nothing saved."""
    kind = _kind(kind)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(422, [str(NO_FILE)], kind)
    data = upload.read(agency_templates.MAX_BYTES + 1)
    problems = agency_templates.check_template(data, kind)
    if problems:
        return _page(422, [str(p) for p in problems], kind)
    agency_templates.save_template(current_user, kind, upload.filename, data)
    return go(url_for("exports.doc_templates"))


@bp.post("/admin/templates/<kind>/delete")
@allow(ADMIN)
def template_delete(kind):
    """Remove the agency's template: the built-in layout is used again."""
    kind = _kind(kind)
    agency_templates.delete_template(current_user.agency_id, kind)
    return go(url_for("exports.doc_templates"))


@bp.get("/admin/templates/<kind>/example.docx")
@allow(ADMIN)
def template_example(kind):
    """A small valid template with the placeholders, to edit in Word."""
    kind = _kind(kind)
    return send_docx(agency_templates.example_template(kind), f"template_{kind}.docx")


@bp.get("/admin/templates/<kind>/preview.docx")
@allow(ADMIN)
def template_preview(kind):
    """The uploaded template rendered with invented sample data."""
    kind = _kind(kind)
    row = DocTemplate.get_or_none(
        (DocTemplate.agency == current_user.agency_id) & (DocTemplate.kind == kind)
    )
    if row is None:
        abort(404)
    data, _used = agency_templates.build(kind, KINDS[kind].sample, bytes(row.data))
    return send_docx(data, f"preview_{kind}.docx")
