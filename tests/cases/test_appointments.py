"""Booking and changing case sessions (个案会谈, planner/cases/appointments.py): the case
worker books one in a room of the school on a school day within its hours; every bad input
is a Chinese 422 with nothing saved; a closed case, a stale form and another school's or
case's records are refused; two bookings of one slot at once: one wins."""

import datetime as dt
import re
import threading

import pytest

from planner.audit.models import AuditEntry
from planner.calendars.models import BellPeriod, CalendarDay
from planner.cases import appointments
from planner.cases.models import CaseAppointment
from planner.db import database
from planner.errors import PlannerError
from tests.cases import factories as cf
from tests.cases.appointment_factories import (
    TODAY,
    TOMORROW,
    appointment,
    case_room,
    clock,  # noqa: F401  (the fixture)
    form,
)
from tests.conftest import login_as

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def booked(world):
    """A case of the world's worker in 介入 and a 个案工作室."""
    return cf.case(world, step="intervention"), case_room(world)


def url(case, tail=""):
    return f"/cases/{case.id}/appointments{tail}"


def alert(body):
    return " ".join(re.findall(r'role="alert"[^>]*>([^<]*)<', body))


def test_the_worker_books_a_session_and_sees_it_on_the_case_page(app, world, booked):
    case, room = booked
    client = login_as(app.test_client(), world.worker)
    response = client.post(url(case), data=form(room, world.worker))
    assert response.status_code == 303
    [row] = CaseAppointment.select()
    assert (row.date, row.start, row.end, row.room_id, row.worker_id, row.status) == (
        TOMORROW,
        dt.time(12, 10),
        dt.time(12, 50),
        room.id,
        world.worker.id,
        "planned",
    )
    body = client.get(url(case)).get_data(as_text=True)
    assert f'id="appointment-{row.id}"' in body and "2026年12月10日" in body
    assert "12:10–12:50" in body and "个案工作室" in body and "已安排" in body
    assert case.student.name not in body  # the page names no student, only the case's code
    assert AuditEntry.select().where(AuditEntry.action == "case_appointments_read").exists()
    case_page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/cases/{case.id}/appointments"' in case_page


def test_the_co_worker_may_be_the_one_meeting_and_the_case_room_comes_first(app, world, booked):
    case, room = booked
    from tests import factories

    co = factories.user("worker", agency=world.agency, schools=[world.school])
    case.co_worker = co
    case.save()
    client = login_as(app.test_client(), world.worker)
    body = client.get(url(case)).get_data(as_text=True)
    select = re.search(r'<select[^>]*id="appointment-room_id".*?</select>', body, re.S).group(0)
    assert select.index("个案工作室") < select.index("小组工作室")
    assert client.post(url(case), data=form(room, co)).status_code == 303
    assert CaseAppointment.get().worker_id == co.id


def test_the_supervisor_reads_the_sessions_but_gets_no_form(app, world, booked):
    case, room = booked
    appointment(case, room)
    body = login_as(app.test_client(), world.supervisor).get(url(case)).get_data(as_text=True)
    assert "12:10–12:50" in body
    assert 'id="new-appointment"' not in body and "appointment-edit" not in body


def closure(world):
    CalendarDay.create(
        school=world.school, date=TOMORROW, end_date=TOMORROW, kind="closure", name="校运会"
    )


BAD = [
    ("empty", {"date": "", "start": "", "end": "", "room_id": "", "worker_id": ""}, "必填"),
    ("date not a date", {"date": "下周四"}, "有效日期"),
    ("time not a time", {"start": "25:61"}, "时:分"),
    ("room a word", {"room_id": "个案室"}, "整数"),
    ("room huge", {"room_id": str(10**30)}, "有效的选项"),
    ("room of nothing", {"room_id": "999999"}, "本校的场地"),
    ("end before start", {"start": "13:00", "end": "12:00"}, "晚于开始时间"),
    ("end equals start", {"start": "13:00", "end": "13:00"}, "晚于开始时间"),
    ("past date", {"date": (TODAY - dt.timedelta(days=1)).isoformat()}, "已经过去"),
    ("far future", {"date": "9999-12-31"}, "提前一年"),
    ("a Saturday", {"date": "2026-12-12"}, "不是上学日（周末）"),
    ("before the school day", {"start": "05:30", "end": "06:10"}, "作息时间内"),
    ("after the school day", {"start": "21:00", "end": "21:40"}, "作息时间内"),
    ("too long", {"start": "08:00", "end": "13:00"}, "最长 240 分钟"),
]


@pytest.mark.parametrize(("what", "change", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_chinese_422_and_saves_nothing(app, world, booked, what, change, message):
    case, room = booked
    client = login_as(app.test_client(), world.worker)
    response = client.post(url(case), data=form(room, world.worker, **change))
    body = response.get_data(as_text=True)
    assert response.status_code == 422, what
    assert message in body and message in alert(body), (what, alert(body))
    assert CaseAppointment.select().count() == 0


def test_another_schools_room_or_a_worker_off_the_case_is_refused(app, world, booked):
    case, room = booked
    client = login_as(app.test_client(), world.worker)
    response = client.post(url(case), data=form(world.other_room, world.worker))
    assert response.status_code == 422 and "本校的场地" in response.get_data(as_text=True)
    response = client.post(url(case), data=form(room, world.worker_other))
    assert response.status_code == 422
    assert "本个案的社工或协同社工" in response.get_data(as_text=True)
    assert CaseAppointment.select().count() == 0


def test_a_school_closure_is_not_a_school_day(app, world, booked):
    case, room = booked
    closure(world)
    client = login_as(app.test_client(), world.worker)
    response = client.post(url(case), data=form(room, world.worker))
    assert response.status_code == 422 and "校运会" in response.get_data(as_text=True)


def test_the_school_day_follows_its_bell_schedule(world, booked):
    """An hour before the first bell to two hours after the last; 07:00–20:00 without."""
    assert appointments.school_day(world.school.id) == (dt.time(7, 0), dt.time(20, 0))
    BellPeriod.create(school=world.school, number=1, start=dt.time(8, 0), end=dt.time(8, 45))
    BellPeriod.create(school=world.school, number=8, start=dt.time(15, 30), end=dt.time(16, 15))
    assert appointments.school_day(world.school.id) == (dt.time(7, 0), dt.time(18, 15))


def test_a_closed_case_takes_no_new_session(app, world):
    case = cf.case(world, step="closed")
    room = case_room(world)
    client = login_as(app.test_client(), world.worker)
    response = client.post(url(case), data=form(room, world.worker))
    assert response.status_code == 409 and CaseAppointment.select().count() == 0
    assert 'id="new-appointment"' not in client.get(url(case)).get_data(as_text=True)


def edit_form(row, **change):
    data = form(
        row.room,
        row.worker_id,
        day=row.date,
        start=row.start.strftime("%H:%M"),
        end=row.end.strftime("%H:%M"),
        status=row.status,
        version=str(row.version),
        case_note_id="",
    )
    data.update(change)
    return data


def test_moving_holding_cancelling_and_linking_the_note(app, world, booked):
    case, room = booked
    row = appointment(case, room, day=TODAY, start=(8, 0), end=(8, 40))
    later = appointment(case, room)
    client = login_as(app.test_client(), world.worker)
    moved = client.post(
        url(case, f"/{later.id}"), data=edit_form(later, start="13:00", end="13:40")
    )
    assert moved.status_code == 303
    later = CaseAppointment.get_by_id(later.id)
    assert later.start == dt.time(13, 0) and later.sequence == 1 and later.version == 2
    # held: only once its day has come
    early = client.post(url(case, f"/{later.id}"), data=edit_form(later, status="held"))
    assert early.status_code == 422 and "还没到会谈日期" in early.get_data(as_text=True)
    note = cf.note(case)
    linked = client.post(
        url(case, f"/{row.id}"), data=edit_form(row, status="held", case_note_id=str(note.id))
    )
    assert linked.status_code == 303
    row = CaseAppointment.get_by_id(row.id)
    assert row.status == "held" and row.case_note_id == note.id
    body = client.get(url(case)).get_data(as_text=True)
    assert f'href="/cases/{case.id}#note-{note.id}"' in body
    # a held session keeps its time and status
    fixed = client.post(url(case, f"/{row.id}"), data=edit_form(row, start="09:00", end="09:40"))
    assert fixed.status_code == 422 and "已进行的会谈" in fixed.get_data(as_text=True)
    cancel = client.post(url(case, f"/{later.id}"), data=edit_form(later, status="cancelled"))
    assert cancel.status_code == 303 and CaseAppointment.get_by_id(later.id).status == "cancelled"


def test_a_note_of_another_case_or_on_a_planned_session_is_refused(app, world, booked):
    case, room = booked
    row = appointment(case, room, day=TODAY, start=(8, 0), end=(8, 40))
    other = cf.note(cf.case(world, step="intervention"))
    mine = cf.note(case)
    client = login_as(app.test_client(), world.worker)
    response = client.post(
        url(case, f"/{row.id}"), data=edit_form(row, status="held", case_note_id=str(other.id))
    )
    assert response.status_code == 422 and "本个案的一条服务记录" in response.get_data(as_text=True)
    response = client.post(url(case, f"/{row.id}"), data=edit_form(row, case_note_id=str(mine.id)))
    assert response.status_code == 422 and "会谈进行后" in response.get_data(as_text=True)
    assert CaseAppointment.get_by_id(row.id).version == 1


def test_a_stale_form_is_409_and_another_cases_session_404(app, world, booked):
    case, room = booked
    row = appointment(case, room)
    client = login_as(app.test_client(), world.worker)
    stale = edit_form(row, start="13:00", end="13:40")
    assert client.post(url(case, f"/{row.id}"), data=edit_form(row)).status_code == 303
    assert client.post(url(case, f"/{row.id}"), data=stale).status_code == 409
    assert CaseAppointment.get_by_id(row.id).start == dt.time(12, 10)
    other = cf.case(world, step="intervention")
    assert client.post(url(other, f"/{row.id}"), data=edit_form(row)).status_code == 404
    other_school = cf.case(world, school=world.other_school)
    assert client.get(url(other_school)).status_code == 404


def test_two_bookings_of_one_slot_at_once_one_wins(app, world, booked):
    """Two cases of the worker booked into the same room and time from two threads: one
    is saved, the other refused with the clash (PostgreSQL: the day's advisory lock;
    SQLite: BEGIN IMMEDIATE)."""
    case, room = booked
    second = cf.case(world, step="intervention")
    values = {
        "date": TOMORROW,
        "start": dt.time(12, 10),
        "end": dt.time(12, 50),
        "room_id": room.id,
        "worker_id": world.worker.id,
    }
    barrier, outcomes = threading.Barrier(2), []

    def book(c):
        barrier.wait()
        with database.connection_context():
            try:
                appointments.book(world.worker, c, dict(values))
                outcomes.append("saved")
            except PlannerError as err:
                outcomes.append("refused" if "冲突" in err.message else err.message)

    threads = [threading.Thread(target=book, args=(c,)) for c in (case, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert CaseAppointment.select().count() == 1
