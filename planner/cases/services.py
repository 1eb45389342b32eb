"""Casework (个案工作): opening a case, each step's record, case notes and their
supervision, referrals out, and the crisis watch list (standard 8.2.1, 8.3.1–8.3.6).

Who (PRIVACY_SECURITY.md §2; case records are the most sensitive data in the product):
- the case worker and the co-worker named on the case read and write it;
- the supervisors of either read it, sign case notes off or return them, and acknowledge
  the safeguarding concerns raised in them;
- nobody else: admins and teachers never (FORBIDDEN), a worker of another school not even
  learns the case exists (NOT_FOUND).
Every read of a case (its page, a list naming cases) appends an audit row naming ids and
archive codes only. Every step after intake needs the student's casework consent
(students.consent, purpose "casework"): intake itself may come before it (8.3.1 c, an
emergency response can't wait for a form).
"""

import datetime as dt

from peewee import JOIN, IntegrityError

from planner.access import schools_query, supervised_workers
from planner.accounts.models import Supervision, User, WorkerSchool
from planner.audit.models import record
from planner.cases.models import (
    ARCHIVE_TYPE,
    ASSESSMENT_FIELDS,
    CLOSURE_FIELDS,
    CRISIS,
    EVALUATION_FIELDS,
    INTAKE_FIELDS,
    OPEN_STEPS,
    ORDER,
    Case,
    CaseGoal,
    CaseNote,
    CaseRecord,
    CaseReferral,
)
from planner.curricula.plan_fields import PLAN_833, PLAN_DESIGN
from planner.curricula.rules import check_plan
from planner.db import ConflictError, now, save_versioned, write_tx
from planner.errors import CONFLICT, FORBIDDEN, NOT_FOUND, PlannerError
from planner.evaluation.compute import gas_t
from planner.evaluation.services import goals_stamp
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.reflections.models import FollowUp, Reflection
from planner.reflections.services import records_access
from planner.schools.models import School, SchoolClass
from planner.screening.models import ScreeningResult, ScreeningRound
from planner.sessions.models import Session
from planner.students.codes import issue_codes
from planner.students.consent import missing_for
from planner.students.models import MISSING, Student

PURPOSE = "casework"
PLAN_FIELDS = {**PLAN_DESIGN, **PLAN_833}
STEP_FIELDS = {
    "intake": INTAKE_FIELDS,
    "assessment": ASSESSMENT_FIELDS,
    "plan": PLAN_FIELDS,
    "evaluation": EVALUATION_FIELDS,
    "closure": CLOSURE_FIELDS,
}
# what must be filled before the step is done (the plan: check_plan's 8.3.3 fields)
REQUIRED = {
    "intake": ("introduction", "first_information", "decision", "decision_reason"),
    "assessment": tuple(ASSESSMENT_FIELDS),
    "plan": tuple(PLAN_FIELDS),
    "evaluation": tuple(EVALUATION_FIELDS),
    "closure": tuple(CLOSURE_FIELDS),
}
TEXT_LIMIT = 2000
REVIEW_DAYS = 7  # a case opened from a 高危 result is reviewed within a week
MAX_REVIEW_DAYS = 366

NOT_FOUND_CASE = _l("找不到这个个案。")
ONLY_TEAM = _l("只有个案社工、协同社工及其督导可以查看个案。")
CLOSED = _l("这个个案已结案或已转介，不能再修改。")
STALE = _l("个案已被他人修改，请刷新后再试。")
NO_CONSENT = _l("该学生没有有效的“个案服务”同意（或已撤回），接案之后的步骤不能记录。")


# ---- who may see what -------------------------------------------------------------------


def team_filter(user):
    """The condition on Case for the cases this user may read."""
    if user.is_worker:
        return (Case.worker == user.id) | (Case.co_worker == user.id)
    if user.is_supervisor:
        team = supervised_workers(user)
        return Case.worker.in_(team) | Case.co_worker.in_(team)
    return Case.id.is_null()


def cases_query(user):
    """Cases this user may read, in their schools, with the student and the worker."""
    return (
        Case.select(Case, Student, SchoolClass, User)
        .join(Student)
        .join(SchoolClass, JOIN.LEFT_OUTER, on=(Student.school_class == SchoolClass.id))
        .switch(Case)
        .join(User, on=(Case.worker == User.id))
        .where(Case.school.in_(schools_query(user).select(School.id)) & team_filter(user))
    )


def case_access(user, case) -> str | None:
    """'write' for the case worker and the co-worker, 'read' for a supervisor of either."""
    team = [i for i in (case.worker_id, case.co_worker_id) if i]
    if user.is_worker:
        return "write" if user.id in team else None
    if user.is_supervisor:
        theirs = (
            Supervision.select()
            .where((Supervision.supervisor == user.id) & Supervision.worker.in_(team))
            .exists()
        )
        return "read" if theirs else None
    return None


def case_for(user, case_id, write=False):
    """The case, or PlannerError: NOT_FOUND outside the user's schools, FORBIDDEN to anyone
    but its team (write: the case worker and co-worker only)."""
    case = (
        Case.select(Case, Student, School)
        .join(Student)
        .switch(Case)
        .join(School)
        .where((Case.id == case_id) & Case.school.in_(schools_query(user).select(School.id)))
        .first()
    )
    if case is None:
        raise PlannerError(NOT_FOUND_CASE, kind=NOT_FOUND)
    level = case_access(user, case)
    if level is None or (write and level != "write"):
        raise PlannerError(ONLY_TEAM, kind=FORBIDDEN)
    case.writable = level == "write"
    return case


def _codes(cases) -> str:
    return ",".join(c.archive_code for c in cases[:50])


# ---- lists ------------------------------------------------------------------------------


def cases_of(user, school) -> list:
    """The school's cases this user may read (a worker: hers; a supervisor: her workers'),
    open ones first; the read is audited."""
    rows = list(
        cases_query(user)
        .where(Case.school == school.id)
        .order_by(Case.step.in_(OPEN_STEPS).desc(), Case.opened_on.desc(), Case.id.desc())
    )
    with write_tx():
        record(user, "case_list", "school", school.id, f"cases={len(rows)} codes={_codes(rows)}")
    return rows


def crisis_list(user, day: dt.date | None = None) -> list:
    """危机预警名单: every open 高危 case the user may read, soonest review first; a case
    whose review date has passed (or has none) is marked overdue. The read is audited."""
    day = day or local_today()
    rows = list(
        cases_query(user)
        .select_extend(School)
        .join_from(Case, School)
        .where(Case.step.in_(OPEN_STEPS) & (Case.risk == CRISIS))
        .order_by(Case.next_review.is_null(False), Case.next_review, Case.id)
    )
    for case in rows:
        case.overdue = case.next_review is None or case.next_review < day
    with write_tx():
        record(user, "crisis_list", "case", None, f"cases={len(rows)} codes={_codes(rows)}")
    return rows


# ---- opening a case ---------------------------------------------------------------------


def co_worker_choices(worker_id, school) -> dict:
    """{id: name} of the school's workers but the case worker: who may be co-worker."""
    query = (
        User.select(User.id, User.display_name)
        .join(WorkerSchool, on=(WorkerSchool.worker == User.id))
        .where((WorkerSchool.school == school.id) & User.active & (User.id != worker_id))
        .order_by(User.display_name, User.id)
    )
    return {u.id: u.display_name for u in query if u.id}


def student_choices(user, school) -> list:
    """The school's current students a worker may open a case for."""
    if not user.is_worker:
        return []
    return list(
        Student.select(
            Student.id, Student.archive_code, Student.name, SchoolClass.name.alias("class_name")
        )
        .join(SchoolClass, JOIN.LEFT_OUTER, on=(Student.school_class == SchoolClass.id))
        .where((Student.school == school.id) & ~Student.archived & Student.anonymised_at.is_null())
        .order_by(SchoolClass.grade, SchoolClass.name, Student.student_no)
        .objects()  # the class's name as class_name: it and the student's are both "name"
    )


def _check_review(day, errors, field="next_review", required=False):
    today = local_today()
    if day is None:
        if required:
            errors[field] = _l("高危个案请设定下次复核日期。")
        return
    if not today <= day <= today + dt.timedelta(days=MAX_REVIEW_DAYS):
        errors[field] = _l("复核日期应在今天到一年之内。")


def open_case(
    user,
    school,
    values: dict,
    source: str,
    screening_result=None,
    follow_up=None,
    letter=None,
    consultation=None,
):
    """Open a case (接案 starts) for a student of the school: a new GA archive code, the
    worker who opens it as case worker. One open case per student."""
    errors = {}
    if not user.is_worker or not schools_query(user).where(School.id == school.id).exists():
        raise PlannerError(_l("只有本校的社工可以开案。"), kind=FORBIDDEN)
    student = Student.get_or_none(
        (Student.id == values["student_id"]) & (Student.school == school.id)
    )
    if student is None:
        errors["student_id"] = _l("请选择本校的学生。")
    elif student.archived or student.anonymised_at:
        errors["student_id"] = _l("该学生档案已归档，不能开案。")
    co_worker = values.get("co_worker_id")
    if co_worker and co_worker not in co_worker_choices(user.id, school):
        errors["co_worker_id"] = _l("协同社工应是本校的另一位社工。")
    _check_review(values.get("next_review"), errors, required=values["risk"] == CRISIS)
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    today = local_today()
    try:
        with write_tx():
            if (
                Case.select()
                .where((Case.student == student.id) & Case.step.in_(OPEN_STEPS))
                .exists()
            ):
                raise PlannerError(_l("该学生已有进行中的个案。"), "student_id", kind=CONFLICT)
            code = issue_codes(school, 1, ARCHIVE_TYPE, year=today.year)[0]
            case = Case.create(
                school=school.id,
                student=student.id,
                worker=user.id,
                co_worker=co_worker or None,
                source=source,
                screening_result=screening_result,
                follow_up=follow_up,
                letter=letter,
                consultation=consultation,
                source_note=values.get("source_note") or "",
                risk=values["risk"],
                next_review=values.get("next_review"),
                archive_code=code,
                opened_on=today,
                created_by=user.id,
            )
            record(
                user,
                "case_open",
                "case",
                case.id,
                f"school={school.id} code={code} source={source} student={student.archive_code}",
            )

    except IntegrityError as err:  # a code issued outside the counter (an import, say)
        raise PlannerError(
            _l("新的档案编码与已有个案重复，请管理员检查档案编码规则。"),
            "student_id",
            kind=CONFLICT,
        ) from err
    return case


def open_from_screening(user, result_id):
    """Open a case from a 高危 result of a round the worker enters results for."""
    res = (
        ScreeningResult.select(ScreeningResult, ScreeningRound, Student)
        .join(ScreeningRound)
        .switch(ScreeningResult)
        .join(Student)
        .where(ScreeningResult.id == result_id)
        .first()
    )
    school = None
    if res is not None:
        school = schools_query(user).where(School.id == res.student.school_id).first()
    if res is None or school is None:
        raise PlannerError(_l("找不到这条筛查结果。"), kind=NOT_FOUND)
    if records_access(user, res.round.program_id) != "write":
        raise PlannerError(_l("只有负责这次筛查的社工可以从结果开案。"), kind=FORBIDDEN)
    if res.shown_tier != "high":
        raise PlannerError(_l("只有“高危”等级的筛查结果可以直接开案。"), "result")
    values = {
        "student_id": res.student_id,
        "risk": CRISIS,
        "next_review": local_today() + dt.timedelta(days=REVIEW_DAYS),
        "source_note": "",
    }
    return open_case(user, school, values, "screening", screening_result=res.id)


def open_from_follow_up(user, follow_up_id):
    """Open a case from a member flagged for follow-up in a reflection of the worker's."""
    item = (
        FollowUp.select(FollowUp, Reflection, Session)
        .join(Reflection)
        .join(Session)
        .where(FollowUp.id == follow_up_id)
        .first()
    )
    student = Student.get_or_none(Student.id == item.student_id) if item else None
    school = None
    if student is not None:
        school = schools_query(user).where(School.id == student.school_id).first()
    if school is None:
        raise PlannerError(_l("找不到这条跟进标记。"), kind=NOT_FOUND)
    if records_access(user, item.reflection.session.program_id) != "write":
        raise PlannerError(_l("只有写这份反思的社工可以从跟进标记开案。"), kind=FORBIDDEN)
    risk = CRISIS if item.safeguarding else "concern"
    values = {
        "student_id": student.id,
        "risk": risk,
        "next_review": local_today() + dt.timedelta(days=REVIEW_DAYS),
        "source_note": "",
    }
    return open_case(user, school, values, "follow_up", follow_up=item.id)


def _open_from_record(user, model, record_id, source, missing):
    """Open a case for the student of a letter or a consultation the worker recorded at a
    school of hers (issue 18; standard 8.3.1: a student's own request for help starts a
    case). An anonymous letter or a consultation with no student opens none."""
    item = model.get_or_none(model.id == record_id) if 0 < record_id <= 2**31 - 1 else None
    school = None
    if item is not None:
        school = schools_query(user).where(School.id == item.school_id).first()
    if school is None:
        raise PlannerError(missing, kind=NOT_FOUND)
    if not user.is_worker or item.worker_id != user.id:
        raise PlannerError(_l("只有记录这条服务的社工可以从它开案。"), kind=FORBIDDEN)
    if source == "consultation" and item.kind != "student":
        raise PlannerError(_l("只有学生咨询可以开案。"), "kind")
    if item.student_id is None:
        raise PlannerError(_l("没有指明学生的记录不能开案。"), "student_id")
    values = {
        "student_id": item.student_id,
        "risk": "concern",
        "next_review": local_today() + dt.timedelta(days=REVIEW_DAYS),
        "source_note": "",
    }
    return open_case(user, school, values, source, **{source: item.id})


def open_from_letter(user, letter_id):
    """Open a case from a 社工信箱 letter that names its student."""
    from planner.service.models import Letter

    return _open_from_record(user, Letter, letter_id, "letter", _l("找不到这封来信。"))


def open_from_consultation(user, consultation_id):
    """Open a case from a consultation with a student."""
    from planner.service.models import Consultation

    return _open_from_record(
        user, Consultation, consultation_id, "consultation", _l("找不到这条咨询记录。")
    )


def update_case(user, case, values: dict) -> None:
    """Risk level, next review date and co-worker of an open case (versioned)."""
    _check_open(case)
    errors = {}
    school = School.get_by_id(case.school_id)
    co_worker = values.get("co_worker_id")
    if co_worker and co_worker not in co_worker_choices(case.worker_id, school):
        errors["co_worker_id"] = _l("协同社工应是本校的另一位社工。")
    if values.get("next_review") != case.next_review:
        _check_review(values.get("next_review"), errors)
    if values["risk"] == CRISIS and values.get("next_review") is None:
        errors["next_review"] = _l("高危个案请设定下次复核日期。")
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    data = {
        "risk": values["risk"],
        "next_review": values.get("next_review"),
        "co_worker": co_worker or None,
    }
    try:
        with write_tx():
            save_versioned(case, values["version"], data)
            record(user, "case_update", "case", case.id, f"code={case.archive_code}")
    except ConflictError as err:
        raise PlannerError(STALE, "risk", kind=CONFLICT) from err


# ---- the case page ----------------------------------------------------------------------


def _check_open(case):
    if case.step not in OPEN_STEPS:
        raise PlannerError(CLOSED, kind=CONFLICT)


def consent_missing(case) -> list:
    """What the student lacks for casework today (labels; empty when steps may go on)."""
    return [MISSING[g] for g in missing_for(case.student_id, PURPOSE)]


def page(user, case) -> dict:
    """Everything the case page shows, and the audit row for reading it."""
    records = {r.step: r for r in CaseRecord.select().where(CaseRecord.case == case.id)}
    goals = list(CaseGoal.select().where(CaseGoal.case == case.id).order_by(CaseGoal.order))
    notes = list(
        CaseNote.select(CaseNote, User)
        .join(User, on=(CaseNote.author == User.id))
        .where(CaseNote.case == case.id)
        .order_by(CaseNote.held_on.desc(), CaseNote.id.desc())
    )
    referrals = list(
        CaseReferral.select()
        .where(CaseReferral.case == case.id)
        .order_by(CaseReferral.referred_on, CaseReferral.id)
    )
    team = {
        u.id: u.display_name
        for u in User.select(User.id, User.display_name).where(
            User.id.in_([i for i in (case.worker_id, case.co_worker_id) if i])
        )
    }
    with write_tx():
        record(
            user,
            "case_read",
            "case",
            case.id,
            f"code={case.archive_code} student={case.student.archive_code}",
        )
    return {
        "records": records,
        "goals": goals,
        "stamp": goals_stamp(goals),
        "gas_t": _gas(goals, "post"),
        "gas_followup": _gas(goals, "followup"),
        "notes": notes,
        "referrals": referrals,
        "team": team,
        "lacking": consent_missing(case),
        "plan_problems": check_plan({"plan": records["plan"].fields}) if "plan" in records else [],
    }


def _gas(goals, when):
    if not goals:
        return None
    value = gas_t([(g.weight, getattr(g, when)) for g in goals])
    return None if value is None else round(value, 1)


# ---- the steps' records -----------------------------------------------------------------


def _check_consent(case):
    if missing_for(case.student_id, PURPOSE):
        raise PlannerError(NO_CONSENT, kind=FORBIDDEN)


def _step_problems(case, step, fields, goals=None) -> dict:
    """{field: message} for what the step still lacks before it is done."""
    if step == "plan":
        return {path[1]: message for path, message in check_plan({"plan": fields})}
    problems = {
        key: _l("完成此步骤前请填写：%(field)s", field=STEP_FIELDS[step][key])
        for key in REQUIRED[step]
        if not fields.get(key)
    }
    if step == "evaluation":
        if not goals:
            problems["goals"] = _l("请至少设定一个 GAS 目标，并评定结束时达到的等级。")
        elif any(g["post"] is None for g in goals):
            problems["goals"] = _l("请为每个 GAS 目标评定结束时达到的等级。")
    if step == "intake" and fields.get("decision") == "refer":
        if not CaseReferral.select().where(CaseReferral.case == case.id).exists():
            problems["decision"] = _l("决定转介时，请先在下方记录转介（接收机构、同意和日期）。")
    return problems


def _check_step(case, step, values, advance, goals) -> tuple[dict, dt.date | None]:
    """The step's fields and follow-up date, or PlannerError for what is wrong or missing."""
    _check_open(case)
    if step not in STEP_FIELDS:
        raise PlannerError(NOT_FOUND_CASE, kind=NOT_FOUND)
    if ORDER.index(step) > ORDER.index(case.step):
        raise PlannerError(_l("请先完成前面的步骤。"), kind=CONFLICT)
    if step != "intake":
        _check_consent(case)
    fields = {key: values.get(key) or "" for key in STEP_FIELDS[step]}
    follow_up_on = values.get("follow_up_on")
    errors = {}
    if advance:
        if step != case.step:
            raise PlannerError(_l("这个步骤已经完成。"), kind=CONFLICT)
        errors = _step_problems(case, step, fields, goals)
        if step == "closure" and follow_up_on is None:
            errors["follow_up_on"] = _l("结案时请设定跟进回访日期。")
    if follow_up_on is not None:
        today = local_today()
        if not today <= follow_up_on <= today + dt.timedelta(days=MAX_REVIEW_DAYS):
            errors["follow_up_on"] = _l("回访日期应在今天到一年之内。")
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    return fields, follow_up_on


def save_step(user, case, step, values: dict, advance=False, goals=None, stamp=None):
    """Save one step's record (version 0: the first save) and, with advance, finish the step:
    the case moves to the next (intake deciding 转介 moves it to 已转介; closure closes it
    with its follow-up date). The evaluation's GAS goals are saved with its record."""
    fields, follow_up_on = _check_step(case, step, values, advance, goals)
    changes = {}
    if step == "closure" and follow_up_on is not None:
        changes["follow_up_on"] = follow_up_on
    if advance:
        changes.update(_next(step, fields))
    try:
        with write_tx():
            existing = CaseRecord.get_or_none(
                (CaseRecord.case == case.id) & (CaseRecord.step == step)
            )
            if existing is None:
                if values["version"]:
                    raise ConflictError("CaseRecord")
                CaseRecord.create(case=case.id, step=step, fields=fields, saved_by=user.id)
            else:
                save_versioned(existing, values["version"], {"fields": fields, "saved_by": user.id})
            if goals is not None:
                _save_goals(case, goals, stamp)
            if changes:
                moved = (
                    Case.update(version=Case.version + 1, updated_at=now(), **changes)
                    .where((Case.id == case.id) & (Case.step == case.step))
                    .execute()
                )
                if not moved:
                    raise ConflictError("Case")
            record(
                user,
                "case_step",
                "case",
                case.id,
                f"code={case.archive_code} step={step}"
                + (f" to={changes['step']}" if "step" in changes else ""),
            )
    except (ConflictError, IntegrityError) as err:
        raise PlannerError(STALE, kind=CONFLICT) from err


def _next(step, fields) -> dict:
    today = local_today()
    if step == "intake" and fields.get("decision") == "refer":
        return {"step": "referred", "closed_on": today}
    if step == "closure":
        return {"step": "closed", "closed_on": today, "next_review": None}
    return {"step": ORDER[ORDER.index(step) + 1]}


def finish_intervention(user, case, version: int) -> None:
    """介入 is done: the case moves to 评估. It needs at least one case note."""
    _check_open(case)
    if case.step != "intervention":
        raise PlannerError(_l("这个步骤已经完成。"), kind=CONFLICT)
    _check_consent(case)
    if not CaseNote.select().where(CaseNote.case == case.id).exists():
        raise PlannerError(_l("进入评估前，请至少记录一次个案服务记录。"), "intervention")
    try:
        with write_tx():
            save_versioned(case, version, {"step": "evaluation"})
            record(user, "case_step", "case", case.id, f"code={case.archive_code} to=evaluation")
    except ConflictError as err:
        raise PlannerError(STALE, kind=CONFLICT) from err


def _save_goals(case, goals: list[dict], stamp) -> None:
    """Replace the case's GAS goals with the form's (evaluation.services.save_goals's way)."""
    current = list(CaseGoal.select().where(CaseGoal.case == case.id).order_by(CaseGoal.order))
    if goals_stamp(current) != stamp:
        raise ConflictError("CaseGoal")
    CaseGoal.delete().where(CaseGoal.case == case.id).execute()
    if goals:
        CaseGoal.insert_many(
            [
                dict(
                    case=case.id,
                    order=g["order"],
                    text=g["text"],
                    weight=g["weight"],
                    levels=g["levels"],
                    post=g["post"],
                    followup=g["followup"],
                )
                for g in goals
            ]
        ).execute()


# ---- case notes (介入, 8.3.4) and their supervision --------------------------------------


def _check_note_day(case, day, errors):
    if day > local_today():
        errors["held_on"] = _l("记录日期不能晚于今天。")
    elif day < case.opened_on:
        errors["held_on"] = _l("记录日期不能早于开案日期。")


def add_note(user, case, values: dict, submit=False) -> CaseNote:
    """A case note: one contact (a session or indirect work), saved as a draft or submitted
    to the supervisor. A safeguarding concern in it starts the escalation clock."""
    _check_open(case)
    if case.step == "intake":
        raise PlannerError(_l("接案完成后才能记录个案服务记录。"), kind=CONFLICT)
    _check_consent(case)
    errors = {}
    _check_note_day(case, values["held_on"], errors)
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    with write_tx():
        note = CaseNote.create(
            case=case.id,
            author=user.id,
            kind=values["kind"],
            held_on=values["held_on"],
            minutes=values["minutes"],
            note=values["note"],
            safeguarding=values["safeguarding"],
            flagged_at=now() if values["safeguarding"] else None,
            status="submitted" if submit else "draft",
            submitted_at=now() if submit else None,
        )
        record(
            user,
            "case_note",
            "case",
            case.id,
            f"code={case.archive_code} note={note.id} status={note.status}"
            + (" safeguarding" if note.safeguarding else ""),
        )
    return note


def edit_note(user, case, note_id, values: dict, submit=False) -> None:
    """Its author changes a draft (or one returned for changes) and may submit it."""
    _check_open(case)
    _check_consent(case)
    note = CaseNote.get_or_none((CaseNote.id == note_id) & (CaseNote.case == case.id))
    if note is None:
        raise PlannerError(_l("找不到这条记录。"), kind=NOT_FOUND)
    if note.author_id != user.id:
        raise PlannerError(_l("只有记录的作者可以修改它。"), kind=FORBIDDEN)
    if note.status != "draft":
        raise PlannerError(_l("这条记录已提交督导，不能再修改。"), kind=CONFLICT)
    errors = {}
    _check_note_day(case, values["held_on"], errors)
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    data = {
        "kind": values["kind"],
        "held_on": values["held_on"],
        "minutes": values["minutes"],
        "note": values["note"],
        "safeguarding": values["safeguarding"],
    }
    if values["safeguarding"] and not note.safeguarding:  # a new concern: its clock starts
        data.update(flagged_at=now(), acknowledged_by=None, acknowledged_at=None, escalated_at=None)
    if submit:
        data.update(status="submitted", submitted_at=now())
    try:
        with write_tx():
            save_versioned(note, values["version"], data)
            record(
                user,
                "case_note",
                "case",
                case.id,
                f"code={case.archive_code} note={note.id} status={data.get('status', 'draft')}",
            )
    except ConflictError as err:
        raise PlannerError(STALE, kind=CONFLICT) from err


def queue(user) -> dict:
    """The supervisor's case-note queue: submitted notes of her workers' cases, and the
    open safeguarding concerns raised in case notes (on top). The read is audited."""
    if not user.is_supervisor:
        return {"notes": [], "flags": []}
    base = (
        CaseNote.select(CaseNote, Case, User)
        .join(Case)
        .switch(CaseNote)
        .join(User, on=(CaseNote.author == User.id))
        .where(Case.school.in_(schools_query(user).select(School.id)) & team_filter(user))
    )
    notes = list(
        base.where(CaseNote.status == "submitted").order_by(CaseNote.submitted_at, CaseNote.id)
    )
    flags = list(
        base.where(CaseNote.safeguarding & CaseNote.acknowledged_at.is_null()).order_by(
            CaseNote.flagged_at, CaseNote.id
        )
    )
    shown = {n.id: n for n in notes + flags}
    if shown:
        with write_tx():
            record(
                user,
                "case_queue_read",
                "case_note",
                None,
                f"notes={','.join(str(i) for i in shown)} "
                f"codes={','.join(sorted({n.case.archive_code for n in shown.values()}))}",
            )
    return {"notes": notes, "flags": flags}


def supervised_note(user, note_id) -> CaseNote:
    """A case note of a case the supervisor oversees, or NOT_FOUND."""
    note = (
        CaseNote.select(CaseNote, Case)
        .join(Case)
        .where(
            (CaseNote.id == note_id)
            & Case.school.in_(schools_query(user).select(School.id))
            & team_filter(user)
        )
        .first()
    )
    if note is None or not user.is_supervisor:
        raise PlannerError(_l("找不到这条记录。"), kind=NOT_FOUND)
    return note


def review_note(user, note, values: dict) -> CaseNote:
    """Sign a submitted note off (final) or return it with a comment; either acknowledges
    a safeguarding concern in it (the note from supervised_note)."""
    if note.status != "submitted":
        raise PlannerError(_l("这条记录已不在待督导状态，请刷新页面。"), kind=CONFLICT)
    if values["action"] == "return" and not values["comment"]:
        raise PlannerError(_l("退回修改时，请写明需要修改的地方。"), "comment")
    data = {"supervisor_comment": values["comment"] or ""}
    if values["action"] == "sign_off":
        data.update(status="signed_off", signed_off_by=user.id, signed_off_at=now())
    else:
        data.update(status="draft")
    if note.safeguarding and note.acknowledged_at is None:
        data.update(acknowledged_by=user.id, acknowledged_at=now())
    try:
        with write_tx():
            save_versioned(note, values["version"], data)
            record(
                user,
                "case_note_review",
                "case",
                note.case_id,
                f"code={note.case.archive_code} note={note.id} action={values['action']}",
            )
    except ConflictError as err:
        raise PlannerError(STALE, kind=CONFLICT) from err
    return note


def acknowledge_note(user, note) -> CaseNote:
    """A supervisor (or the safeguarding lead) has seen the concern raised in this case
    note, found by home/case_flags.case_flag_for; the first acknowledgement stands."""
    with write_tx():
        CaseNote.update(acknowledged_by=user.id, acknowledged_at=now()).where(
            (CaseNote.id == note.id) & CaseNote.acknowledged_at.is_null()
        ).execute()
        record(user, "case_flag_ack", "case", note.case_id, f"note={note.id}")
    return note


# ---- referrals out ----------------------------------------------------------------------


def _check_referral_days(case, values, errors):
    today = local_today()
    for key in ("consent_on", "referred_on", "outcome_on"):
        day = values.get(key)
        if day is not None and day > today:
            errors[key] = _l("日期不能晚于今天。")
    referred, consent = values.get("referred_on"), values.get("consent_on")
    if referred and referred < case.opened_on and "referred_on" not in errors:
        errors["referred_on"] = _l("转介日期不能早于开案日期。")
    if referred and consent and consent > referred and "consent_on" not in errors:
        errors["consent_on"] = _l("应先取得同意再转介。")
    outcome_on = values.get("outcome_on")
    if outcome_on and referred and outcome_on < referred and "outcome_on" not in errors:
        errors["outcome_on"] = _l("结果日期不能早于转介日期。")


def add_referral(user, case, values: dict) -> CaseReferral:
    """转介 out: to whom, why, with whose consent and when (the referral's own consent)."""
    _check_open(case)
    errors = {}
    _check_referral_days(case, values, errors)
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    with write_tx():
        ref = CaseReferral.create(
            case=case.id,
            target=values["target"],
            organisation=values.get("organisation") or "",
            reason=values["reason"],
            consent_by=values["consent_by"],
            consent_on=values["consent_on"],
            referred_on=values["referred_on"],
            outcome=values.get("outcome") or "",
            outcome_on=values.get("outcome_on"),
            created_by=user.id,
        )
        record(
            user,
            "case_referral",
            "case",
            case.id,
            f"code={case.archive_code} referral={ref.id} to={ref.target}",
        )
    return ref


def referral_outcome(user, case, referral_id, values: dict) -> None:
    """The outcome of a referral, when it is known (also after the case was referred)."""
    ref = CaseReferral.get_or_none(
        (CaseReferral.id == referral_id) & (CaseReferral.case == case.id)
    )
    if ref is None:
        raise PlannerError(_l("找不到这条转介。"), kind=NOT_FOUND)
    if case.step == "closed":
        raise PlannerError(CLOSED, kind=CONFLICT)
    errors = {}
    _check_referral_days(
        case, {"referred_on": ref.referred_on, "outcome_on": values.get("outcome_on")}, errors
    )
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    try:
        with write_tx():
            save_versioned(
                ref,
                values["version"],
                {"outcome": values["outcome"], "outcome_on": values.get("outcome_on")},
            )
            record(
                user,
                "case_referral",
                "case",
                case.id,
                f"code={case.archive_code} referral={ref.id} outcome",
            )
    except ConflictError as err:
        raise PlannerError(STALE, kind=CONFLICT) from err
