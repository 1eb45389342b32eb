"""Evaluations by others (standard 10.2.3): the group's worker records a peer's or a third
party's judgement beside her own on the evaluation page; her supervisor reads it; admins,
teachers and other schools' workers can't record one."""

import datetime as dt

import pytest

from planner.evaluation.models import OtherEvaluation
from planner.i18n import local_today
from tests.conftest import login_as
from tests.reflections import factories as rf


def form(**kw):
    data = {
        "source": "third_party",
        "evaluator": "区社会组织评估中心",
        "held_on": (local_today() - dt.timedelta(days=3)).isoformat(),
        "judgement": "小组目标基本达成，记录完整。",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def group(world):
    return rf.program(world, title="同行评估小组")


def test_a_third_party_judgement_shows_beside_the_self_evaluation(app, world, group):
    worker = login_as(app.test_client(), world.worker)
    response = worker.post(f"/programs/{group.id}/evaluation/others", data=form())
    assert response.status_code == 303
    row = OtherEvaluation.get()
    assert (row.program_id, row.source, row.recorded_by_id) == (
        group.id,
        "third_party",
        world.worker.id,
    )
    page = login_as(app.test_client(), world.supervisor).get(f"/programs/{group.id}/evaluation")
    text = page.get_data(as_text=True)
    assert 'id="other-count">1<' in text and "区社会组织评估中心" in text
    assert 'id="judgement"' in text  # the worker's own evaluation stays beside it
    assert f'action="/programs/{group.id}/evaluation/others"' not in text  # read only


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source": "self"}, "source"),
        ({"evaluator": ""}, "evaluator"),
        ({"evaluator": "评" * 81}, "evaluator"),
        ({"held_on": "2026-02-30"}, "held_on"),
        ({"held_on": "1999-01-01"}, "held_on"),
        ({"held_on": (local_today() + dt.timedelta(days=1)).isoformat()}, "held_on"),
        ({"judgement": None}, "judgement"),
        ({"judgement": "意" * 2001}, "judgement"),
    ],
)
def test_a_bad_judgement_is_refused_and_nothing_saved(app, world, group, changes, field):
    worker = login_as(app.test_client(), world.worker)
    response = worker.post(f"/programs/{group.id}/evaluation/others", data=form(**changes))
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.get_data(as_text=True)
    assert OtherEvaluation.select().count() == 0


def test_nobody_else_records_one(app, world, group):
    for user, status in (
        (world.supervisor, 403),
        (world.admin, 403),
        (world.teacher, 403),
        (world.worker_other, 404),
    ):
        client = login_as(app.test_client(), user)
        assert (
            client.post(f"/programs/{group.id}/evaluation/others", data=form()).status_code
            == status
        )
    assert OtherEvaluation.select().count() == 0
