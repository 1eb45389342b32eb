"""The quality rules of `content check` (issue 15), each against a broken file; the shipped
library passes them all."""

import copy
import os

import pytest

from planner.curricula.content import dump, load_content
from tests.curricula.factories import curriculum_data

LIBRARY = os.path.join(os.path.dirname(__file__), "..", "..", "content", "curricula")
ROOM = "以后在生活中遇到类似的情况，你打算怎样做？"


def good(**kw):
    """A curriculum that passes every quality rule: 42 of 45 minutes, debriefs that ask
    about using what was learnt, an evaluation activity of its own, linked instruments."""
    data = curriculum_data(**dict({"instruments": ["satisfaction"]}, **kw))
    for session in data["sessions"]:
        session["activities"][1]["minutes"] = 27
        session["activities"][1]["debrief"] = ["你发现了什么？", ROOM]
    last = data["sessions"][-1]
    last["activities"][1]["minutes"] = 19
    last["activities"].insert(
        2,
        {
            "phase": "总结",
            "title": "填写满意度问卷",
            "minutes": 8,
            "purpose": "收集学生对本系列课的评价",
            "steps": ["发放满意度问卷，说明匿名填写", "学生独立填写，社工回收"],
            "materials": [],
            "debrief": [],
            "collects": ["satisfaction"],
        },
    )
    return data


def check(tmp_path, *curricula):
    for folder in ("curricula", "materials", "instruments"):
        (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / "instruments" / "satisfaction.yaml").write_text("slug: satisfaction\n", "utf-8")
    for data in curricula:
        (tmp_path / "curricula" / f"{data['slug']}.yaml").write_text(dump(data), "utf-8")
    return load_content(str(tmp_path / "curricula")).problems


def messages(problems, rule):
    return [p for p in problems if p.message.startswith(rule)]


def test_a_good_curriculum_passes(tmp_path):
    assert [str(p) for p in check(tmp_path, good())] == []


def test_rule_1_slack(tmp_path):
    data = good()
    data["sessions"][0]["activities"][1]["minutes"] = 30  # 45 of 45
    found = messages(check(tmp_path, data), "规则1")
    assert [p.field for p in found] == ["sessions.0.activities"]
    data = good()
    data["sessions"][1]["changes_room"] = True  # 42 of 45: 3 free, 5 needed
    found = messages(check(tmp_path, data), "规则1")
    assert [p.field for p in found] == ["sessions.1.activities"] and "5 分钟" in found[0].message


@pytest.mark.parametrize(
    "breakage, field",
    [
        (lambda a: a.update(minutes=7), "minutes"),  # 8 needed
        (lambda a: a.update(debrief=["你喜欢这门课吗？"]), "steps"),  # does something else
        (lambda a: a.update(title="告别", steps=["和同学说再见"]), "steps"),  # says no collection
        (lambda a: a.pop("collects"), "collects"),  # mentions 问卷 without collects
    ],
)
def test_rule_2_time_to_evaluate(tmp_path, breakage, field):
    data = good()
    breakage(data["sessions"][-1]["activities"][2])
    found = messages(check(tmp_path, data), "规则2")
    assert [p.field for p in found] == [f"sessions.3.activities.2.{field}"]


def test_rule_2_needs_ten_minutes_in_primary_school(tmp_path):
    data = good(grade_band="小学高段", grades=[5, 6], period_minutes=40)
    for session in data["sessions"]:
        session["activities"][1]["minutes"] = 22
    data["sessions"][-1]["activities"][1]["minutes"] = 14
    found = messages(check(tmp_path, data), "规则2")
    assert found and "10 分钟" in found[0].message


def test_rule_3_debriefs(tmp_path):
    data = good()
    data["sessions"][0]["activities"][1]["debrief"] = ["你发现了什么？"]
    data["sessions"][1]["activities"][1]["debrief"] = ["你发现了什么？", "你有什么感受？"]
    found = messages(check(tmp_path, data), "规则3")
    assert [p.field for p in found] == [
        "sessions.0.activities.1.debrief",
        "sessions.1.activities.1.debrief",
    ]
    data = good()
    data["sessions"][0]["activities"][1].update(minutes=9, debrief=[])  # under 10 minutes
    assert messages(check(tmp_path, data), "规则3") == []


def test_rule_4_links_resolve(tmp_path):
    data = good(instruments=["satisfaction", "missing-scale"])
    data["sessions"][0]["materials"] = [{"ref": "missing-sheet"}]
    found = messages(check(tmp_path, data), "规则4")
    assert {p.field for p in found} == {"instruments.1", "sessions.0.materials.0"}


def test_rule_5_repeats_across_curricula_whose_grades_overlap(tmp_path):
    first = good(slug="first-series")
    second = good(slug="second-series")
    for session in second["sessions"]:
        session["activities"][1]["title"] = "别的活动"
        session["activities"][1]["steps"] = ["完全不同的做法甲", "完全不同的做法乙"]
    assert messages(check(tmp_path, first, second), "规则5") == []
    second["sessions"][2]["activities"][1]["title"] = "讨论"  # first's title
    found = messages(check(tmp_path, first, second), "规则5")
    assert [p.field for p in found] == ["sessions.2.activities.1.title"]
    assert "first-series" in found[0].message
    # steps more than half alike, under another title
    second["sessions"][2]["activities"][1].update(title="换个名字", steps=["第一步", "另一步"])
    second["sessions"][2]["activities"][1]["steps"] = ["第一步。"]
    assert messages(check(tmp_path, first, second), "规则5")
    # no overlap in grades: not a repeat; parents' curricula are not students'
    other = copy.deepcopy(second)
    other["grades"] = [9]
    assert messages(check(tmp_path, first, other), "规则5") == []


def test_rule_6_disclosure_wording(tmp_path):
    data = good()
    data["sessions"][1]["sensitivity"] = ["disclosure"]
    found = messages(check(tmp_path, data), "规则6")
    assert [p.field for p in found] == ["sessions.1.sensitivity"]
    data["sessions"][1]["preparation"] = "发现疑似侵害，按强制报告制度立即报告。"
    assert messages(check(tmp_path, data), "规则6") == []
    data["sessions"][1]["preparation"] += "需要时向公安机关报告。"
    assert [p.field for p in messages(check(tmp_path, data), "规则6")] == ["sessions.1"]


def test_grade_notes_and_instruments_are_required_of_a_series(tmp_path):
    data = good(grades=[7, 8, 9], instruments=[])
    fields = {p.field for p in check(tmp_path, data)}
    assert {"plan.grade_notes", "instruments"} <= fields
    data["plan"]["grade_notes"] = {7: "七年级", 8: "八年级", 9: "九年级"}
    data["instruments"] = ["satisfaction"]
    assert check(tmp_path, data) == []


def test_the_shipped_library_passes_every_quality_rule():
    problems = load_content(LIBRARY).problems
    assert [str(p) for p in problems] == []


def test_steps_are_alike_when_more_than_half_match_and_not_at_half():
    """Rule 5's step test at its boundary (it stops early once the answer is known)."""
    from planner.curricula.rules import steps_alike

    same = ["社工发放情景卡，每组一张", "小组讨论三分钟并记录", "每组派代表分享", "社工小结要点"]
    other = ["请学生闭眼深呼吸", "播放轻音乐两分钟", "写下此刻的心情", "与同桌交换卡片"]
    assert steps_alike(same, same)
    assert steps_alike(same[:3] + other[:1], same)  # 3 of 4
    assert not steps_alike(same[:2] + other[:2], same)  # 2 of 4: half is not more than half
    assert steps_alike(same[:2] + other[:1], same)  # 2 of 3 (the shorter list decides)
    assert not steps_alike(other, same) and not steps_alike([], same)
    assert steps_alike(["社工发放情景卡，每组一份"], same)  # near-identical wording
