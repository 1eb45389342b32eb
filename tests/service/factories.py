"""Service-record fixtures: a letter, a consultation, a supervision session, a training
record, feedback and a school's public token."""

import datetime as dt

from planner.service.models import (
    Consultation,
    Feedback,
    FeedbackLink,
    Letter,
    SupervisionAttendee,
    SupervisionSession,
    Training,
)
from planner.students.models import Student

DAY = dt.date(2026, 9, 14)


def student(world, code=None, name="来信学生", school=None):
    school = school or world.school
    n = Student.select().count() + 1
    return Student.create(
        school=school,
        archive_code=code or f"{school.code}-LT-2026-{n:04d}",
        student_no=f"LT{n:04d}",
        name=name,
        school_class=world.cls if school == world.school else None,
    )


def letter(world, urgent=False, student=None, worker=None, **kw):
    fields = dict(
        school=world.school,
        worker=worker or world.worker,
        received_on=DAY,
        channel="mailbox",
        student=student,
        category="emotion",
        urgent=urgent,
        text="来信内容",
        reply_due=DAY + dt.timedelta(days=3),
        flagged_at=dt.datetime(2026, 9, 14, 2) if urgent else None,
    )
    fields.update(kw)
    return Letter.create(**fields)


def consultation(world, kind="parent", student=None, people=1, worker=None, **kw):
    fields = dict(
        school=world.school,
        worker=worker or world.worker,
        held_on=DAY,
        kind=kind,
        student=student,
        people=people,
        purpose="了解情况",
        minutes=30,
        note="",
    )
    fields.update(kw)
    return Consultation.create(**fields)


def supervision(supervisor, workers, mode="group", **kw):
    fields = dict(
        supervisor=supervisor,
        held_on=DAY,
        mode=mode,
        kind="educational",
        minutes=60,
        topics="小组带领技巧",
    )
    fields.update(kw)
    row = SupervisionSession.create(**fields)
    for w in workers:
        SupervisionAttendee.create(session=row, worker=w)
    return row


def training(worker, hours=6, kind="continuing", held_on=None, **kw):
    return Training.create(
        worker=worker,
        kind=kind,
        course=kw.pop("course", "危机干预"),
        held_on=held_on or DAY,
        tenths=int(hours * 10),
        **kw,
    )


def feedback(world, kind="complaint", **kw):
    return Feedback.create(school=world.school, kind=kind, text=kw.pop("text", "意见内容"), **kw)


def token(school, value=None):
    link = FeedbackLink.get_or_none(FeedbackLink.school == school.id)
    if link is None:
        link = FeedbackLink.create(school=school, token=value or f"tok{school.id}abcdefghijk")
    return link.token
