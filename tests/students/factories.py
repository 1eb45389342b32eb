"""Students, consents and growth groups, made directly with the models."""

import datetime as dt
import itertools
import uuid

from planner.i18n import local_now
from planner.students.models import Consent, GroupMember, Student
from tests.curricula.factories import curriculum
from tests.feeds.factories import program

_seq = itertools.count(1)
CANARY = "欧阳小雪"  # a student name that must never reach a URL, a log line or the audit log


def student(school, school_class=None, **kw):
    n = next(_seq)
    kw.setdefault("archive_code", f"T-{uuid.uuid4().hex[:10]}")
    kw.setdefault("student_no", f"S{n:05d}")
    kw.setdefault("name", f"学生{n}")
    kw.setdefault("gender", "女" if n % 2 else "男")
    kw.setdefault("birth_date", dt.date(2013, 5, 1))
    return Student.create(school=school, school_class=school_class, **kw)


def consent(student, purpose="participation", **kw):
    kw.setdefault("given_by", "guardian")
    kw.setdefault("giver_name", "家长")
    kw.setdefault("notice_version", "2026-09")
    kw.setdefault("given_on", local_now().date() - dt.timedelta(days=30))
    kw.setdefault("method", "paper")
    return Consent.create(student=student, purpose=purpose, **kw)


def consenting(school, school_class=None, purposes=("participation",), givers=None, **kw):
    """A student with active consent for these purposes: by default from every giver their
    age asks for today (the guardian's, and from 14 their own as well)."""
    from planner.students.consent import required_givers

    created = student(school, school_class, **kw)
    for giver in givers or required_givers(created.birth_date, local_now().date()):
        for purpose in purposes:
            consent(created, purpose, given_by=giver)
    return created


def group(world, workers=None, **kw):
    """A growth-group program of the world's school (6 meetings), run by the world's worker."""
    cur = curriculum(kind="group", sessions=6, slug=f"group-{next(_seq)}")
    return program(
        world.school,
        world.term,
        world.room,
        curriculum=cur,
        workers=[world.worker] if workers is None else workers,
        title=kw.pop("title", "情绪成长小组"),
        **kw,
    )


def classroom(world):
    return program(
        world.school, world.term, world.room, workers=[world.worker], classes=[world.cls]
    )


def member(prog, student, active=True):
    return GroupMember.create(program=prog, student=student, active=active)


def consent_form(**kw):
    """The consent form as posted: a guardian's paper consent to take part, given today."""
    data = {
        "purpose": "participation",
        "given_by": "guardian",
        "giver_name": "王芳",
        "notice_version": "2026-09",
        "given_on": local_now().date().isoformat(),
        "method": "paper",
    }
    data.update(kw)
    return data
