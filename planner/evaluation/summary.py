"""Everything the evaluation page and the 小组总结评估报告 show about one group, gathered
in a fixed number of queries however many members and meetings, and computed by
planner.evaluation.compute."""

from types import SimpleNamespace

from peewee import JOIN, fn

from planner.curricula.models import SessionTemplate
from planner.evaluation import compute
from planner.evaluation.models import GasGoal, Instrument, ProgramEvaluation, Score
from planner.reflections.models import FollowUp, Reflection
from planner.runs.models import Attendance
from planner.sessions.models import Session
from planner.students.models import GroupMember, Student


def _members(program_id) -> list:
    return list(
        Student.select(Student.id, Student.archive_code, Student.name)
        .join(GroupMember)
        .where((GroupMember.program == program_id) & GroupMember.active)
        .order_by(Student.archive_code)
    )


def _sessions(program_id) -> list:
    """The meetings that were not cancelled, with their planned template."""
    return list(
        Session.select(Session, SessionTemplate)
        .join(SessionTemplate)
        .where((Session.program == program_id) & (Session.status != "cancelled"))
        .order_by(Session.seq)
    )


def _reflections(program_id) -> dict:
    """session id → reflection, with follow-up and safeguarding counts (one query)."""
    follow = fn.COUNT(FollowUp.id)
    safe = fn.SUM(FollowUp.safeguarding.cast("integer"))
    rows = (
        Reflection.select(Reflection, follow.alias("n_follow"), safe.alias("n_safe"))
        .join(Session)
        .switch(Reflection)
        .join(FollowUp, JOIN.LEFT_OUTER)
        .where(Session.program == program_id)
        .group_by(Reflection.id)
    )
    return {r.session_id: r for r in rows}


def process_rows(sessions, reflections) -> list[dict]:
    out = []
    for s in sessions:
        r = reflections.get(s.id)
        details = (r.details or {}) if r else {}
        out.append(
            {
                "planned": s.template.stage,
                "observed": r.observed_stage if r else None,
                "status": r.status if r else None,
                "skills": details.get("skills") or [],
                "incident": details.get("incident") or "",
                "follow_ups": int(r.n_follow or 0) if r else 0,
                "safeguarding": int(r.n_safe or 0) if r else 0,
            }
        )
    return out


def _outcome(instrument, scores, member_ids) -> dict:
    """Pre/post for one instrument: member means paired, and each item's means."""
    by = {(s.student_id, s.timepoint): s for s in scores}
    pairs = [
        ((by.get((m, "pre")) or _NONE).score, (by.get((m, "post")) or _NONE).score)
        for m in member_ids
    ]
    items = []
    for item in instrument.items:
        item_pairs = [
            (
                (by.get((m, "pre")) or _NONE).answers.get(item["key"]),
                (by.get((m, "post")) or _NONE).answers.get(item["key"]),
            )
            for m in member_ids
        ]
        items.append(dict(compute.prepost(item_pairs), text=item["text"], key=item["key"]))
    followups = [s.score for s in scores if s.timepoint == "followup" and s.score is not None]
    return {
        "instrument": instrument,
        "summary": compute.prepost(pairs),
        "items": items,
        "followup_n": len(followups),
        "followup": sum(followups) / len(followups) if followups else None,
    }


_NONE = SimpleNamespace(score=None, answers={})


def _gas(goals, member_ids, rho) -> list[dict]:
    by = {}
    for g in goals:
        by.setdefault(g.student_id, []).append(g)
    out = []
    for m in member_ids:
        mine = by.get(m, [])
        if mine:
            out.append(
                {
                    "student_id": m,
                    "goals": len(mine),
                    "post": compute.gas_t([(g.weight, g.post) for g in mine], rho),
                    "followup": compute.gas_t([(g.weight, g.followup) for g in mine], rho),
                }
            )
    return out


def summary(program) -> SimpleNamespace:
    """The group's attendance, outcomes, GAS, satisfaction and process evaluation."""
    members = _members(program.id)
    member_ids = [m.id for m in members]
    sessions = _sessions(program.id)
    session_ids = [s.id for s in sessions]
    marks = (
        {
            (a.session_id, a.student_id): a.status
            for a in Attendance.select(
                Attendance.session, Attendance.student, Attendance.status
            ).where(Attendance.session.in_(session_ids))
        }
        if session_ids
        else {}
    )
    reflections = _reflections(program.id)
    scores = list(Score.select().where(Score.program == program.id))
    used = {s.instrument_id for s in scores}
    instruments = (
        {i.id: i for i in Instrument.select().where(Instrument.id.in_(used))} if used else {}
    )
    gas_instrument = Instrument.get_or_none(Instrument.slug == "gas")
    rho = (gas_instrument.extra or {}).get("rho", 0.3) if gas_instrument else 0.3
    goals = list(GasGoal.select().where(GasGoal.program == program.id))
    outcomes, satisfaction = [], []
    for inst in sorted(instruments.values(), key=lambda i: i.id):
        mine = [s for s in scores if s.instrument_id == inst.id and s.student_id in member_ids]
        if inst.purpose == "satisfaction":
            post = [s.answers for s in mine if s.timepoint == "post"]
            satisfaction.append(
                {
                    "instrument": inst,
                    "comments": [
                        text for s in mine for text in (s.open_answers or {}).values() if text
                    ],
                    **compute.satisfaction(post, inst.items, inst.scale_max),
                }
            )
        else:
            outcomes.append(_outcome(inst, mine, member_ids))
    rows = process_rows(sessions, reflections)
    return SimpleNamespace(
        members=members,
        sessions=sessions,
        marks=marks,
        reflections=reflections,
        attendance=compute.attendance(member_ids, session_ids, marks),
        outcomes=outcomes,
        satisfaction=satisfaction,
        gas=_gas(goals, member_ids, rho),
        process=compute.process(rows),
        judgement=ProgramEvaluation.get_or_none(ProgramEvaluation.program == program.id),
        scores={(s.student_id, s.instrument_id, s.timepoint) for s in scores},
        goal_counts={m: sum(1 for g in goals if g.student_id == m) for m in member_ids},
    )
