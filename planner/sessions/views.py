"""Plan a program (preview before saving), the program page, and schedule changes."""

from flask import Blueprint, abort, request, url_for
from flask_login import current_user
from peewee import JOIN

from planner.access import allow, can_plan, get_or_404, programs_query, school_or_404
from planner.calendars.models import DAY_KINDS, BellPeriod
from planner.calendars.services import periods as school_periods
from planner.calendars.services import years_without_holidays
from planner.curricula.models import Curriculum
from planner.errors import CONFLICT, PlannerError
from planner.forms import FieldSpec, small_int
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_now, local_today
from planner.roles import EDITORS, EVERYONE
from planner.runs.held import mark_held
from planner.schools.models import Room, School, Term
from planner.sessions import archive, replan, services
from planner.sessions.forms import MAX_RULES, CancelForm, MoveForm, ProgramForm, rule_rows
from planner.sessions.models import Program, ScheduleChange, Session
from planner.sessions.placement import KIND_LABELS, WEEKDAYS, place
from planner.sessions.planning import build, choices, per_class
from planner.sessions.program_fields import period_label, program_fields, rule_fields
from planner.web import error_status, go, load_form, render

bp = Blueprint("programs", __name__)


CANCEL_REASON = FieldSpec("reason", _l("取消原因"), "textarea", maxlength=200, required=True)


def _form(
    school,
    offered,
    errors=None,
    preview=None,
    status=200,
    unknown_years=(),
    chosen=None,
    previews=(),
):
    posted = request.method == "POST"
    return render(
        "programs/new.html",
        "programs/_form.html",
        status,
        school=school,
        unknown_years=unknown_years,
        errors=errors or {},
        preview=preview,
        previews=previews,
        conflict_kinds=KIND_LABELS,
        day_kinds=DAY_KINDS,
        weekdays=WEEKDAYS,
        fields=program_fields(offered, current_user),
        rule_fields=rule_fields(offered["periods"], offered["classes"]),
        values=request.form if posted else (chosen or {}),
        rows=rule_rows(request.form) if posted else [],
        max_rules=MAX_RULES,
    )


@bp.route("/schools/<int:school_id>/programs/new", methods=["GET", "POST"])
@allow(*EDITORS)
def new(school_id):
    """Plan a program: preview the placement, then save it."""
    school = school_or_404(current_user, school_id, plan=True)
    offered = choices(school, current_user)
    if request.method == "GET":
        # "安排到学校" on a curriculum's page: that curriculum chosen, if this form offers it
        chosen = small_int(request.args.get("curriculum"))
        if chosen is not None and any(c.id == chosen for c in offered["curricula"]):
            return _form(school, offered, chosen={"curriculum_id": str(chosen)})
        return _form(school, offered)
    values, errors = load_form(ProgramForm(periods={p.id: p for p in offered["periods"]}))
    if not errors:
        spec, fields, templates, errors = build(
            values, values["rules"], school, current_user, offered
        )
    if errors:
        return _form(school, offered, errors, status=422)
    if any(r.class_id is not None for r in spec.rules):
        return _per_class(school, offered, per_class(spec, fields, templates, offered))
    if request.form.get("action") != "save":
        preview = place(spec)
        unknown = years_without_holidays([p.date for p in preview.placed])
        return _form(school, offered, preview=preview, unknown_years=unknown)
    try:
        program = services.create_program(spec, fields, templates, current_user)
    except PlannerError as err:
        return _form(school, offered, {"schedule": err.message}, err.details.get("preview"), 422)
    return go(url_for("programs.show", program_id=program.id))


def _per_class(school, offered, items):
    """A series whose slots name classes: one program per class, previewed together and
    saved all or nothing."""
    previews = services.preview_programs(items)
    if request.form.get("action") != "save":
        dates = [p.date for _, preview in previews for p in preview.placed]
        return _form(
            school, offered, previews=previews, unknown_years=years_without_holidays(dates)
        )
    try:
        services.create_programs(items, current_user)
    except PlannerError as err:
        return _form(school, offered, {"schedule": err.message}, status=422, previews=previews)
    return go(url_for("manage.index", school=school.id))


def _program(program_id):
    """The program with its school, term, room and curriculum joined (one query)."""
    query = (
        programs_query(current_user)
        .select_extend(School, Term, Room, Curriculum)
        .join_from(Program, School)
        .join_from(Program, Term)
        .join_from(Program, Room)
        .join_from(Program, Curriculum)
    )
    return get_or_404(query, program_id)


def _sessions(program):
    """The program's sessions, each with its bell period (to see a changed bell time)."""
    return list(
        Session.select(Session, BellPeriod)
        .join(BellPeriod, JOIN.LEFT_OUTER)
        .where(Session.program == program.id)
        .order_by(Session.seq)
    )


def _page(program, message=None, status=200):
    sessions = mark_held(_sessions(program))
    return render(
        "programs/show.html",
        "programs/_sessions.html",
        status,
        program=program,
        sessions=sessions,
        displaced=replan.program_displaced(program, sessions, local_today()),
        unknown_years=years_without_holidays([s.date for s in sessions if s.status != "cancelled"]),
        exported_at=archive.teachers_copy_at(program.id),
        message=message,
        cancel_reason=CANCEL_REASON,
        can_change=can_plan(current_user, program.school_id),
        last_change=ScheduleChange.select()
        .where((ScheduleChange.program == program.id) & ~ScheduleChange.undone)
        .order_by(ScheduleChange.id.desc())
        .first(),
    )


@bp.get("/programs/<int:program_id>")
@allow(*EVERYONE)
def show(program_id):
    """A program's sessions, with changes after export marked."""
    return _page(_program(program_id))


def _changeable(program_id, session_id):
    program = _program(program_id)
    if not can_plan(current_user, program.school_id):
        abort(403)
    session = get_or_404(Session.select().where(Session.program == program.id), session_id)
    return program, session


@bp.route("/programs/<int:program_id>/sessions/<int:session_id>/move", methods=["GET", "POST"])
@allow(*EDITORS)
def move(program_id, session_id):
    """Move one session to another teaching day, period or room."""
    program, session = _changeable(program_id, session_id)
    offered = {
        "periods": school_periods(program.school_id),
        "rooms": choices(program.school, current_user)["rooms"],
    }
    fields = [
        FieldSpec("date", _l("新日期"), "date", default=session.date.isoformat()),
        FieldSpec(
            "period",
            _l("课节"),
            "select",
            {p.id: period_label(p) for p in offered["periods"]},
            default=session.period_id,
            blank=_l("按时间"),
        ),
        FieldSpec("start", _l("开始"), "time"),
        FieldSpec("end", _l("结束"), "time"),
        FieldSpec(
            "room_id",
            _l("场地"),
            "select",
            {r.id: r.name for r in offered["rooms"]},
            default=session.room_id,
            blank=False,
        ),
    ]
    if request.method == "GET":
        try:
            services.check_changeable(session)
        except PlannerError as err:
            return _page(program, err.message, error_status(err))
        return render(
            "programs/move.html",
            "programs/_move_form.html",
            program=program,
            session=session,
            errors={},
            fields=fields,
            values={},
            **offered,
        )
    form = MoveForm({p.id: p for p in offered["periods"]}, {r.id for r in offered["rooms"]})
    target, errors = load_form(form)
    if not errors:
        try:
            services.move_session(session, program, current_user, *target)
            return go(url_for("programs.show", program_id=program.id))
        except PlannerError as err:
            if err.kind == CONFLICT:
                return _page(program, err.message, error_status(err))
            errors = {"schedule": err.message}
    return render(
        "programs/move.html",
        "programs/_move_form.html",
        422,
        program=program,
        session=session,
        errors=errors,
        fields=fields,
        values=request.form,
        **offered,
    )


@bp.post("/programs/<int:program_id>/sessions/<int:session_id>/bump")
@allow(*EDITORS)
def bump(program_id, session_id):
    """Push this session and all later ones to the next free slots."""
    program, session = _changeable(program_id, session_id)
    try:
        services.bump_from(session, program, current_user)
    except PlannerError as err:
        return _page(program, err.message, error_status(err))
    return go(url_for("programs.show", program_id=program.id))


def _cancel_form(program, session, errors=None, status=200):
    page = {"program": program, "session": session, "errors": errors or {}}
    page.update(reason=CANCEL_REASON, values=request.form)
    return render("programs/cancel.html", "programs/_cancel_form.html", status, **page)


@bp.get("/programs/<int:program_id>/sessions/<int:session_id>/cancel")
@allow(*EDITORS)
def cancel_page(program_id, session_id):
    """Ask for the reason and a confirmation (the program page asks in a dialog; this page
    is the same question without JS)."""
    program, session = _changeable(program_id, session_id)
    try:
        services.check_changeable(session)
    except PlannerError as err:
        return _page(program, err.message, error_status(err))
    return _cancel_form(program, session)


@bp.post("/programs/<int:program_id>/sessions/<int:session_id>/cancel")
@allow(*EDITORS)
def cancel(program_id, session_id):
    """Cancel a session with a reason; a refused reason redraws the question."""
    program, session = _changeable(program_id, session_id)
    values, errors = load_form(CancelForm())
    if errors:
        return _cancel_form(program, session, errors, 422)
    try:
        services.cancel_session(session, program, current_user, values["reason"])
    except PlannerError as err:
        if err.kind == CONFLICT:
            return _page(program, err.message, error_status(err))
        return _cancel_form(program, session, {"reason": err.message}, error_status(err))
    return go(url_for("programs.show", program_id=program.id))


@bp.post("/programs/<int:program_id>/notified")
@allow(*EDITORS)
def notified(program_id):
    """The teachers have been told about the changes since their copy: clear the marks."""
    program = _program(program_id)
    if not can_plan(current_user, program.school_id):
        abort(403)
    archive.mark_notified(program)
    return go(url_for("programs.show", program_id=program.id))


@bp.post("/programs/<int:program_id>/undo")
@allow(*EDITORS)
def undo(program_id):
    """Undo the last schedule change."""
    program = _program(program_id)
    if not can_plan(current_user, program.school_id):
        abort(403)
    try:
        services.undo_last(program, current_user)
    except PlannerError as err:
        return _page(program, err.message, 422)
    return go(url_for("programs.show", program_id=program.id))


# ---- re-plan after a calendar or bell change (planner/sessions/replan.py) --------------


def _replan_page(program, plan=None, message=None, status=200):
    dates = [m.date for m in plan.moves if m.date] if plan else []
    return render(
        "programs/replan.html",
        "programs/_replan.html",
        status,
        program=program,
        plan=plan,
        modes=replan.MODES,
        message=message,
        conflict_kinds=KIND_LABELS,
        unknown_years=years_without_holidays(dates),
    )


@bp.route("/programs/<int:program_id>/replan", methods=["GET", "POST"])
@allow(*EDITORS)
def replan_page(program_id):
    """GET: the preview (?mode=next|bump). POST: save the previewed re-plan, or refuse a
    stale preview with the new one."""
    program = _program(program_id)
    if not can_plan(current_user, program.school_id):
        abort(403)
    source = request.form if request.method == "POST" else request.args
    mode = source.get("mode") or None
    if request.method == "GET":
        try:
            return _replan_page(program, replan.preview(program, mode, local_now()))
        except PlannerError as err:
            return _replan_page(program, message=err.message)  # a page, not a refused form
    try:
        replan.save(program, current_user, mode or "", source.get("token", ""), local_now())
    except PlannerError as err:
        return _replan_page(program, err.details.get("replan"), err.message, error_status(err))
    return go(url_for("programs.show", program_id=program.id) + "#program-sessions")
