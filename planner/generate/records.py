"""A term's records: group members with consent, rosters, attendance, headcounts,
reflections and a few follow-ups, for the sessions held before AS_OF. One transaction a
term; rows go in with insert_many in chunks."""

import datetime as dt

from planner.curricula.models import SessionTemplate
from planner.db import write_tx
from planner.generate.org import insert_chunks
from planner.i18n import from_local
from planner.reflections.models import FollowUp, Reflection
from planner.runs.models import Attendance, SessionRecord
from planner.sessions.models import Session
from planner.students.consent import required_givers
from planner.students.models import Consent, GroupMember, GroupRoster

MEMBERS = (8, 12)
REFLECTED = 0.8  # share of past group meetings with a reflection
STAGES = ["筹备期", "形成期", "转折期", "成熟期", "结束期"]
SCREENING = ("班主任推荐，面谈后自愿参加", "自主报名，面谈后确认", "心理老师转介，面谈后自愿参加")
PLANNED_VS_ACTUAL = (
    "按计划完成主要环节。",
    "热身游戏延长了 5 分钟，分享环节略有压缩。",
    "因临时调课晚开始 10 分钟，总结环节简化。",
)
DYNAMICS = (
    "成员逐渐熟悉，发言更主动。",
    "个别组员较安静，需要更多鼓励。",
    "组员之间开始互相回应，氛围轻松。",
    "讨论热烈，需要注意控制时间。",
)
SKILLS = ("鼓励支持", "沟通互动", "积极倾听", "澄清", "总结", "冲突处理")
COMMENTS = (
    "记录清楚，下次留意安静成员的参与。",
    "过程记录完整，注意时间分配。",
    "阶段判断合理，可多记录组员之间的互动。",
)
FOLLOW_UPS = (
    "情绪低落，建议个别面谈。",
    "提到与同学的矛盾，需跟进。",
    "家庭变故，建议与班主任沟通。",
)


class State:
    """Carried from term to term: who already has consent on file."""

    def __init__(self):
        self.consented = set()
        self.screening_consented = set()
        self.cased = set()


def _sessions(planned) -> dict:
    """program id → [(id, seq, date, start, end, planned stage)] in seq order; one query."""
    out = {}
    query = (
        Session.select(
            Session.id,
            Session.program,
            Session.seq,
            Session.date,
            Session.start,
            Session.end,
            SessionTemplate.stage,
        )
        .join(SessionTemplate)
        .where(Session.program.in_([p.program.id for p in planned]))
        .order_by(Session.program, Session.seq)
        .tuples()
    )
    for sid, program_id, seq, day, start, end, stage in query:
        out.setdefault(program_id, []).append((sid, seq, day, start, end, stage))
    return out


def _status(rng) -> str:
    roll = rng.random()
    if roll < 0.86:
        return "present"
    return (
        "late"
        if roll < 0.91
        else "excused"
        if roll < 0.95
        else "absent"
        if roll < 0.99
        else "left_early"
    )


def _observed(rng, planned):
    """Mostly the planned stage; now and then the group lags a stage behind the plan."""
    if planned not in STAGES or rng.random() < 0.88:
        return planned
    at = STAGES.index(planned)
    return STAGES[at - 1] if at else STAGES[1]


class TermRows:
    """Rows of one term, collected in memory and written together."""

    def __init__(self):
        self.consent, self.members, self.rosters, self.attendance = [], [], [], []
        self.records, self.reflections, self.flags = [], [], []  # flags: (session, student, …)


def _group(item, sessions, rng, state, as_of, rows, taken):
    info, term = item.info, item.term
    pool = [s for g in sorted(item.grades) for s in info.students.get(g, []) if s[0] not in taken]
    members = rng.sample(pool, min(len(pool), rng.randint(*MEMBERS)))
    taken.update(m[0] for m in members)
    consent_day = term.start + dt.timedelta(days=7)
    for sid, name, born, guardian in members:
        if sid not in state.consented:
            state.consented.add(sid)
            rows.consent += [
                dict(
                    student=sid,
                    purpose=purpose,
                    given_by=giver,
                    giver_name=guardian if giver == "guardian" else name,
                    notice_version=f"{term.start.year}-{term.start.month:02d}",
                    given_on=consent_day,
                    method=rng.choice(("paper", "online")),
                    recorded_by=info.worker_id,
                )
                for purpose in ("participation", "attendance", "observation")
                for giver in required_givers(born, consent_day)
            ]
        rows.members.append(
            dict(
                program=item.program.id,
                student=sid,
                screening_note=rng.choice(SCREENING),
                joined_at=from_local(dt.datetime.combine(consent_day, dt.time(12))),
            )
        )
    rows.rosters.append(
        dict(
            program=item.program.id,
            contract_signed_on=sessions[0][2],
            recruitment_notes="班级宣传与班主任推荐，报名后逐一面谈筛选。",
        )
    )
    for sid, _seq, day, start, end, stage in sessions:
        if day >= as_of:
            break
        began = dt.datetime.combine(day, start)
        for member in members:
            status = _status(rng)
            late = rng.randint(8, 20) if status == "late" else rng.randint(0, 4)
            rows.attendance.append(
                dict(
                    session=sid,
                    student=member[0],
                    status=status,
                    recorded_by=info.worker_id,
                    tapped_at=from_local(began + dt.timedelta(minutes=late)),
                )
            )
        if rng.random() >= REFLECTED:
            continue
        rows.reflections.append(_reflection(sid, day, end, stage, info, rng, as_of))
        if rng.random() < 0.05:
            rows.flags.append(
                (
                    sid,
                    rng.choice(members)[0],
                    rng.choice(FOLLOW_UPS),
                    rng.random() < 0.15,
                    rows.reflections[-1],
                )
            )


def _reflection(sid, day, end, stage, info, rng, as_of) -> dict:
    ended = from_local(dt.datetime.combine(day, end))
    details = {
        "planned_vs_actual": rng.choice(PLANNED_VS_ACTUAL),
        "dynamics": rng.choice(DYNAMICS),
        "skills": rng.sample(SKILLS, 2),
    }
    row = dict(
        session=sid,
        author=info.worker_id,
        observed_stage=_observed(rng, stage),
        answers={},
        details=details,
        status="submitted",
        submitted_at=ended,
        supervisor_comment="",
        signed_off_by=None,
        signed_off_at=None,
    )
    if day < as_of - dt.timedelta(days=14):
        row.update(
            status="signed_off",
            signed_off_by=info.supervisor_id,
            signed_off_at=ended + dt.timedelta(days=2),
            supervisor_comment=rng.choice(COMMENTS),
        )
    elif rng.random() < 0.3:
        row.update(status="draft", submitted_at=None)
    return row


def _lessons(item, sessions, rng, as_of, rows):
    size = sum(item.info.class_sizes.get(c, 0) for c in item.class_ids)
    rows.records += [
        dict(session=sid, headcount=max(0, size - rng.randint(0, 3)), notes="")
        for sid, _, day, *_ in sessions
        if day < as_of
    ]


def record_term(world, index, planned, rng, state, as_of) -> dict:
    """Write the term's records; returns {what: rows}."""
    sessions, rows, taken = _sessions(planned), TermRows(), {}
    for item in planned:
        if item.kind == "group":
            _group(
                item,
                sessions[item.program.id],
                rng,
                state,
                as_of,
                rows,
                taken.setdefault(item.info.school.id, set()),
            )
        else:
            _lessons(item, sessions[item.program.id], rng, as_of, rows)
    with write_tx():
        for model, data in (
            (Consent, rows.consent),
            (GroupMember, rows.members),
            (GroupRoster, rows.rosters),
            (Attendance, rows.attendance),
            (SessionRecord, rows.records),
            (Reflection, rows.reflections),
        ):
            insert_chunks(model, data)
        follow_ups = _follow_ups(rows.flags)
        insert_chunks(FollowUp, follow_ups)
    return {
        "members": len(rows.members),
        "consents": len(rows.consent),
        "attendance": len(rows.attendance),
        "headcounts": len(rows.records),
        "reflections": len(rows.reflections),
        "follow-ups": len(follow_ups),
    }


def _follow_ups(flags) -> list:
    """FollowUp rows for the flagged reflections (their ids looked up in one query)."""
    if not flags:
        return []
    ids = dict(
        Reflection.select(Reflection.session, Reflection.id)
        .where(Reflection.session.in_([f[0] for f in flags]))
        .tuples()
    )
    out = []
    for sid, student, note, safeguarding, reflection in flags:
        seen = safeguarding and reflection["status"] == "signed_off"
        out.append(
            dict(
                reflection=ids[sid],
                student=student,
                note=note,
                safeguarding=safeguarding,
                acknowledged_by=reflection.get("signed_off_by") if seen else None,
                acknowledged_at=reflection.get("signed_off_at") if seen else None,
            )
        )
    return out
