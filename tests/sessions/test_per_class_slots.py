"""One series, several classes: a slot row may name a class, and each class then gets its
own series (a program of its own, titled with its class) on its own slots, previewed
together and saved all or nothing."""

import pytest

from planner.sessions.models import Program, ProgramClass, Session
from tests import factories
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.sessions.factories import periods, statutory
from tests.sessions.test_program_views import form, url

pytestmark = pytest.mark.usefixtures("before_term")


@pytest.fixture
def setup(app, world, client):
    statutory()
    cal = periods(world.school)
    c = curriculum(sessions=6, slug="puberty")
    second = factories.school_class(school=world.school, name="7(5)班")
    login_as(client, world.worker)
    return cal, c, second


def split_form(world, c, cal, second, **changes):
    rows = {
        "r_weekday": ["2", "3"],
        "r_period": [str(cal[7].id), str(cal[7].id)],
        "r_start": ["", ""],
        "r_end": ["", ""],
        "r_every": ["1", "1"],
        "r_class": [str(world.cls.id), str(second.id)],
        "class_ids": [str(world.cls.id), str(second.id)],
    }
    rows.update(changes)
    return form(world, c, cal, **rows)


def test_each_class_gets_its_own_series_on_its_own_slot(client, world, setup):
    cal, c, second = setup
    preview = client.post(url(world), data=split_form(world, c, cal, second))
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and Program.select().count() == 0
    assert body.count('class="per-class"') == 2 and "·7(5)班</h3>" in body
    assert body.count("预览（尚未保存）") == 2
    response = client.post(url(world), data=split_form(world, c, cal, second, action="save"))
    assert response.status_code == 303
    programs = list(Program.select().order_by(Program.id))
    assert len(programs) == 2
    for p, cls, weekday in ((programs[0], world.cls, 2), (programs[1], second, 3)):
        assert p.title.endswith(cls.name)
        assert [
            k.school_class_id for k in ProgramClass.select().where(ProgramClass.program == p.id)
        ] == [cls.id]
        days = {s.date.isoweekday() for s in Session.select().where(Session.program == p.id)}
        assert len(list(p.sessions)) == 6 and weekday in days and days <= {weekday, 6, 7}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"class_ids": []}, "社工课堂请至少选择一个班级"),
        ({"r_class": ["", "SECOND"]}, "每个时段都要选择班级"),
        ({"r_class": ["CLS", "CLS"]}, "7(5)班 还没有时段"),
        ({"r_class": ["CLS", "OTHER"]}, "该班级不在所选班级中"),
        ({"r_class": ["CLS", "99999999999999"]}, "该班级不在所选班级中"),
        ({"r_class": ["CLS", "abc"]}, "该班级不在所选班级中"),
    ],
)
def test_bad_class_slots_are_explained_and_nothing_saved(client, world, setup, changes, message):
    cal, c, second = setup
    ids = {"CLS": str(world.cls.id), "SECOND": str(second.id), "OTHER": str(world.other_cls.id)}
    if "r_class" in changes:
        changes["r_class"] = [ids.get(v, v) for v in changes["r_class"]]
    response = client.post(
        url(world), data=split_form(world, c, cal, second, action="save", **changes)
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert Program.select().count() == 0


def test_a_group_cannot_split_by_class(client, world, setup):
    cal, _, second = setup
    group = curriculum(kind="group", sessions=4, slug="g")
    data = split_form(world, group, cal, second, action="save", group_name="阳光组")
    response = client.post(url(world), data=data)
    assert response.status_code == 422 and "只有社工课堂" in response.get_data(as_text=True)


def test_two_classes_on_one_slot_clash_with_each_other(client, world, setup):
    cal, c, second = setup
    data = split_form(world, c, cal, second, action="save", r_weekday=["2", "2"])
    response = client.post(url(world), data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "冲突" in body
    assert Program.select().count() == 0
