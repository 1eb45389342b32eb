"""Run-mode fixtures made directly with the models: a program with one session (today by
default), students with or without attendance consent, and group members."""

import datetime as dt
import itertools

from planner.curricula.models import Activity, SessionTemplate
from planner.i18n import local_today
from planner.sessions.models import Program, ProgramWorker, Session
from planner.students.models import Consent, GroupMember, Student
from tests.curricula.factories import curriculum

_seq = itertools.count(1)
NAMES = [
    "张小明",
    "李小红",
    "王小刚",
    "赵小丽",
    "陈小龙",
    "刘小芳",
    "杨小华",
    "黄小军",
    "周小燕",
    "吴小平",
    "徐小强",
    "孙小梅",
    "马小东",
    "朱小雪",
    "胡小涛",
    "郭小玲",
]


def run_session(
    world,
    kind="group",
    day=None,
    start=dt.time(0, 0),
    end=dt.time(23, 59),
    workers=None,
    school=None,
    room=None,
    term=None,
    **kw,
):
    """A program of `kind` with its first session on `day` (today), run by the world's
    worker. The plan's activities carry materials and debrief questions."""
    n = next(_seq)
    cur = curriculum(agency=world.agency, kind=kind, sessions=2, slug=f"run-{kind}-{n}")
    template = sorted(cur.sessions, key=lambda t: t.seq)[0]
    (
        SessionTemplate.update(materials=["名牌", "彩笔"])
        .where(SessionTemplate.id == template.id)
        .execute()
    )
    (
        Activity.update(materials=["情绪卡片"], debrief=["刚才你注意到了什么？", "下次想怎么做？"])
        .where((Activity.session == template.id) & (Activity.order == 2))
        .execute()
    )
    group = kind == "group"
    program = Program.create(
        curriculum=cur.id,
        school=school or world.school,
        term=term or world.term,
        room=room or world.room,
        title=kw.pop("title", f"情绪管理小组{n}" if group else f"青春期教育{n}"),
        group_name="彩虹小组" if group else "",
    )
    for worker in (world.worker,) if workers is None else workers:
        ProgramWorker.create(program=program, worker=worker)
    return Session.create(
        program=program,
        template=template.id,
        seq=1,
        date=day or local_today(),
        start=start,
        end=end,
        room=room or world.room,
        teaching_week=3,
        **kw,
    )


def student(school, consent=True, **kw):
    """A student; with consent=True an active attendance consent given last September."""
    n = next(_seq)
    kw.setdefault("archive_code", f"{school.code}-G-2026-{n:04d}")
    kw.setdefault("student_no", f"2026{n:04d}")
    kw.setdefault("name", NAMES[n % len(NAMES)] + str(n))
    created = Student.create(school=school, **kw)
    if consent:
        give_consent(created)
    return created


def give_consent(s, purpose="attendance", given_on=dt.date(2026, 9, 1), withdrawn_on=None):
    return Consent.create(
        student=s,
        purpose=purpose,
        given_by="guardian",
        giver_name="家长",
        notice_version="2026-v1",
        given_on=given_on,
        method="paper",
        withdrawn_on=withdrawn_on,
    )


def members(session, count, consent=True, school=None):
    """`count` new students of the session's school, members of its program."""
    from planner.schools.models import School

    school = school or School.get_by_id(session.program.school_id)
    out = []
    for _ in range(count):
        s = student(school, consent=consent)
        GroupMember.create(program=session.program_id, student=s)
        out.append(s)
    return out
