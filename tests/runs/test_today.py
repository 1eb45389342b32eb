"""GET /run/today: one tap to the session to run now, or 今天没有安排."""

import datetime as dt

from planner.i18n import local_today
from planner.runs.services import next_session
from planner.sessions.models import Session
from tests.conftest import login_as
from tests.runs.factories import run_session


def test_nothing_today(worker):
    response = worker.get("/run/today")
    assert response.status_code == 200
    assert "今天没有安排" in response.get_data(as_text=True)


def test_a_free_day_names_the_next_session(client, world):
    """Nothing today: the page says when the worker's next session is, and links to it; a
    colleague's earlier session and a cancelled one are not hers to be told of."""
    from tests import factories

    later = run_session(world, day=local_today() + dt.timedelta(days=9))
    cancelled = run_session(world, day=local_today() + dt.timedelta(days=2))
    Session.update(status="cancelled").where(Session.id == cancelled.id).execute()
    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    run_session(world, workers=[colleague], day=local_today() + dt.timedelta(days=1))
    html = login_as(client, world.worker).get("/run/today").get_data(as_text=True)
    assert "今天没有安排" in html and 'id="next-session"' in html
    assert f"/programs/{later.program_id}" in html
    assert f"/programs/{cancelled.program_id}" not in html


def test_a_free_day_with_nothing_ahead_says_so(worker, world):
    run_session(world, day=local_today() - dt.timedelta(days=3))
    html = worker.get("/run/today").get_data(as_text=True)
    assert "今天没有安排" in html and "之后也还没有安排活动" in html


def test_a_worker_goes_straight_to_todays_session(worker, world):
    session = run_session(world)
    run_session(world, day=local_today() + dt.timedelta(days=1))
    response = worker.get("/run/today")
    assert response.status_code == 302
    assert response.location.endswith(f"/sessions/{session.id}/run")


def test_only_the_workers_own_sessions(client, world):
    from tests import factories

    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    run_session(world, workers=[colleague])
    response = login_as(client, world.worker).get("/run/today")
    assert response.status_code == 200 and "今天没有安排" in response.get_data(as_text=True)


def test_cancelled_sessions_are_not_opened(worker, world):
    session = run_session(world)
    Session.update(status="cancelled").where(Session.id == session.id).execute()
    response = worker.get("/run/today")
    assert response.status_code == 200  # listed, marked cancelled, not opened
    assert "已取消" in response.get_data(as_text=True)


def test_supervisors_and_admins_get_a_list(client, world):
    session = run_session(world)
    for user in (world.supervisor, world.admin):
        html = login_as(client, user).get("/run/today").get_data(as_text=True)
        assert f"/sessions/{session.id}/run" in html


def test_teachers_may_not(client, world):
    assert login_as(client, world.teacher).get("/run/today").status_code == 403


class S:
    def __init__(self, name, start, end, status="planned"):
        self.name, self.start, self.end, self.status = name, start, end, status


def test_next_session_rules():
    t = dt.time
    day = [S("a", t(8), t(8, 45)), S("b", t(10), t(10, 45), "cancelled"), S("c", t(14), t(14, 45))]
    assert next_session(day, t(7)).name == "a"
    assert next_session(day, t(8, 30)).name == "a"  # still running
    assert next_session(day, t(9)).name == "c"  # b is cancelled
    assert next_session(day, t(16)).name == "c"  # all over: the last, for the notes
    assert next_session([day[1]], t(9)) is None
    assert next_session([], t(9)) is None
