"""The term statistics page is kept once computed, under the stamps of the last writes to
the tables it counts (planner.reports.stamp, planner.reports.cache): every write that
changes a figure shows on the next view, whoever makes it; a view with no write since
is served from the copy. Each case: view, write, view again, and the page equals the
page computed afresh (the cache turned off) and differs from the first view. Runs on
SQLite and, with PLANNER_TEST_DATABASE_URL, on PostgreSQL (the triggers differ)."""

import datetime as dt
import random
import re

import pytest
from peewee import PostgresqlDatabase
from playhouse.test_utils import count_queries

from planner.accounts.models import Supervision, User, WorkerSchool
from planner.curricula.models import Curriculum
from planner.db import database, make_database
from planner.i18n import local_today
from planner.privacy import retention
from planner.reports import stamp
from planner.runs.models import Attendance, SessionRecord
from planner.runs.services import load_session, record_tap
from planner.schools.models import School, SchoolClass, Term
from planner.sessions.models import Program, ProgramClass, ProgramWorker, Session
from tests import factories
from tests.conftest import login_as
from tests.reflections import factories as rf
from tests.reports import test_stats, unsigned
from tests.reports.test_stats import WEEK, T
from tests.reports.test_stats_tally import _consent, random_changes, random_world

term = test_stats.term  # the hand-built term, as a fixture here too

SECTION = re.compile(
    r'<section class="card" id="stats">.*?</section>'
    r'(?:\s*<section class="card" id="service-counts">.*?</section>)?',
    re.S,
)


def body(client, query=f"?term={T}"):
    response = client.get("/stats" + query)
    assert response.status_code == 200
    return unsigned(SECTION.search(response.get_data(as_text=True)).group(0))


def fresh(client, app, query=f"?term={T}"):
    """The page computed now, the cache turned off for one view."""
    app.config["STATS_CACHE"] = False
    try:
        return body(client, query)
    finally:
        app.config["STATS_CACHE"] = True


def _p(t, kind, school):
    """The program of the hand-built term (tests/reports/test_stats.py) of this kind."""
    return (
        Program.select()
        .join(Curriculum)
        .where((Curriculum.kind == kind) & (Program.school == school.id))
        .join_from(Program, Term)
        .where(Term.name == T)
        .order_by(Program.id)
        .first()
    )


def _sessions(program):
    return list(Session.select().where(Session.program == program.id).order_by(Session.seq))


def tap(world, t):
    p3 = _p(t, "group", t.jia)
    session = _sessions(p3)[1]
    kid = Attendance.get((Attendance.session == session.id) & (Attendance.status == "absent"))
    _consent(kid.student)
    record_tap(
        load_session(world.admin, session.id),
        kid.student_id,
        "present",
        dt.datetime.now(),
        world.admin,
    )


def correction(world, t):
    p3 = _p(t, "group", t.jia)
    session = _sessions(p3)[0]
    rf.reflection(session, world.worker, status="signed_off")
    kid = Attendance.get((Attendance.session == session.id) & (Attendance.status == "absent"))
    _consent(kid.student)
    record_tap(
        load_session(world.admin, session.id),
        kid.student_id,
        "late",
        None,
        world.admin,
        reason="点错了，已更正",
    )


def first_marks(world, t):
    """A meeting held: the first mark of a session with none (its tally row is made)."""
    p4 = _p(t, "group", t.jia)
    p4 = Program.select().where(Program.id > p4.id).order_by(Program.id).first()
    session = _sessions(p4)[1]
    kid = Attendance.select().where(Attendance.session == _sessions(p4)[0].id).first()
    rf.attendance(session, kid.student, "present")


def headcount(world, t):
    p1 = _p(t, "classroom", t.jia)
    rf.headcount(_sessions(p1)[3], 33)  # today's lesson, no record yet


def headcount_changed(world, t):
    p1 = _p(t, "classroom", t.jia)
    SessionRecord.update(headcount=41).where(SessionRecord.session == _sessions(p1)[0].id).execute()


def headcount_removed(world, t):
    p1 = _p(t, "classroom", t.jia)
    SessionRecord.delete().where(SessionRecord.session == _sessions(p1)[0].id).execute()


def cancel(world, t):
    p1 = _p(t, "classroom", t.jia)
    Session.update(status="cancelled").where(Session.id == _sessions(p1)[0].id).execute()


def uncancel(world, t):
    p1 = _p(t, "classroom", t.jia)
    Session.update(status="planned").where(Session.id == _sessions(p1)[2].id).execute()


def move_ahead(world, t):
    """A delivered lesson moved to next month: no longer counted up to today."""
    p1 = _p(t, "classroom", t.jia)
    day = local_today() + 4 * WEEK
    Session.update(date=day, status="moved").where(Session.id == _sessions(p1)[0].id).execute()


def delete_session(world, t):
    p3 = _p(t, "group", t.jia)
    Session.delete().where(Session.id == _sessions(p3)[1].id).execute()


def delete_program(world, t):
    p2 = _p(t, "classroom", t.yi)
    Program.delete().where(Program.id == p2.id).execute()


def new_program(world, t):
    """Another worker's first program: a row of its own in 按社工, nothing counted yet."""
    w3 = factories.user("worker", agency=world.agency, display_name="新社工", schools=[t.jia])
    rf.program(world, kind="classroom", sessions=1, workers=[w3], first=local_today() + WEEK)


def class_linked(world, t):
    p1 = _p(t, "classroom", t.jia)
    other = SchoolClass.get((SchoolClass.name == "7(4)班"))
    ProgramClass.create(program=p1, school_class=other)


def class_unlinked(world, t):
    p1 = _p(t, "classroom", t.jia)
    ProgramClass.delete().where(
        (ProgramClass.program == p1.id) & (ProgramClass.school_class != world.cls.id)
    ).execute()


def worker_linked(world, t):
    p1 = _p(t, "classroom", t.jia)
    ProgramWorker.create(program=p1, worker=t.w2)


def worker_unlinked(world, t):
    ProgramWorker.delete().where(ProgramWorker.worker == t.w2.id).execute()


def class_archived(world, t):
    SchoolClass.update(archived=True).where(SchoolClass.name == "7(4)班").execute()


def class_added(world, t):
    factories.school_class(school=t.bing, name="1(3)班")


def purge(world, t):
    """The retention purge: the marks go, their counts stay on the record; the figures
    stay the same, so it is compared with the page computed afresh only."""
    retention._attendance(world.agency.id, {"attendance": local_today()}, False)


def school_renamed(world, t):
    School.update(name="甲校（新）").where(School.id == t.jia.id).execute()


def school_archived(world, t):
    School.update(archived=True).where(School.id == t.bing.id).execute()


def worker_renamed(world, t):
    User.update(display_name="王社工（新）").where(User.id == t.w2.id).execute()


def kind_changed(world, t):
    p2 = _p(t, "classroom", t.yi)
    Curriculum.update(kind="group").where(Curriculum.id == p2.curriculum_id).execute()


def term_renamed(world, t):
    Term.update(name="改名的学期").where(Term.id == world.other_term.id).execute()


def _inside(world):
    return world.term.start + dt.timedelta(days=10)


def screened(world, t):
    from tests.screening import factories as sf

    sf.result(sf.screening_round(world), sf.student(world), 1, q1=3, q12=0)  # 关注


def case_opened(world, t):
    from tests.cases import factories as cf

    cf.case(world, opened_on=_inside(world), risk="high")


def referral_made(world, t):
    from tests.cases import factories as cf

    case = cf.case(world, opened_on=_inside(world))
    cf.referral(case, referred_on=_inside(world), consent_on=_inside(world))


def letter_received(world, t):
    from tests.service import factories as vf

    vf.letter(world, received_on=_inside(world))


def consulted(world, t):
    from tests.service import factories as vf

    vf.consultation(world, held_on=_inside(world))


def trained(world, t):
    from tests.service import factories as vf

    vf.training(world.worker, held_on=_inside(world))


WRITES = [
    screened,
    case_opened,
    referral_made,
    letter_received,
    consulted,
    trained,
    tap,
    correction,
    first_marks,
    headcount,
    headcount_changed,
    headcount_removed,
    cancel,
    uncancel,
    move_ahead,
    delete_session,
    delete_program,
    new_program,
    class_linked,
    class_unlinked,
    worker_linked,
    worker_unlinked,
    class_archived,
    class_added,
    purge,
    school_renamed,
    school_archived,
    worker_renamed,
    kind_changed,
    term_renamed,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__ for w in WRITES])
def test_a_write_shows_on_the_next_view(app, client, world, term, write):
    login_as(client, world.admin)
    before = body(client)
    with count_queries() as kept:
        assert body(client) == before  # served from the copy: the user and the stamps
    assert kept.count == 2
    write(world, term)
    after = body(client)
    assert after == fresh(client, app)
    if write is not purge:  # the purge keeps every figure: that is its point
        assert after != before
    with count_queries() as kept:
        assert body(client) == after
    assert kept.count == 2


def test_notes_and_logins_keep_the_copy(client, world, term):
    """A record's notes and a login write rows the statistics read, but no figure: the
    page stays kept (the stamp covers the columns that count)."""
    login_as(client, world.admin)
    before = body(client)
    p2 = _p(term, "classroom", term.yi)
    SessionRecord.update(notes="改了备注").where(
        SessionRecord.session == _sessions(p2)[1].id
    ).execute()
    User.update(failed_logins=User.failed_logins + 1).where(User.id == term.w2.id).execute()
    with count_queries() as kept:
        assert body(client) == before
    assert kept.count == 2


def test_each_role_and_day_has_its_own_copy(app, client, world, term, monkeypatch):
    for user in (world.admin, world.supervisor, world.worker, term.w2):
        login_as(client, user)
        first = body(client)
        assert body(client) == first == fresh(client, app), user.username
    # a supervisor's team grows: her page shows the new worker
    login_as(client, world.supervisor)
    before = body(client)
    Supervision.create(supervisor=world.supervisor, worker=term.w2)
    after = body(client)
    assert after != before and after == fresh(client, app) and "王社工" in after
    # a worker serves another school: its zip form shows
    login_as(client, world.worker)
    before = body(client)
    WorkerSchool.create(worker=world.worker, school=world.other_school)
    after = body(client)
    assert after != before and after == fresh(client, app)
    # the next day counts up to that day: next week's lesson (30) counts a week on
    login_as(client, world.admin)
    before = body(client)
    monkeypatch.setattr("planner.reports.views.local_today", lambda: local_today() + WEEK)
    after = body(client)
    assert after != before and after == fresh(client, app)


def test_each_term_and_a_default_have_their_own_copy(app, client, world, term):
    login_as(client, world.admin)
    for query in ("", f"?term={T}", "?term=2025—2026学年第二学期"):
        assert body(client, query) == fresh(client, app, query), query
    assert client.get("/stats?term=没有的学期").status_code == 404
    assert client.get("/stats?term=没有的学期").status_code == 404  # an error is not kept


def test_the_forms_carry_the_viewers_own_token(app, client, world, term):
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(client, world.admin)
    html = client.get(f"/stats?term={T}").get_data(as_text=True)
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
    assert len(tokens) == 1 and "csrf-field" not in html
    other = app.test_client()
    login_as(other, world.admin)
    again = other.get(f"/stats?term={T}").get_data(as_text=True)  # from the copy
    theirs = set(re.findall(r'name="csrf_token" value="([^"]+)"', again))
    assert len(theirs) == 1 and theirs != tokens
    # the kept page's form posts with the viewer's token: accepted, not refused as forged
    action = re.search(r'<form method="post" action="([^"]+)"', again).group(1)
    answer = other.post(action, data={"csrf_token": theirs.pop()})
    assert answer.status_code == 303, answer.status_code


@pytest.mark.parametrize("seed", [1, 2])
def test_random_writes_never_leave_a_stale_page(app, client, world, seed):
    """The random term of test_stats_tally (taps, fills, corrections, bulk writes, the
    purge, cancelled and deleted sessions, archived classes, headcounts), viewed after
    every few writes by the admin and a worker: always the page computed afresh."""
    rng = random.Random(seed)
    rw = random_world(world, rng)
    for step in range(8):
        random_changes(world, rw, rng, steps=6)
        for user in (world.admin, rw.w2):
            login_as(client, user)
            assert body(client) == fresh(client, app), (seed, step, user.username)


def _tables(sql: str) -> set:
    return set(re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', sql))


def test_every_table_the_page_reads_is_stamped(app, client, world, term):
    """A new figure read from a table with no stamp would be kept stale: add the table to
    reports/stamp.py's STAMPED and stamp it in a migration (migrations/stamping.py)."""
    login_as(client, world.admin)
    app.config["STATS_CACHE"] = False
    with count_queries() as counted:
        client.get(f"/stats?term={T}")
    read = set().union(*(_tables(q.msg[0]) for q in counted.get_queries()))
    assert {"session", "session_tally", "program_worker", "school_class"} <= read
    assert read - {"stats_stamp"} <= set(stamp.STAMPED)


def test_the_tap_writes_no_row_of_its_own(world, term):
    """A tap stamps its session's tally row, not a row every tap of a term shares."""
    before = list(database.execute_sql('SELECT "name", "stamp" FROM "stats_stamp"').fetchall())
    tap(world, term)
    assert list(database.execute_sql('SELECT "name", "stamp" FROM "stats_stamp"')) == before


def test_postgres_keeps_nothing_while_the_tally_is_being_written(app, world, term):
    """On PostgreSQL a tap that has written its tally row and not yet committed may commit
    with a stamp below the newest one read: while any transaction is writing the tally,
    a result is shown and not kept. A table's own stamp is a count raised under its row
    lock, so an open write elsewhere keeps nothing from being kept. SQLite has one
    writer at a time."""
    assert stamp.stats_stamp()[1] is True
    if not isinstance(database.obj, PostgresqlDatabase):
        return
    p1 = _p(term, "classroom", term.jia)
    other = make_database(app.config["DATABASE_URL"])
    other.connect()
    try:
        with other.atomic():
            other.execute_sql(
                'UPDATE "school" SET "name" = %s WHERE "id" = %s', ("甲校（新）", term.jia.id)
            )
            key, keepable = stamp.stats_stamp()
            assert keepable
        assert stamp.stats_stamp()[0] != key  # the rename committed: a new key
        with other.atomic():
            other.execute_sql(
                'UPDATE "session_record" SET "headcount" = 12 WHERE "session_id" = %s',
                (_sessions(p1)[0].id,),
            )
            assert stamp.stats_stamp()[1] is False
        assert stamp.stats_stamp()[1] is True
    finally:
        other.close()


def test_the_api_statistics_are_kept_and_follow_each_write(app, client, world, term):
    """GET /api/stats is kept as the page is, under the same stamps: a view with no write
    since costs fewer queries and answers the same; a tap shows on the next view."""
    from tests.api.helpers import token_for

    headers = {"Authorization": f"Bearer {token_for(world.admin)}"}

    def api():
        response = client.get(f"/api/stats?term={T}", headers=headers)
        assert response.status_code == 200
        return response.get_json()

    first = api()
    with count_queries() as kept:
        assert api() == first
    app.config["STATS_CACHE"] = False
    with count_queries() as computed:
        assert api() == first
    app.config["STATS_CACHE"] = True
    assert kept.count < computed.count
    tap(world, term)
    after = api()
    assert after != first and after["totals"] != first["totals"]
    app.config["STATS_CACHE"] = False
    assert api() == after
