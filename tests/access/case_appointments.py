"""Case sessions on the calendar: the case worker (and co-worker) book and change them,
the supervisor of either reads them; admins and teachers never reach them (403), another
school's worker gets 404, a supervisor of other workers 403."""

import datetime as dt

from planner.cases.models import CaseAppointment
from planner.i18n import local_today
from tests import factories
from tests.access import only
from tests.cases import factories as cf


def setup(world):
    """A case of the world's worker with one appointment in a 个案工作室 next month."""
    world.appointment_case = cf.case(world, step="intervention")
    world.case_room = factories.room(school=world.school, name="个案工作室", kind="case_room")
    world.appointment = CaseAppointment.create(
        case=world.appointment_case,
        worker=world.worker,
        room=world.case_room,
        date=local_today() + dt.timedelta(days=30),
        start=dt.time(12, 10),
        end=dt.time(12, 50),
    )


READ = only({"worker", "supervisor"}, worker_other=404, supervisor_other=403)
WRITE_EMPTY = only({"worker"}, ok=422, worker_other=404)

RULES = {
    "case_appointments.index": (
        "GET",
        lambda w: f"/cases/{w.appointment_case.id}/appointments",
        None,
        READ,
    ),
    "case_appointments.new": (
        "POST",
        lambda w: f"/cases/{w.appointment_case.id}/appointments",
        {},
        WRITE_EMPTY,
    ),
    "case_appointments.edit": (
        "POST",
        lambda w: f"/cases/{w.appointment_case.id}/appointments/{w.appointment.id}",
        {},
        WRITE_EMPTY,
    ),
}
