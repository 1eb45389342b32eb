"""Screening fixtures: the shipped screening instrument, a round on a classroom program of
the world's worker, students with (or without) the screening consent, results."""

import datetime as dt

from planner.screening.models import ScreeningResult, ScreeningRound
from planner.screening.scoring import score
from planner.students.models import Consent
from tests.evaluation import factories as ef
from tests.reflections import factories as rf

SLUG = "screening-wellbeing"


def instrument():
    return ef.instruments()[SLUG]


def screening_round(world, inst=None, title="秋季心理筛查", **kw):
    """A round on a new one-lesson classroom program of the world's class."""
    program = rf.program(world, kind="classroom", sessions=1, title="心理筛查课", **kw)
    return ScreeningRound.create(
        program=program, instrument=inst or instrument(), title=title, created_by=world.worker
    )


def student(world, consent=True, **kw):
    """A student of the world's class; with the screening consent unless told not to."""
    s = rf.student(world, consent=False, **kw)
    if consent:
        Consent.create(
            student=s,
            purpose="screening",
            given_by="guardian",
            giver_name="家长",
            notice_version="v1",
            given_on=dt.date(2026, 9, 1),
            method="paper",
        )
    return s


def answers(inst, value=0, **by_key):
    out = {i["key"]: value for i in inst.items}
    out.update(by_key)
    return out


def result(rnd, student, value=0, **by_key):
    a = answers(rnd.instrument, value, **by_key)
    outcome = score(rnd.instrument, a)
    return ScreeningResult.create(
        round=rnd,
        student=student,
        answers=a,
        total=outcome.total,
        critical=outcome.critical,
        tier=outcome.tier,
    )


def form(inst, student_id, value=0, version=0, **by_key):
    data = {f"a_{k}": str(v) for k, v in answers(inst, value, **by_key).items()}
    data.update(student=str(student_id), version=str(version))
    return data
