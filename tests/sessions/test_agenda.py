"""Today, week, month and term overview: scoped, labelled, constant queries."""

import pytest
from playhouse.test_utils import count_queries

from planner.i18n import local_today
from planner.sessions.models import Session
from tests import factories
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.sessions.factories import periods, program, spec, statutory


@pytest.fixture
def planned(app, world):
    statutory()
    cal = periods(world.school)
    mine = program(
        world, curriculum(sessions=6, slug="mine"), spec(world, cal[7]), title="七(1)班青春期课"
    )
    other_cls = factories.school_class(school=world.school, name="7(8)班")
    theirs = program(
        world,
        curriculum(sessions=6, slug="theirs"),
        spec(world, cal[6], class_ids=[other_cls.id]),
        title="七(8)班生命教育",
    )
    return mine, theirs


def test_week_view_shows_sessions_and_the_tiaoxiu_day(client, world, planned):
    login_as(client, world.worker)
    body = client.get("/calendar/week?date=2026-09-16").get_data(as_text=True)
    assert body.count("七(1)班青春期课") == 2  # Tuesday 15 and the 调休 Sunday 20 Sep
    assert "国庆节调休上课" in body or "调休上课" in body


def test_month_view_marks_holidays(client, world, planned):
    login_as(client, world.worker)
    body = client.get("/calendar/month?date=2026-10-01").get_data(as_text=True)
    assert "2026年10月" in body and "国庆节" in body and "七(1)班青春期课" in body


def test_teacher_sees_only_their_class(client, world, planned):
    login_as(client, world.teacher)
    body = client.get("/calendar/week?date=2026-09-16").get_data(as_text=True)
    assert "七(1)班青春期课" in body and "七(8)班生命教育" not in body
    mine, theirs = planned
    assert client.get(f"/programs/{theirs.id}").status_code == 404


def test_worker_of_another_school_sees_nothing_here(client, world, planned):
    login_as(client, world.worker_other)
    body = client.get("/calendar/week?date=2026-09-16").get_data(as_text=True)
    assert "青春期课" not in body


def test_today_lists_todays_sessions_large(client, world, planned):
    mine, _ = planned
    Session.update(date=local_today()).where(
        (Session.program == mine.id) & (Session.seq == 1)
    ).execute()
    login_as(client, world.worker)
    body = client.get("/today").get_data(as_text=True)
    assert "big-tiles" in body and body.count("session-tile") == 1


def test_term_overview_marks_the_national_day_week(client, world, planned):
    login_as(client, world.worker)
    body = client.get(f"/terms/{world.term.id}/overview").get_data(as_text=True)
    assert "七(1)班青春期课" in body and 'class="holiday"' in body


def test_week_view_query_count_is_constant(client, world, planned):
    login_as(client, world.worker)
    with count_queries() as quiet:
        client.get("/calendar/week?date=2026-08-03")
    with count_queries() as busy:
        client.get("/calendar/week?date=2026-09-16")
    # + the held sessions (planner/runs/held.py) + a worker's case sessions (个案会谈)
    assert quiet.count == busy.count == 5
