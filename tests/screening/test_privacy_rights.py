"""Screening results are part of what is held about a student: the personal data export
lists them, an erasure clears the worker's free-text reason, and the purge removes them
after the scores' retention period."""

import datetime as dt

from planner.privacy.anonymise import anonymise_student
from planner.privacy.requests import student_data
from planner.privacy.retention import _scores
from planner.screening.models import ScreeningResult
from tests.screening import factories as sf


def test_the_export_lists_results_and_an_erasure_clears_the_reason(world, rnd):
    s = sf.student(world, name="权利测试")
    res = sf.result(rnd, s, 1)
    ScreeningResult.update(override_tier="concern", override_reason="权利测试说睡不好").execute()
    held = student_data(world.worker, s)["screening"]
    assert held == [
        {
            "round": rnd.title,
            "instrument": rnd.instrument.name,
            "answers": res.answers,
            "total": 12,
            "tier": "high",
            "override_tier": "concern",
            "override_reason": "权利测试说睡不好",
        }
    ]
    anonymise_student(s)
    assert ScreeningResult.get_by_id(res.id).override_reason == ""


def test_the_purge_removes_results_past_the_scores_period(world, rnd):
    old = sf.result(rnd, sf.student(world), 1)
    new = sf.result(rnd, sf.student(world), 1)
    ScreeningResult.update(updated_at=dt.datetime(2019, 1, 1)).where(
        ScreeningResult.id == old.id
    ).execute()
    cutoffs = {"scores": dt.date(2020, 1, 1)}
    assert _scores(world.agency.id, cutoffs, dry_run=True) == 1
    assert ScreeningResult.select().count() == 2
    assert _scores(world.agency.id, cutoffs, dry_run=False) == 1
    assert [r.id for r in ScreeningResult.select()] == [new.id]
