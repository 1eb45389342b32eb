"""content/ is the library's source of truth: lint rules, all-or-nothing import, export."""

import glob
import os
import shutil

import pytest
import yaml

from planner import ROOT
from planner.curricula.content import dump, load_file, load_library
from planner.curricula.models import Curriculum, SessionTemplate
from planner.curricula.services import export_library, import_library
from tests.curricula.factories import curriculum_data

LIBRARY = os.path.join(os.path.dirname(__file__), "..", "..", "content", "curricula")


def write(tmp_path, data, name=None):
    path = tmp_path / (name or f"{data['slug']}.yaml")
    path.write_text(dump(data), encoding="utf-8")
    return str(path)


def problems_for(tmp_path, data, name=None):
    _, found = load_file(write(tmp_path, data, name))
    return found


BANDS = ("小学低段", "小学中段", "小学高段", "初中", "高中")
# The topics every band's students meet in class (issue 15), by the slug's first word:
# life = 生命教育, safety = 安全与自我保护, emotion = 情绪 (with 心理危机预防与求助 in 初中 and
# 高中), friendship = 人际/防欺凌, online = 网络素养.
EVERY_BAND = {"life", "safety", "emotion", "friendship", "online"}
SOME_BANDS = {
    "puberty": {"小学高段", "初中", "高中"},
    "career": {"初中", "高中"},
}


def test_shipped_library_passes_and_covers_the_brief():
    """The library a worker can run a year from (issue 15's targets)."""
    items, problems = load_library(LIBRARY)
    assert problems == []
    students = [c for c in items if c.get("audience", "students") == "students"]
    topics = {band: set() for band in BANDS}
    for c in students:
        if c["kind"] == "classroom":
            topics[c["grade_band"]].add(c["slug"].split("-")[0])
    for band in BANDS:
        assert EVERY_BAND <= topics[band], band
        assert len(topics[band]) >= 4, band
    for topic, bands in SOME_BANDS.items():
        assert {b for b in BANDS if topic in topics[b]} >= bands, topic
    crisis = [c for c in students if c["slug"] in ("emotion-junior", "emotion-senior")]
    for c in crisis:  # 心理危机预防与求助 in 初中 and 高中
        assert any("disclosure" in s.get("sensitivity", []) for s in c["sessions"]), c["slug"]
    transitions = {g for c in students if c["slug"].startswith("transition-") for g in c["grades"]}
    assert transitions == {1, 7, 10}
    groups = [c for c in items if c["kind"] == "group"]
    assert len(groups) >= 12 and len([g for g in groups if g["tier"] == "特需类"]) >= 5
    for audience, series, sessions in (("parents", 3, 12), ("teachers", 1, 4)):
        theirs = [c for c in items if c.get("audience") == audience]
        assert len(theirs) >= series and sum(len(c["sessions"]) for c in theirs) >= sessions
    assert len(items) >= 40 and sum(len(c["sessions"]) for c in items) >= 260
    for c in items:  # every curriculum's worksheets, cards and letters are written out
        refs = [
            m
            for s in c["sessions"]
            for m in (s.get("materials") or [])
            + [x for a in s["activities"] for x in (a.get("materials") or [])]
            if isinstance(m, dict)
        ]
        assert refs, c["slug"]
    own = glob.glob(os.path.join(LIBRARY, "..", "instruments", "*.yaml"))
    assert len(own) - len(["gas.yaml", "likert-template.yaml"]) >= 12
    assert any(c["grade_band"].startswith("小学") for c in groups)
    single = [c["slug"] for c in items if len(c["sessions"]) == 1]
    assert single == ["screening-lesson"]  # the one single-period lesson: a screening round
    for c in items:
        if c["slug"] in single:
            assert c["kind"] == "classroom"
        else:
            assert (
                (4 if c["kind"] == "classroom" else 6)
                <= len(c["sessions"])
                <= (8 if c["kind"] == "classroom" else 10)
            )
        for s in c["sessions"]:
            assert (
                s["objectives"]["knowledge"]
                and s["objectives"]["skill"]
                and s["objectives"]["attitude"]
            )
            assert all(a["steps"] for a in s["activities"])
            assert sum(a["minutes"] for a in s["activities"]) <= c["period_minutes"]
        if c["kind"] == "group":
            assert {s["stage"] for s in c["sessions"]} == {"形成期", "转折期", "成熟期", "结束期"}


@pytest.mark.parametrize(
    "breakage, field, text",
    [
        (lambda d: d.pop("title"), "title", "必填"),
        (lambda d: d.update(colour="red"), "colour", "Unknown field"),
        (
            lambda d: d["sessions"][1]["activities"][1].update(minutes=40),
            "sessions.1.activities",
            "超过单节时长",
        ),
        (lambda d: d["plan"].update(methods=""), "plan.methods", "服务方法"),
        (lambda d: d["plan"].pop("evaluators"), "plan.evaluators", "评估参与者"),
        (lambda d: d.update(grade_band="小学高段", grades=[5]), "period_minutes", "40"),
        (lambda d: d.update(grades=[10]), "grades", "学段"),
        (lambda d: d["sessions"][0].update(seq=3), "sessions.0.seq", "依次"),
        (
            lambda d: d["sessions"][0]["activities"][0].update(phase="热身"),
            "sessions.0.activities.0.phase",
            "导入",
        ),
        (
            lambda d: d["sessions"][0]["activities"][0].update(minutes="ten"),
            "sessions.0.activities.0.minutes",
            "整数",
        ),
    ],
)
def test_each_lint_rule_names_file_line_and_field(tmp_path, breakage, field, text):
    data = curriculum_data()
    breakage(data)
    found = problems_for(tmp_path, data)
    assert found, "the broken file was accepted"
    match = [p for p in found if p.field == field]
    assert match, [str(p) for p in found]
    assert text in match[0].message
    assert match[0].file == "test-classroom.yaml"
    assert match[0].line >= 1


def test_problem_line_points_at_the_field(tmp_path):
    data = curriculum_data()
    data["sessions"][2]["activities"][0]["minutes"] = "ten"
    path = write(tmp_path, data)
    _, found = load_file(path)
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    assert "minutes: ten" in lines[found[0].line - 1]
    assert str(found[0]).startswith(
        f"test-classroom.yaml:{found[0].line}: sessions.2.activities.0.minutes:"
    )


@pytest.mark.parametrize(
    "stages, text",
    [
        (["形成期", "成熟期", "转折期", "成熟期", "结束期", "结束期"], "倒退"),
        (["形成期", "转折期", "成熟期", "成熟期", "成熟期", "成熟期"], "结束期"),
        (["转折期", "转折期", "成熟期", "成熟期", "成熟期", "结束期"], "形成期"),
        (["形成期", "筹备", "成熟期", "成熟期", "成熟期", "结束期"], "小组阶段须为"),
    ],
)
def test_group_stage_rules(tmp_path, stages, text):
    data = curriculum_data("group", sessions=6)
    for session, stage in zip(data["sessions"], stages):
        session["stage"] = stage
    found = problems_for(tmp_path, data)
    assert any(text in p.message for p in found), [str(p) for p in found]


def test_group_fields_are_required_for_groups(tmp_path):
    data = curriculum_data("group", sessions=6)
    data["plan"].pop("contract")
    found = problems_for(tmp_path, data)
    assert [p.field for p in found] == ["plan.contract"]


def test_classroom_lessons_have_no_stage(tmp_path):
    data = curriculum_data()
    data["sessions"][0]["stage"] = "形成期"
    assert any("不设小组阶段" in p.message for p in problems_for(tmp_path, data))


def test_yaml_syntax_error_reports_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("slug: broken\ntitle: [unclosed\nversion: 1\n", encoding="utf-8")
    _, found = load_file(str(path))
    assert found[0].field == "(file)" and "YAML" in found[0].message and found[0].line >= 2


def test_file_name_must_match_slug(tmp_path):
    found = problems_for(tmp_path, curriculum_data(), name="other.yaml")
    assert found[0].field == "slug" and "test-classroom.yaml" in found[0].message


def test_duplicate_slug_and_version_is_a_problem(tmp_path):
    write(tmp_path, curriculum_data())
    write(tmp_path, curriculum_data(), name="test-classroom.v1.yaml")
    _, found = load_library(str(tmp_path))
    assert any("also used by" in p.message for p in found)


def test_import_is_all_or_nothing_from_the_cli(app, tmp_path):
    write(tmp_path, curriculum_data(slug="good-one"))
    broken = curriculum_data(slug="bad-one")
    broken["plan"]["content"] = ""
    write(tmp_path, broken)
    result = app.test_cli_runner().invoke(
        args=["planner", "content", "import", "--dir", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "bad-one.yaml" in result.output and "nothing was imported" in result.output
    assert Curriculum.select().count() == 0


def test_check_cli_passes_on_the_shipped_library(app):
    result = app.test_cli_runner().invoke(args=["planner", "content", "check"])
    shipped = len(glob.glob(os.path.join(ROOT, "content", "curricula", "*.yaml")))
    assert shipped >= 15  # the starter library only grows
    assert result.exit_code == 0 and f"{shipped} curricula" in result.output, result.output


def test_import_is_idempotent_and_updates_changed_content(app, tmp_path):
    items, _ = load_library(LIBRARY)
    assert import_library(items)["created"] == len(items)
    before = SessionTemplate.select().count()
    again = import_library(items)
    assert (again["created"], again["updated"], again["versioned"]) == (0, 0, 0)
    assert again["unchanged"] == len(items)
    assert SessionTemplate.select().count() == before
    items[0]["title"] = "改过的标题"
    assert import_library(items)["updated"] == 1
    assert Curriculum.get(Curriculum.slug == items[0]["slug"]).title == "改过的标题"


def test_import_then_export_round_trips_byte_for_byte(app, tmp_path):
    items, _ = load_library(LIBRARY)
    import_library(items)
    out = tmp_path / "out"
    export_library(str(out))
    names = sorted(n for n in os.listdir(LIBRARY) if n.endswith(".yaml"))
    assert sorted(os.listdir(out)) == names
    for name in names:
        with open(os.path.join(LIBRARY, name), "rb") as a, open(out / name, "rb") as b:
            assert a.read() == b.read(), name
    # and the exported files load back to the same data
    again, problems = load_library(str(out))
    assert problems == [] and again == items


def test_export_keeps_older_versions_in_their_own_files(app, tmp_path):
    import_library(
        [
            curriculum_data(slug="two-versions"),
            curriculum_data(slug="two-versions", version=2, title="第二版"),
        ]
    )
    export_library(str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == ["two-versions.v1.yaml", "two-versions.yaml"]
    assert yaml.safe_load((tmp_path / "two-versions.yaml").read_text("utf-8"))["version"] == 2
    shutil.rmtree(tmp_path)
