"""A guardian's or a student's request about the student's data (PIPL Art. 45–47;
未成年人网络保护条例 Art. 36): a copy of everything held, a correction, or an erasure.

Every request is a DataRequest row: who asked (the guardian or the student), when, who
recorded it and what was done. A copy and a correction are served at once by the worker;
an erasure waits for a second person, the recording worker's supervisor or an admin, and
runs when they approve it. An erasure is refused while a safeguarding flag about the
student is open (clause 4.1: protect life first)."""

from peewee import JOIN

from planner.access import can_plan
from planner.accounts.models import Supervision, User
from planner.audit.models import AuditEntry, record
from planner.cases.models import (
    Case,
    CaseAppointment,
    CaseGoal,
    CaseNote,
    CaseRecord,
    CaseReferral,
)
from planner.db import now, write_tx
from planner.errors import CONFLICT, FORBIDDEN, PlannerError
from planner.evaluation.models import GasGoal, Instrument, Score
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_now
from planner.privacy.anonymise import anonymise_student, names_of
from planner.privacy.models import REQUEST_KINDS, REQUESTERS, DataRequest
from planner.reflections.models import FollowUp, Reflection
from planner.runs.models import Attendance
from planner.schools.models import Room, School, SchoolClass
from planner.screening.models import ScreeningResult, ScreeningRound
from planner.service.models import Consultation, Letter
from planner.sessions.models import Program, Session
from planner.students.models import Consent, GroupMember, Student


def _detail(student, req=None):
    detail = f"student={student.id} code={student.archive_code} school={student.school_id}"
    return f"{detail} request={req.id} kind={req.kind}" if req else detail


def can_request(user, student: Student) -> bool:
    """The school's workers and the agency's admins record requests and serve them."""
    return user.is_editor and can_plan(user, student.school_id)


def can_decide(user, req: DataRequest) -> bool:
    """A second person decides an erasure: an admin of the agency, or a supervisor of the
    worker who recorded it; never the person who recorded it."""
    if req.recorded_by_id == user.id or user.agency_id != req.agency_id:
        return False
    if user.is_admin:
        return True
    return (
        user.is_supervisor
        and Supervision.select()
        .where((Supervision.supervisor == user.id) & (Supervision.worker == req.recorded_by_id))
        .exists()
    )


def requests_of(student_id: int) -> list:
    return list(
        DataRequest.select()
        .where(DataRequest.student == student_id)
        .order_by(DataRequest.recorded_at.desc(), DataRequest.id.desc())
    )


def pending_for(user) -> list:
    """Erasures waiting for this user's decision (the student, school and recorder joined):
    an admin's are all the agency's but their own; a supervisor's those of their workers."""
    recorder = User.alias()
    query = (
        DataRequest.select(DataRequest, Student, School, recorder)
        .join(Student)
        .join(School)
        .join_from(DataRequest, recorder, on=(DataRequest.recorded_by == recorder.id))
        .where(
            (DataRequest.agency == user.agency_id)
            & (DataRequest.status == "pending")
            & (DataRequest.recorded_by != user.id)
        )
        .order_by(DataRequest.recorded_at, DataRequest.id)
    )
    if not user.is_admin:
        workers = Supervision.select(Supervision.worker).where(Supervision.supervisor == user.id)
        query = query.where(DataRequest.recorded_by.in_(workers))
    return list(query)


def _open_flag(student_id) -> bool:
    return (
        FollowUp.select()
        .where(
            (FollowUp.student == student_id)
            & FollowUp.safeguarding
            & FollowUp.acknowledged_at.is_null()
        )
        .exists()
    )


def create_request(user, student: Student, data: dict) -> DataRequest:
    """Record a request. data: kind, requester, asked_on, note. An export or a correction
    is recorded as done (the copy is handed over / the edit follows); an erasure as pending."""
    if not can_request(user, student):
        raise PlannerError(_l("只有本校的社工或机构管理员可以登记数据请求。"), kind=FORBIDDEN)
    if data["kind"] not in REQUEST_KINDS or data["requester"] not in REQUESTERS:
        raise PlannerError(_l("请选择有效的选项。"), "kind")
    if student.anonymised_at:
        raise PlannerError(
            _l("该学生已匿名化，系统中已没有可识别其身份的信息。"), "kind", kind=CONFLICT
        )
    if data["asked_on"] > local_now().date():
        raise PlannerError(_l("提出日期不能晚于今天。"), "asked_on")
    erase = data["kind"] == "erase"
    with write_tx():
        if erase and (
            DataRequest.select()
            .where(
                (DataRequest.student == student.id)
                & (DataRequest.kind == "erase")
                & (DataRequest.status == "pending")
            )
            .exists()
        ):
            raise PlannerError(_l("该学生已有一项待审批的删除请求。"), "kind", kind=CONFLICT)
        if erase and _open_flag(student.id):
            raise PlannerError(
                _l("该学生还有未处理的安全事项，处理完毕后才能删除其信息。"), "kind", kind=CONFLICT
            )
        req = DataRequest.create(
            agency=user.agency_id,
            student=student.id,
            kind=data["kind"],
            requester=data["requester"],
            asked_on=data["asked_on"],
            note=data.get("note") or "",
            status="pending" if erase else "done",
            recorded_by=user.id,
            decided_by=None if erase else user.id,
            decided_at=None if erase else now(),
            outcome="" if erase else str(DONE_NOW[data["kind"]]),
        )
        record(user, "data_request", "student", student.id, _detail(student, req))
    return req


DONE_NOW = {
    "export": _l("已导出全部信息（zip：JSON 与 Word 摘要）并交给提出人。"),
    "correct": _l("已转到学生档案编辑页更正；更正的字段记入审计日志。"),
}


def decide(user, req: DataRequest, approve: bool, reason: str = "") -> DataRequest:
    """Approve (and run) or reject a pending erasure, as the second person."""
    if not can_decide(user, req):
        raise PlannerError(_l("删除请求须由登记人之外的督导或机构管理员审批。"), kind=FORBIDDEN)
    with write_tx():
        fresh = DataRequest.get_or_none(
            (DataRequest.id == req.id) & (DataRequest.status == "pending")
        )
        if fresh is None:
            raise PlannerError(_l("该请求已处理。"), kind=CONFLICT)
        student = Student.get_by_id(fresh.student_id)
        if approve and _open_flag(student.id):
            raise PlannerError(
                _l("该学生还有未处理的安全事项，处理完毕后才能删除其信息。"), kind=CONFLICT
            )
        if approve:
            anonymise_student(student)
            outcome = str(_l("已审批并执行：学生在各处匿名化，匿名统计保留。"))
        else:
            outcome = reason.strip()[:500] or str(_l("已驳回。"))
        DataRequest.update(
            status="done" if approve else "rejected",
            decided_by=user.id,
            decided_at=now(),
            outcome=outcome,
            version=DataRequest.version + 1,
        ).where(DataRequest.id == fresh.id).execute()
        action = "erase" if approve else "data_request_reject"
        record(user, action, "student", student.id, _detail(student, fresh))
    return DataRequest.get_by_id(req.id)


def _day(value):
    return value.isoformat() if value else None


def student_data(user, student: Student) -> dict:
    """Everything held about the student, as plain values (the copy of a data request).
    Reading it all is an export of a child's record: one audit row."""
    school_class = SchoolClass.get_or_none(SchoolClass.id == student.school_class_id)
    names = names_of(student)
    programs = GroupMember.select(GroupMember.program).where(GroupMember.student == student.id)
    flagged_ids = {f.reflection_id for f in FollowUp.select().where(FollowUp.student == student.id)}
    reflections = []
    for reflection in (
        Reflection.select(Reflection, Session, Program)
        .join(Session)
        .join(Program)
        .where(Session.program.in_(programs) | Reflection.id.in_(list(flagged_ids)))
        .order_by(Session.date)
    ):
        text = "\n".join(
            str(v)
            for v in [*reflection.answers.values(), *reflection.details.values()]
            + [reflection.supervisor_comment]
        )
        if reflection.id in flagged_ids or any(n in text for n in names):
            reflections.append(
                {
                    "program": reflection.session.program.title,
                    "date": _day(reflection.session.date),
                    "answers": reflection.answers,
                    "details": reflection.details,
                    "supervisor_comment": reflection.supervisor_comment,
                    "status": reflection.status,
                }
            )
    data = {
        "student": {
            "archive_code": student.archive_code,
            "name": student.name,
            "student_no": student.student_no,
            "gender": student.gender,
            "birth_date": _day(student.birth_date),
            "school": School.get_by_id(student.school_id).name,
            "class": school_class.name if school_class else None,
            "grade": school_class.grade if school_class else None,
            "guardian_name": student.guardian_name,
            "guardian_phone": student.guardian_phone,
            "archived": student.archived,
            "created_at": student.created_at.isoformat(timespec="seconds"),
        },
        "consents": [
            {
                "purpose": c.purpose,
                "given_by": c.given_by,
                "giver_name": c.giver_name,
                "notice_version": c.notice_version,
                "given_on": _day(c.given_on),
                "method": c.method,
                "withdrawn_on": _day(c.withdrawn_on),
            }
            for c in Consent.select()
            .where(Consent.student == student.id)
            .order_by(Consent.given_on)
        ],
        "memberships": [
            {
                "program": m.program.title,
                "group_name": m.program.group_name,
                "joined_at": m.joined_at.isoformat(timespec="seconds"),
                "active": m.active,
                "screening_note": m.screening_note,
            }
            for m in GroupMember.select(GroupMember, Program)
            .join(Program)
            .where(GroupMember.student == student.id)
            .order_by(GroupMember.joined_at)
        ],
        "attendance": [
            {
                "program": a.session.program.title,
                "date": _day(a.session.date),
                "seq": a.session.seq,
                "status": a.status,
            }
            for a in Attendance.select(Attendance, Session, Program)
            .join(Session)
            .join(Program)
            .where(Attendance.student == student.id)
            .order_by(Session.date)
        ],
        "scores": [
            {
                "program": sc.program.title,
                "instrument": sc.instrument.name,
                "timepoint": sc.timepoint,
                "answers": sc.answers,
                "open_answers": sc.open_answers,
                "score": sc.score,
            }
            for sc in Score.select(Score, Program, Instrument)
            .join(Program)
            .join_from(Score, Instrument)
            .where(Score.student == student.id)
        ],
        "screening": [
            {
                "round": r.round.title,
                "instrument": r.round.instrument.name,
                "answers": r.answers,
                "total": r.total,
                "tier": r.tier,
                "override_tier": r.override_tier,
                "override_reason": r.override_reason,
            }
            for r in ScreeningResult.select(ScreeningResult, ScreeningRound, Instrument)
            .join(ScreeningRound)
            .join(Instrument)
            .where(ScreeningResult.student == student.id)
        ],
        "goals": [
            {
                "program": g.program.title,
                "text": g.text,
                "levels": g.levels,
                "post": g.post,
                "followup": g.followup,
            }
            for g in GasGoal.select(GasGoal, Program)
            .join(Program)
            .where(GasGoal.student == student.id)
        ],
        "follow_ups": [
            {
                "note": f.note,
                "safeguarding": f.safeguarding,
                "acknowledged_at": f.acknowledged_at.isoformat(timespec="seconds")
                if f.acknowledged_at
                else None,
            }
            for f in FollowUp.select().where(FollowUp.student == student.id)
        ],
        "reflections": reflections,
        "cases": _cases(student),
        # 社工信箱 letters naming the student and consultations with them (planner/service/)
        "letters": [
            {
                "received_on": _day(lt.received_on),
                "category": lt.category,
                "urgent": lt.urgent,
                "text": lt.text,
                "replied_on": _day(lt.replied_on),
            }
            for lt in Letter.select().where(Letter.student == student.id).order_by(Letter.id)
        ],
        "consultations": [
            {
                "held_on": _day(c.held_on),
                "purpose": c.purpose,
                "minutes": c.minutes,
                "note": c.note,
            }
            for c in Consultation.select()
            .where(Consultation.student == student.id)
            .order_by(Consultation.id)
        ],
        "data_requests": [
            {
                "kind": r.kind,
                "requester": r.requester,
                "asked_on": _day(r.asked_on),
                "status": r.status,
                "outcome": r.outcome,
            }
            for r in requests_of(student.id)
        ],
        "audit": [
            {
                "at": a.at.isoformat(timespec="seconds"),
                "who": a.user.display_name if a.user else None,
                "action": a.action,
            }
            for a in AuditEntry.select(AuditEntry, User)
            .join(User, JOIN.LEFT_OUTER)
            .where((AuditEntry.object_type == "student") & (AuditEntry.object_id == student.id))
            .order_by(AuditEntry.at)
        ],
    }
    with write_tx():
        record(user, "export", "student", student.id, _detail(student) + " kind=student_data")
    return data


def _cases(student) -> list:
    """The student's cases with every step record, goal, case note, referral and case
    session (six queries however many cases)."""
    cases = list(Case.select().where(Case.student == student.id).order_by(Case.opened_on, Case.id))
    ids = [c.id for c in cases]
    by_case = {
        i: {"records": {}, "goals": [], "notes": [], "referrals": [], "appointments": []}
        for i in ids
    }
    for rec in CaseRecord.select().where(CaseRecord.case.in_(ids)):
        by_case[rec.case_id]["records"][rec.step] = rec.fields
    for g in CaseGoal.select().where(CaseGoal.case.in_(ids)).order_by(CaseGoal.order):
        by_case[g.case_id]["goals"].append(
            {"text": g.text, "levels": g.levels, "post": g.post, "followup": g.followup}
        )
    for n in CaseNote.select().where(CaseNote.case.in_(ids)).order_by(CaseNote.held_on):
        by_case[n.case_id]["notes"].append(
            {
                "kind": n.kind,
                "held_on": _day(n.held_on),
                "minutes": n.minutes,
                "note": n.note,
                "status": n.status,
                "safeguarding": n.safeguarding,
            }
        )
    for r in CaseReferral.select().where(CaseReferral.case.in_(ids)).order_by(CaseReferral.id):
        by_case[r.case_id]["referrals"].append(
            {
                "target": r.target,
                "organisation": r.organisation,
                "reason": r.reason,
                "consent_by": r.consent_by,
                "consent_on": _day(r.consent_on),
                "referred_on": _day(r.referred_on),
                "outcome": r.outcome,
                "outcome_on": _day(r.outcome_on),
            }
        )
    appointments = (
        CaseAppointment.select(CaseAppointment, Room.name)
        .join(Room, on=(CaseAppointment.room == Room.id))
        .where(CaseAppointment.case.in_(ids))
        .order_by(CaseAppointment.date, CaseAppointment.start, CaseAppointment.id)
    )
    for a in appointments:
        by_case[a.case_id]["appointments"].append(
            {
                "date": _day(a.date),
                "start": a.start.strftime("%H:%M"),
                "end": a.end.strftime("%H:%M"),
                "room": a.room.name,
                "status": a.status,
            }
        )
    return [
        {
            "archive_code": c.archive_code,
            "source": c.source,
            "step": c.step,
            "risk": c.risk,
            "opened_on": _day(c.opened_on),
            "closed_on": _day(c.closed_on),
            "follow_up_on": _day(c.follow_up_on),
            **by_case[c.id],
        }
        for c in cases
    ]
