"""开展计划: the list of programs the user may see, and editing, deleting or ending one
(planner/sessions/manage.py says what an edit does to the sessions already placed)."""

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from planner.access import allow, can_plan, get_or_404, programs_joined, schools_query
from planner.calendars.models import DAY_KINDS
from planner.calendars.services import years_without_holidays
from planner.curricula.models import KINDS
from planner.db import ConflictError
from planner.errors import PlannerError
from planner.forms import small_int
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_now, local_today
from planner.roles import EDITORS, STAFF
from planner.schools.models import School, Term
from planner.sessions import manage
from planner.sessions.forms import MAX_RULES, EditProgramForm, rule_rows
from planner.sessions.models import SlotRule
from planner.sessions.placement import KIND_LABELS, WEEKDAYS
from planner.sessions.planning import build, choices
from planner.sessions.program_fields import program_fields, rule_fields
from planner.web import conflict_response, error_status, go, load_form, render

bp = Blueprint("manage", __name__)


@bp.get("/programs")
@allow(*STAFF)
def index():
    """开展计划: the programs the user may see, filtered by school, term and kind."""
    school_id = small_int(request.args.get("school"))
    term_name = (request.args.get("term") or "")[:60]
    kind = request.args.get("kind") or ""
    schools = list(schools_query(current_user).order_by(School.name))
    terms = [
        name
        for (name,) in Term.select(Term.name)
        .where(Term.school.in_([s.id for s in schools]))
        .group_by(Term.name)
        .order_by(Term.name.desc())
        .tuples()
    ]
    programs = manage.program_list(
        programs_joined(current_user), school_id, term_name, kind, local_today()
    )
    return render(
        "programs/index.html",
        "programs/_index_body.html",
        programs=programs,
        schools=schools,
        terms=terms,
        kinds=KINDS,
        chosen={"school": school_id, "term": term_name, "kind": kind},
    )


def _editable(program_id):
    program = get_or_404(programs_joined(current_user), program_id)
    if not can_plan(current_user, program.school_id):
        abort(403)
    return program


def _offered(program):
    offered = choices(program.school, current_user)
    # the program's own curriculum and term, even if no longer offered for new plans
    if all(c.id != program.curriculum_id for c in offered["curricula"]):
        offered["curricula"].append(program.curriculum)
    if all(t.id != program.term_id for t in offered["terms"]):
        offered["terms"].append(program.term)
    return offered


def _saved_values(program, offered):
    """The form's values as saved: what the edit page opens with."""
    values = {
        "title": program.title,
        "group_name": program.group_name,
        "room_id": str(program.room_id),
        "start_week": str(program.start_week),
        "min_gap_days": str(program.min_gap_days),
        "class_ids": [str(link.school_class_id) for link in program.class_links],
        "worker_ids": [str(link.worker_id) for link in program.worker_links],
    }
    rows = [
        {
            "weekday": str(r.weekday),
            "period": str(r.period_id or ""),
            "start": "" if r.period_id else f"{r.start:%H:%M}",
            "end": "" if r.period_id else f"{r.end:%H:%M}",
            "every": str(r.every_weeks),
        }
        for r in program.slot_rules.order_by(SlotRule.id)
    ]
    return values, rows


def _edit_page(program, offered, errors=None, preview=None, status=200, replaced=False):
    posted = request.method == "POST"
    values, rows = _saved_values(program, offered) if not posted else (request.form, [])
    return render(
        "programs/edit.html",
        "programs/_form.html",
        status,
        program=program,
        school=program.school,
        unknown_years=years_without_holidays([p.date for p in preview.placed]) if preview else (),
        errors=errors or {},
        preview=preview,
        replaced=replaced,
        conflict_kinds=KIND_LABELS,
        day_kinds=DAY_KINDS,
        weekdays=WEEKDAYS,
        fields=program_fields(offered, current_user),
        rule_fields=rule_fields(offered["periods"], offered["classes"]),
        values=values,
        rows=rule_rows(request.form) if posted else rows,
        max_rules=MAX_RULES,
    )


@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit(program_id):
    """Change a saved program: preview what moves, then save (version-checked)."""
    program = _editable(program_id)
    offered = _offered(program)
    if request.method == "GET":
        return _edit_page(program, offered)
    form = EditProgramForm(periods={p.id: p for p in offered["periods"]})
    values, errors = load_form(form)
    if not errors:
        values.update(curriculum_id=program.curriculum_id, term_id=program.term_id)
        spec, fields, _, errors = build(
            values, values["rules"], program.school, current_user, offered
        )
    if not errors and any(r.class_id is not None for r in spec.rules):
        errors = {"rules": _l("修改已保存的计划时不能再按班级拆分；请分别修改各班的计划。")}
    if errors:
        return _edit_page(program, offered, errors, status=422)
    if values["version"] != program.version:
        return conflict_response(url_for("manage.edit", program_id=program.id))
    if request.form.get("action") != "save":
        preview, replaced = manage.edit_plan(program, spec, local_now())
        return _edit_page(program, offered, preview=preview, replaced=replaced)
    try:
        manage.update_program(program, values["version"], spec, fields, current_user, local_now())
    except ConflictError:
        return conflict_response(url_for("manage.edit", program_id=program.id))
    except PlannerError as err:
        return _edit_page(
            program, offered, {"schedule": err.message}, err.details.get("preview"), 422
        )
    return go(url_for("programs.show", program_id=program.id))


@bp.post("/programs/<int:program_id>/delete")
@allow(*EDITORS)
def delete(program_id):
    """Delete a program planned by mistake (refused once it has records)."""
    program = _editable(program_id)
    try:
        manage.delete_program(program, current_user)
    except PlannerError as err:
        return _edit_page(
            program, _offered(program), {"schedule": err.message}, status=error_status(err)
        )
    return go(url_for("manage.index"))


@bp.post("/programs/<int:program_id>/end")
@allow(*EDITORS)
def end(program_id):
    """End a program: its sessions still to come are cancelled, its records kept."""
    program = _editable(program_id)
    try:
        manage.end_program(program, current_user, local_today(), str(_l("计划已结束")))
    except PlannerError as err:
        return _edit_page(
            program, _offered(program), {"schedule": err.message}, status=error_status(err)
        )
    return go(url_for("programs.show", program_id=program.id))
