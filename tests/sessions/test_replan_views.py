"""The re-plan through the screens: listed on the program page and the worker's home page,
previewed, saved once, refused when stale, undone at once; query counts pinned."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner import i18n
from planner.calendars.models import BellPeriod, CalendarDay
from planner.sessions.models import ScheduleChange, Session
from tests import factories
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.sessions.factories import d, periods, program, spec, statutory

# 2026-09-01 08:00 in Beijing: before the series (Tuesdays from 9-15)
UTC_NOW = dt.datetime(2026, 9, 1, 0, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def planned(app, world, client, monkeypatch):
    monkeypatch.setattr(i18n, "utc_clock", lambda: UTC_NOW)
    statutory()
    cal = periods(world.school)
    saved = program(world, curriculum(sessions=6, slug="replan"), spec(world, cal[7]))
    login_as(client, world.worker)
    return saved


def exam(world, day=dt.date(2026, 9, 22)):
    CalendarDay.create(school=world.school, date=day, kind="exam", name="期中考试")


def dates(p):
    return [s.date for s in Session.select().where(Session.program == p.id).order_by(Session.seq)]


def test_the_program_page_lists_displaced_sessions_with_their_reason(client, world, planned):
    body = client.get(f"/programs/{planned.id}").get_data(as_text=True)
    assert 'id="displaced"' not in body
    exam(world)
    body = client.get(f"/programs/{planned.id}").get_data(as_text=True)
    assert "受日历变动影响的活动" in body and 'id="displaced-3"' in body
    assert "期中考试（考试日）" in body and f"/programs/{planned.id}/replan" in body


def test_a_supervisor_sees_the_list_but_no_replan_button(client, world, planned):
    exam(world)
    login_as(client, world.supervisor)
    body = client.get(f"/programs/{planned.id}").get_data(as_text=True)
    assert 'id="displaced-3"' in body and 'id="replan-link"' not in body


def test_program_page_query_count_is_pinned_with_and_without_displaced(client, world, planned):
    counts = []
    for closed in ([], [d(9, 22), d(10, 13)]):
        for day in closed:
            exam(world, day)
        with count_queries() as counted:
            body = client.get(f"/programs/{planned.id}").get_data(as_text=True)
        counts.append((counted.count, body.count('id="displaced-')))
    # the 8 before (the 7, and the held sessions) (tests/sessions/test_program_views.py) and one calendar query
    assert counts == [(9, 0), (9, 2)]


def test_the_workers_home_page_shows_the_due_item(client, world, planned):
    body = client.get("/dashboard").get_data(as_text=True)
    assert 'id="displaced-due"' not in body
    exam(world)
    exam(world, d(10, 13))
    with count_queries() as counted:
        body = client.get("/dashboard").get_data(as_text=True)
    assert f'id="due-program-{planned.id}"' in body and "2 节需要重新安排" in body
    from tests.dashboard.test_worker_home import QUERIES

    assert counted.count == QUERIES  # the worker's home, pinned there
    login_as(client, world.worker_other)  # another school's worker: not hers
    assert 'id="displaced-due"' not in client.get("/dashboard").get_data(as_text=True)


def test_preview_then_one_save_then_one_undo(client, world, planned):
    before = dates(planned)
    exam(world)
    page = client.get(f"/programs/{planned.id}/replan").get_data(as_text=True)
    assert 'id="replan-problem"' not in page
    assert "顺延之后各节" in page and 'id="move-6"' in page  # next-slot can't: bump offered
    token = page.split('name="token" value="')[1].split('"')[0]
    answer = client.post(f"/programs/{planned.id}/replan", data={"mode": "bump", "token": token})
    assert answer.status_code == 303
    assert dates(planned)[2:] == [d(9, 29), d(10, 13), d(10, 20), d(10, 27)]
    body = client.get(f"/programs/{planned.id}").get_data(as_text=True)
    assert 'id="displaced"' not in body and "按校历变动重新安排 4 节" in body
    assert client.post(f"/programs/{planned.id}/undo").status_code == 303
    assert dates(planned) == before


def test_a_stale_preview_is_refused_with_the_new_one(client, world, planned):
    exam(world)
    page = client.get(f"/programs/{planned.id}/replan?mode=bump").get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    exam(world, d(10, 20))  # an admin closes another day meanwhile
    answer = client.post(f"/programs/{planned.id}/replan", data={"mode": "bump", "token": token})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "已有变动" in body and 'name="token"' in body
    assert dates(planned)[2] == d(9, 22) and ScheduleChange.select().count() == 0


@pytest.mark.parametrize("mode", ["bump", "next"])
def test_nothing_to_replan_is_a_clear_refusal(client, world, planned, mode):
    message = "没有受日历变动影响"
    answer = client.post(f"/programs/{planned.id}/replan", data={"mode": mode, "token": "x"})
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    page = client.get(f"/programs/{planned.id}/replan").get_data(as_text=True)
    assert message in page and 'name="token"' not in page


@pytest.mark.parametrize("mode", ["", "sideways", "x" * 5000])
def test_a_bad_mode_is_refused(client, world, planned, mode):
    exam(world)
    answer = client.post(f"/programs/{planned.id}/replan", data={"mode": mode, "token": "t"})
    assert answer.status_code == 422 and "请选择重新安排的方式" in answer.get_data(as_text=True)
    assert ScheduleChange.select().count() == 0


def test_no_free_slot_is_refused_with_the_preview(client, world, planned):
    exam(world, d(10, 20))
    page = client.get(f"/programs/{planned.id}/replan?mode=next").get_data(as_text=True)
    assert 'id="replan-problem"' not in page  # the last one moves to 10-27
    exam(world)
    page = client.get(f"/programs/{planned.id}/replan?mode=next").get_data(as_text=True)
    assert "找不到空闲时段" in page and "disabled" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    answer = client.post(f"/programs/{planned.id}/replan", data={"mode": "next", "token": token})
    assert answer.status_code == 422 and "找不到空闲时段" in answer.get_data(as_text=True)
    assert ScheduleChange.select().count() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [("supervisor", 403), ("teacher", 403), ("worker_other", 404), ("stranger", 404)],
)
def test_wrong_role_school_or_agency_cannot_replan(client, world, planned, persona, status):
    exam(world)
    if persona == "stranger":
        far = factories.agency(name="别的机构", code="FA")
        user = factories.user("admin", agency=far, username="far_admin")
    else:
        user = getattr(world, persona)
    login_as(client, user)
    assert client.get(f"/programs/{planned.id}/replan").status_code == status
    answer = client.post(f"/programs/{planned.id}/replan", data={"mode": "bump", "token": "t"})
    assert answer.status_code == status
    assert dates(planned)[2] == d(9, 22)


def bells_form(client, world, seventh):
    """The whole schedule as the page posts it, period 7 at new times."""
    address = f"/admin/schools/{world.school.id}/bells"
    html = client.get(address).get_data(as_text=True)
    token = html.split('name="version" value="')[1].split('"')[0]
    times = {
        p.number: (p.start.strftime("%H:%M"), p.end.strftime("%H:%M"))
        for p in BellPeriod.select().where(BellPeriod.school == world.school.id)
    }
    times[7] = seventh
    data = {"section": "all", "version": token, "number": [], "start": [], "end": []}
    for number in sorted(times):
        data["number"].append(str(number))
        data["start"].append(times[number][0])
        data["end"].append(times[number][1])
    return address, data


def test_a_bell_change_shows_the_affected_series_and_replans_them(client, world, planned):
    login_as(client, world.admin)
    address, data = bells_form(client, world, ("15:25", "16:10"))
    answer = client.post(address, data=data)
    assert answer.status_code == 303 and answer.location.endswith("section=all#bell-affected")
    with count_queries() as counted:
        page = client.get(address).get_data(as_text=True)
    assert f'id="bell-program-{planned.id}"' in page and "6 节需要重新安排" in page
    preview = client.get(f"/programs/{planned.id}/replan").get_data(as_text=True)
    assert (
        "作息时间调整：第7节 现为 15:25–16:10" in preview and 'id="replan-problem"' not in preview
    )
    token = preview.split('name="token" value="')[1].split('"')[0]
    saved = client.post(f"/programs/{planned.id}/replan", data={"mode": "next", "token": token})
    assert saved.status_code == 303
    starts = {s.start for s in Session.select().where(Session.program == planned.id)}
    assert starts == {dt.time(15, 25)}
    with count_queries() as again:
        page = client.get(address).get_data(as_text=True)
    assert 'id="bell-affected"' not in page
    assert counted.count == again.count  # the bells page's query count is fixed


def test_a_bell_change_touching_no_session_goes_back_to_the_calendar(client, world, planned):
    login_as(client, world.admin)
    Session.update(status="done").where(Session.program == planned.id).execute()
    address, data = bells_form(client, world, ("15:25", "16:10"))
    answer = client.post(address, data=data)
    assert answer.location == f"/schools/{world.school.id}/calendar"
