"""Missing records: over for more than 48 hours (local time as stored), not cancelled, and
no reflection, or no attendance (group) / no headcount (lesson)."""

import datetime as dt
import re

import pytest
from playhouse.test_utils import count_queries

from planner.reflections import queries
from planner.sessions.models import Session
from tests import factories
from tests.conftest import login_as
from tests.reflections import factories as rf

NOW = dt.datetime(2026, 10, 15, 12, 0)  # Asia/Shanghai wall clock


@pytest.fixture
def at_now(monkeypatch):
    monkeypatch.setattr(queries, "local_now", lambda: NOW)


def end_at(session, when: dt.datetime, minutes=60):
    """Move a session so it ends at `when`."""
    start = (when - dt.timedelta(minutes=minutes)).time()
    Session.update(date=when.date(), start=start, end=when.time()).where(
        Session.id == session.id
    ).execute()


def complete(session, group_member=None):
    """Both records: a reflection and attendance (group) or a headcount (lesson)."""
    from planner.accounts.models import User

    worker = User.get(User.username == "worker_here")
    rf.reflection(session, worker)
    if group_member is not None:
        rf.attendance(session, group_member)
    else:
        rf.headcount(session)


def listed(client):
    body = client.get("/records/missing").get_data(as_text=True)
    return body, {int(n) for n in re.findall(r'id="missing-(\d+)"', body)}


def test_47_hours_is_not_missing_yet_49_hours_is(client, world, group, at_now):
    early, late = group.sessions[0], group.sessions[1]
    end_at(early, NOW - dt.timedelta(hours=49))
    end_at(late, NOW - dt.timedelta(hours=47))
    Session.update(date=dt.date(2026, 12, 1)).where(
        Session.id.in_([s.id for s in group.sessions[2:]])
    ).execute()
    login_as(client, world.worker)
    body, ids = listed(client)
    assert ids == {early.id}


def test_the_cutoff_crosses_midnight(client, world, group, at_now, monkeypatch):
    """At 01:00 the cutoff is 01:00 two days before: a 23:30 session the day before that
    is missing, a 02:00 one on the cutoff day isn't yet."""
    monkeypatch.setattr(queries, "local_now", lambda: dt.datetime(2026, 10, 15, 1, 0))
    before, after = group.sessions[0], group.sessions[1]
    end_at(before, dt.datetime(2026, 10, 12, 23, 30))
    end_at(after, dt.datetime(2026, 10, 13, 2, 0))
    Session.update(date=dt.date(2026, 12, 1)).where(
        Session.id.in_([s.id for s in group.sessions[2:]])
    ).execute()
    login_as(client, world.worker)
    assert listed(client)[1] == {before.id}


def test_cancelled_and_complete_sessions_are_excluded(client, world, group, lesson, at_now):
    """Of the group's first four meetings (all past): cancelled, complete, reflection only,
    attendance only. Of the lesson's: complete, reflection only (no headcount)."""
    g = group.sessions
    Session.update(status="cancelled").where(Session.id == g[0].id).execute()
    complete(g[1], group.ok)
    rf.reflection(g[2], world.worker)
    rf.attendance(g[3], group.ok)
    _, ls = lesson
    complete(ls[0])
    rf.reflection(ls[1], world.worker)
    from planner.runs.models import SessionRecord

    SessionRecord.create(session=ls[2], headcount=None, notes="没有人数")  # a record but no count
    rf.headcount(ls[3])  # a headcount but no reflection
    Session.update(date=dt.date(2026, 12, 1)).where(Session.id.in_([g[4].id, g[5].id])).execute()
    login_as(client, world.worker)
    body, ids = listed(client)
    assert ids == {g[2].id, g[3].id, ls[1].id, ls[2].id, ls[3].id}
    row = body.split(f'id="missing-{g[2].id}"')[1].split("</tr>")[0]
    assert 'warn">出勤' in row and 'warn">反思' not in row
    row = body.split(f'id="missing-{ls[3].id}"')[1].split("</tr>")[0]
    assert 'warn">反思' in row and 'warn">人数' not in row


def test_marks_the_retention_purge_removed_still_count_as_attendance(client, world, group, at_now):
    """Once the purge has removed a meeting's marks (counted on its record), the meeting is
    not shown as missing attendance, as runs/held.py counts it held."""
    from planner.runs.models import SessionRecord

    g = group.sessions
    for s in g[:2]:
        rf.reflection(s, world.worker)
    SessionRecord.create(session=g[0], purged_marks=6, purged_attended=5)
    SessionRecord.create(session=g[1], purged_marks=0, purged_attended=0)
    Session.update(date=dt.date(2026, 12, 1)).where(Session.id.in_([s.id for s in g[2:]])).execute()
    login_as(client, world.worker)
    body, ids = listed(client)
    assert ids == {g[1].id}
    assert 'warn">出勤' in body.split(f'id="missing-{g[1].id}"')[1].split("</tr>")[0]


def test_worker_sees_own_supervisor_sees_their_workers(client, world, group, at_now):
    other_worker = factories.user(
        "worker", agency=world.agency, schools=[world.school], display_name="另一位社工"
    )
    theirs = rf.program(world, workers=[other_worker], title="别人的小组")
    for s in group.sessions[1:] + rf.sessions_of(theirs)[1:]:
        Session.update(date=dt.date(2026, 12, 1)).where(Session.id == s.id).execute()
    mine, their = group.sessions[0], rf.sessions_of(theirs)[0]
    login_as(client, world.worker)
    assert listed(client)[1] == {mine.id}
    login_as(client, world.supervisor)
    body, ids = listed(client)
    assert ids == {mine.id} and world.worker.display_name in body
    login_as(client, world.worker_other)
    assert listed(client)[1] == set()
    boss = factories.user("supervisor", agency=world.agency, workers=[world.worker, other_worker])
    login_as(client, boss)
    assert listed(client)[1] == {mine.id, their.id}


def test_missing_records_query_count_is_constant(client, world, at_now):
    login_as(client, world.supervisor)
    rf.program(world, sessions=4)  # weekly from 10 September: all four over by 13 October
    with count_queries() as few:
        assert len(listed(client)[1]) == 4
    rf.program(world, sessions=8)  # five of them over
    rf.program(world, kind="classroom", sessions=6)  # five of them over
    with count_queries() as many:
        assert len(listed(client)[1]) == 14
    # the user, the sessions, the workers' names (supervisor view)
    assert few.count == many.count == 3
