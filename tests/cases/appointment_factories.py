"""Case-session fixtures: a fixed Beijing clock (Wednesday 2026-12-09 10:00), a 个案工作室
and appointments booked straight into the table."""

import datetime as dt

import pytest

from planner import i18n
from planner.cases.models import CaseAppointment
from tests import factories

UTC_NOW = dt.datetime(2026, 12, 9, 2, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 12, 9)  # a Wednesday in the world's autumn term
TOMORROW = dt.date(2026, 12, 10)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(i18n, "utc_clock", lambda: UTC_NOW)
    return TODAY


def case_room(world, name="个案工作室"):
    return factories.room(school=world.school, name=name, kind="case_room")


def appointment(case, room, day=TOMORROW, start=(12, 10), end=(12, 50), worker=None, **kw):
    return CaseAppointment.create(
        case=case,
        worker=worker or case.worker,
        room=room,
        date=day,
        start=dt.time(*start),
        end=dt.time(*end),
        **kw,
    )


def form(room, worker, day=TOMORROW, start="12:10", end="12:50", **extra):
    """The booking form as the page posts it."""
    data = {
        "date": day.isoformat(),
        "start": start,
        "end": end,
        "room_id": str(room.id),
        "worker_id": str(getattr(worker, "id", worker)),
    }
    data.update(extra)
    return data
