"""Views of planner.privacy (blueprint "privacy"): the retention periods and the audit log
for the agency's admin, and the data requests of a guardian or a student (recorded from the
student's page by the school's worker, decided by a second person).

Who: admins set periods, read the log and its annual summary; the school's workers and
admins record requests and hand over the copy; an admin or the recording worker's
supervisor approves or rejects an erasure."""

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from planner.access import allow, get_or_404, in_schools
from planner.accounts.models import User
from planner.errors import PlannerError
from planner.exports.personal_data import export_student
from planner.i18n import local_now
from planner.privacy import audit_log, forms, requests, retention
from planner.privacy.models import RECORD_TYPES, DataRequest
from planner.roles import ADMIN, EDITORS, SUPERVISOR
from planner.students.models import Student
from planner.web import error_status, go, int_arg, load_form, render, send_download

bp = Blueprint("privacy", __name__)


@bp.route("/admin/retention", methods=["GET", "POST"])
@allow(ADMIN)
def retention_page():
    """The agency's minimum retention period per record type, with the defaults explained."""
    days = retention.periods(current_user.agency_id)
    values, errors = {k: str(v) for k, v in days.items()}, {}
    if request.method == "POST":
        loaded, errors = load_form(forms.retention_schema())
        if not errors:
            try:
                retention.save_periods(current_user, loaded)
                return go(url_for("privacy.retention_page", saved=1))
            except PlannerError as err:
                errors = err.errors or {err.field: err.message}
        values = request.form
    return render(
        "privacy/retention.html",
        "privacy/_retention_form.html",
        422 if errors else 200,
        fields=forms.retention_fields(),
        values=values,
        errors=errors,
        record_types=RECORD_TYPES,
        saved=request.args.get("saved") == "1",
    )


def _filters():
    values, errors = load_form(forms.AuditFilterSchema(), request.args)
    if errors:
        abort(422)
    return values


@bp.get("/admin/audit")
@allow(ADMIN)
def audit():
    """The agency's audit log, filtered by person, action, student code and dates."""
    filters = _filters()
    total, entries = audit_log.page(current_user, filters)
    return render(
        "privacy/audit.html",
        "privacy/_audit_rows.html",
        entries=entries,
        total=total,
        filters=filters,
        page_no=filters["page"],
        pages=-(-total // audit_log.PAGE_SIZE),
        users=list(
            User.select().where(User.agency == current_user.agency_id).order_by(User.username)
        ),
        actions=audit_log.actions_in_use(current_user.agency_id),
        labels=audit_log.ACTION_LABELS,
        query={k: v for k, v in request.args.items() if k != "page" and v},
    )


@bp.get("/admin/audit.csv")
@allow(ADMIN)
def audit_csv():
    """The filtered log as CSV (reading it is audited)."""
    data = audit_log.csv_bytes(current_user, _filters())
    name = f"audit-{local_now().date().isoformat()}.csv"
    return send_download(data, name, "text/csv")


@bp.get("/admin/audit/summary")
@allow(ADMIN)
def audit_summary():
    """The annual compliance summary."""
    this_year = local_now().year
    year = int_arg("year", this_year, 2000, this_year)
    return render(
        "privacy/summary.html",
        "privacy/summary.html",
        summary=audit_log.annual_summary(current_user, year),
        years=list(range(this_year, this_year - 6, -1)),
        labels=audit_log.ACTION_LABELS,
    )


def _student(student_id):
    student = get_or_404(in_schools(Student, current_user), student_id)
    if not requests.can_request(current_user, student):
        abort(403)
    return student


@bp.post("/students/<int:student_id>/requests")
@allow(*EDITORS)
def request_new(student_id):
    """Record a request: an export hands over the zip at once, a correction goes to the
    edit form, an erasure waits for approval."""
    student = _student(student_id)
    values, errors = load_form(forms.DataRequestSchema())
    if errors:
        return _student_page(student, errors, 422)
    try:
        if values["kind"] == "export":
            data, name = export_student(current_user, student, values)
            return send_download(data, name, "application/zip")
        requests.create_request(current_user, student, values)
    except PlannerError as err:
        return _student_page(student, {err.field or "kind": err.message}, error_status(err))
    if values["kind"] == "correct":
        return go(url_for("students.edit", student_id=student.id))
    return go(url_for("students.show", student_id=student.id, requested=1))


def _student_page(student, errors, status):
    """The request form again, with its errors (the student's page links back)."""
    return render(
        "privacy/request.html",
        "privacy/_request_form.html",
        status,
        student=student,
        fields=forms.REQUEST_FIELDS,
        values=request.form,
        errors=errors,
    )


@bp.get("/requests")
@allow(ADMIN, SUPERVISOR)
def queue():
    """Erasure requests waiting for this person's decision."""
    return render(
        "privacy/queue.html",
        "privacy/queue.html",
        pending=requests.pending_for(current_user),
    )


@bp.post("/requests/<int:request_id>/decide")
@allow(ADMIN, SUPERVISOR)
def decide(request_id):
    """Approve (and run) or reject an erasure, as the second person."""
    req = get_or_404(
        DataRequest.select().where(DataRequest.agency == current_user.agency_id), request_id
    )
    values, errors = load_form(forms.DecisionSchema())
    if errors:
        abort(422)
    try:
        requests.decide(current_user, req, values["decision"] == "approve", values["reason"])
    except PlannerError as err:
        return render(
            "privacy/queue.html",
            "privacy/queue.html",
            error_status(err),
            pending=requests.pending_for(current_user),
            error=err.message,
        )
    return go(url_for("privacy.queue", decided=1))
