"""学期工作统计: lessons delivered, participants (人次), groups, meetings, attendance rate and
class coverage, per school, per worker and in total, over the programs a user may see.

Counting rules (shown on the page and in the document):
- a 社工课堂 lesson is delivered when it is not cancelled and its headcount is recorded;
  its participants are the headcount;
- a group meeting is held when it is not cancelled and has attendance recorded; its
  participants are the members marked present, late or left early;
- attendance rate = those participants ÷ the attendance marks of the held meetings;
- a class is covered when it had at least one delivered lesson; coverage is over the
  classes (not archived) of the schools in view.
- a 家长课堂 or 教师工作坊 session (a classroom curriculum whose audience is parents or
  teachers, issue 15) is counted like a lesson but as its own kind: parent_sessions and
  parent_participants, teacher_sessions and teacher_participants; they are not students,
  so they are not in the lessons, the 服务人次 of students or the class coverage.
A session delivered by two workers counts once for each worker, and once in the total.
Five queries, however many schools and sessions; the database sums the sessions per program.

The pyramid's figures (100/15/5: screened, tiers, recruited, cases, referrals, the crisis
list) count over the same programs in view (programs_in_view below); their rules are
written out in reports/pyramid.py, and the service records' (letters, consultations,
supervision, training) in this module's service_counts.
"""

from types import SimpleNamespace

from peewee import JOIN, Case, fn

from planner.access import programs_query, schools_query, workers_query
from planner.accounts.models import User
from planner.curricula.models import Curriculum
from planner.db import database
from planner.runs.models import SessionRecord, SessionTally
from planner.schools.models import School, SchoolClass, Term
from planner.sessions.models import Program, ProgramClass, ProgramWorker, Session

ROW_KEYS = ("program", "school", "kind", "recorded", "headcount", "meetings", "attended", "marks")
KEYS = (
    "lessons",
    "lesson_participants",
    "groups",
    "meetings",
    "meeting_participants",
    "participants",
    "attendance_rate",
    "classes_covered",
    "classes_total",
    "coverage",
)
# 家长课堂 and 教师工作坊, counted apart from the students (issue 15)
ADULT_KEYS = ("parent_sessions", "parent_participants", "teacher_sessions", "teacher_participants")
# A program's kind as the statistics count it: a parents' or teachers' curriculum counts
# as its own kind (its curriculum's kind is classroom: a headcount is recorded).
AUDIENCE_KINDS = ("parents", "teachers")
COUNTED_KIND = Case(
    None, [(Curriculum.audience == a, a) for a in AUDIENCE_KINDS], Curriculum.kind
).alias("kind")


def term_names(user) -> list[str]:
    """The names of the terms of the schools this user sees, newest first."""
    rows = (
        Term.select(Term.name, fn.MAX(Term.start).alias("first"))
        .where(Term.school.in_(schools_query(user).select(School.id)))
        .group_by(Term.name)
        .order_by(fn.MAX(Term.start).desc())
    )
    return [r.name for r in rows]


def zip_terms(user, term_name) -> list:
    """The terms of this name of the schools the user sees, each with its school (one
    query; only what the page's zip forms show), by school name."""
    return list(
        Term.select(Term.id, School.id, School.name)
        .join(School)
        .where(Term.school.in_(schools_query(user).select(School.id)) & (Term.name == term_name))
        .order_by(School.name)
    )


def programs_in_view(user, term_name, school_id=None, worker_id=None):
    """Programs in view: the user's own for a worker, their workers' for a supervisor;
    optionally of one school or one worker."""
    query = programs_query(user).join(Term).where(Term.name == term_name)
    if school_id:
        query = query.where(Program.school == school_id)
    if worker_id:
        query = query.where(
            Program.id.in_(
                ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == worker_id)
            )
        )
    if user.is_worker:
        query = query.where(
            Program.id.in_(
                ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == user.id)
            )
        )
    elif user.is_supervisor:
        query = query.where(
            Program.id.in_(
                ProgramWorker.select(ProgramWorker.program).where(
                    ProgramWorker.worker.in_(workers_query(user).select(User.id))
                )
            )
        )
    return query


def counted_sessions(programs, as_of):
    """The sessions the counting rules look at: of these programs, not cancelled, dated up
    to as_of. A lesson among them is delivered when its headcount is recorded; a meeting
    is held when it has attendance marks (those the retention purge removed included)."""
    return (
        (Session.program.in_(programs)) & (Session.status != "cancelled") & (Session.date <= as_of)
    )


def per_program(programs, as_of, every=False) -> list:
    """One row per program in view with sessions so far: its school and kind, and the
    sums over its sessions (not cancelled, dated up to as_of) of recorded headcounts,
    lessons with a headcount, meetings with marks, marks and attended marks. The marks
    are counted only for these sessions.

    A session's marks are read from its tally (runs.models.SessionTally, kept by the
    database in the statement that writes a mark), not counted here: one row per session,
    however many members a group has (tests/reports/test_stats_tally.py compares the
    two on random worlds).

    every=True: a row for every program in view, those without sessions so far too (their
    sums None), so the schools in view come with the sums."""
    counted = counted_sessions(programs, as_of)
    # marks the retention purge removed are counted on the session's record
    all_marks = fn.COALESCE(SessionTally.marks, 0) + fn.COALESCE(SessionRecord.purged_marks, 0)
    all_attended = fn.COALESCE(SessionTally.attended, 0) + fn.COALESCE(
        SessionRecord.purged_attended, 0
    )
    sums = (
        Session.select(
            Session.program.alias("program_id"),
            fn.COUNT(SessionRecord.headcount).alias("recorded"),
            fn.SUM(SessionRecord.headcount).alias("headcount"),
            fn.SUM(Case(None, [(all_marks > 0, 1)], 0)).alias("meetings"),
            fn.SUM(all_attended).alias("attended"),
            fn.SUM(all_marks).alias("marks"),
        )
        .join_from(
            Session, SessionRecord, JOIN.LEFT_OUTER, on=(SessionRecord.session == Session.id)
        )
        .join_from(Session, SessionTally, JOIN.LEFT_OUTER, on=(SessionTally.session == Session.id))
        .where(counted)
        .group_by(Session.program)
        .alias("sums")
    )
    # each program's school and kind looked up once, not once for each of its sessions
    query = (
        Program.select(
            sums.c.program_id,
            Program.school,
            COUNTED_KIND,
            sums.c.recorded,
            sums.c.headcount,
            sums.c.meetings,
            sums.c.attended,
            sums.c.marks,
        )
        .join(sums, JOIN.LEFT_OUTER if every else JOIN.INNER, on=(sums.c.program_id == Program.id))
        .join_from(Program, Curriculum)
    )
    if every:
        query = query.select_extend(Program.id).where(Program.id.in_(programs))
        return [dict(zip(ROW_KEYS, row[:-1]), program=row[-1]) for row in raw(query)]
    return [dict(zip(ROW_KEYS, row)) for row in raw(query)]


def raw(query) -> list:
    """The rows of a query as the driver gives them (tuples of plain values): a city's
    term has thousands of per-program rows, and building peewee rows cost more than the
    query. Counted like any other query."""
    return database.execute_sql(*query.sql()).fetchall()


def _tally(rows, classes_of, classes_total) -> dict:
    """A row of the statistics from per-program rows (of one school, one worker or all)."""
    t = dict.fromkeys(KEYS, 0)
    t.update(dict.fromkeys(ADULT_KEYS, 0))
    covered, marks = set(), 0
    for row in rows:
        if row["kind"] == "classroom" and row["recorded"]:
            t["lessons"] += row["recorded"]
            t["lesson_participants"] += int(row["headcount"] or 0)
            covered.update(classes_of.get(row["program"], ()))
        elif row["kind"] == "group" and row["meetings"]:
            t["meetings"] += row["meetings"]
            t["meeting_participants"] += int(row["attended"] or 0)
            marks += int(row["marks"] or 0)
            t["groups"] += 1
        elif row["kind"] in AUDIENCE_KINDS and row["recorded"]:
            prefix = "parent" if row["kind"] == "parents" else "teacher"
            t[f"{prefix}_sessions"] += row["recorded"]
            t[f"{prefix}_participants"] += int(row["headcount"] or 0)
    t["classes_covered"], t["classes_total"] = len(covered), classes_total
    t["participants"] = t["lesson_participants"] + t["meeting_participants"]
    t["attendance_rate"] = t["meeting_participants"] / marks if marks else None
    t["coverage"] = len(covered) / classes_total if classes_total else None
    return t


def term_statistics(user, term_name, as_of, school_id=None, worker_id=None) -> SimpleNamespace:
    """Totals, rows per school and rows per worker for one term name.

    The database sums the sessions per program; schools and workers add up their
    programs' rows, so the work in Python grows with the programs, not the sessions."""
    programs = programs_in_view(user, term_name, school_id, worker_id).select(Program.id)
    every = per_program(programs, as_of, every=True)
    rows = [row for row in every if row["recorded"] is not None]  # with sessions so far
    classes_of = {}
    for program_id, class_id in raw(
        ProgramClass.select(ProgramClass.program, ProgramClass.school_class).where(
            ProgramClass.program.in_(programs)
        )
    ):
        classes_of.setdefault(program_id, set()).add(class_id)
    workers = {}  # rows only for the workers this user may see (a shared program's co-worker
    # from another supervisor's team still counts in the totals, not as a row)
    for program_id, wid, name in raw(
        ProgramWorker.select(ProgramWorker.program, User.id, User.display_name)
        .join(User)
        .where(
            ProgramWorker.program.in_(programs) & User.id.in_(workers_query(user).select(User.id))
        )
    ):
        workers.setdefault(wid, (name, set()))[1].add(program_id)
    schools = dict(raw(schools_query(user).select(School.id, School.name).where(~School.archived)))
    in_view = {row["school"] for row in every}
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
    shown = sorted((sid for sid in in_view if sid in schools), key=lambda i: schools[i])
    by_school = [
        dict(
            name=schools[sid],
            id=sid,
            **_tally(of_school.get(sid, []), classes_of, class_counts.get(sid, 0)),
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
                **_tally(
                    mine,
                    classes_of,
                    sum(class_counts.get(s, 0) for s in {r["school"] for r in mine}),
                ),
            )
        )
    totals = _tally(rows, classes_of, sum(class_counts.values()))
    return SimpleNamespace(
        term=term_name, as_of=as_of, totals=totals, schools=by_school, workers=by_worker
    )


# --- the rest of the service (planner/service/): letters, consultations, supervision,
# training. Counting rules, over the days of the term's name (its earliest start to its
# latest end among the schools in view):
# - letters: those received in the window; urgent ones counted apart as well;
# - consultations in 人次: a student consultation is one, a teacher or parent one counts
#   the people recorded; by kind and in total;
# - supervision: sessions held in the window, individual and group apart; a session is
#   counted once however many of the workers in view attended;
# - training: hours of 继续教育 (continuing education) held in the window.
# Letters and consultations follow the schools and workers in view (a worker her own, a
# supervisor her workers', an admin the agency's); supervision and training belong to no
# school, so a school filter leaves them out (None). Five queries.

SERVICE_KEYS = (
    "letters",
    "urgent_letters",
    "consult_student",
    "consult_teacher",
    "consult_parent",
    "consultations",
    "supervision_individual",
    "supervision_group",
    "training_hours",
)


def term_window(user, term_name):
    """(first day, last day) of the terms of this name in the user's schools, or None."""
    first, last = (
        Term.select(fn.MIN(Term.start), fn.MAX(Term.end))
        .where((Term.name == term_name) & Term.school.in_(schools_query(user).select(School.id)))
        .tuples()
        .get()
    )
    return (first, last) if first else None


def _service_workers(user, worker_id):
    """The workers whose records count: one (in view), the user herself, or those in view."""
    workers = workers_query(user).select(User.id)
    if worker_id:
        return workers.where(User.id == worker_id)
    if user.is_worker:
        return workers.where(User.id == user.id)
    return workers


def service_counts(user, term_name, school_id=None, worker_id=None) -> dict:
    """The counts of SERVICE_KEYS for one term name (all zero without such a term)."""
    from planner.service.models import (
        Consultation,
        Letter,
        SupervisionAttendee,
        SupervisionSession,
        Training,
    )

    out = dict.fromkeys(SERVICE_KEYS, 0)
    window = term_window(user, term_name)
    if window is None:
        return out
    start, end = window
    workers = _service_workers(user, worker_id)
    schools = schools_query(user).select(School.id)
    if school_id:
        schools = schools.where(School.id == school_id)
    letters, urgent = (
        Letter.select(fn.COUNT(Letter.id), fn.SUM(Case(None, [(Letter.urgent, 1)], 0)))
        .where(
            Letter.school.in_(schools)
            & Letter.worker.in_(workers)
            & Letter.received_on.between(start, end)
        )
        .tuples()
        .get()
    )
    out["letters"], out["urgent_letters"] = letters or 0, urgent or 0
    for kind, people in (
        Consultation.select(Consultation.kind, fn.SUM(Consultation.people))
        .where(
            Consultation.school.in_(schools)
            & Consultation.worker.in_(workers)
            & Consultation.held_on.between(start, end)
        )
        .group_by(Consultation.kind)
        .tuples()
    ):
        out[f"consult_{kind}"] = people
    out["consultations"] = sum(out[f"consult_{k}"] for k in ("student", "teacher", "parent"))
    if school_id:
        out.update(supervision_individual=None, supervision_group=None, training_hours=None)
        return out
    if user.is_supervisor and not worker_id:
        led = SupervisionSession.supervisor == user.id
    else:
        attended = SupervisionAttendee.select(SupervisionAttendee.session).where(
            SupervisionAttendee.worker.in_(workers)
        )
        led = SupervisionSession.id.in_(attended)
    for mode, count in (
        SupervisionSession.select(SupervisionSession.mode, fn.COUNT(SupervisionSession.id))
        .where(led & SupervisionSession.held_on.between(start, end))
        .group_by(SupervisionSession.mode)
        .tuples()
    ):
        out[f"supervision_{mode}"] = count
    tenths = (
        Training.select(fn.SUM(Training.tenths))
        .where(
            Training.worker.in_(workers)
            & (Training.kind == "continuing")
            & Training.held_on.between(start, end)
        )
        .scalar()
    )
    out["training_hours"] = (tenths or 0) / 10
    return out
