"""Views of planner.evaluation (blueprint "evaluation"): a group's evaluation page, score
entry per member, GAS goals, the end-of-group judgement, and the admin's instruments.

The group's workers enter; the supervisors of those workers read; admins and teachers never
see member-level evaluation (PRIVACY_SECURITY.md §2) and answer 403; a program outside the
user's schools answers 404; a classroom series has no member evaluation (404)."""

from flask import Blueprint, abort, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from planner.access import allow, get_or_404, programs_query
from planner.curricula.models import Curriculum
from planner.db import ConflictError
from planner.errors import CONFLICT, PlannerError
from planner.evaluation import grid, services
from planner.evaluation.compute import fmt_change, fmt_num, fmt_pct
from planner.evaluation.models import TIMEPOINTS, Instrument
from planner.evaluation.page import page_context
from planner.evaluation.schemas import (
    GAS_GOALS,
    GAS_LEVELS,
    PURPOSES,
    EvaluationForm,
    InstrumentForm,
    InstrumentSchema,
    OtherEvaluationForm,
    gas_goals,
    goal_judgements,
    instrument_from_form,
    score_form,
)
from planner.evaluation.schemas import score_grid as score_grid_form
from planner.forms import flatten_errors
from planner.reflections.services import records_access
from planner.roles import ADMIN, SUPERVISOR, WORKER
from planner.schools.models import School, Term
from planner.sessions.models import Program
from planner.web import conflict_response, error_status, go, load_form, render

bp = Blueprint("evaluation", __name__)


def _group(program_id, write=False):
    """The group in scope (404 outside it); 403 unless one of its workers (write) or
    their supervisor (read)."""
    query = (
        programs_query(current_user)
        .select_extend(Curriculum, School, Term)
        .join_from(Program, Curriculum)
        .join_from(Program, School)
        .join_from(Program, Term)
        .where(Curriculum.kind == "group")
    )
    program = get_or_404(query, program_id)
    level = records_access(current_user, program.id)
    if level is None or (write and level != "write"):
        abort(403)
    program.writable = level == "write"
    return program


def _page(program, status=200, errors=None, form=None, other=None):
    return render(
        "evaluation/page.html",
        "evaluation/_judgement.html",
        status,
        **page_context(program, current_user, errors or {}, form, other),
    )


@bp.get("/programs/<int:program_id>/evaluation")
@allow(SUPERVISOR, WORKER)
def page(program_id):
    """Attendance heatmap, stage timeline, pre/post, GAS, satisfaction, process evaluation."""
    return _page(_group(program_id))


@bp.post("/programs/<int:program_id>/evaluation")
@allow(WORKER)
def judge(program_id):
    """Save whether each goal was met, and the recommendations (version-checked)."""
    program = _group(program_id, write=True)
    values, errors = load_form(EvaluationForm())
    goals, goal_errors = goal_judgements(
        request.form, (program.curriculum.plan or {}).get("specific_goals") or []
    )
    errors.update(goal_errors)
    if errors:
        return _page(program, 422, errors, request.form)
    try:
        services.save_evaluation(
            program, goals, values.get("recommendations", ""), values["version"]
        )
    except ConflictError:
        return conflict_response(url_for("evaluation.page", program_id=program.id))
    return go(url_for("evaluation.page", program_id=program.id) + "#judgement")


@bp.post("/programs/<int:program_id>/evaluation/others")
@allow(WORKER)
def other_new(program_id):
    """A peer's or a third party's judgement beside the worker's own (10.2.3)."""
    program = _group(program_id, write=True)
    values, errors = load_form(OtherEvaluationForm())
    if not errors:
        try:
            services.add_other(program, current_user, values)
        except PlannerError as err:
            errors = err.errors
    if errors:
        return render(
            "evaluation/page.html",
            "evaluation/page.html",
            422,
            **page_context(program, current_user, {}, None, (errors, request.form)),
        )
    return go(url_for("evaluation.page", program_id=program.id) + "#other-evaluations")


def _member(program, student_id):
    student = services.member(program.id, student_id)
    if student is None:
        abort(404)
    return student


def _instrument(slug, timepoint):
    inst = services.instruments_for(current_user.agency_id).where(Instrument.slug == slug).first()
    if inst is None or inst.kind != "likert" or timepoint not in TIMEPOINTS:
        abort(404)
    return inst


@bp.route(
    "/programs/<int:program_id>/members/<int:student_id>/scores/<slug>/<timepoint>",
    methods=["GET", "POST"],
)
@allow(WORKER)
def score(program_id, student_id, slug, timepoint):
    """One member's answers to one instrument at pre, post or follow-up."""
    program = _group(program_id, write=True)
    student, inst = _member(program, student_id), _instrument(slug, timepoint)
    current = services.score_of(program.id, student.id, inst.id, timepoint)
    ctx = dict(
        program=program,
        student=student,
        inst=inst,
        timepoint=timepoint,
        timepoints=TIMEPOINTS,
        current=current,
        errors={},
        message=None,
        may_record=services.may_record(student.id),
        form=None,
    )
    if request.method == "GET":
        return render("evaluation/score.html", "evaluation/_score_form.html", **ctx)
    values, errors = load_form(score_form(inst))
    if not errors:
        try:
            services.save_score(program, student, inst, timepoint, values, current_user)
            return go(url_for("evaluation.page", program_id=program.id) + "#scores")
        except ConflictError:
            return conflict_response(request.path)
        except PlannerError as err:
            ctx["message"] = err.message
    ctx.update(errors=errors, form=request.form)
    return render("evaluation/score.html", "evaluation/_score_form.html", 422, **ctx)


def _grid_page(program, inst, timepoint, status=200, errors=None, form=None, err=None):
    """The grid as saved (an audited read); on a refusal with the user's input kept, and
    on a conflict the changed rows replaced by their new scores."""
    try:
        data = grid.score_grid(program, inst, timepoint, current_user)
    except PlannerError:
        abort(404)
    fresh = err.details.get("fresh", {}) if err and err.kind == CONFLICT else {}
    drawn = {f"m{m.id}_" for m in data.members}
    errors = errors or {}
    undrawn = [v for k, v in errors.items() if k.split("_")[0] + "_" not in drawn]
    return render(
        "evaluation/grid.html",
        "evaluation/_grid_form.html",
        status,
        program=program,
        inst=inst,
        timepoint=timepoint,
        timepoints=TIMEPOINTS,
        members=data.members,
        errors=errors,
        undrawn=undrawn,
        form=form,
        fresh=fresh,
        message=err.message if err else None,
    )


@bp.route("/programs/<int:program_id>/scores/<slug>/<timepoint>", methods=["GET", "POST"])
@allow(WORKER)
def score_grid(program_id, slug, timepoint):
    """One instrument at one time point for every member: a grid saved all or nothing."""
    program = _group(program_id, write=True)
    inst = _instrument(slug, timepoint)
    if request.method == "GET":
        return _grid_page(program, inst, timepoint)
    rows, errors = score_grid_form(request.form, inst)
    if errors:
        err = PlannerError(grid.invalid(len(errors)), errors=errors)
        return _grid_page(program, inst, timepoint, 422, errors, request.form, err)
    try:
        grid.save_score_grid(program, inst, timepoint, rows, current_user)
    except PlannerError as err:
        status = error_status(err)
        return _grid_page(program, inst, timepoint, status, err.errors, request.form, err)
    return go(url_for("evaluation.page", program_id=program.id) + "#scores")


@bp.route("/programs/<int:program_id>/members/<int:student_id>/gas", methods=["GET", "POST"])
@allow(WORKER)
def gas(program_id, student_id):
    """A member's personal goals with five levels each, and the level reached."""
    program = _group(program_id, write=True)
    student = _member(program, student_id)
    goals = services.goals_of(program.id, student.id)
    ctx = dict(
        program=program,
        student=student,
        goals={g.order: g for g in goals},
        stamp=services.goals_stamp(goals),
        slots=range(1, GAS_GOALS + 1),
        levels=GAS_LEVELS,
        errors={},
        message=None,
        form=None,
        may_record=services.may_record(student.id),
        gas_instrument=Instrument.get_or_none(Instrument.slug == "gas"),
    )
    if request.method == "GET":
        return render("evaluation/gas.html", "evaluation/_gas_form.html", **ctx)
    parsed, errors = gas_goals(request.form)
    if not errors:
        try:
            services.save_goals(
                program, student, parsed, request.form.get("stamp", ""), current_user
            )
            return go(url_for("evaluation.page", program_id=program.id) + "#gas")
        except ConflictError:
            return conflict_response(request.path)
        except PlannerError as err:
            ctx["message"] = err.message
    ctx.update(errors=errors, form=request.form)
    return render("evaluation/gas.html", "evaluation/_gas_form.html", 422, **ctx)


def _instruments_page(status=200, errors=None, form=None, message=None):
    return render(
        "evaluation/instruments.html",
        "evaluation/_instrument_form.html",
        status,
        instruments=list(services.instruments_for(current_user.agency_id)),
        errors=errors or {},
        form=form,
        timepoints=TIMEPOINTS,
        purposes=PURPOSES,
        message=message,
    )


@bp.route("/admin/instruments", methods=["GET", "POST"])
@allow(ADMIN)
def instruments():
    """The instruments in use, and a form for the agency's own Likert scale."""
    if request.method == "GET":
        return _instruments_page()
    values, errors = load_form(InstrumentForm())
    if not errors:
        try:
            data = InstrumentSchema().load(instrument_from_form(values))
            services.create_instrument(current_user.agency_id, data)
            return go(url_for("evaluation.instruments"))
        except PlannerError as err:
            errors = {err.field or "name": err.message}
        except ValidationError as err:  # the form was fine, the instrument is not
            errors = flatten_errors(err.messages)
            errors = {("labels" if k == "scale" else k): v for k, v in errors.items()}
    return _instruments_page(422, errors, request.form)


@bp.app_template_filter("pct")
def _pct(rate):
    return fmt_pct(rate)


@bp.app_template_filter("num")
def _num(value, digits=2):
    return fmt_num(value, digits)


@bp.app_template_filter("change")
def _change(value):
    return fmt_change(value)
