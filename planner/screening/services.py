"""Screening rounds, results and tiers (心理筛查).

Who: a round's results are records about children. The workers of the round's program
enter them and override tiers; the supervisors of those workers read them; nobody else
(admins and teachers included) does (PRIVACY_SECURITY.md §2, reflections.records_access).
Every read of results appends an audit row. A result needs the student's active consent
for the purpose "screening" (students.consent).
"""

from peewee import JOIN, IntegrityError

from planner.access import programs_query, records_programs_query
from planner.accounts.models import Supervision
from planner.audit.models import record
from planner.curricula.models import Curriculum
from planner.db import ConflictError, now, save_versioned, write_tx
from planner.errors import CONFLICT, FORBIDDEN, NOT_FOUND, PlannerError
from planner.evaluation.models import Instrument
from planner.i18n import lazy_gettext as _l
from planner.reflections.services import records_access
from planner.schools.models import SchoolClass, Term
from planner.screening.models import ScreeningResult, ScreeningRound
from planner.screening.scoring import score
from planner.sessions.models import Program, ProgramClass, ProgramWorker
from planner.students.consent import consenting_ids
from planner.students.models import Student
from planner.students.names import name_errors

PURPOSE = "screening"
NO_CONSENT = _l("该学生没有有效的“心理筛查”同意（或已撤回），不能记录筛查结果。")
STALE = _l("这条筛查结果已被他人修改，请刷新后再试。")


def instruments(agency_id):
    """The screening instruments an agency may use: shipped ones and its own."""
    return (
        Instrument.select()
        .where(
            (Instrument.kind == "screening")
            & ~Instrument.archived
            & (Instrument.agency.is_null() | (Instrument.agency == agency_id))
        )
        .order_by(Instrument.agency.is_null(False), Instrument.id)
    )


def _own_programs(user):
    """Programs whose records the user reaches: a worker's own, a supervisor's workers'."""
    if user.is_worker:
        return ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == user.id)
    if user.is_supervisor:
        return (
            ProgramWorker.select(ProgramWorker.program)
            .join(Supervision, on=(Supervision.worker == ProgramWorker.worker))
            .where(Supervision.supervisor == user.id)
        )
    return ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.id.is_null())


def rounds_query(user):
    """Rounds whose results the user may read, with program, term and instrument joined."""
    return (
        ScreeningRound.select(ScreeningRound, Program, Term, Instrument)
        .join(Program)
        .join(Term)
        .switch(ScreeningRound)
        .join(Instrument)
        .where(
            Program.id.in_(records_programs_query(user).select(Program.id))
            & Program.id.in_(_own_programs(user))
        )
    )


def rounds_of(user, school) -> list:
    return list(
        rounds_query(user)
        .where(Program.school == school.id)
        .order_by(Term.start.desc(), ScreeningRound.id.desc())
    )


def round_for(user, round_id, write=False):
    """The round, or PlannerError: NOT_FOUND outside the user's schools, FORBIDDEN unless a
    worker of its program (write) or their supervisor (read)."""
    rnd = (
        ScreeningRound.select(ScreeningRound, Program, Term, Instrument)
        .join(Program)
        .join(Term)
        .switch(ScreeningRound)
        .join(Instrument)
        .where(
            (ScreeningRound.id == round_id)
            & Program.id.in_(programs_query(user).select(Program.id))
        )
        .first()
    )
    if rnd is None:
        raise PlannerError(_l("找不到这次筛查。"), kind=NOT_FOUND)
    level = records_access(user, rnd.program_id)
    if level is None or (write and level != "write"):
        raise PlannerError(_l("只有负责这次筛查的社工及其督导可以查看筛查结果。"), kind=FORBIDDEN)
    rnd.writable = level == "write"
    return rnd


def program_choices(user, school) -> list:
    """The classroom programs of this school the worker runs, in a current term, that no
    round uses yet: a round is scheduled by its program."""
    if not user.is_worker:
        return []
    return list(
        Program.select(Program, Term)
        .join(Term)
        .switch(Program)
        .join(Curriculum)
        .where(
            (Program.school == school.id)
            & ~Term.archived
            & (Curriculum.kind == "classroom")
            & Program.id.in_(_own_programs(user))
            & Program.id.not_in(ScreeningRound.select(ScreeningRound.program))
        )
        .order_by(Term.start.desc(), Program.title)
    )


def create_round(user, school, values: dict) -> ScreeningRound:
    """A round on one of program_choices with one of the agency's screening instruments."""
    errors = {}
    programs = {p.id: p for p in program_choices(user, school)}
    if values["program_id"] not in programs:
        errors["program_id"] = _l(
            "请选择你负责的本校社工课堂开展计划（每个计划只能用于一次筛查）。"
        )
    if not instruments(user.agency_id).where(Instrument.id == values["instrument_id"]).exists():
        errors["instrument_id"] = _l("请选择一个筛查工具。")
    errors.update(name_errors({"title": values["title"]}, {"title": _l("筛查名称")}, [school.id]))
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    try:
        with write_tx():
            rnd = ScreeningRound.create(
                program=values["program_id"],
                instrument=values["instrument_id"],
                title=values["title"],
                created_by=user.id,
            )
            record(user, "screening_round", "screening_round", rnd.id, f"school={school.id}")
    except IntegrityError as err:
        raise PlannerError(
            _l("这个开展计划已用于另一次筛查。"), "program_id", kind=CONFLICT
        ) from err
    return rnd


def class_ids(rnd) -> list:
    return [
        c
        for (c,) in ProgramClass.select(ProgramClass.school_class)
        .where(ProgramClass.program == rnd.program_id)
        .tuples()
    ]


def roster(rnd) -> list:
    """The students of the classes the round covers (current, not archived), with class."""
    return list(
        Student.select(Student, SchoolClass)
        .join(SchoolClass)
        .where(
            Student.school_class.in_(class_ids(rnd))
            & (Student.school == rnd.program.school_id)
            & ~Student.archived
        )
        .order_by(SchoolClass.grade, SchoolClass.name, Student.student_no)
    )


def results_of(rnd) -> list:
    return list(
        ScreeningResult.select(ScreeningResult, Student, SchoolClass)
        .join(Student)
        .join(SchoolClass, on=(Student.school_class == SchoolClass.id), join_type=JOIN.LEFT_OUTER)
        .where(ScreeningResult.round == rnd.id)
        .order_by(SchoolClass.grade, SchoolClass.name, Student.student_no)
    )


def history(user, rnd, student_ids) -> dict:
    """{student id: [earlier and later results of the user's rounds at this school]},
    oldest first, in one query whatever the number of rounds or students."""
    if not student_ids:
        return {}
    query = (
        ScreeningResult.select(ScreeningResult, ScreeningRound, Program, Term)
        .join(ScreeningRound)
        .join(Program)
        .join(Term)
        .where(
            ScreeningResult.student.in_(list(student_ids))
            & (Program.school == rnd.program.school_id)
            & ScreeningRound.id.in_(rounds_query(user).select(ScreeningRound.id))
        )
        .order_by(Term.start, ScreeningRound.id)
    )
    out = {}
    for res in query:
        out.setdefault(res.student_id, []).append(res)
    return out


def round_page(user, rnd) -> dict:
    """What the round's page shows, and the audit row for reading it."""
    results = results_of(rnd)
    done = {r.student_id for r in results}
    students = roster(rnd)
    consenting = consenting_ids([s.id for s in students], PURPOSE)
    record(
        user,
        "screening_read",
        "screening_round",
        rnd.id,
        f"results={len(results)} codes={','.join(r.student.archive_code for r in results[:50])}",
    )
    return {
        "results": results,
        "history": history(user, rnd, done),
        "candidates": [s for s in students if s.id in consenting and s.id not in done],
        "lacking": [s for s in students if s.id not in consenting and s.id not in done],
    }


def _check_student(rnd, student_id) -> Student:
    student = (
        Student.select()
        .where(
            (Student.id == student_id)
            & (Student.school == rnd.program.school_id)
            & Student.school_class.in_(class_ids(rnd))
        )
        .first()
    )
    if student is None:
        raise PlannerError(_l("请选择这次筛查所覆盖班级的学生。"), "student")
    if student.archived:
        raise PlannerError(_l("该学生档案已归档，不能记录筛查结果。"), "student")
    if not consenting_ids([student.id], PURPOSE):
        raise PlannerError(NO_CONSENT, "student")
    return student


def save_result(user, rnd, student_id, answers: dict, version: int) -> ScreeningResult:
    """Enter (version 0) or correct one student's answers; the tier follows the rule."""
    student = _check_student(rnd, student_id)
    outcome = score(rnd.instrument, answers)
    data = {
        "answers": answers,
        "total": outcome.total,
        "critical": outcome.critical,
        "tier": outcome.tier,
        "recorded_by": user.id,
    }
    try:
        with write_tx():
            existing = ScreeningResult.get_or_none(
                (ScreeningResult.round == rnd.id) & (ScreeningResult.student == student.id)
            )
            if existing is None:
                if version:
                    raise ConflictError("ScreeningResult")
                res = ScreeningResult.create(round=rnd.id, student=student.id, **data)
            else:
                res = existing
                save_versioned(existing, version, data)
            record(
                user,
                "screening_result",
                "screening_result",
                res.id,
                f"round={rnd.id} code={student.archive_code} tier={outcome.tier}",
            )
    except (ConflictError, IntegrityError) as err:
        raise PlannerError(STALE, "student", kind=CONFLICT) from err
    return res


def override(user, rnd, result_id, values: dict) -> ScreeningResult:
    """The worker's tier, with a reason; an empty tier goes back to the rule's."""
    res = ScreeningResult.get_or_none(
        (ScreeningResult.id == result_id) & (ScreeningResult.round == rnd.id)
    )
    if res is None:
        raise PlannerError(_l("找不到这条筛查结果。"), kind=NOT_FOUND)
    tier = values["tier"] or ""
    reason = values["reason"] or ""
    if tier and tier != res.tier and not reason:
        raise PlannerError(_l("调整等级时请写明理由。"), "reason")
    if tier == res.tier:
        tier = ""
    errors = name_errors({"reason": reason}, {"reason": _l("理由")}, [rnd.program.school_id])
    if errors:
        raise PlannerError(errors["reason"], "reason")
    try:
        with write_tx():
            save_versioned(
                res,
                values["version"],
                {
                    "override_tier": tier,
                    "override_reason": reason if tier else "",
                    "overridden_by": user.id if tier else None,
                    "overridden_at": now() if tier else None,
                },
            )
            record(
                user,
                "screening_override",
                "screening_result",
                res.id,
                f"round={rnd.id} rule={res.tier} override={tier or '-'}",
            )
    except ConflictError as err:
        raise PlannerError(STALE, "tier", kind=CONFLICT) from err
    return res
