"""The pages open all day keep their statements' plans on PostgreSQL (issue 19,
planner.db.planned_once): today, the week and run mode prepare their statements on the
pooled connection, so the server stops planning them on every view; the term statistics
and every other page prepare nothing (a generic plan of the statistics took 34 s).
PostgreSQL run only: SQLite keeps its own statement cache."""

import re

import pytest

from planner.db import database
from tests.conftest import login_as
from tests.runs.conftest import JSON
from tests.runs.factories import members, run_session

pytestmark = pytest.mark.postgres_only


def prepared() -> list[str]:
    """The statements prepared on this thread's connection (the one the test client's
    requests use: they run in this thread, and the pool gives it back to each)."""
    database.connect(reuse_if_open=True)
    return [s for (s,) in database.execute_sql("SELECT statement FROM pg_prepared_statements")]


def shown(response) -> str:
    """The page without its per-request CSRF token."""
    assert response.status_code == 200
    return re.sub(r"[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}", "csrf", response.get_data(as_text=True))


def test_the_week_today_and_run_mode_keep_their_plans_and_other_pages_do_not(
    client, world, before_term
):
    session = run_session(world, kind="group")
    session.members = members(session, 3)
    admin = login_as(world.app.test_client(), world.admin)
    stats = f"/stats?term={world.term.name}"
    for _ in range(8):  # beyond the 5 runs after which psycopg would prepare by itself
        assert admin.get(stats).status_code == 200
        assert admin.get("/dashboard").status_code == 200
    assert prepared() == []

    worker = login_as(client, world.worker)
    week = f"/calendar/week?date={session.date.isoformat()}"
    pages = [week, "/today", f"/sessions/{session.id}/run"]
    first = {url: shown(worker.get(url)) for url in pages}
    kept = prepared()
    assert any('FROM "session"' in s and "BETWEEN" in s for s in kept), kept  # the week's
    assert any('FROM "calendar_day"' in s for s in kept), kept
    assert any('FROM "activity"' in s for s in kept), kept  # run mode's agenda
    assert all("$1" in s or "WHERE" not in s for s in kept)  # values are parameters
    for _ in range(7):  # past the custom plans: the server's plan for all values
        for url in pages:
            assert shown(worker.get(url)) == first[url]
        assert worker.get(f"/sessions/{session.id}/run", headers=JSON).status_code == 200
    again = prepared()
    assert set(kept) <= set(again) and len(again) == len(set(again))  # used again, not anew

    for _ in range(8):  # the statistics still prepare nothing on that connection
        assert admin.get(stats).status_code == 200
    assert sorted(prepared()) == sorted(again)
