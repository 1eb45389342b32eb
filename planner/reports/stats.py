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
A session delivered by two workers counts once for each worker, and once in the total.
Fixed number of queries, however many schools and sessions.
"""
from types import SimpleNamespace

from peewee import JOIN, Case, fn

from planner.access import programs_query, schools_query, workers_query
from planner.accounts.models import User
from planner.curricula.models import Curriculum
from planner.evaluation.compute import ATTENDED
from planner.schools.models import School, SchoolClass, Term
from planner.sessions.models import Program, ProgramClass, ProgramWorker, Session
from planner.students.models import Attendance, SessionRecord

KEYS = ("lessons", "lesson_participants", "groups", "meetings", "meeting_participants",
        "participants", "attendance_rate", "classes_covered", "classes_total", "coverage")


def term_names(user) -> list[str]:
    """The names of the terms of the schools this user sees, newest first."""
    rows = (Term.select(Term.name, fn.MAX(Term.start).alias("first"))
            .where(Term.school.in_(schools_query(user).select(School.id)))
            .group_by(Term.name).order_by(fn.MAX(Term.start).desc()))
    return [r.name for r in rows]


def _programs(user, term_name, school_id=None, worker_id=None):
    """Programs in view: the user's own for a worker, their workers' for a supervisor;
    optionally of one school or one worker."""
    query = programs_query(user).join(Term).where(Term.name == term_name)
    if school_id:
        query = query.where(Program.school == school_id)
    if worker_id:
        query = query.where(Program.id.in_(ProgramWorker.select(ProgramWorker.program)
                                           .where(ProgramWorker.worker == worker_id)))
    if user.role == "worker":
        query = query.where(Program.id.in_(ProgramWorker.select(ProgramWorker.program)
                                           .where(ProgramWorker.worker == user.id)))
    elif user.role == "supervisor":
        query = query.where(Program.id.in_(ProgramWorker.select(ProgramWorker.program).where(
            ProgramWorker.worker.in_(workers_query(user).select(User.id)))))
    return query


def _facts(program_ids, as_of):
    """Per session: its program, school, kind, headcount, marks and attended marks."""
    marks = (Attendance.select(Attendance.session, fn.COUNT(Attendance.id).alias("marks"),
                               fn.SUM(Case(None, [(Attendance.status.in_(list(ATTENDED)), 1)], 0))
                               .alias("attended"))
             .group_by(Attendance.session).alias("m"))
    return list(
        Session.select(Session.id, Session.program, Program.school, Curriculum.kind,
                       SessionRecord.headcount, marks.c.marks, marks.c.attended)
        .join(Program).join(Curriculum)
        .join_from(Session, SessionRecord, JOIN.LEFT_OUTER,
                   on=(SessionRecord.session == Session.id))
        .join_from(Session, marks, JOIN.LEFT_OUTER, on=(marks.c.session_id == Session.id))
        .where(Session.program.in_(program_ids) & (Session.status != "cancelled")
               & (Session.date <= as_of))
        .dicts())


def _tally(facts, classes_of, classes_total) -> dict:
    t = dict.fromkeys(KEYS, 0)
    groups, covered, marks = set(), set(), 0
    for f in facts:
        if f["kind"] == "classroom" and f["headcount"] is not None:
            t["lessons"] += 1
            t["lesson_participants"] += f["headcount"]
            covered.update(classes_of.get(f["program"], ()))
        elif f["kind"] == "group" and f["marks"]:
            t["meetings"] += 1
            t["meeting_participants"] += int(f["attended"] or 0)
            marks += f["marks"]
            groups.add(f["program"])
    t["groups"], t["classes_covered"], t["classes_total"] = len(groups), len(covered), classes_total
    t["participants"] = t["lesson_participants"] + t["meeting_participants"]
    t["attendance_rate"] = t["meeting_participants"] / marks if marks else None
    t["coverage"] = len(covered) / classes_total if classes_total else None
    return t


def term_statistics(user, term_name, as_of, school_id=None, worker_id=None) -> SimpleNamespace:
    """Totals, rows per school and rows per worker for one term name."""
    program_ids = [p.id for p in _programs(user, term_name, school_id, worker_id)
                   .select(Program.id)]
    facts = _facts(program_ids, as_of) if program_ids else []
    classes_of = {}
    for link in ProgramClass.select().where(ProgramClass.program.in_(program_ids or [0])):
        classes_of.setdefault(link.program_id, set()).add(link.school_class_id)
    workers = {}  # rows only for the workers this user may see (a shared program's co-worker
    # from another supervisor's team still counts in the totals, not as a row)
    for link in (ProgramWorker.select(ProgramWorker.program, User.id, User.display_name)
                 .join(User).where(ProgramWorker.program.in_(program_ids or [0])
                                   & User.id.in_(workers_query(user).select(User.id)))):
        workers.setdefault(link.worker.id, (link.worker.display_name, set()))[1].add(
            link.program_id)
    schools = {s.id: s for s in schools_query(user).where(~School.archived)}
    in_view = {p.school_id for p in Program.select(Program.school)
               .where(Program.id.in_(program_ids or [0]))}
    if user.role == "admin" and not worker_id:  # coverage counts schools with no program too
        in_view |= {school_id} if school_id else set(schools)
    class_counts = dict(SchoolClass.select(SchoolClass.school, fn.COUNT(SchoolClass.id))
                        .where(SchoolClass.school.in_(list(in_view) or [0])
                               & ~SchoolClass.archived)
                        .group_by(SchoolClass.school).tuples())
    # group the facts once: by school, and by worker through the program's workers
    of_school, of_worker, worker_schools = {}, {}, {}
    workers_of = {}
    for wid, (_name, progs) in workers.items():
        for pid in progs:
            workers_of.setdefault(pid, []).append(wid)
    for f in facts:
        of_school.setdefault(f["school"], []).append(f)
        for wid in workers_of.get(f["program"], ()):
            of_worker.setdefault(wid, []).append(f)
            worker_schools.setdefault(wid, set()).add(f["school"])
    shown = sorted((sid for sid in in_view if sid in schools), key=lambda i: schools[i].name)
    by_school = [dict(name=schools[sid].name, id=sid, **_tally(
        of_school.get(sid, []), classes_of, class_counts.get(sid, 0))) for sid in shown]
    by_worker = [dict(name=name, id=wid, **_tally(
        of_worker.get(wid, []), classes_of,
        sum(class_counts.get(s, 0) for s in worker_schools.get(wid, ()))))
        for wid, (name, _progs) in sorted(workers.items(), key=lambda kv: kv[1][0])]
    totals = _tally(facts, classes_of, sum(class_counts.values()))
    return SimpleNamespace(term=term_name, as_of=as_of, totals=totals, schools=by_school,
                           workers=by_worker)
