"""Case sessions clash like any session, both ways, through placement's one busy query:
an appointment over a class or group of the same worker, over a session in the same room
or over another appointment is refused with the clash; planning, moving or batch-planning
a program onto an appointment's worker or room shows the clash, worded 个案会谈 with no
name and no code. A cancelled appointment is free time; an appointment is never a class's
clash (that would tell the class's other workers a student is in casework)."""

import datetime as dt

import pytest

from planner.cases import appointments
from planner.cases.models import CaseAppointment
from planner.errors import PlannerError
from planner.sessions import services as sessions
from planner.sessions.placement import BusyIndex, Rule, Spec, describe, place
from tests import factories
from tests.cases import factories as cf
from tests.cases.appointment_factories import (
    TOMORROW,
    appointment,
    case_room,
    clock,  # noqa: F401  (the fixture)
    form,
)
from tests.conftest import login_as
from tests.reflections import factories as rf

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def booked(world):
    return cf.case(world, step="intervention"), case_room(world)


def post(app, world, case, data):
    client = login_as(app.test_client(), world.worker)
    response = client.post(f"/cases/{case.id}/appointments", data=data)
    return response.status_code, response.get_data(as_text=True)


def test_a_session_over_her_class_lesson_is_refused_with_the_clash(app, world, booked):
    """Step 5 of the issue's journey: the class is in another room, the worker is the same."""
    case, room = booked
    rf.program(world, kind="classroom", first=TOMORROW, title="七年级青春期课")  # 16:10–17:10
    status, body = post(app, world, case, form(room, world.worker, start="16:30", end="17:00"))
    assert status == 422
    assert "社工时间冲突：与「七年级青春期课」第 1 节（12月10日（周四） 16:10–17:10）重叠" in body
    assert CaseAppointment.select().count() == 0
    status, _ = post(app, world, case, form(room, world.worker, start="17:10", end="17:50"))
    assert status == 303  # right after it: no overlap


def test_a_session_in_a_room_a_colleagues_group_uses_is_refused(app, world, booked):
    case, _ = booked
    rf.program(world, first=TOMORROW, workers=[world.worker_other], title="别人的小组")
    status, body = post(
        app, world, case, form(world.room, world.worker, start="16:00", end="16:30")
    )
    assert status == 422 and "场地冲突：与「别人的小组·向日葵组」第 1 节" in body


def test_two_appointments_clash_by_room_and_by_worker(app, world, booked):
    case, room = booked
    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    theirs = cf.case(world, worker=colleague)
    appointment(theirs, room)  # the colleague's, same room
    mine = cf.case(world)
    appointment(mine, case_room(world, "第二个案室"), start=(13, 0), end=(13, 40))
    status, body = post(app, world, case, form(room, world.worker, start="12:30", end="13:00"))
    assert status == 422 and "场地冲突：与「个案会谈」（12月10日（周四） 12:10–12:50）重叠" in body
    status, body = post(
        app, world, case, form(world.room, world.worker, start="13:20", end="14:00")
    )
    assert (
        status == 422 and "社工时间冲突：与「个案会谈」（12月10日（周四） 13:00–13:40）重叠" in body
    )
    # the clash names neither the other case nor its student
    for other in (theirs, mine):
        assert other.archive_code not in body and other.student.name not in body


def test_a_cancelled_appointment_is_free_time_and_planning_it_again_is_checked(app, world, booked):
    case, room = booked
    cancelled = appointment(case, room, status="cancelled")
    status, _ = post(app, world, case, form(room, world.worker))
    assert status == 303
    client = login_as(app.test_client(), world.worker)
    again = client.post(
        f"/cases/{case.id}/appointments/{cancelled.id}",
        data=form(room, world.worker, status="planned", version="1", case_note_id=""),
    )
    assert again.status_code == 422 and "场地冲突" in again.get_data(as_text=True)
    assert CaseAppointment.get_by_id(cancelled.id).status == "cancelled"


def test_moving_an_appointment_onto_another_clashes_but_not_onto_itself(app, world, booked):
    case, room = booked
    first = appointment(case, room)
    second = appointment(case, room, start=(13, 0), end=(13, 40))
    client = login_as(app.test_client(), world.worker)
    data = form(room, world.worker, start="12:20", end="12:55", status="planned", version="1")
    onto_first = client.post(f"/cases/{case.id}/appointments/{second.id}", data=data)
    assert onto_first.status_code == 422
    later = client.post(f"/cases/{case.id}/appointments/{first.id}", data=data)
    assert later.status_code == 303  # overlapping only its own old slot
    assert CaseAppointment.get_by_id(first.id).end == dt.time(12, 55)


def spec(world, room, workers, classes=()):
    return Spec(
        world.school.id,
        world.term,
        room.id,
        [w.id for w in workers],
        list(classes),
        [Rule(4, dt.time(12, 0), dt.time(12, 45))],  # Thursdays
        2,
        start_week=15,
    )


def test_planning_a_program_over_an_appointment_shows_the_clash(world, booked):
    """Placement (one program) and the batch index both see the worker's and the room's
    appointments, worded 个案会谈."""
    case, room = booked
    appointment(case, room)
    for busy in (None, "index"):
        for who, where, kind in (
            ([world.worker], world.room, "worker"),
            ([world.worker_other], room, "room"),
        ):
            s = spec(world, where, who)
            found = None
            if busy:
                found = BusyIndex.load(
                    world.term.start, world.term.end, {world.school.id}, set(s.worker_ids)
                ).for_spec(s)
            preview = place(s, busy=found)
            first = preview.placed[0]
            assert first.date == TOMORROW, first
            [clash] = first.conflicts
            assert clash.kind == kind and clash.other.what == "appointment"
            assert str(describe(clash)).startswith(
                f"{'社工时间冲突' if kind == 'worker' else '场地冲突'}：与「个案会谈」"
            )
            assert not preview.placed[1].conflicts


def test_an_appointment_is_never_a_class_clash(world, booked):
    """Another worker planning the student's class in another room sees nothing."""
    case, room = booked
    appointment(case, room)
    preview = place(spec(world, world.room, [world.worker_other], [case.student.school_class_id]))
    assert not preview.conflicts


def test_moving_a_session_onto_an_appointment_is_refused(world, booked, before_term):
    case, room = booked
    prog = rf.program(world, first=dt.date(2026, 9, 3))
    session = rf.sessions_of(prog)[0]
    appointment(case, room, day=dt.date(2026, 9, 10), start=(16, 0), end=(16, 40))
    from planner.sessions.models import Program

    program = Program.get_by_id(prog.id)
    with pytest.raises(PlannerError, match="社工时间冲突：与「个案会谈」"):
        sessions.move_session(
            session, program, world.worker, dt.date(2026, 9, 10), dt.time(16, 10), dt.time(17, 10)
        )


def test_the_preview_template_words_an_appointment_clash(app, world, booked):
    case, room = booked
    appointment(case, room)
    preview = place(spec(world, world.room, [world.worker]))
    with app.test_request_context():
        from flask import render_template_string

        text = render_template_string(
            '{% from "programs/_placement.html" import conflict_line with context %}{{ conflict_line(c) }}',
            c=preview.placed[0].conflicts[0],
            conflict_kinds={"room": "场地冲突", "worker": "社工时间冲突", "class": "班级时间冲突"},
        )
    assert text.strip() == "社工时间冲突：与「个案会谈」（12月10日（周四） 12:10–12:50）重叠"


def test_the_service_refuses_what_the_form_never_offers(world, booked):
    case, room = booked
    values = {
        "date": TOMORROW,
        "start": dt.time(12, 10),
        "end": dt.time(12, 50),
        "room_id": room.id,
        "worker_id": world.worker.id,
    }
    appointments.book(world.worker, case, dict(values))
    with pytest.raises(PlannerError) as err:
        appointments.book(world.worker, case, dict(values))
    assert err.value.field == "schedule" and "场地冲突" in err.value.message
