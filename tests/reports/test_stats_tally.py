"""The term statistics read each session's marks from its tally (runs.models.SessionTally,
kept by the triggers of migration m0020), not from the marks themselves. Here that fast
path is compared with the full count of the marks, as the statistics made it before, on
random worlds: taps through the service (later and older ones, 全部出席 fills),
corrections after sign-off, marks written, changed and removed directly (a bulk load, the
retention purge), cancelled and deleted sessions, archived classes, future sessions; and
the meetings counted are those the held rule (runs/held.py) calls 已完成. Runs on SQLite
and, with PLANNER_TEST_DATABASE_URL, on PostgreSQL (the triggers differ)."""

import datetime as dt
import random
import types

import pytest
from peewee import JOIN, Case, fn

from planner.access import schools_query, workers_query
from planner.accounts.models import User
from planner.curricula.models import Curriculum
from planner.db import database, now
from planner.evaluation.compute import ATTENDED
from planner.i18n import local_today
from planner.migrations import m0020_session_tally
from planner.privacy import retention
from planner.reflections.models import Reflection
from planner.reports import stats
from planner.runs.held import held_ids
from planner.runs.models import Attendance, SessionRecord, SessionTally
from planner.runs.services import load_session, record_tap
from planner.schools.models import School, SchoolClass, Term
from planner.sessions.models import Program, ProgramClass, ProgramWorker, Session
from planner.students.models import Consent
from tests import factories
from tests.reflections import factories as rf

T = "2026—2027学年第一学期"
STATUSES = ["present", "late", "left_early", "excused", "absent"]


def full_per_program(programs, as_of) -> list:
    """stats.per_program as it was before the tally: every mark of the counted sessions
    counted and summed per session in the query."""
    counted = stats.counted_sessions(programs, as_of)
    marks = (
        Attendance.select(
            Attendance.session,
            fn.COUNT(Attendance.id).alias("marks"),
            fn.SUM(Case(None, [(Attendance.status.in_(list(ATTENDED)), 1)], 0)).alias("attended"),
        )
        .join(Session)
        .where(counted)
        .group_by(Attendance.session)
        .alias("m")
    )
    all_marks = fn.COALESCE(marks.c.marks, 0) + fn.COALESCE(SessionRecord.purged_marks, 0)
    all_attended = fn.COALESCE(marks.c.attended, 0) + fn.COALESCE(SessionRecord.purged_attended, 0)
    return list(
        Session.select(
            Session.program.alias("program"),
            Program.school.alias("school"),
            Curriculum.kind.alias("kind"),
            fn.COUNT(SessionRecord.headcount).alias("recorded"),
            fn.SUM(SessionRecord.headcount).alias("headcount"),
            fn.SUM(Case(None, [(all_marks > 0, 1)], 0)).alias("meetings"),
            fn.SUM(all_attended).alias("attended"),
            fn.SUM(all_marks).alias("marks"),
        )
        .join(Program)
        .join(Curriculum)
        .join_from(
            Session, SessionRecord, JOIN.LEFT_OUTER, on=(SessionRecord.session == Session.id)
        )
        .join_from(Session, marks, JOIN.LEFT_OUTER, on=(marks.c.session_id == Session.id))
        .where(counted)
        .group_by(Session.program, Program.school, Curriculum.kind)
        .dicts()
    )


def full_term_statistics(user, term_name, as_of, school_id=None, worker_id=None):
    """stats.term_statistics as it was before the tally (commit 9ca08e0), on
    full_per_program."""
    programs = stats.programs_in_view(user, term_name, school_id, worker_id).select(Program.id)
    rows = full_per_program(programs, as_of)
    classes_of = {}
    for program_id, class_id in (
        ProgramClass.select(ProgramClass.program, ProgramClass.school_class)
        .where(ProgramClass.program.in_(programs))
        .tuples()
    ):
        classes_of.setdefault(program_id, set()).add(class_id)
    workers = {}  # rows only for the workers this user may see (a shared program's co-worker
    # from another supervisor's team still counts in the totals, not as a row)
    for program_id, wid, name in (
        ProgramWorker.select(ProgramWorker.program, User.id, User.display_name)
        .join(User)
        .where(
            ProgramWorker.program.in_(programs) & User.id.in_(workers_query(user).select(User.id))
        )
        .tuples()
    ):
        workers.setdefault(wid, (name, set()))[1].add(program_id)
    schools = {s.id: s for s in schools_query(user).where(~School.archived)}
    in_view = {
        sid
        for (sid,) in Program.select(Program.school)
        .distinct()
        .where(Program.id.in_(programs))
        .tuples()
    }
    if user.is_admin and not worker_id:  # coverage counts schools with no program too
        in_view |= {school_id} if school_id else set(schools)
    class_counts = dict(
        SchoolClass.select(SchoolClass.school, fn.COUNT(SchoolClass.id))
        .where(SchoolClass.school.in_(list(in_view) or [0]) & ~SchoolClass.archived)
        .group_by(SchoolClass.school)
        .tuples()
    )
    of_school, of_program = {}, {}
    for row in rows:
        of_school.setdefault(row["school"], []).append(row)
        of_program[row["program"]] = row
    shown = sorted((sid for sid in in_view if sid in schools), key=lambda i: schools[i].name)
    by_school = [
        dict(
            name=schools[sid].name,
            id=sid,
            **stats._tally(of_school.get(sid, []), classes_of, class_counts.get(sid, 0)),
        )
        for sid in shown
    ]
    by_worker = []
    for wid, (name, progs) in sorted(workers.items(), key=lambda kv: kv[1][0]):
        mine = [of_program[pid] for pid in progs if pid in of_program]
        by_worker.append(
            dict(
                name=name,
                id=wid,
                **stats._tally(
                    mine,
                    classes_of,
                    sum(class_counts.get(s, 0) for s in {r["school"] for r in mine}),
                ),
            )
        )
    totals = stats._tally(rows, classes_of, sum(class_counts.values()))
    return types.SimpleNamespace(
        term=term_name, as_of=as_of, totals=totals, schools=by_school, workers=by_worker
    )


def recount() -> dict:
    """{session id: (marks, attended)} counted from the marks."""
    return {
        sid: (marks, int(attended))
        for sid, marks, attended in Attendance.select(
            Attendance.session,
            fn.COUNT(Attendance.id),
            fn.SUM(Case(None, [(Attendance.status.in_(list(ATTENDED)), 1)], 0)),
        )
        .group_by(Attendance.session)
        .tuples()
    }


def tallies() -> dict:
    """{session id: (marks, attended)} as the tally holds them; a row left at 0 by removed
    marks is the same as none."""
    rows = list(
        SessionTally.select(
            SessionTally.session, SessionTally.marks, SessionTally.attended
        ).tuples()
    )
    assert all(marks >= attended >= 0 for _, marks, attended in rows), rows
    return {sid: (marks, attended) for sid, marks, attended in rows if marks}


def _consent(student):
    Consent.create(
        student=student,
        purpose="attendance",
        given_by="guardian",
        giver_name="家长",
        notice_version="v1",
        given_on=dt.date(2026, 9, 1),
        method="paper",
    )


def random_world(world, rng):
    """Two schools with terms named T, two workers (one in both schools), classes (some
    archived later), and 10 programs of either kind with 5 weekly sessions each, the first
    6 weeks ago to next week: some sessions past, some to come, some programs not begun.
    Groups have 3–6 consenting members. A third worker's only program begins in 3 weeks:
    its school is in their view with nothing counted."""
    Term.update(name=T).where(Term.id.in_([world.term.id, world.other_term.id])).execute()
    w2 = factories.user("worker", agency=world.agency, schools=[world.school, world.other_school])
    places = [
        world,
        types.SimpleNamespace(
            school=world.other_school,
            term=world.other_term,
            room=world.other_room,
            cls=world.other_cls,
            worker=w2,
        ),
    ]
    classes = [world.cls, world.other_cls] + [
        factories.school_class(school=place.school, name=f"8({i})班")
        for i, place in enumerate(places * 2, start=1)
    ]
    programs, members = [], {}
    for _ in range(10):
        place = rng.choice(places)
        kind = rng.choice(["group", "classroom"])
        workers = rng.choice([[place.worker], [world.worker, w2]])
        first = local_today() + dt.timedelta(weeks=rng.randint(-6, 1))  # some not begun
        program = rf.program(place, kind=kind, sessions=5, workers=workers, first=first)
        if kind == "group":
            kids = [rf.student(world) for _ in range(rng.randint(3, 6))]
            rf.members(program, *kids)
            for kid in kids:
                _consent(kid)
            members[program.id] = kids
        else:
            for cls in rng.sample(classes, 2):
                ProgramClass.get_or_create(program=program, school_class=cls)
        programs.append(program)
    w3 = factories.user("worker", agency=world.agency, schools=[world.other_school])
    later = types.SimpleNamespace(**{**vars(places[1]), "worker": w3})
    rf.program(later, kind="classroom", first=local_today() + dt.timedelta(weeks=3))
    return types.SimpleNamespace(programs=programs, members=members, classes=classes, w2=w2, w3=w3)


def _past(session):
    return session.date < local_today() and session.status != "cancelled"


def _tap(world, rw, rng, session):
    """A tap through the service, or a correction with its reason after sign-off."""
    signed = Reflection.get_or_none(
        (Reflection.session == session.id) & (Reflection.status == "signed_off")
    )
    at = dt.datetime(2026, 9, 1, 8) + dt.timedelta(seconds=rng.randint(0, 10_000))
    record_tap(
        load_session(world.admin, session.id),
        rng.choice(rw.members[session.program_id]).id,
        rng.choice(STATUSES),
        at,
        world.admin,
        if_unset=rng.random() < 0.2,
        reason="点错了，已更正" if signed else "",
    )


def _group_change(world, rw, rng, session, op):
    """Something done to one group meeting's marks."""
    if op < 0.45 and _past(session):
        _tap(world, rw, rng, session)
    elif op < 0.52 and _past(session):  # the supervisor signs off
        if not Reflection.get_or_none(Reflection.session == session.id):
            rf.reflection(session, world.worker, status="signed_off")
    elif op < 0.62:  # a bulk load writes marks, the future's included
        for kid in rw.members[session.program_id]:
            Attendance.insert(
                session=session.id, student=kid.id, status=rng.choice(STATUSES), tapped_at=now()
            ).on_conflict_ignore().execute()
    elif op < 0.68:  # marks changed and removed, many in one statement
        Attendance.update(status=rng.choice(STATUSES)).where(
            Attendance.session == session.id
        ).execute()
        kid = rng.choice(rw.members[session.program_id])
        Attendance.delete().where(
            (Attendance.session == session.id) & (Attendance.student == kid.id)
        ).execute()


def _term_change(world, rw, rng, sessions, op):
    """Something done to the term: the purge, a cancellation, a deletion, an archived
    class, a headcount. Returns the session deleted, if any."""
    if op < 0.72:  # the retention purge: marks before a day go, their counts stay
        cutoff = local_today() - dt.timedelta(weeks=rng.randint(1, 5))
        retention._attendance(world.agency.id, {"attendance": cutoff}, False)
    elif op < 0.80:  # a session cancelled, whatever it holds
        Session.update(status="cancelled").where(Session.id == rng.choice(sessions).id).execute()
    elif op < 0.84:  # a session deleted with its marks (the cascade)
        victim = rng.choice(sessions)
        if not Reflection.get_or_none(Reflection.session == victim.id):
            Session.delete().where(Session.id == victim.id).execute()
            return victim
    elif op < 0.88:  # a class archived
        cls = rng.choice(rw.classes)
        SchoolClass.update(archived=True).where(SchoolClass.id == cls.id).execute()
    else:  # a lesson's headcount (or notes only), before or after its day
        lesson = rng.choice(sessions)
        headcount = rng.choice([None, rng.randint(0, 45)])
        SessionRecord.insert(session=lesson.id, headcount=headcount).on_conflict(
            conflict_target=[SessionRecord.session],
            update={SessionRecord.headcount: headcount},
        ).execute()
    return None


def random_changes(world, rw, rng, steps=120):
    """What happens over a term, in random order, through the service where there is one."""
    sessions = [s for p in rw.programs for s in rf.sessions_of(p)]
    for _ in range(steps):
        op = rng.random()
        groups = [s for s in sessions if s.program_id in rw.members]
        if op < 0.68 and groups:
            _group_change(world, rw, rng, Session.get_by_id(rng.choice(groups).id), op)
        elif op >= 0.68:
            gone = _term_change(world, rw, rng, sessions, op)
            if gone is not None:
                sessions.remove(gone)


def _figures(result):
    return result.totals, result.schools, result.workers


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_tally_counts_what_the_marks_say_and_the_statistics_agree(world, seed):
    rng = random.Random(seed)
    rw = random_world(world, rng)
    random_changes(world, rw, rng)
    assert recount(), "the random world has marks to count"
    assert tallies() == recount()

    today = local_today()
    fast = {
        user.id: _figures(stats.term_statistics(user, T, today))
        for user in (world.admin, world.worker, rw.w2, rw.w3, world.supervisor)
    }
    for user in (world.admin, world.worker, rw.w2, rw.w3, world.supervisor):
        assert fast[user.id] == _figures(full_term_statistics(user, T, today)), user.username

    # the meetings counted are the group sessions the held rule calls 已完成
    group_sessions = (
        Session.select(Session.id)
        .join(Program)
        .where(Program.id.in_([p.id for p in rw.programs if p.id in rw.members]))
    )
    held = held_ids([sid for (sid,) in group_sessions.tuples()], today)
    assert fast[world.admin.id][0]["meetings"] == len(held)


def test_the_migration_fills_the_tally_for_marks_already_there(world):
    rng = random.Random(7)
    rw = random_world(world, rng)
    random_changes(world, rw, rng, steps=60)
    expected = recount()
    assert expected
    SessionTally.delete().execute()
    assert tallies() == {}
    database.execute_sql(m0020_session_tally.FILL)
    assert tallies() == expected


def test_the_migration_counts_attended_as_the_app_does():
    """The frozen list of the migration's triggers is the app's ATTENDED."""
    listed = m0020_session_tally.ATTENDED_SQL.strip("()").replace("'", "").split(", ")
    assert set(listed) == set(ATTENDED)
