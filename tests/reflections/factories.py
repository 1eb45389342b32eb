"""Reflection fixtures: programs and sessions made with the models (dates chosen by the
test), students with or without observation consent, members, reflections, follow-ups."""

import datetime as dt
import itertools

from planner.db import now
from planner.i18n import local_today
from planner.reflections.models import FollowUp, Reflection
from planner.runs.models import Attendance, SessionRecord
from planner.sessions.archive import issue_archive_code
from planner.sessions.models import Program, ProgramClass, ProgramWorker, Session
from planner.students.models import Consent, GroupMember, Student
from tests.curricula.factories import curriculum

_seq = itertools.count(1)
FIRST = dt.date(2026, 9, 10)  # a Thursday of the world's term


def program(world, kind="group", sessions=6, workers=None, first=FIRST, **kw):
    """A group (default) or a classroom series of the world's school, one session a week
    at 16:10–17:10 from `first`. Planned stages of a 6-meeting group: 形成期 形成期 转折期
    成熟期 成熟期 结束期 (tests/curricula/factories.py)."""
    n = next(_seq)
    cur = curriculum(kind=kind, sessions=sessions, slug=f"refl-{kind}-{n}")
    kw.setdefault("title", "新生适应小组" if kind == "group" else "青春期教育")
    kw.setdefault("group_name", "向日葵组" if kind == "group" else "")
    created = Program.create(
        curriculum=cur.id, school=world.school, term=world.term, room=world.room, **kw
    )
    created.archive_code = issue_archive_code(created.id)  # as create_program does
    for worker in workers if workers is not None else [world.worker]:
        ProgramWorker.create(program=created, worker=worker)
    if kind != "group":
        ProgramClass.create(program=created, school_class=world.cls)
    for i, template in enumerate(sorted(cur.sessions, key=lambda t: t.seq)):
        Session.create(
            program=created,
            template=template.id,
            seq=template.seq,
            date=first + dt.timedelta(weeks=i),
            start=dt.time(16, 10),
            end=dt.time(17, 10),
            room=world.room,
            teaching_week=3 + i,
        )
    return created


def sessions_of(prog):
    return list(Session.select().where(Session.program == prog.id).order_by(Session.seq))


def student(world, consent=True, withdrawn=False, **kw):
    """A student of the world's school; with an observation consent unless told not to."""
    n = next(_seq)
    kw.setdefault("name", f"学生{n}")
    created = Student.create(
        school=world.school,
        archive_code=f"JX-RF-2026-{n:04d}",
        student_no=f"RF{n:05d}",
        school_class=world.cls,
        **kw,
    )
    if consent:
        Consent.create(
            student=created,
            purpose="observation",
            given_by="guardian",
            giver_name="家长",
            notice_version="v1",
            given_on=dt.date(2026, 9, 1),
            method="paper",
            withdrawn_on=local_today() if withdrawn else None,
        )
    return created


def members(prog, *students):
    for s in students:
        GroupMember.create(program=prog, student=s)
    return students


def reflection(session, author, **kw):
    kw.setdefault("observed_stage", "形成期")
    kw.setdefault("answers", {"问题": "回答"})
    if kw.get("status") in ("submitted", "signed_off"):
        kw.setdefault("submitted_at", now())
    return Reflection.create(session=session, author=author, **kw)


def follow_up(refl, student=None, **kw):
    kw.setdefault("note", "需要个别面谈")
    return FollowUp.create(reflection=refl, student=student, **kw)


def attendance(session, student, status="present"):
    return Attendance.create(session=session, student=student, status=status, tapped_at=now())


def headcount(session, n=40):
    return SessionRecord.create(session=session, headcount=n)


def consenting_group(world):
    """A six-meeting group of the world's worker: two members with observation consent,
    one without (namespace: program, sessions, ok, ok2, no)."""
    from types import SimpleNamespace

    prog = program(world)
    ok, ok2 = student(world, name="张小明"), student(world, name="李小红")
    no = student(world, name="王小刚", consent=False)
    members(prog, ok, ok2, no)
    return SimpleNamespace(program=prog, sessions=sessions_of(prog), ok=ok, ok2=ok2, no=no)
