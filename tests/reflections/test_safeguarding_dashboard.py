"""The dashboards' safeguarding card costs a fixed number of queries, however many flags."""

import pytest
from playhouse.test_utils import count_queries

from tests import factories
from tests.conftest import login_as
from tests.reflections import factories as rf


def flags(world, worker, n):
    prog = rf.program(world, workers=[worker], sessions=n)
    for session in rf.sessions_of(prog):
        refl = rf.reflection(session, worker, status="submitted")
        member = rf.student(world)
        rf.follow_up(refl, member, safeguarding=True)
        rf.follow_up(refl, None, safeguarding=True)


def dashboard_queries(client, user):
    login_as(client, user)
    with count_queries() as counted:
        body = client.get("/dashboard").get_data(as_text=True)
    return counted.count, body.count('id="dash-flag-')


# user + schools (+ workers for admins and supervisors) + the card's queries (a worker's
# flags and urgent letters; a supervisor's lead, flags and letters; an admin's lead,
# warning, flags and letters) + the rest of each home page (tests/dashboard/): a worker's
# 10 more, her supervisors and her overdue letters, a supervisor's 3, an admin's 3 and
# training and complaints (planner/service/); a worker's and a supervisor's overdue
# crisis reviews, 1; a worker's case sessions of today (planner/home/appointments.py), 1;
# everyone's concerns raised in case notes (planner/home/case_flags.py), 1
@pytest.mark.parametrize(
    ("persona", "queries"), [("worker", 21), ("supervisor", 11), ("admin", 13)]
)
def test_dashboard_query_count_is_pinned(client, world, persona, queries):
    unsupervised = factories.user("worker", agency=world.agency, schools=[world.school])
    worker = unsupervised if persona == "admin" else world.worker
    user = getattr(world, persona)
    flags(world, worker, 1)
    few = dashboard_queries(client, user)
    flags(world, worker, 5)
    many = dashboard_queries(client, user)
    assert few == (queries, 2) and many == (queries, 12)


def test_the_leads_queue_query_count_is_pinned(client, world):
    """An admin standing in for the lead: the user, the lead, the flags, the audit row."""
    unsupervised = factories.user("worker", agency=world.agency, schools=[world.school])
    login_as(client, world.admin)
    counts = []
    for n in (1, 5):
        flags(world, unsupervised, n)
        with count_queries() as counted:
            body = client.get("/supervision").get_data(as_text=True)
        counts.append((counted.count, body.count('class="follow-up safeguarding"')))
    assert counts == [(4, 2), (4, 12)]
