"""Casework fixtures: students with (or without) the casework consent, cases at a step,
case notes and referrals."""

import datetime as dt
import itertools

from planner.cases.models import Case, CaseNote, CaseRecord, CaseReferral
from planner.i18n import local_today
from planner.students.models import Consent
from tests.reflections import factories as rf

_seq = itertools.count(1)

INTAKE = {
    "introduction": "介绍了自己和学校社工服务",
    "first_information": "近期情绪低落",
    "emergency": "无",
    "decision": "take",
    "decision_reason": "符合服务范围",
}
ASSESSMENT = {"problem": "人际困扰", "environment": "家庭支持一般", "priorities": "先稳定情绪"}
PLAN = {
    "background": "背景",
    "theory": "认知行为",
    "overall_goal": "改善情绪",
    "specific_goals": "每周两次运动",
    "content": "个别面谈",
    "methods": "会谈",
    "action_steps": "六次面谈",
    "schedule": "每周一次",
    "evaluators": "社工与学生",
    "evaluation_methods": "GAS",
}


def consent(student, purpose="casework", given_by="guardian", **kw):
    return Consent.create(
        student=student,
        purpose=purpose,
        given_by=given_by,
        giver_name="家长",
        notice_version="v1",
        given_on=kw.pop("given_on", dt.date(2026, 9, 1)),
        method="paper",
        **kw,
    )


def student(world, consent_given=True, **kw):
    """A student of the world's class; with the casework consent unless told not to."""
    s = rf.student(world, consent=False, **kw)
    if consent_given:
        consent(s)
    return s


def case(world, student_=None, worker=None, step="intake", risk="normal", **kw):
    n = next(_seq)
    student_ = student_ or student(world)
    kw.setdefault("opened_on", local_today() - dt.timedelta(days=30))
    kw.setdefault("source", "self")
    return Case.create(
        school=kw.pop("school", world.school),
        student=student_,
        worker=worker or world.worker,
        step=step,
        risk=risk,
        archive_code=f"T-GA-{n:05d}",  # not the pattern issue_codes fills in
        **kw,
    )


def records(c, *steps):
    fields = {"intake": INTAKE, "assessment": ASSESSMENT, "plan": PLAN}
    for s in steps:
        CaseRecord.create(case=c, step=s, fields=dict(fields.get(s, {})))


def note(c, author=None, status="draft", **kw):
    kw.setdefault("kind", "direct")
    kw.setdefault("held_on", local_today())
    kw.setdefault("minutes", 40)
    kw.setdefault("note", "本次会谈讨论了近期的困扰")
    return CaseNote.create(case=c, author=author or c.worker, status=status, **kw)


def referral(c, **kw):
    day = local_today()
    kw.setdefault("target", "clinic")
    kw.setdefault("reason", "需要专业评估")
    kw.setdefault("consent_by", "guardian")
    kw.setdefault("consent_on", day)
    kw.setdefault("referred_on", day)
    return CaseReferral.create(case=c, **kw)
