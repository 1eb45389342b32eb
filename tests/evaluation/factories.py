"""Evaluation fixtures: the shipped instruments loaded, scores and GAS goals made with the
models (the services are what the tests exercise)."""

import os

from planner import ROOT
from planner.evaluation.models import GasGoal, Instrument, Score
from planner.evaluation.services import import_instruments, load_instruments


def instruments() -> dict:
    """content/instruments imported; slug → Instrument."""
    items, problems = load_instruments(os.path.join(ROOT, "content", "instruments"))
    assert not problems, problems
    import_instruments(items)
    return {i.slug: i for i in Instrument.select()}


def score(program, student, instrument, timepoint, value=None, answers=None, **kw):
    """A score with every item answered `value` (or the given answers)."""
    answers = answers or {i["key"]: value for i in instrument.items}
    kw.setdefault("score", sum(answers.values()) / len(answers))
    return Score.create(
        program=program,
        student=student,
        instrument=instrument,
        timepoint=timepoint,
        answers=answers,
        **kw,
    )


def goal(program, student, order=1, post=None, weight=1, **kw):
    kw.setdefault("text", f"目标{order}")
    return GasGoal.create(
        program=program,
        student=student,
        order=order,
        weight=weight,
        post=post,
        levels=["-2", "-1", "0", "+1", "+2"],
        **kw,
    )
