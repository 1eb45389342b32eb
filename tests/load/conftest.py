"""Load tests against a real gunicorn: one growth group with several sessions and members
(committed before the server starts), two tablets, and a server fixture whose finalizer
kills the whole process group, so no gunicorn outlives a failing test."""

import datetime as dt
import types

import pytest

from planner.db import database
from planner.sessions.models import ProgramWorker, Session
from tests import factories
from tests.load.server import Server
from tests.runs.factories import members, run_session

JSON = {"Accept": "application/json"}
HTMX = {"HX-Request": "true"}
STATUSES = ["present", "late", "left_early", "excused", "absent"]


def iso(moment: dt.datetime) -> str:
    """A tablet's tap time: ISO 8601 UTC with microseconds and Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def growth_group(world, sessions=3, people=8):
    """A group of the world's worker and a co-worker: `sessions` sessions (today and the
    days before: a session that has not started takes no attendance or notes), `people`
    members with attendance consent."""
    coworker = factories.user(
        "worker", agency=world.agency, username="coworker", schools=[world.school]
    )
    first = run_session(world, kind="group")
    ProgramWorker.create(program=first.program_id, worker=coworker)
    rest = [
        Session.create(
            program=first.program_id,
            template=first.template_id,
            seq=n,
            date=first.date - dt.timedelta(days=n - 1),
            start=first.start,
            end=first.end,
            room=first.room_id,
            teaching_week=3,
        )
        for n in range(2, sessions + 1)
    ]
    students = members(first, people)
    return types.SimpleNamespace(
        program_id=first.program_id,
        sessions=[first, *rest],
        students=students,
        worker=world.worker,
        coworker=coworker,
    )


@pytest.fixture
def group(world):
    """The group, committed, and the test process's connection closed before any server
    starts: the server's workers are then the only connections to the database."""
    made = growth_group(world)
    database.close()
    return made


@pytest.fixture
def server(app, db_url, tmp_path):
    """A gunicorn on the test database (not started yet). Torn down before `app`, which
    empties the tables afterwards."""
    made = Server(db_url, str(tmp_path / "gunicorn.log"))
    yield made
    made.kill()
