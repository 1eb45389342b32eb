"""Views of planner.cases (blueprint "cases"): a school's cases, opening one (from a 高危
screening result, a follow-up flag, or a referral / self-referral form), the case page with
each step's form, case notes, referrals, the crisis watch list and the supervisor's queue
of case notes.

Only the case's worker, co-worker and their supervisors reach a case: admins and teachers
answer 403 on every route here, a case of a school the user doesn't serve 404
(services.case_for). No student's name or number goes into a URL: the student is posted."""

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from planner.access import allow, school_or_404
from planner.cases import forms, services
from planner.cases.models import (
    NOTE_STATUSES,
    ORDER,
    RECORD_STEPS,
    RISKS,
    SOURCES,
    STEPS,
)
from planner.errors import CONFLICT, PlannerError
from planner.evaluation.schemas import GAS_GOALS, GAS_LEVELS, gas_goals
from planner.home import case_flags
from planner.i18n import local_today
from planner.roles import ADMIN, SUPERVISOR, WORKER
from planner.web import conflict_response, error_status, go, load_form, render

bp = Blueprint("cases", __name__)


def _case(case_id, write=False):
    try:
        return services.case_for(current_user, case_id, write)
    except PlannerError as err:
        abort(error_status(err))


def _choices(students) -> dict:
    return {
        s.id: f"{s.archive_code} {s.name}" + (f" · {s.class_name}" if s.class_name else "")
        for s in students
    }


def _index(school, status=200, errors=None, form=None):
    writable = current_user.is_worker
    return render(
        "cases/index.html",
        "cases/_index.html",
        status,
        school=school,
        cases=services.cases_of(current_user, school),
        open_fields=forms.open_fields(
            _choices(services.student_choices(current_user, school)) if writable else {},
            services.co_worker_choices(current_user.id, school) if writable else {},
        ),
        writable=writable,
        errors=errors or {},
        form=form,
    )


@bp.get("/schools/<int:school_id>/cases")
@allow(WORKER, SUPERVISOR)
def index(school_id):
    """The school's cases the user may read; a worker opens one here."""
    return _index(school_or_404(current_user, school_id))


@bp.post("/schools/<int:school_id>/cases")
@allow(WORKER)
def new(school_id):
    """Open a case from a teacher's or parent's referral or the student's own request."""
    school = school_or_404(current_user, school_id)
    values, errors = load_form(forms.OpenForm())
    if errors:
        return _index(school, 422, errors, request.form)
    try:
        case = services.open_case(current_user, school, values, values["source"])
    except PlannerError as err:
        return _index(
            school, error_status(err), err.errors or {"student_id": err.message}, request.form
        )
    return go(url_for("cases.show", case_id=case.id))


def _opened(open_it, item_id, back):
    try:
        case = open_it(current_user, item_id)
    except PlannerError as err:
        if err.kind == CONFLICT:
            return conflict_response(back)
        abort(error_status(err))
    return go(url_for("cases.show", case_id=case.id))


@bp.post("/screening/results/<int:result_id>/case")
@allow(WORKER)
def from_screening(result_id):
    """Open a case for the student of a 高危 screening result."""
    return _opened(services.open_from_screening, result_id, request.referrer or "/")


@bp.post("/letters/<int:letter_id>/case")
@allow(WORKER)
def from_letter(letter_id):
    """Open a case for the student who wrote to the 社工信箱."""
    return _opened(services.open_from_letter, letter_id, request.referrer or "/")


@bp.post("/consultations/<int:consultation_id>/case")
@allow(WORKER)
def from_consultation(consultation_id):
    """Open a case for the student of a consultation."""
    return _opened(services.open_from_consultation, consultation_id, request.referrer or "/")


@bp.post("/follow-ups/<int:follow_up_id>/case")
@allow(WORKER)
def from_follow_up(follow_up_id):
    """Open a case for a member flagged for follow-up in a reflection."""
    return _opened(services.open_from_follow_up, follow_up_id, request.referrer or "/")


HIDDEN = ("version", "action", "stamp")  # fields no input shows: the page's alert says it


def _page(case, status=200, section=None, errors=None, form=None, message=None):
    data = services.page(current_user, case)
    errors = errors or {}
    message = message or next((errors[k] for k in HIDDEN if k in errors), None)
    return render(
        "cases/show.html",
        "cases/_case.html",
        status,
        case=case,
        steps=STEPS,
        order=ORDER,
        record_steps=RECORD_STEPS,
        step_fields={s: forms.step_fields(s) for s in RECORD_STEPS},
        case_fields=forms.case_fields(
            services.co_worker_choices(case.worker_id, case.school) if case.writable else {}
        ),
        note_fields=forms.note_fields(),
        referral_fields=forms.referral_fields(),
        note_statuses=NOTE_STATUSES,
        risks=RISKS,
        sources=SOURCES,
        slots=range(1, GAS_GOALS + 1),
        levels=GAS_LEVELS,
        today=local_today(),
        section=section,
        errors=errors or {},
        form=form,
        message=message,
        **data,
    )


def _refused(case, section, err):
    if err.kind == CONFLICT:
        return conflict_response(url_for("cases.show", case_id=case.id))
    if error_status(err) == 404:
        abort(404)
    return _page(case, error_status(err), section, err.errors, request.form, err.message)


@bp.get("/cases/<int:case_id>")
@allow(WORKER, SUPERVISOR)
def show(case_id):
    """The case: its steps' records, case notes and referrals (every read audited)."""
    return _page(_case(case_id))


@bp.post("/cases/<int:case_id>")
@allow(WORKER)
def update(case_id):
    """Risk level, next review date and co-worker."""
    case = _case(case_id, write=True)
    values, errors = load_form(forms.CaseForm())
    if errors:
        return _page(case, 422, "case", errors, request.form)
    try:
        services.update_case(current_user, case, values)
    except PlannerError as err:
        return _refused(case, "case", err)
    return go(url_for("cases.show", case_id=case.id))


@bp.post("/cases/<int:case_id>/steps/<step>")
@allow(WORKER)
def step(case_id, step):
    """Save one step's record, or save it and finish the step."""
    case = _case(case_id, write=True)
    if step not in RECORD_STEPS:
        abort(404)
    values, errors = load_form(forms.step_form(step))
    goals = None
    if step == "evaluation":
        goals, goal_errors = gas_goals(request.form)
        errors.update(goal_errors)
    if errors:
        return _page(case, 422, step, errors, request.form)
    try:
        services.save_step(
            current_user,
            case,
            step,
            values,
            advance=values["action"] == "advance",
            goals=goals,
            stamp=request.form.get("stamp", ""),
        )
    except PlannerError as err:
        return _refused(case, step, err)
    return go(url_for("cases.show", case_id=case.id) + f"#step-{step}")


@bp.post("/cases/<int:case_id>/intervention")
@allow(WORKER)
def intervention_done(case_id):
    """介入 is done: on to 评估."""
    case = _case(case_id, write=True)
    values, errors = load_form(forms.AdvanceForm())
    if errors:
        return _page(case, 422, "intervention", errors, request.form, next(iter(errors.values())))
    try:
        services.finish_intervention(current_user, case, values["version"])
    except PlannerError as err:
        return _refused(case, "intervention", err)
    return go(url_for("cases.show", case_id=case.id) + "#step-evaluation")


@bp.post("/cases/<int:case_id>/notes")
@allow(WORKER)
def note_new(case_id):
    """A case note: saved as a draft, or submitted to the supervisor."""
    case = _case(case_id, write=True)
    values, errors = load_form(forms.NoteForm())
    if errors:
        return _page(case, 422, "note", errors, request.form)
    try:
        services.add_note(current_user, case, values, submit=values["action"] == "submit")
    except PlannerError as err:
        return _refused(case, "note", err)
    return go(url_for("cases.show", case_id=case.id) + "#notes")


@bp.post("/cases/<int:case_id>/notes/<int:note_id>")
@allow(WORKER)
def note_edit(case_id, note_id):
    """Its author changes a draft (or a returned note) and may submit it."""
    case = _case(case_id, write=True)
    values, errors = load_form(forms.NoteForm())
    section = f"note-{note_id}"
    if errors:
        return _page(case, 422, section, errors, request.form)
    try:
        services.edit_note(current_user, case, note_id, values, submit=values["action"] == "submit")
    except PlannerError as err:
        return _refused(case, section, err)
    return go(url_for("cases.show", case_id=case.id) + "#notes")


@bp.post("/cases/<int:case_id>/referrals")
@allow(WORKER)
def referral_new(case_id):
    """A referral out, with its consent and dates."""
    case = _case(case_id, write=True)
    values, errors = load_form(forms.ReferralForm())
    if errors:
        return _page(case, 422, "referral", errors, request.form)
    try:
        services.add_referral(current_user, case, values)
    except PlannerError as err:
        return _refused(case, "referral", err)
    return go(url_for("cases.show", case_id=case.id) + "#referrals")


@bp.post("/cases/<int:case_id>/referrals/<int:referral_id>")
@allow(WORKER)
def referral_outcome(case_id, referral_id):
    """The outcome of a referral."""
    case = _case(case_id, write=True)
    values, errors = load_form(forms.OutcomeForm())
    section = f"referral-{referral_id}"
    if errors:
        return _page(case, 422, section, errors, request.form)
    try:
        services.referral_outcome(current_user, case, referral_id, values)
    except PlannerError as err:
        return _refused(case, section, err)
    return go(url_for("cases.show", case_id=case.id) + "#referrals")


@bp.get("/cases/crisis")
@allow(WORKER, SUPERVISOR)
def crisis():
    """危机预警名单: every open 高危 case of the user's, overdue reviews marked."""
    return render(
        "cases/crisis.html",
        "cases/_crisis.html",
        cases=services.crisis_list(current_user),
        today=local_today(),
    )


def _queue(status=200, errors=None, note_id=None):
    return render(
        "cases/queue.html",
        "cases/_queue.html",
        status,
        errors=errors or {},
        failed=note_id,
        **services.queue(current_user),
    )


@bp.get("/supervision/cases")
@allow(SUPERVISOR)
def queue():
    """Submitted case notes of the supervisor's workers, safeguarding concerns on top."""
    return _queue()


@bp.post("/supervision/case-notes/<int:note_id>/review")
@allow(SUPERVISOR)
def review(note_id):
    """Sign a case note off, or return it with a comment."""
    try:
        note = services.supervised_note(current_user, note_id)
    except PlannerError as err:
        abort(error_status(err))
    values, errors = load_form(forms.ReviewForm())
    if errors and note.status != "submitted":  # signed off or returned: no form to show
        return conflict_response(url_for("cases.queue"))
    if errors:
        return _queue(422, errors, note_id)
    try:
        services.review_note(current_user, note, values)
    except PlannerError as err:
        if err.kind == CONFLICT:
            return conflict_response(url_for("cases.queue"))
        return _queue(error_status(err), err.errors, note_id)
    return go(url_for("cases.queue"))


@bp.post("/supervision/case-notes/<int:note_id>/acknowledge")
@allow(SUPERVISOR, ADMIN)
def acknowledge(note_id):
    """A supervisor (from her queue) or the safeguarding lead or an admin standing in (from
    the home page) has seen a safeguarding concern raised in a case note."""
    services.acknowledge_note(current_user, case_flags.case_flag_for(current_user, note_id))
    if current_user.is_supervisor and request.form.get("back") != "home":
        return go(url_for("cases.queue"))
    return go(url_for("dashboard.index") + "#safeguarding-flags")
