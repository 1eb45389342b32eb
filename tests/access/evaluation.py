"""Evaluation routes: the group's workers enter scores and the judgement; the supervisor of
those workers reads the page; admins and teachers never see member-level evaluation (403);
another school's worker gets 404."""

import datetime as dt

from planner.evaluation.models import OtherEvaluation
from tests.access import ADMIN, only
from tests.evaluation import factories as ef
from tests.reflections import factories as rf


def setup(world):
    """A group of the world's worker with one consenting member, and the instruments."""
    world.instruments = ef.instruments()
    world.eval_program = rf.program(world, title="评估小组")
    world.eval_member = rf.student(world, name="评估组员")
    rf.members(world.eval_program, world.eval_member)
    OtherEvaluation.create(
        program=world.eval_program,
        source="peer",
        evaluator="同机构社工",
        held_on=dt.date(2026, 9, 30),
        judgement="目标清楚",
    )


WRITER = only({"worker"}, worker_other=404)

RULES = {
    "evaluation.page": (
        "GET",
        lambda w: f"/programs/{w.eval_program.id}/evaluation",
        None,
        only({"worker", "supervisor"}, worker_other=404, supervisor_other=403),
    ),
    "evaluation.judge": (
        "POST",
        lambda w: f"/programs/{w.eval_program.id}/evaluation",
        {"version": "0", "recommendations": "继续跟进。"},
        only({"worker"}, ok=303, worker_other=404),
    ),
    "evaluation.other_new": (
        "POST",
        lambda w: f"/programs/{w.eval_program.id}/evaluation/others",
        {"source": ""},
        only({"worker"}, ok=422, worker_other=404),
    ),
    "evaluation.score": (
        "GET",
        lambda w: (
            f"/programs/{w.eval_program.id}/members/"
            f"{w.eval_member.id}/scores/group-goal-self-rating/pre"
        ),
        None,
        WRITER,
    ),
    "evaluation.score_grid": (
        "GET",
        lambda w: f"/programs/{w.eval_program.id}/scores/group-goal-self-rating/pre",
        None,
        WRITER,
    ),
    "evaluation.gas": (
        "GET",
        lambda w: f"/programs/{w.eval_program.id}/members/{w.eval_member.id}/gas",
        None,
        WRITER,
    ),
    "evaluation.instruments": ("GET", lambda w: "/admin/instruments", None, ADMIN),
}
