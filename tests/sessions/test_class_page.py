"""我的班级 (issue 14): the teacher's class card leads to the class's sessions with their
topics and to the school calendar's days, with no student data."""

import datetime as dt

from playhouse.test_utils import count_queries

from tests import factories
from tests.conftest import login_as
from tests.feeds.factories import calendar_day, world_program
from tests.students.factories import student


def test_the_class_card_leads_to_sessions_topics_and_calendar_days(client, world):
    program = world_program(world, first=world.term.start + dt.timedelta(days=14))
    calendar_day("holiday", dt.date(2026, 10, 1), "国庆节")
    calendar_day("exam", dt.date(2026, 11, 10), "期中考试", school=world.school)
    calendar_day("exam", dt.date(2026, 11, 10), "别校考试", school=world.other_school)
    pupil = student(world.school, world.cls, name="王小明")
    login_as(client, world.teacher)
    home = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/classes/{world.cls.id}"' in home
    body = client.get(f"/classes/{world.cls.id}").get_data(as_text=True)
    titles = [t.title for t in program.curriculum.sessions]
    assert all(title in body for title in titles)
    assert "国庆节" in body and "期中考试" in body and "别校考试" not in body
    assert pupil.name not in body and pupil.archive_code not in body


def test_another_teachers_class_is_404(client, world):
    other = factories.school_class(school=world.school, name="7(9)班")
    login_as(client, world.teacher)
    assert client.get(f"/classes/{other.id}").status_code == 404


def test_the_class_page_query_count_does_not_grow_with_sessions(client, world):
    login_as(client, world.teacher)
    world_program(world, lessons=2, first=world.term.start + dt.timedelta(days=7))
    client.get(f"/classes/{world.cls.id}")
    with count_queries() as few:
        client.get(f"/classes/{world.cls.id}")
    world_program(world, lessons=8, first=world.term.start + dt.timedelta(days=8))
    with count_queries() as many:
        body = client.get(f"/classes/{world.cls.id}").get_data(as_text=True)
    assert body.count("<tr>") == 1 + 10
    assert few.count == many.count == 5  # user, class, terms, sessions, calendar
