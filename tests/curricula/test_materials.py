"""Issue 15's content model: audience, tier, instruments, local facts, grade notes, material
references, and content/materials loaded, checked, imported and exported."""

import os

import pytest

from planner.curricula.content import dump, load_content, load_file, load_material
from planner.curricula.models import Curriculum, Material
from tests.curricula.factories import curriculum_data

WORKSHEET = {
    "slug": "test-classroom-auction",
    "title": "生命价值拍卖清单",
    "kind": "worksheet",
    "audience": "students",
    "blocks": [
        {"heading": "一、拍卖规则"},
        {"text": "每人有 1000 元虚拟币。"},
        {"items": ["一次出价至少 50 元", "成交后不能反悔"]},
        {"numbered": ["看清单", "出价"]},
        {"lines": 4},
        {"table": {"columns": ["价值", "我的出价", "成交价"], "rows": 10}},
        {"table": {"columns": ["情境", "做法"], "data": [["被嘲笑", "告诉老师"]]}},
        {"cards": ["卡片一", "卡片二"]},
        {"checklist": ["健康", "友谊"]},
    ],
}


def make_library(tmp_path, curricula=(), materials=(), instruments=("satisfaction",)):
    for folder in ("curricula", "materials", "instruments"):
        (tmp_path / folder).mkdir(exist_ok=True)
    for data in curricula:
        (tmp_path / "curricula" / f"{data['slug']}.yaml").write_text(dump(data), "utf-8")
    for data in materials:
        (tmp_path / "materials" / f"{data['slug']}.yaml").write_text(dump(data), "utf-8")
    for slug in instruments:
        (tmp_path / "instruments" / f"{slug}.yaml").write_text(f"slug: {slug}\n", "utf-8")
    return str(tmp_path / "curricula")


def parents_data(**kw):
    data = curriculum_data(slug="test-parents", audience="parents", period_minutes=90, **kw)
    data.pop("grade_band")
    data.pop("grades")
    return data


def problems(tmp_path, data):
    path = tmp_path / f"{data['slug']}.yaml"
    path.write_text(dump(data), "utf-8")
    return {p.field: p.message for p in load_file(str(path))[1]}


def test_a_material_file_with_every_block_kind_loads(tmp_path):
    path = tmp_path / "test-classroom-auction.yaml"
    path.write_text(dump(WORKSHEET), "utf-8")
    data, found = load_material(str(path))
    assert found == []
    assert data["blocks"][5]["table"]["rows"] == 10


@pytest.mark.parametrize(
    "breakage, field",
    [
        (lambda m: m.update(kind="poster"), "kind"),
        (lambda m: m.update(blocks=[]), "blocks"),
        (lambda m: m["blocks"].append({"heading": "a", "text": "b"}), "blocks.9._schema"),
        (lambda m: m["blocks"].append({"lines": 21}), "blocks.9.lines"),
        (lambda m: m["blocks"].append({"table": {"columns": ["a"]}}), "blocks.9.table._schema"),
        (
            lambda m: m["blocks"].append({"table": {"columns": ["a"], "data": [["x", "y"]]}}),
            "blocks.9.table.data",
        ),
        (lambda m: m["blocks"].append({"text": "长" * 2001}), "blocks.9.text"),
        (lambda m: m.update(title="长" * 61), "title"),
    ],
)
def test_a_broken_material_names_its_field(tmp_path, breakage, field):
    data = dict(WORKSHEET, blocks=list(WORKSHEET["blocks"]))
    breakage(data)
    path = tmp_path / "test-classroom-auction.yaml"
    path.write_text(dump(data), "utf-8")
    _, found = load_material(str(path))
    assert field in {p.field for p in found}, [str(p) for p in found]


def test_a_parents_curriculum_has_no_grade_band_and_round_trips(app, tmp_path):
    data = parents_data()
    assert problems(tmp_path, data) == {}
    assert "grade_band" in problems(tmp_path, dict(data, grade_band="初中"))
    assert "kind" in problems(tmp_path, dict(data, kind="group"))
    assert "period_minutes" in problems(tmp_path, dict(data, period_minutes=30))
    assert "tier" in problems(tmp_path, dict(data, tier="普通类"))
    student = curriculum_data()
    student.pop("grade_band")
    assert "grade_band" in problems(tmp_path, student)


def test_material_references_and_plan_fields_load_and_round_trip(app, tmp_path):
    from planner.curricula.services import canonical, create_from_data, to_data, with_sessions

    data = curriculum_data(instruments=["satisfaction"])
    data["sessions"][0]["materials"] = ["彩笔", {"ref": "test-classroom-auction"}]
    data["sessions"][0]["changes_room"] = True
    data["sessions"][0]["activities"][1]["materials"] = [{"ref": "test-classroom-auction"}]
    data["sessions"][0]["activities"][1]["collects"] = ["posttest"]
    data["plan"]["local_facts"] = ["新高考：3+1+2 与 3+3 省份不同"]
    data["plan"]["grade_notes"] = {7: "七年级版本", 8: "八年级版本"}
    path = tmp_path / "test-classroom.yaml"
    path.write_text(dump(data), "utf-8")
    loaded, found = load_file(str(path))
    assert found == []
    create_from_data(loaded)
    (row,) = with_sessions(Curriculum.select().where(Curriculum.slug == "test-classroom"))
    back = to_data(row)
    assert back["plan"]["grade_notes"] == {7: "七年级版本", 8: "八年级版本"}
    assert back["sessions"][0]["materials"][1] == {"ref": "test-classroom-auction"}
    assert back["sessions"][0]["changes_room"] is True
    assert back["sessions"][0]["activities"][1]["collects"] == ["posttest"]
    assert dump(back) == dump(canonical(loaded))


@pytest.mark.parametrize(
    "item", [{"ref": "Bad Slug"}, {"ref": "a", "extra": 1}, 7, {"name": "x"}, "长" * 301]
)
def test_a_bad_materials_item_is_refused(tmp_path, item):
    data = curriculum_data()
    data["sessions"][0]["materials"] = [item]
    assert any(f.startswith("sessions.0.materials") for f in problems(tmp_path, data))


def test_links_resolve_rule_4(tmp_path):
    data = curriculum_data(instruments=["satisfaction", "no-such-scale"])
    data["sessions"][1]["activities"][1]["materials"] = [{"ref": "no-such-sheet"}]
    lib = load_content(make_library(tmp_path, [data], [WORKSHEET]), quality=False)
    fields = {p.field: p.message for p in lib.problems}
    assert "no-such-sheet" in fields["sessions.1.activities.1.materials.0"]
    assert "no-such-scale" in fields["instruments.1"]
    assert all(p.line for p in lib.problems)
    data["instruments"] = ["satisfaction"]
    data["sessions"][1]["activities"][1]["materials"] = [{"ref": "test-classroom-auction"}]
    assert load_content(make_library(tmp_path, [data], [WORKSHEET]), quality=False).problems == []


def test_import_and_export_cover_materials(app, tmp_path):
    data = curriculum_data()
    data["sessions"][0]["materials"] = [{"ref": "test-classroom-auction"}]
    directory = make_library(tmp_path, [data], [WORKSHEET])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["planner", "content", "import", "--dir", directory])
    assert result.exit_code == 0, result.output
    assert "materials: 1 new" in result.output
    assert Material.get(Material.slug == "test-classroom-auction").blocks[0] == {
        "heading": "一、拍卖规则"
    }
    out = tmp_path / "out" / "curricula"
    result = runner.invoke(args=["planner", "content", "export", "--dir", str(out)])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "out" / "materials" / "test-classroom-auction.yaml").read_text("utf-8")
    assert written == (tmp_path / "materials" / "test-classroom-auction.yaml").read_text("utf-8")
    # a broken material stops the whole import
    (tmp_path / "materials" / "test-classroom-auction.yaml").write_text("slug: [", "utf-8")
    result = runner.invoke(args=["planner", "content", "import", "--dir", directory])
    assert result.exit_code != 0


def test_the_shipped_materials_folder_loads():
    root = os.path.join(os.path.dirname(__file__), "..", "..", "content")
    lib = load_content(os.path.join(root, "curricula"), quality=False)
    assert lib.problems == []
