"""Two tablets tapping at once, as threads against the app: exactly one row per member
holding the latest tap, whatever order the requests arrive in. Runs on SQLite and, with
PLANNER_TEST_DATABASE_URL, on PostgreSQL."""

import datetime as dt
import random
import threading

from planner.runs.models import Attendance
from tests.conftest import login_as
from tests.runs.conftest import T0, iso, rows
from tests.runs.factories import members, run_session

STATUSES = ["present", "late", "left_early", "excused", "absent"]
TAPS_PER_TABLET = 50


def plan_taps(tablet, member_ids, rng):
    """50 taps of one tablet, spread over the members, at interleaved times (tablet 0 on
    even milliseconds, tablet 1 on odd), sent in shuffled order so old taps arrive late."""
    taps = []
    for i in range(TAPS_PER_TABLET):
        at = T0 + dt.timedelta(milliseconds=2 * i + tablet)
        taps.append(
            {
                "student_id": str(member_ids[i % len(member_ids)]),
                "status": rng.choice(STATUSES),
                "tapped_at": iso(at),
                "tap_id": f"tab{tablet}-{i}",
            }
        )
    rng.shuffle(taps)
    return taps


def run_tablets(app, session, users, plans):
    barrier = threading.Barrier(len(plans))
    answers, errors = [], []

    def tablet(user, taps):
        client = login_as(app.test_client(), user)
        try:
            barrier.wait(10)
            for data in taps:
                response = client.post(
                    f"/sessions/{session.id}/attendance",
                    data=data,
                    headers={"Accept": "application/json"},
                )
                answers.append(response.status_code)
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=tablet, args=(u, p)) for u, p in zip(users, plans)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    return answers


def latest(plans):
    """{student id: status of the tap with the latest tapped_at}."""
    best = {}
    for taps in plans:
        for data in taps:
            sid = int(data["student_id"])
            if sid not in best or data["tapped_at"] > best[sid][0]:
                best[sid] = (data["tapped_at"], data["status"])
    return {sid: status for sid, (_, status) in best.items()}


def test_two_tablets_fifty_taps_each_converge_on_the_latest(app, world):
    session = run_session(world, kind="group")
    ids = [m.id for m in members(session, 6)]
    rng = random.Random(20261122)
    plans = [plan_taps(0, ids, rng), plan_taps(1, ids, rng)]
    answers = run_tablets(app, session, [world.worker, world.admin], plans)
    assert answers == [200] * (2 * TAPS_PER_TABLET)
    assert Attendance.select().where(Attendance.session == session.id).count() == len(ids)
    assert rows(session) == latest(plans)
    for row in Attendance.select():
        mine = [d["tapped_at"] for p in plans for d in p if int(d["student_id"]) == row.student_id]
        assert iso(row.tapped_at) == max(mine)


def test_both_tablets_hammering_one_member_keep_one_row(app, world):
    """The first tap of a member is an INSERT racing an INSERT: still one row."""
    session = run_session(world, kind="group")
    only = members(session, 1)[0]
    rng = random.Random(7)
    plans = [plan_taps(0, [only.id], rng), plan_taps(1, [only.id], rng)]
    answers = run_tablets(app, session, [world.worker, world.worker], plans)
    assert answers == [200] * (2 * TAPS_PER_TABLET)
    assert Attendance.select().count() == 1
    assert rows(session) == latest(plans)


def test_simultaneous_first_taps_never_duplicate_or_fail(app, world):
    """Round by round, both tablets tap the same fresh member at the same instant (a
    barrier per round), straight into the service: the race between two first INSERTs
    and between an INSERT and an UPDATE is hit every round."""
    from planner.db import database
    from planner.runs.services import record_tap
    from planner.sessions.models import Session

    session = run_session(world, kind="group")
    fresh = [m.id for m in members(session, 20)]
    session = Session.get_by_id(session.id)
    barrier = threading.Barrier(2)
    errors = []

    def tablet(offset):
        try:
            with database.connection_context():
                for n, sid in enumerate(fresh):
                    at = T0 + dt.timedelta(milliseconds=offset)
                    barrier.wait(10)
                    record_tap(session, sid, STATUSES[(n + offset) % 5], at, world.worker)
        except Exception as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=tablet, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert Attendance.select().count() == len(fresh)
    assert rows(session) == {sid: STATUSES[(n + 1) % 5] for n, sid in enumerate(fresh)}
