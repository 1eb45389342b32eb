"""The shipped screening instrument and its published rule: the total is the sum, 关注 from
12, 高危 from 20, and the safety item answered at all is 高危 whatever the total; an
instrument file with a rule that can't be applied is refused with its place."""

import os

import pytest
import yaml

from planner import ROOT
from planner.evaluation.services import instruments_for, load_instruments
from planner.screening.scoring import score
from tests.screening import factories as sf

DIR = os.path.join(ROOT, "content", "instruments")


def test_the_shipped_instrument_is_ours_short_and_scored(app):
    inst = sf.instrument()
    assert inst.kind == "screening" and len(inst.items) == 12
    assert (inst.scale_min, inst.scale_max) == (0, 3)
    rule = inst.extra["scoring"]
    assert rule["tiers"] == {"concern": 12, "high": 20}
    assert rule["critical"] == {"items": ["q12"], "at_least": 1}
    text = _text()
    assert "本项目自编" in text and "计分规则" in text
    for name in ("SDQ", "PHQ", "MHT", "SCL"):
        assert name not in text


@pytest.mark.parametrize(
    "answers, total, tier, critical",
    [
        ({}, 0, "normal", False),
        ({"q1": 3, "q2": 3, "q3": 3, "q4": 2}, 11, "normal", False),
        ({"q1": 3, "q2": 3, "q3": 3, "q4": 3}, 12, "concern", False),
        ({f"q{n}": 2 for n in range(1, 11)}, 20, "high", False),
        ({"q12": 1}, 1, "high", True),  # the safety rule, whatever the total
        ({"q1": 3, "q12": 3}, 6, "high", True),
    ],
)
def test_the_rule(app, answers, total, tier, critical):
    inst = sf.instrument()
    outcome = score(inst, sf.answers(inst, 0, **answers))
    assert (outcome.total, outcome.tier, outcome.critical) == (total, tier, critical)


def test_screening_instruments_are_no_group_measure(app, world):
    sf.instrument()
    assert "screening-wellbeing" not in {i.slug for i in instruments_for(world.agency.id)}


def _text():
    with open(os.path.join(DIR, "screening-wellbeing.yaml"), encoding="utf-8") as fh:
        return fh.read()


def _doc(**kw):
    doc = yaml.safe_load(_text())
    doc["slug"] = "own-screening"
    doc.update(kw)
    return doc


@pytest.mark.parametrize(
    "change, words",
    [
        ({"scoring": None}, "计分规则"),
        ({"scoring": {"method": "sum", "tiers": {"concern": 20, "high": 12}}}, "分界值"),
        ({"scoring": {"method": "sum", "tiers": {"concern": 0, "high": 12}}}, "分界值"),
        ({"scoring": {"method": "sum", "tiers": {"concern": 12, "high": 99999}}}, "分界值"),
        ({"scoring": {"method": "mean", "tiers": {"concern": 12, "high": 20}}}, "scoring"),
        ({"scoring": {"method": "sum", "tiers": {"concern": "12", "high": 20}}}, "scoring"),
        (
            {
                "scoring": {
                    "method": "sum",
                    "tiers": {"concern": 12, "high": 20},
                    "critical": {"items": ["q99"], "at_least": 1},
                }
            },
            "安全题",
        ),
        (
            {
                "scoring": {
                    "method": "sum",
                    "tiers": {"concern": 12, "high": 20},
                    "critical": {"items": ["q12"], "at_least": 9},
                }
            },
            "安全题",
        ),
        ({"items": []}, "至少要有一道题目"),
        ({"kind": "likert", "applies_at": ["pre"]}, "计分规则"),
    ],
)
def test_an_agency_instrument_with_a_broken_rule_is_refused(tmp_path, change, words):
    doc = _doc(**change)
    if doc.get("scoring") is None:
        doc.pop("scoring")
    (tmp_path / "own-screening.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8"
    )
    items, problems = load_instruments(str(tmp_path))
    assert items == []
    text = "\n".join(str(p) for p in problems)
    assert "own-screening.yaml" in text and words in text, text


def test_an_agency_may_ship_its_own_instrument_by_the_same_file(tmp_path):
    doc = _doc(name="本机构筛查问卷")
    doc["scoring"]["tiers"] = {"concern": 10, "high": 18}
    (tmp_path / "own-screening.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8"
    )
    items, problems = load_instruments(str(tmp_path))
    assert problems == [] and items[0]["scoring"]["tiers"] == {"concern": 10, "high": 18}
