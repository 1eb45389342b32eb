"""Views of case sessions on the calendar (blueprint "case_appointments"): a case's
appointments (个案会谈) with the form to book one, and each one's move, hold, cancel and
case-note link. Only the case's team reaches them (cases.services.case_for): the case
worker and co-worker write, their supervisors read; admins and teachers 403, a case of a
school the user doesn't serve 404."""

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from planner.access import allow
from planner.cases import appointment_forms as forms
from planner.cases import appointments as services
from planner.errors import CONFLICT, NOT_FOUND, PlannerError
from planner.i18n import local_today
from planner.roles import SUPERVISOR, WORKER
from planner.web import conflict_response, error_status, go, load_form, render

bp = Blueprint("case_appointments", __name__)


def _page(case_id, status=200, write=False, errors=None, form=None, editing=None, message=None):
    try:
        case, appointments = services.page(current_user, case_id, write)
    except PlannerError as err:
        abort(error_status(err))
    editable = case.writable and case.is_open
    rooms = services.room_choices(case.school_id) if case.writable else {}
    workers = services.worker_choices(case) if case.writable else {}
    return render(
        "cases/_appointment_page.html",
        "cases/_appointments.html",
        status,
        case=case,
        appointments=appointments,
        editable=editable,
        new_fields=forms.appointment_fields(rooms, workers),
        edit_fields=forms.edit_fields(rooms, workers, services.note_choices(case))
        if case.writable
        else [],
        today=local_today(),
        errors=errors or {},
        form=form,
        editing=editing,
        message=message,
    )


def _refused(case_id, err, editing=None):
    if err.kind == CONFLICT:
        return conflict_response(url_for("case_appointments.index", case_id=case_id))
    if err.kind == NOT_FOUND:
        abort(404)
    return _page(
        case_id,
        error_status(err),
        True,
        err.errors or {"schedule": err.message},
        request.form,
        editing,
        None if err.errors else err.message,
    )


def _writable_case(case_id):
    try:
        return services.case_for(current_user, case_id, write=True)
    except PlannerError as err:
        abort(error_status(err))


@bp.get("/cases/<int:case_id>/appointments")
@allow(WORKER, SUPERVISOR)
def index(case_id):
    """The case's sessions on the calendar; the case worker books one here."""
    return _page(case_id)


@bp.post("/cases/<int:case_id>/appointments")
@allow(WORKER)
def new(case_id):
    """Book a case session: refused with the clash when the worker or the room is busy."""
    case = _writable_case(case_id)
    values, errors = load_form(forms.AppointmentForm())
    if errors:
        return _page(case_id, 422, True, errors, request.form)
    try:
        services.book(current_user, case, values)
    except PlannerError as err:
        return _refused(case_id, err)
    return go(url_for("case_appointments.index", case_id=case_id))


@bp.post("/cases/<int:case_id>/appointments/<int:appointment_id>")
@allow(WORKER)
def edit(case_id, appointment_id):
    """Move, hold or cancel one appointment, or link the case note written after it."""
    case = _writable_case(case_id)
    try:
        services.appointment_of(case, appointment_id)
    except PlannerError:
        abort(404)
    values, errors = load_form(forms.AppointmentEditForm())
    if errors:
        return _page(case_id, 422, True, errors, request.form, appointment_id)
    try:
        services.update(current_user, case, appointment_id, values)
    except PlannerError as err:
        return _refused(case_id, err, appointment_id)
    return go(
        url_for("case_appointments.index", case_id=case_id) + f"#appointment-{appointment_id}"
    )
