"""Instruments are data: the shipped files validate, import is an upsert, a broken file is
refused with file, line and field, and an admin can add the agency's own Likert scale."""

import os

import yaml

from planner import ROOT
from planner.evaluation.models import Instrument
from planner.evaluation.services import import_instruments, load_instruments
from tests.conftest import login_as

DIR = os.path.join(ROOT, "content", "instruments")


def test_shipped_instruments_validate_and_import_idempotently(app):
    items, problems = load_instruments(DIR)
    assert problems == []
    shipped = {n[: -len(".yaml")] for n in os.listdir(DIR) if n.endswith(".yaml")}
    assert {i["slug"] for i in items} == shipped  # each file named after its slug
    assert {"gas", "group-goal-self-rating", "satisfaction", "screening-wellbeing"} <= shipped
    assert import_instruments(items) == len(shipped)
    import_instruments(items)
    assert Instrument.select().count() == len(shipped)
    rating = Instrument.get(Instrument.slug == "group-goal-self-rating")
    assert (rating.scale_min, rating.scale_max, len(rating.items)) == (1, 5, 9)
    assert rating.purpose == "outcome"
    assert Instrument.get(Instrument.slug == "satisfaction").purpose == "satisfaction"
    assert Instrument.get(Instrument.slug == "gas").extra["rho"] == 0.3
    assert Instrument.get(Instrument.slug == "likert-template").archived  # a file to copy


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _likert(**kw):
    data = {
        "slug": "my-scale",
        "name": "我的量表",
        "kind": "likert",
        "scale": {"min": 1, "max": 4, "labels": ["一", "二", "三", "四"]},
        "applies_at": ["pre", "post"],
        "items": [{"key": "q1", "text": "题目"}],
    }
    data.update(kw)
    return data


def test_broken_instrument_files_are_refused_with_their_place(tmp_path):
    _write(tmp_path, "my-scale.yaml", _likert(scale={"min": 1, "max": 4, "labels": ["一", "二"]}))
    _write(
        tmp_path,
        "dup.yaml",
        _likert(slug="dup", items=[{"key": "q1", "text": "a"}, {"key": "q1", "text": "b"}]),
    )
    _write(tmp_path, "empty.yaml", _likert(slug="empty", items=[]))
    _write(tmp_path, "when.yaml", _likert(slug="when", applies_at=["someday"]))
    items, problems = load_instruments(str(tmp_path))
    assert items == []
    text = "\n".join(str(p) for p in problems)
    assert "my-scale.yaml" in text and "等级说明的个数" in text
    assert "dup.yaml" in text and "题目编号不能重复" in text
    assert "empty.yaml" in text and "至少要有一道题目" in text
    assert "when.yaml" in text and "applies_at" in text


FORM = {
    "name": "校园归属感量表",
    "slug": "belonging",
    "description": "请按实际情况选择。",
    "points": "4",
    "labels": "不同意\n有点不同意\n有点同意\n同意",
    "items": "我喜欢我的学校。\n在学校里我有可以信任的人。",
    "open_questions": "",
    "applies_at": ["pre", "post"],
    "purpose": "outcome",
}


def test_admin_adds_a_likert_scale(client, world):
    login_as(client, world.admin)
    response = client.post("/admin/instruments", data=FORM)
    assert response.status_code == 303
    made = Instrument.get(Instrument.slug == "belonging")
    assert made.agency_id == world.agency.id
    assert (made.scale_min, made.scale_max) == (1, 4)
    assert [i["text"] for i in made.items] == ["我喜欢我的学校。", "在学校里我有可以信任的人。"]
    assert made.applies_at == ["pre", "post"] and made.purpose == "outcome"
    assert "校园归属感量表" in client.get("/admin/instruments").get_data(as_text=True)


def test_admin_instrument_bad_input_saves_nothing(client, world):
    login_as(client, world.admin)
    cases = [
        (dict(FORM, name=""), "此项为必填项"),
        (dict(FORM, name="量" * 61), "最多 60 个字"),
        (dict(FORM, slug="Not A Slug"), "小写字母"),
        (dict(FORM, points="abc"), "请输入整数"),
        (dict(FORM, points="12"), "应在 2 到 11 之间"),
        (dict(FORM, labels="一\n二"), "等级说明的个数"),
        (dict(FORM, items=""), "此项为必填项"),
        (dict(FORM, items="\n".join(f"题{i}" for i in range(41))), "最多 40 行"),
        ({k: v for k, v in FORM.items() if k != "applies_at"}, "请至少选择一个施测时间点"),
        (dict(FORM, purpose="fun"), "请选择有效的选项"),
    ]
    for data, message in cases:
        response = client.post("/admin/instruments", data=data, headers={"HX-Request": "true"})
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), message
    assert Instrument.select().count() == 0
    assert client.post("/admin/instruments", data=FORM).status_code == 303
    again = client.post("/admin/instruments", data=FORM)  # the same slug twice
    assert again.status_code == 422 and "已被使用" in again.get_data(as_text=True)
    assert Instrument.select().count() == 1


def test_other_agencies_instruments_are_not_offered(client, world, inst):
    from tests import factories

    other = factories.agency(name="别的机构", code="OT")
    Instrument.create(
        slug="theirs",
        agency=other,
        name="别人的量表",
        kind="likert",
        description="",
        scale_min=1,
        scale_max=2,
        labels=["否", "是"],
        applies_at=["pre"],
        items=[{"key": "q1", "text": "x", "required": True}],
        open_questions=[],
    )
    login_as(client, world.admin)
    body = client.get("/admin/instruments").get_data(as_text=True)
    assert "别人的量表" not in body and "小组目标达成自评" in body
    assert "Likert 量表模板" not in body
