"""Run-mode test helpers: a group session today with members, and a tap poster."""

import datetime as dt
import itertools

import pytest

from planner.runs.models import Attendance
from tests.conftest import login_as
from tests.runs.factories import members, run_session

JSON = {"Accept": "application/json"}
T0 = dt.datetime(2026, 11, 20, 9, 0, 0)  # naive UTC, well in the past
_taps = itertools.count(1)


@pytest.fixture
def group(world):
    """A growth-group session today, run by the world's worker, with 3 consenting members."""
    session = run_session(world, kind="group")
    session.members = members(session, 3)
    return session


@pytest.fixture
def worker(client, world):
    return login_as(client, world.worker)


def iso(moment: dt.datetime) -> str:
    """The tablet's form: ISO 8601 UTC with milliseconds and Z (as Date.toISOString())."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def tap(client, session, student, status, at=None, headers=JSON, **extra):
    """POST one tap as runmode.js does."""
    data = {
        "student_id": str(getattr(student, "id", student)),
        "status": status,
        "tap_id": f"t-{next(_taps)}",
    }
    if at is not None:
        data["tapped_at"] = at if isinstance(at, str) else iso(at)
    data.update(extra)
    return client.post(f"/sessions/{session.id}/attendance", data=data, headers=headers)


def rows(session):
    """{student id: status} stored for the session."""
    return {
        a.student_id: a.status for a in Attendance.select().where(Attendance.session == session.id)
    }
