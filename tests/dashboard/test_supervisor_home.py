"""A supervisor's home: the reflections of her workers by state (the queue by default),
filtered by worker and state through the query string, and per worker the reflections
waiting, returned and the open safeguarding flags. A filter she may not use is ignored,
never a 500; the query count is pinned and does not grow with workers or reflections."""

import re

import pytest
from playhouse.test_utils import count_queries

from planner.accounts.models import Supervision
from tests import factories
from tests.conftest import login_as
from tests.reflections import factories as rf

QUERIES = 11  # tests/reflections/test_safeguarding_dashboard.py says which


@pytest.fixture
def two(world):
    """Her two workers, each with a group: a submitted reflection each, a returned and a
    signed-off one of the world's worker, and one open safeguarding flag."""
    second = factories.user(
        "worker", agency=world.agency, username="worker_two", schools=[world.school]
    )
    Supervision.create(supervisor=world.supervisor, worker=second)
    mine = rf.sessions_of(rf.program(world, sessions=4, title="甲组"))
    theirs = rf.sessions_of(rf.program(world, workers=[second], sessions=2, title="乙组"))
    waiting = rf.reflection(mine[0], world.worker, status="submitted")
    rf.follow_up(waiting, None, safeguarding=True)
    returned = rf.reflection(mine[1], world.worker, supervisor_comment="请补充")
    signed = rf.reflection(mine[2], world.worker, status="signed_off")
    draft = rf.reflection(mine[3], world.worker)  # never submitted: in no list
    other = rf.reflection(theirs[0], second, status="submitted")
    return second, waiting, returned, signed, draft, other


def shown(client, query=""):
    body = client.get(f"/dashboard{query}").get_data(as_text=True)
    return sorted(int(n) for n in re.findall(r'id="review-(\d+)"', body)), body


def test_the_queue_by_default(as_user, world, two):
    client = as_user(world.supervisor)
    second, waiting, returned, signed, draft, other = two
    ids, body = shown(client)
    assert ids == sorted([waiting.id, other.id])
    assert f'href="/sessions/{waiting.session_id}/reflection"' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?state=returned", "returned"),
        ("?state=signed_off", "signed"),
        ("?state=submitted", "both"),
    ],
)
def test_the_state_filter(as_user, world, two, query, expected):
    second, waiting, returned, signed, draft, other = two
    want = {"returned": [returned.id], "signed": [signed.id]}.get(
        expected, sorted([waiting.id, other.id])
    )
    assert shown(as_user(world.supervisor), query)[0] == want


def test_the_worker_filter(as_user, world, two):
    second, waiting, returned, signed, draft, other = two
    client = as_user(world.supervisor)
    ids, body = shown(client, f"?worker={second.id}")
    assert ids == [other.id]
    assert f'<option value="{second.id}" selected>' in body
    assert shown(client, f"?worker={world.worker.id}&state=returned")[0] == [returned.id]


@pytest.mark.parametrize(
    "query",
    [
        "?worker=999999",  # unknown id
        "?worker=abc&state=nonsense",  # garbage
        "?worker=" + "9" * 40,  # a huge number
        "?worker=-1&state=",  # negative, empty
        "?state=%00%ff",  # control and bad bytes
        "?worker=1.5&worker=2",  # not an integer, repeated
    ],
)
def test_a_filter_it_does_not_know_is_ignored(as_user, world, two, query):
    second, waiting, returned, signed, draft, other = two
    response = as_user(world.supervisor).get(f"/dashboard{query}")
    assert response.status_code == 200
    ids = sorted(int(n) for n in re.findall(r'id="review-(\d+)"', response.get_data(as_text=True)))
    assert ids == sorted([waiting.id, other.id])


def test_another_supervisors_or_agencys_worker_is_ignored(as_user, world, two):
    """A worker she does not supervise (same agency, or another one) filters nothing: she
    sees her own queue, never theirs."""
    second, waiting, returned, signed, draft, other = two
    foreign_agency = factories.user("worker", username="far_away")
    strangers = [world.worker_other, foreign_agency]
    stranger_refl = rf.reflection(
        rf.sessions_of(rf.program(world, workers=[world.worker_other], sessions=1))[0],
        world.worker_other,
        status="submitted",
    )
    client = as_user(world.supervisor)
    for stranger in strangers:
        ids, body = shown(client, f"?worker={stranger.id}")
        assert ids == sorted([waiting.id, other.id])
        assert stranger_refl.id not in ids and f'value="{stranger.id}"' not in body


def test_the_counts_per_worker(as_user, world, two):
    second, *_ = two
    body = as_user(world.supervisor).get("/dashboard").get_data(as_text=True)
    mine = re.search(rf'id="worker-count-{world.worker.id}".*?</a>', body, re.S).group(0)
    assert "待督导 1" in mine and "已退回 1" in mine and "安全关注 1 项" in mine
    assert f"/dashboard?worker={world.worker.id}" in mine
    theirs = re.search(rf'id="worker-count-{second.id}".*?</a>', body, re.S).group(0)
    assert "待督导 1" in theirs and "已退回 0" in theirs and "没有待确认的安全关注" in theirs


def test_the_worker_and_admin_homes_have_no_queue(as_user, world, two):
    for user in (world.worker, world.admin):
        assert 'id="review-queue"' not in as_user(user).get("/dashboard").get_data(as_text=True)


def more(world, n):
    for _ in range(n):
        worker = factories.user("worker", agency=world.agency, schools=[world.school])
        Supervision.create(supervisor=world.supervisor, worker=worker)
        for session in rf.sessions_of(rf.program(world, workers=[worker], sessions=3)):
            refl = rf.reflection(session, worker, status="submitted")
            rf.follow_up(refl, None, safeguarding=True)


def test_the_query_count_is_pinned_and_does_not_grow(client, world, two):
    counts = []
    for n in (0, 1, 4):
        more(world, n)
        login_as(client, world.supervisor)
        with count_queries() as counter:
            body = client.get("/dashboard?state=submitted").get_data(as_text=True)
        counts.append((counter.count, body.count('id="worker-count-')))
    assert counts == [(QUERIES, 2), (QUERIES, 3), (QUERIES, 7)]
