"""Case sessions on the worker's calendar: her feed shows each as 个案会谈 with its time and
room (never a name, a code or a link to the case; a class's or a school's feed never holds
one); her week and today pages and her home page's today list show them with the case's
archive code (her own pages), and so does her month; a teacher, an admin and a supervisor
see none there. The
case's appointments page and the home page keep their query counts as data grows."""

import datetime as dt
import re

import icalendar
import pytest
from playhouse.test_utils import count_queries

from planner.cases.models import CaseAppointment
from planner.feeds.ical import appointment_uid
from tests.cases import factories as cf
from tests.cases.appointment_factories import (
    TODAY,
    TOMORROW,
    appointment,
    case_room,
    clock,  # noqa: F401  (the fixture)
)
from tests.conftest import login_as
from tests.feeds.factories import token
from tests.reflections import factories as rf

pytestmark = pytest.mark.usefixtures("clock")

NAME = "甄会谈卡纳瑞"


@pytest.fixture
def booked(world):
    """A case of a student with a name found nowhere else, and its sessions: one today,
    one tomorrow, one cancelled tomorrow."""
    case = cf.case(world, cf.student(world, name=NAME), step="intervention")
    room = case_room(world)
    rows = [
        appointment(case, room, day=TODAY, start=(12, 10), end=(12, 50)),
        appointment(case, room, start=(13, 0), end=(13, 40)),
        appointment(case, room, start=(14, 0), end=(14, 40), status="cancelled"),
    ]
    return case, room, rows


def vevents(data):
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_workers_feed_shows_individual_sessions_as_time_and_room_only(client, world, booked):
    case, room, (today, tomorrow, cancelled) = booked
    _, raw = token(world.worker)
    response = client.get(f"/feeds/{raw}.ics")
    assert response.status_code == 200
    found = vevents(response.data)
    event = found[appointment_uid(tomorrow.id)]
    assert str(event["SUMMARY"]) == "个案会谈" and str(event["LOCATION"]) == "个案工作室"
    assert event["DTSTART"].dt.replace(tzinfo=None) == dt.datetime(2026, 12, 10, 13, 0)
    assert event["DTEND"].dt.replace(tzinfo=None) == dt.datetime(2026, 12, 10, 13, 40)
    assert str(found[appointment_uid(cancelled.id)]["STATUS"]) == "CANCELLED"
    assert appointment_uid(today.id) in found
    text = response.get_data(as_text=True)
    for secret in (NAME, case.archive_code, case.student.archive_code, f"/cases/{case.id}"):
        assert secret not in text


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence(app, client, world, booked):
    case, room, (_, tomorrow, _) = booked
    _, raw = token(world.worker)
    before = vevents(client.get(f"/feeds/{raw}.ics").data)[appointment_uid(tomorrow.id)]
    worker = login_as(app.test_client(), world.worker)
    moved = worker.post(
        f"/cases/{case.id}/appointments/{tomorrow.id}",
        data={
            "date": "2026-12-11",
            "start": "13:00",
            "end": "13:40",
            "room_id": str(room.id),
            "worker_id": str(world.worker.id),
            "status": "planned",
            "version": "1",
        },
    )
    assert moved.status_code == 303
    after = vevents(client.get(f"/feeds/{raw}.ics").data)[appointment_uid(tomorrow.id)]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after["DTSTART"].dt.date() == dt.date(2026, 12, 11)


def test_class_and_school_feeds_never_hold_a_case_session(client, world, booked):
    for user, audience, target in (
        (world.teacher, "class", world.cls.id),
        (world.admin, "school", world.school.id),
        (world.worker, "class", world.cls.id),
    ):
        _, raw = token(user, audience, target)
        text = client.get(f"/feeds/{raw}.ics").get_data(as_text=True)
        assert "个案会谈" not in text and NAME not in text, audience


def test_her_week_and_today_show_them_with_the_cases_code(app, world, booked):
    case, _, (today, tomorrow, cancelled) = booked
    client = login_as(app.test_client(), world.worker)
    week = client.get("/calendar/week?date=2026-12-09").get_data(as_text=True)
    for row in (today, tomorrow, cancelled):
        assert f'id="agenda-appointment-{row.id}"' in week
    tile = re.search(rf'id="agenda-appointment-{cancelled.id}".*?</a>', week, re.S).group(0)
    assert "个案会谈" in tile and case.archive_code in tile and "已取消" in tile
    assert NAME not in week
    day = client.get("/today").get_data(as_text=True)
    assert f'id="agenda-appointment-{today.id}"' in day
    assert f'id="agenda-appointment-{tomorrow.id}"' not in day
    assert "今天没有安排活动" not in day


def test_sessions_and_case_sessions_are_in_time_order(app, world, booked):
    """Her 16:10 group comes after the 08:00 and 12:10 case sessions, on both pages."""
    _, room, (today, _, _) = booked
    rf.program(world, first=TODAY, title="午后小组")  # 16:10–17:10, weekly
    early = appointment(booked[0], room, day=TODAY, start=(8, 0), end=(8, 40))
    client = login_as(app.test_client(), world.worker)
    for page in ("/today", "/calendar/week?date=2026-12-09"):
        body = client.get(page).get_data(as_text=True)
        order = [
            body.index(f'id="agenda-appointment-{early.id}"'),
            body.index(f'id="agenda-appointment-{today.id}"'),
            body.index("午后小组"),
        ]
        assert order == sorted(order), page


def test_her_month_shows_them_in_time_order_beside_her_sessions(app, world, booked):
    case, room, (today, tomorrow, cancelled) = booked
    rf.program(world, first=TODAY, title="午后小组")  # 16:10–17:10, weekly
    early = appointment(case, room, day=TODAY, start=(8, 0), end=(8, 40))
    client = login_as(app.test_client(), world.worker)
    body = client.get("/calendar/month?date=2026-12-01").get_data(as_text=True)
    cell = re.search(rf'id="month-appointment-{early.id}".*?</td>', body, re.S).group(0)
    order = [
        cell.index(f'id="month-appointment-{today.id}"'),
        cell.index("午后小组"),
    ]
    assert order == sorted(order)
    row = re.search(rf'id="month-appointment-{cancelled.id}".*?</p>', body, re.S).group(0)
    assert "14:00" in row and "个案会谈" in row and case.archive_code in row and "已取消" in row
    assert f'id="month-appointment-{tomorrow.id}"' in body and NAME not in body
    other = client.get("/calendar/month?date=2027-01-01").get_data(as_text=True)
    assert "month-appointment-" not in other


def test_the_month_page_count_stays_as_case_sessions_grow(app, world, booked):
    client = login_as(app.test_client(), world.worker)
    counts = []
    for n in (0, 3):
        more(world, n)
        with count_queries() as counted:
            body = client.get("/calendar/month?date=2026-12-01").get_data(as_text=True)
        counts.append((counted.count, body.count('id="month-appointment-')))
    assert counts == [(counts[0][0], 3), (counts[0][0], 12)]


@pytest.mark.parametrize("persona", ["teacher", "admin", "supervisor", "worker_other"])
def test_nobody_elses_agenda_shows_them(app, world, booked, persona):
    client = login_as(app.test_client(), getattr(world, persona))
    for page in (
        "/calendar/week?date=2026-12-09",
        "/calendar/month?date=2026-12-01",
        "/today",
        "/dashboard",
    ):
        body = client.get(page).get_data(as_text=True)
        assert "appointment-" not in body, page
        assert "个案会谈" not in body and NAME not in body, page


def test_todays_sessions_are_in_her_home_today_list(app, world, booked):
    case, _, (today, tomorrow, _) = booked
    body = login_as(app.test_client(), world.worker).get("/dashboard").get_data(as_text=True)
    week = re.search(r'<section[^>]*id="this-week".*?</section>', body, re.S).group(0)
    row = re.search(rf'id="home-appointment-{today.id}".*?</li>', week, re.S).group(0)
    assert "12:10–12:50" in row and case.archive_code in row and "个案工作室" in row
    assert f'href="/cases/{case.id}/appointments#appointment-{today.id}"' in row
    assert f"home-appointment-{tomorrow.id}" not in week
    assert 'id="today-free"' not in week and NAME not in body


def more(world, n):
    """n more cases, each with three sessions (one today) in a room of their own."""
    for _ in range(n):
        case = cf.case(world, step="intervention")
        room = case_room(world, f"个案室{case.id}")
        cf.note(case)
        for day in (TODAY, TOMORROW, TOMORROW + dt.timedelta(days=1)):
            appointment(case, room, day=day, start=(8, 0), end=(8, 40))


def test_the_home_page_count_is_pinned_with_todays_sessions(app, world, booked):
    from tests.dashboard.test_worker_home import QUERIES

    client = login_as(app.test_client(), world.worker)
    counts = []
    for n in (0, 1, 4):
        more(world, n)
        with count_queries() as counted:
            body = client.get("/dashboard").get_data(as_text=True)
        counts.append((counted.count, body.count('id="home-appointment-')))
    assert counts == [(QUERIES, 1), (QUERIES, 2), (QUERIES, 6)]


def test_the_appointments_page_count_is_pinned(app, world, booked):
    """user, case, its sessions, the audit row, rooms, team, notes (7): the same on small and
    bigger data (more sessions, rooms, notes and other cases)."""
    case, room, _ = booked
    client = login_as(app.test_client(), world.worker)
    counts = []
    for n in (0, 5):
        more(world, n)
        for _ in range(n):
            appointment(case, room, day=TOMORROW + dt.timedelta(days=7), start=(8, 0), end=(8, 40))
            cf.note(case)
        with count_queries() as counted:
            body = client.get(f"/cases/{case.id}/appointments").get_data(as_text=True)
        counts.append((counted.count, body.count('class="appointment status-')))
    assert counts == [(counts[0][0], 3), (counts[0][0], 8)]
    assert counts[0][0] == 7


def test_supervisor_page_count_is_pinned_too(app, world, booked):
    case, room, _ = booked
    client = login_as(app.test_client(), world.supervisor)
    with count_queries() as few:
        client.get(f"/cases/{case.id}/appointments")
    more(world, 3)
    appointment(case, room, day=TOMORROW + dt.timedelta(days=7))
    with count_queries() as many:
        body = client.get(f"/cases/{case.id}/appointments").get_data(as_text=True)
    assert few.count == many.count and body.count('class="appointment status-') == 4
    assert CaseAppointment.select().count() == 4 + 9
