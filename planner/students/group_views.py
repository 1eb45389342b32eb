"""A growth group's roster screen, /programs/<id>/roster (group programs only).

The school's workers and admins change it; supervisors of its workers read it (another
worker's group in the same school answers 404, access.records_programs_query); teachers
never see it (student names). A classroom program has no roster: 404.
"""

from flask import abort, request, url_for
from flask_login import current_user

from planner.access import allow, can_plan, get_or_404, records_programs_query
from planner.curricula.models import Curriculum
from planner.db import ConflictError
from planner.errors import CONFLICT, PlannerError
from planner.forms import FieldSpec
from planner.i18n import lazy_gettext as _l
from planner.roles import EDITORS, STAFF
from planner.screening import recruit
from planner.sessions.models import Program
from planner.students import groups, roster_bulk, schemas, services
from planner.students.blueprint import bp
from planner.students.models import GroupMember
from planner.web import conflict_response, error_status, go, int_arg, load_form, render


def _program(program_id, change=False):
    query = (
        records_programs_query(current_user)
        .join(Curriculum, on=(Program.curriculum == Curriculum.id))
        .where(Curriculum.kind == "group")
    )
    program = get_or_404(query, program_id)
    if change and not can_plan(current_user, program.school_id):
        abort(403)
    return program


def _member_fields(candidates) -> list:
    """Adding a member: one of the school's students (those without consent to take part
    are listed, and said so), and the screening note."""
    choices = {
        s.id: f"{s.name}（{s.archive_code}）" + ("" if s.consent_ok else f" — {s.consent_missing}")
        for s in candidates
    }
    return [
        FieldSpec(
            "student",
            _l("学生"),
            "select",
            choices,
            required=True,
            help=_l("只能添加本校、已登记有效“参加小组”知情同意的学生。"),
        ),
        FieldSpec("screening_note", _l("招募与筛选记录"), "textarea", maxlength=500),
    ]


def _roster_fields(roster) -> list:
    return [
        FieldSpec(
            "recruitment_notes",
            _l("招募与筛选说明"),
            "textarea",
            maxlength=4000,
            default=roster.recruitment_notes,
        ),
        FieldSpec(
            "contract_signed_on", _l("小组契约签订日期"), "date", default=roster.contract_signed_on
        ),
    ]


def _page(program, status=200, message=None, values=None, errors=None):
    class_id = int_arg("class")
    members = groups.members(program)
    roster = groups.roster_of(program)
    candidates = groups.candidates(program, class_id)
    screened = recruit.reads_screening(current_user, program.school_id)
    screen_candidates = recruit.group_candidates(current_user, program) if screened else []
    recruit.record_candidates_view(current_user, program, screen_candidates)
    return render(
        "students/roster.html",
        "students/_roster_body.html",
        status,
        program=program,
        roster=roster,
        members=members,
        warning=groups.size_warning(len(members)),
        message=message,
        classes=services.school_classes(program.school_id),
        class_id=class_id,
        member_fields=_member_fields(candidates),
        roster_fields=_roster_fields(roster),
        can_change=can_plan(current_user, program.school_id),
        screened=screened,
        screen_candidates=screen_candidates,
        sources=recruit.recruited_sources(program) if screened else {},
        values=values or {},
        errors=errors or {},
    )


@bp.get("/programs/<int:program_id>/roster")
@allow(*STAFF)
def roster(program_id):
    """The group's members, recruitment and screening notes, and its contract (audited)."""
    program = _program(program_id)
    groups.record_roster_view(current_user, program)
    return _page(program)


@bp.post("/programs/<int:program_id>/roster")
@allow(*EDITORS)
def roster_save(program_id):
    """Save the recruitment notes and the contract date; a stale version gets 409."""
    program = _program(program_id, change=True)
    values, errors = load_form(schemas.RosterSchema())
    if errors:
        return _page(program, 422, values=request.form, errors=errors)
    try:
        groups.save_details(program, values)
    except ConflictError:
        return conflict_response(url_for("students.roster", program_id=program.id))
    except PlannerError as err:
        return _page(program, 422, values=request.form, errors={"contract_signed_on": err.message})
    return go(url_for("students.roster", program_id=program.id))


@bp.post("/programs/<int:program_id>/roster/members")
@allow(*EDITORS)
def member_add(program_id):
    """Add a member: a student of this school with active consent to take part."""
    program = _program(program_id, change=True)
    values, errors = load_form(schemas.MemberSchema())
    if errors:
        return _page(program, 422, values=request.form, errors=errors)
    try:
        groups.add_member(program, values["student"], values["screening_note"], user=current_user)
    except PlannerError as err:
        return _page(program, 422, message=err.message, values=request.form)
    return go(url_for("students.roster", program_id=program.id))


@bp.post("/programs/<int:program_id>/roster/candidates")
@allow(*EDITORS)
def member_recruit(program_id):
    """Add a 关注 candidate from a screening round (its source is recorded, the round cited)."""
    program = _program(program_id, change=True)
    values, errors = load_form(schemas.RecruitSchema())
    if errors:
        return _page(program, 422, message=next(iter(errors.values())))
    try:
        recruit.recruit(current_user, program, values["result_id"], values["screening_note"])
    except PlannerError as err:
        return _page(program, error_status(err), message=err.message)
    return go(url_for("students.roster", program_id=program.id))


@bp.post("/programs/<int:program_id>/roster/members/<int:member_id>/remove")
@allow(*EDITORS)
def member_remove(program_id, member_id):
    """Take a member out of the group (kept as history)."""
    program = _program(program_id, change=True)
    member = get_or_404(GroupMember.select().where(GroupMember.program == program.id), member_id)
    groups.remove_member(member, user=current_user)
    return go(url_for("students.roster", program_id=program.id))


def _bulk_page(program, status=200, form=None, errors=None, message=None, conflict=False):
    """The roster grid as it stands (an audited read: it shows names and notes); on a
    refusal the typed rows are kept, and on a conflict the ticks are cleared."""
    groups.record_roster_view(current_user, program)
    members = groups.members(program)
    candidates = groups.candidates(program, int_arg("class"))
    drawn = {f"add_{c.id}" for c in candidates} | {f"remove_{m.id}" for m in members}
    errors = errors or {}
    undrawn = [
        text
        for key, text in errors.items()
        if key.startswith(("add_", "remove_")) and key not in drawn
    ]
    rows = sorted(
        {int(k[5:]) for k in (form or {}).keys() if k.startswith("code_") and k[5:].isdigit()}
    )[: schemas.MAX_ROSTER_ROWS]
    return render(
        "students/roster_bulk.html",
        "students/_roster_bulk_form.html",
        status,
        program=program,
        members=members,
        candidates=candidates,
        undrawn=undrawn,
        classes=services.school_classes(program.school_id),
        class_id=int_arg("class"),
        stamp=roster_bulk.roster_stamp(roster_bulk.active_members(program.id)),
        rows=rows or range(schemas.ROSTER_ROWS),
        form=form,
        ticked_add=[] if conflict or form is None else form.getlist("add"),
        ticked_remove=[] if conflict or form is None else form.getlist("remove"),
        errors=errors,
        message=message,
    )


@bp.route("/programs/<int:program_id>/roster/bulk", methods=["GET", "POST"])
@allow(*EDITORS)
def roster_bulk_page(program_id):
    """Add and remove members in one go: archive codes typed in rows, students ticked
    from the school's list, members ticked to leave; all or nothing."""
    program = _program(program_id, change=True)
    if request.method == "GET":
        return _bulk_page(program)
    data, errors = schemas.roster_grid(request.form)
    if errors:
        message = roster_bulk.invalid(len(errors))
        return _bulk_page(program, 422, request.form, errors, message)
    try:
        roster_bulk.apply_roster(program, data, current_user)
    except PlannerError as err:
        conflict = err.kind == CONFLICT
        return _bulk_page(
            program, error_status(err), request.form, err.errors, err.message, conflict
        )
    return go(url_for("students.roster", program_id=program.id))
