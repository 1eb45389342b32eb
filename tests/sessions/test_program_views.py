"""Planning through the screens: preview first, bad input, conflicts, changes, undo."""

import pytest
from playhouse.test_utils import count_queries
from werkzeug.datastructures import MultiDict

from planner.sessions.models import Program, Session
from tests import factories
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.sessions.factories import periods, program, spec, statutory

pytestmark = pytest.mark.usefixtures("before_term")


@pytest.fixture
def setup(app, world, client):
    statutory()
    cal = periods(world.school)
    c = curriculum(sessions=6, slug="puberty")
    login_as(client, world.worker)
    return cal, c


def form(world, c, cal, **changes):
    data = MultiDict(
        {
            "curriculum_id": str(c.id),
            "term_id": str(world.term.id),
            "room_id": str(world.room.id),
            "start_week": "3",
            "min_gap_days": "1",
            "action": "preview",
        }
    )
    data.add("class_ids", str(world.cls.id))
    data.add("worker_ids", str(world.worker.id))
    for key in ("weekday", "period", "start", "end", "every"):
        data.add(f"r_{key}", {"weekday": "2", "period": str(cal[7].id), "every": "1"}.get(key, ""))
    for key, value in changes.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def url(world):
    return f"/schools/{world.school.id}/programs/new"


def test_preview_shows_placement_and_saves_nothing(client, world, setup):
    cal, c = setup
    body = client.post(url(world), data=form(world, c, cal)).get_data(as_text=True)
    assert "预览（尚未保存）" in body and "国庆节" in body and "调休：按周二课表" in body
    assert "2026年9月15日 星期二" in body and "第3周" in body
    assert Program.select().count() == 0


def test_save_creates_the_program_and_its_sessions(client, world, setup):
    cal, c = setup
    response = client.post(url(world), data=form(world, c, cal, action="save"))
    assert response.status_code == 303
    saved = Program.get()
    assert response.location.endswith(f"/programs/{saved.id}")
    assert Session.select().where(Session.program == saved.id).count() == 6


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {
                "r_weekday": ["2", "2"],
                "r_period": ["", ""],
                "r_start": ["16:00", "16:30"],
                "r_end": ["17:00", "17:30"],
                "r_every": ["1", "1"],
            },
            "每周时段之间有重叠",
        ),
        ({"r_period": "999999"}, "该课节不存在"),
        ({"start_week": "30"}, "开始周次晚于学期结束"),
        ({"r_weekday": ""}, "请至少设置一个每周时段"),
        ({"r_period": "", "r_start": "17:00", "r_end": "16:00"}, "结束时间必须晚于开始时间"),
        ({"start_week": "abc"}, "请输入整数"),
        ({"curriculum_id": ""}, "此项为必填项"),
        ({"class_ids": []}, "社工课堂请至少选择一个班级"),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, world, setup, changes, message):
    cal, c = setup
    response = client.post(url(world), data=form(world, c, cal, action="save", **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert Program.select().count() == 0


def test_another_schools_room_class_or_period_is_refused(client, world, setup):
    cal, c = setup
    other_periods = periods(world.other_school)
    for changes, message in (
        ({"room_id": str(world.other_room.id)}, "该场地不属于本校"),
        ({"class_ids": [str(world.other_cls.id)]}, "请选择本校的班级"),
        ({"r_period": str(other_periods[7].id)}, "该课节不存在"),
    ):
        response = client.post(url(world), data=form(world, c, cal, action="save", **changes))
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert Program.select().count() == 0
    assert client.get(f"/schools/{world.other_school.id}/programs/new").status_code == 404


def test_a_room_clash_blocks_saving_until_resolved(client, world, setup):
    cal, c = setup
    program(
        world,
        curriculum(sessions=6, slug="earlier"),
        spec(
            world,
            cal[7],
            worker_ids=[factories.user("worker", agency=world.agency).id],
            class_ids=[factories.school_class(school=world.school, name="8(1)班").id],
        ),
        title="先排好的小组",
    )
    response = client.post(url(world), data=form(world, c, cal, action="save"))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "场地冲突" in body and "先排好的小组" in body
    assert Program.select().count() == 1
    hall = factories.room(school=world.school, name="多功能室")
    assert (
        client.post(
            url(world), data=form(world, c, cal, action="save", room_id=str(hall.id))
        ).status_code
        == 303
    )


def test_move_cancel_and_undo_through_the_page(client, world, setup):
    cal, c = setup
    p = program(world, c, spec(world, cal[7]))
    first, second = list(p.sessions.order_by("seq"))[:2]
    moved = client.post(
        f"/programs/{p.id}/sessions/{first.id}/move",
        data={"date": "2026-09-16", "period": str(cal[2].id), "room_id": str(world.room.id)},
    )
    assert moved.status_code == 303
    assert Session.get_by_id(first.id).date.isoformat() == "2026-09-16"
    holiday = client.post(
        f"/programs/{p.id}/sessions/{first.id}/move",
        data={"date": "2026-10-02", "period": str(cal[2].id)},
    )
    assert holiday.status_code == 422 and "不是教学日" in holiday.get_data(as_text=True)
    empty = client.post(f"/programs/{p.id}/sessions/{second.id}/cancel", data={"reason": ""})
    assert empty.status_code == 422 and Session.get_by_id(second.id).status == "planned"
    page = client.get(f"/programs/{p.id}").get_data(as_text=True)
    assert "撤销：第 1 节调整到 2026年9月16日" in page
    assert client.post(f"/programs/{p.id}/undo").status_code == 303
    assert Session.get_by_id(first.id).date.isoformat() == "2026-09-15"


def test_program_page_query_count_is_constant(client, world, setup):
    cal, c = setup
    small = program(world, curriculum(sessions=4, slug="four"), spec(world, cal[7], count=4))
    large = program(world, curriculum(sessions=8, slug="eight"), spec(world, cal[6], count=8))
    with count_queries() as a:
        assert client.get(f"/programs/{small.id}").status_code == 200
    with count_queries() as b:
        assert client.get(f"/programs/{large.id}").status_code == 200
    # …the years with holiday data, the teachers' copy (audit), and the calendar the
    # displaced sessions are checked against (planner/sessions/replan.py)
    assert a.count == b.count == 9  # + the held sessions (planner/runs/held.py)


def test_planning_into_a_year_without_holidays_warns(client, world, setup):
    """Nobody has 2027's holidays until the State Council's notice is entered: the preview
    and the program page say so, and stop saying so once a 2027 day is entered."""
    from planner.calendars.models import CalendarDay

    cal, c = setup
    autumn = client.post(url(world), data=form(world, c, cal)).get_data(as_text=True)
    assert 'id="unknown-holidays"' not in autumn  # 2026 is known
    late = form(world, curriculum(sessions=2, slug="late"), cal, start_week="19")
    body = client.post(url(world), data=late).get_data(as_text=True)
    assert 'id="unknown-holidays"' in body and "2027 年的法定节假日尚未录入" in body
    late.setlist("action", ["save"])
    saved = client.post(url(world), data=late)
    assert saved.status_code == 303
    page = client.get(saved.location).get_data(as_text=True)
    assert "2027 年的法定节假日尚未录入" in page
    CalendarDay.create(school=None, date="2027-01-01", kind="holiday", name="元旦")
    assert 'id="unknown-holidays"' not in client.get(saved.location).get_data(as_text=True)
