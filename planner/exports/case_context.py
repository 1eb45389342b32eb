"""The contexts of the four casework documents (planner.exports.case_documents draws them),
gathered from one case: 个案接案登记表 (8.3.1), 个案服务计划书 (8.3.2 and 8.3.3), 个案服务记录
(8.3.4) and 结案报告 (8.3.5 and 8.3.6).

The student appears as an archive code and a class, never by name, as in the group's record
documents (standard 9.4); the workers and the supervisor who signed a note are named. Every
label is Chinese whatever the UI language: the context is gathered under the zh_CN locale."""

from flask_babel import force_locale
from peewee import JOIN

from planner.accounts.models import User
from planner.cases.models import (
    CONSENT_BY,
    DECISIONS,
    NOTE_KINDS,
    NOTE_STATUSES,
    REFERRAL_TARGETS,
    RISKS,
    SOURCES,
    STEPS,
    CaseGoal,
    CaseNote,
    CaseRecord,
    CaseReferral,
)
from planner.cases.services import PURPOSE, STEP_FIELDS
from planner.evaluation.compute import gas_t
from planner.evaluation.schemas import GAS_LEVELS
from planner.i18n import chinese_day, local_date, local_today
from planner.schools.models import Agency, School, SchoolClass, Term
from planner.students.consent import missing_for
from planner.students.models import MISSING, Student

DRAFT = "draft"  # a case note still being written is the worker's own, and not printed


def _s(value) -> str:
    return "" if value is None else str(value)


def _label(labels, key) -> str:
    return _s(labels.get(key, key or ""))


def _fields(records, step) -> list[dict]:
    """One step's record as [{label, value}] in the order of its fields (the intake's
    decision as its label)."""
    rec = records.get(step)
    values = rec.fields if rec else {}
    out = []
    for key, label in STEP_FIELDS[step].items():
        value = _s(values.get(key))
        if key == "decision":
            value = _label(DECISIONS, value) if value else ""
        out.append({"label": _s(label), "value": value})
    return out


def _term(case) -> str:
    """The name of the school's term the case was opened in, if any."""
    term = (
        Term.select(Term.name)
        .where(
            (Term.school == case.school_id)
            & (Term.start <= case.opened_on)
            & (Term.end >= case.opened_on)
        )
        .first()
    )
    return term.name if term else ""


def _consent(case) -> str:
    missing = missing_for(case.student_id, PURPOSE)
    if not missing:
        return "已取得“个案服务”同意"
    return "；".join(_s(MISSING[g]) for g in missing)


def _common(case, kind: str, doc_title: str) -> dict:
    """What every casework document prints about the case (5 queries)."""
    school = School.select(School, Agency).join(Agency).where(School.id == case.school_id).get()
    student = (
        Student.select(Student.archive_code, SchoolClass.id, SchoolClass.name)
        .join(SchoolClass, JOIN.LEFT_OUTER, on=(Student.school_class == SchoolClass.id))
        .where(Student.id == case.student_id)
        .get()
    )
    klass = student.school_class.name if student.school_class_id else ""
    team = {
        u.id: u.display_name
        for u in User.select(User.id, User.display_name).where(
            User.id.in_([i for i in (case.worker_id, case.co_worker_id) if i])
        )
    }
    return {
        "kind": kind,
        "doc_title": doc_title,
        "title": "",
        "school": school.name,
        "agency": school.agency.name,
        "archive_code": case.archive_code,
        "term": _term(case),
        "workers": [team[i] for i in (case.worker_id, case.co_worker_id) if i in team],
        "generated_on": chinese_day(local_today()),
        "case": {
            "student_code": student.archive_code,
            "class_name": klass or "",
            "source": _label(SOURCES, case.source),
            "source_note": case.source_note or "",
            "opened_on": chinese_day(case.opened_on),
            "closed_on": chinese_day(case.closed_on),
            "step": _label(STEPS, case.step),
            "risk": _label(RISKS, case.risk),
            "next_review": chinese_day(case.next_review),
            "follow_up_on": chinese_day(case.follow_up_on),
            "worker": team.get(case.worker_id, ""),
            "co_worker": team.get(case.co_worker_id, "") if case.co_worker_id else "",
            "consent": _consent(case),
        },
    }


def _records(case) -> dict:
    return {r.step: r for r in CaseRecord.select().where(CaseRecord.case == case.id)}


def _referrals(case) -> list[dict]:
    return [
        {
            "date": chinese_day(r.referred_on),
            "target": _label(REFERRAL_TARGETS, r.target),
            "organisation": r.organisation or "",
            "reason": r.reason or "",
            "consent": f"{_label(CONSENT_BY, r.consent_by)}（{chinese_day(r.consent_on)}）",
            "outcome": r.outcome or "",
            "outcome_on": chinese_day(r.outcome_on),
        }
        for r in CaseReferral.select()
        .where(CaseReferral.case == case.id)
        .order_by(CaseReferral.referred_on, CaseReferral.id)
    ]


def _notes(case) -> list:
    """The case's notes that left draft, oldest first, with their authors and signers."""
    return list(
        CaseNote.select(CaseNote, User)
        .join(User, on=(CaseNote.author == User.id))
        .where((CaseNote.case == case.id) & (CaseNote.status != DRAFT))
        .order_by(CaseNote.held_on, CaseNote.id)
    )


def _note_totals(notes) -> str:
    parts = []
    for key, label in NOTE_KINDS.items():
        mine = [n for n in notes if n.kind == key]
        if mine:
            parts.append(f"{label} {len(mine)} 次，共 {sum(n.minutes for n in mine)} 分钟")
    return "；".join(parts) if parts else "尚无已提交的服务记录"


def _gas_value(value) -> str:
    if value is None:
        return "未评"
    return f"{value:+d}" if value else "0"


def _gas_t(goals, when) -> str:
    if not goals:
        return ""
    value = gas_t([(g.weight, getattr(g, when)) for g in goals])
    return "" if value is None else f"{value:.1f}"


def _zh(build):
    """Gather under the Chinese locale: the documents are handed in in Chinese."""

    def gather(case) -> dict:
        with force_locale("zh_CN"):
            return build(case)

    gather.__doc__ = build.__doc__
    gather.__name__ = build.__name__
    return gather


@_zh
def case_intake(case) -> dict:
    """个案接案登记表 (8.3.1 a–e): the case as opened, the intake record and any referral."""
    return dict(
        _common(case, "case_intake", "个案接案登记表"),
        intake=_fields(_records(case), "intake"),
        referrals=_referrals(case),
    )


@_zh
def case_plan(case) -> dict:
    """个案服务计划书: the assessment (8.3.2) and the plan (8.3.3)."""
    records = _records(case)
    return dict(
        _common(case, "case_plan", "个案服务计划书"),
        assessment=_fields(records, "assessment"),
        plan=_fields(records, "plan"),
    )


@_zh
def case_record(case) -> dict:
    """个案服务记录 (8.3.4): the case sessions and the indirect work with family, school and
    resources, each with its supervision; then the referrals out."""
    notes = _notes(case)
    signers = {
        u.id: u.display_name
        for u in User.select(User.id, User.display_name).where(
            User.id.in_({n.signed_off_by_id for n in notes if n.signed_off_by_id})
        )
    }
    return dict(
        _common(case, "case_record", "个案服务记录"),
        totals=_note_totals(notes),
        notes=[
            {
                "date": chinese_day(n.held_on),
                "kind": _label(NOTE_KINDS, n.kind),
                "minutes": str(n.minutes),
                "author": n.author.display_name,
                "note": n.note or "",
                "safeguarding": bool(n.safeguarding),
                "status": _label(NOTE_STATUSES, n.status),
                "comment": n.supervisor_comment or "",
                "by": signers.get(n.signed_off_by_id, ""),
                "on": chinese_day(local_date(n.signed_off_at)),
            }
            for n in notes
        ],
        referrals=_referrals(case),
    )


@_zh
def case_closure(case) -> dict:
    """结案报告: the evaluation with its GAS goals (8.3.5) and the closure (8.3.6)."""
    records = _records(case)
    goals = list(CaseGoal.select().where(CaseGoal.case == case.id).order_by(CaseGoal.order))
    notes = _notes(case)
    return dict(
        _common(case, "case_closure", "结案报告"),
        services=_note_totals(notes),
        evaluation=_fields(records, "evaluation"),
        gas=[
            {
                "text": g.text,
                "weight": str(g.weight),
                "levels": [
                    {"value": _gas_value(v), "text": _s(t)}
                    for v, t in zip(GAS_LEVELS, list(g.levels or []) + [""] * len(GAS_LEVELS))
                ],
                "post": _gas_value(g.post),
                "followup": _gas_value(g.followup),
            }
            for g in goals
        ],
        gas_t=_gas_t(goals, "post"),
        gas_followup=_gas_t(goals, "followup"),
        closure=_fields(records, "closure"),
        referrals=_referrals(case),
    )
