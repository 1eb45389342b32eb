"""Supervision sessions (MZ/T 166; standard 6.2.2.2, 9.1 c): recorded by the supervisor with
some of her own workers (one for individual supervision, two or more for a group), read
by her and by the workers who attended; counted by mode."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.accounts.models import Supervision
from planner.i18n import local_today
from planner.service.models import SupervisionAttendee, SupervisionSession
from tests import factories
from tests.conftest import login_as
from tests.service import factories as vf


@pytest.fixture
def colleague(world):
    """A second worker the world's supervisor oversees."""
    other = factories.user("worker", agency=world.agency, schools=[world.school])
    Supervision.create(supervisor=world.supervisor, worker=other)
    return other


def form(attending, **kw):
    data = {
        "held_on": (local_today() - dt.timedelta(days=1)).isoformat(),
        "mode": "group",
        "kind": "supportive",
        "workers": [str(w.id) for w in attending],
        "minutes": "90",
        "topics": "职业倦怠",
        "discussed": "JX-G-2026-01",
        "actions": "每周一次同伴支持",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_a_group_session_with_two_workers_is_recorded_and_counted(supervisor, world, colleague):
    response = supervisor.post("/supervision-sessions", data=form([world.worker, colleague]))
    assert response.status_code == 303
    row = SupervisionSession.get()
    assert (row.supervisor_id, row.mode, row.kind) == (world.supervisor.id, "group", "supportive")
    attendees = {a.worker_id for a in SupervisionAttendee.select()}
    assert attendees == {world.worker.id, colleague.id}
    page = supervisor.get("/supervision-sessions").get_data(as_text=True)
    assert 'id="supervision-count">1<' in page
    assert "团体督导 1 次" in page and "个体督导 0 次" in page


def test_a_worker_sees_only_the_sessions_she_attended(app, world, colleague):
    mine = vf.supervision(world.supervisor, [world.worker], mode="individual", topics="我的")
    theirs = vf.supervision(world.supervisor, [colleague], mode="individual", topics="同事的")
    page = login_as(app.test_client(), world.worker).get("/supervision-sessions")
    text = page.get_data(as_text=True)
    assert f'id="supervision-{mine.id}"' in text and f'id="supervision-{theirs.id}"' not in text
    assert 'id="new-supervision"' not in text
    other = login_as(
        app.test_client(), world.supervisor_other if hasattr(world, "x") else colleague
    )
    assert f'id="supervision-{mine.id}"' not in other.get("/supervision-sessions").get_data(
        as_text=True
    )


def test_another_supervisor_sees_none_of_them(app, world):
    vf.supervision(world.supervisor, [world.worker], mode="individual", topics="只给本人")
    boss = factories.user("supervisor", agency=world.agency)
    page = login_as(app.test_client(), boss).get("/supervision-sessions").get_data(as_text=True)
    assert "只给本人" not in page and 'id="supervision-count">0<' in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_on": None}, "held_on"),
        ({"held_on": "3000-01-01"}, "held_on"),
        ({"mode": "solo"}, "mode"),
        ({"kind": "行政"}, "kind"),
        ({"workers": []}, "workers"),
        ({"workers": ["abc"]}, "workers"),
        ({"minutes": "601"}, "minutes"),
        ({"topics": ""}, "topics"),
        ({"topics": "题" * 2001}, "topics"),
        ({"discussed": "码" * 301}, "discussed"),
        ({"mode": "individual"}, "workers"),  # two workers for an individual session
    ],
)
def test_a_bad_session_is_refused_and_nothing_saved(supervisor, world, colleague, changes, field):
    response = supervisor.post(
        "/supervision-sessions", data=form([world.worker, colleague], **changes)
    )
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.get_data(as_text=True)
    assert SupervisionSession.select().count() == 0


def test_a_group_needs_two_and_only_her_own_workers(supervisor, world, colleague):
    alone = supervisor.post("/supervision-sessions", data=form([world.worker]))
    assert alone.status_code == 422
    stranger = factories.user("worker", agency=world.agency, schools=[world.school])
    foreign = supervisor.post("/supervision-sessions", data=form([world.worker, stranger]))
    assert foreign.status_code == 422 and SupervisionSession.select().count() == 0


def test_workers_and_others_may_not_record(app, world):
    for user, status in ((world.worker, 403), (world.admin, 403), (world.teacher, 403)):
        client = login_as(app.test_client(), user)
        assert client.post("/supervision-sessions", data=form([world.worker])).status_code == status
    assert SupervisionSession.select().count() == 0


def test_the_query_count_is_pinned(supervisor, world, colleague):
    def counted():
        with count_queries() as counter:
            assert supervisor.get("/supervision-sessions").status_code == 200
        return counter.count

    vf.supervision(world.supervisor, [world.worker], mode="individual")
    small = counted()
    for _ in range(5):
        vf.supervision(world.supervisor, [world.worker, colleague])
    assert counted() == small == 4
