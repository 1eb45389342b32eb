"""An overdue crisis review is on the home page of the case worker and her supervisor,
by archive code only; the home pages' pinned query counts hold however many cases."""

import datetime as dt

from playhouse.test_utils import count_queries

from planner.i18n import local_today
from tests import factories as f
from tests.cases import factories as cf
from tests.conftest import login_as
from tests.dashboard.test_supervisor_home import QUERIES as SUPERVISOR_QUERIES
from tests.dashboard.test_worker_home import QUERIES as WORKER_QUERIES


def home(app, user):
    client = login_as(app.test_client(), user)
    with count_queries() as counted:
        body = client.get("/dashboard").text
    return counted.count, body


def test_an_overdue_review_is_on_the_worker_and_supervisor_homes(app, world):
    today = local_today()
    s = cf.student(world, name="逾期学生")
    due = cf.case(world, s, risk="high", next_review=today - dt.timedelta(days=2), step="plan")
    fine = cf.case(world, risk="high", next_review=today + dt.timedelta(days=2))
    closed = cf.case(world, risk="high", next_review=today - dt.timedelta(days=9), step="closed")
    low = cf.case(world, risk="concern", next_review=today - dt.timedelta(days=9))
    for user in (world.worker, world.supervisor):
        _, body = home(app, user)
        assert f'id="crisis-due-{due.id}"' in body and due.archive_code in body
        for other in (fine, closed, low):
            assert f'id="crisis-due-{other.id}"' not in body
        assert "逾期学生" not in body
    for user in (world.admin, world.teacher, world.worker_other):
        assert 'id="crisis-due' not in home(app, user)[1]


def test_a_colleagues_overdue_case_stays_off_the_home_page(app, world):
    colleague = f.user("worker", agency=world.agency, username="colleague", schools=[world.school])
    theirs = cf.case(
        world, worker=colleague, risk="high", next_review=local_today() - dt.timedelta(days=1)
    )
    assert f'id="crisis-due-{theirs.id}"' not in home(app, world.worker)[1]
    assert f'id="crisis-due-{theirs.id}"' not in home(app, world.supervisor)[1]


def test_the_home_query_counts_do_not_grow_with_cases(app, world):
    late = local_today() - dt.timedelta(days=1)
    counts = []
    for n in (1, 6):
        for _ in range(n):
            cf.case(world, risk="high", next_review=late)
        counts.append((home(app, world.worker)[0], home(app, world.supervisor)[0]))
    assert counts == [(WORKER_QUERIES, SUPERVISOR_QUERIES)] * 2
