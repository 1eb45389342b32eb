"""The lists: the supervisor's queue, a worker's reflections, a group's stage timeline and
the missing records (the safeguarding flags are in safeguarding.py). Each is one query (or a
fixed few)."""

import datetime as dt
from types import SimpleNamespace

from peewee import JOIN, fn

from planner.access import schools_query, workers_query
from planner.accounts.models import User
from planner.curricula.models import Curriculum, SessionTemplate
from planner.i18n import local_now
from planner.reflections.models import FollowUp, Reflection
from planner.runs.held import has_marks
from planner.runs.models import SessionRecord
from planner.schools.models import School
from planner.sessions.models import Program, ProgramWorker, Session

GRACE = dt.timedelta(hours=48)  # a record is "missing" 48 hours after the session ended


def _authors(user):
    return workers_query(user).select(User.id)


def queue(user) -> list:
    """Submitted reflections waiting for this supervisor: any with an open safeguarding
    flag first, then the longest-waiting."""
    flags = FollowUp.select(fn.COUNT(FollowUp.id)).where(
        (FollowUp.reflection == Reflection.id)
        & FollowUp.safeguarding
        & FollowUp.acknowledged_at.is_null()
    )
    rows = list(  # only what the queue shows: the answers stay in the database
        Reflection.select(
            Reflection.id,
            Reflection.session,
            Reflection.author,
            Reflection.submitted_at,
            Session.id,
            Session.seq,
            Session.date,
            Session.program,
            Session.template,
            Program.id,
            Program.title,
            Program.group_name,
            Program.school,
            School.id,
            School.name,
            SessionTemplate.id,
            SessionTemplate.title,
            User.id,
            User.display_name,
            flags.alias("open_flags"),
        )
        .join(Session)
        .join(Program)
        .join(School)
        .join_from(Session, SessionTemplate)
        .join_from(Reflection, User, on=(Reflection.author == User.id), attr="author")
        .where((Reflection.status == "submitted") & Reflection.author.in_(_authors(user)))
    )
    return sorted(rows, key=lambda r: (-r.open_flags, r.submitted_at))


def mine(user) -> list:
    """Reflections of the sessions this worker delivers, newest session first."""
    programs = ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == user.id)
    return list(
        Reflection.select(Reflection, Session, Program, SessionTemplate, Curriculum)
        .join(Session)
        .join(Program)
        .join_from(Session, SessionTemplate)
        .join_from(Program, Curriculum)
        .where(Program.id.in_(programs))
        .order_by(Session.date.desc(), Session.start.desc())
    )


def _joined(row, attr):
    """A LEFT OUTER joined row, or None when nothing matched."""
    related = getattr(row, attr, None)
    return related if related is not None and related.id is not None else None


def timeline(program) -> list:
    """The group's sessions in order, each with its planned stage and, once a reflection
    exists, the observed one (one query)."""
    rows = list(
        Session.select(
            Session, SessionTemplate, Reflection.id, Reflection.observed_stage, Reflection.status
        )
        .join(SessionTemplate)
        .join_from(
            Session, Reflection, JOIN.LEFT_OUTER, on=(Reflection.session == Session.id), attr="refl"
        )
        .where(Session.program == program.id)
        .order_by(Session.seq)
    )
    for row in rows:
        reflection = _joined(row, "refl")
        row.observed = reflection.observed_stage if reflection else None
        row.differs = bool(row.observed) and row.observed != row.template.stage
    return rows


def _ended_before(cutoff: dt.datetime):
    """Session end (its date and end time, Asia/Shanghai as stored) before cutoff."""
    return (Session.date < cutoff.date()) | (
        (Session.date == cutoff.date()) & (Session.end < cutoff.time())
    )


def missing(user, at: dt.datetime | None = None, first: int | None = None) -> list:
    """Sessions that ended more than 48 hours before `at` (local time), not cancelled, with
    no reflection, or no attendance (group: marks, or marks the retention purge removed) /
    no headcount (lesson), oldest first. For a worker their own sessions, for a supervisor
    their workers' sessions. With `first`, only the first that many, each with .total (how
    many there are in all). One query, plus one for the workers' names when a supervisor
    asks."""
    cutoff = (at or local_now()) - GRACE
    workers = workers_query(user).select(User.id)
    programs = ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker.in_(workers))
    attended = has_marks()  # marks the retention purge removed count too
    has_reflection = Reflection.id.is_null(False)
    has_headcount = SessionRecord.headcount.is_null(False)
    is_group = Curriculum.kind == "group"
    query = (
        Session.select(
            Session,
            Program,
            SessionTemplate,
            Curriculum,
            Reflection.id,
            SessionRecord.id,
            SessionRecord.headcount,
            attended.alias("attended"),
        )
        .join(Program)
        .join(Curriculum)
        .join_from(Session, SessionTemplate)
        .join_from(
            Session, Reflection, JOIN.LEFT_OUTER, on=(Reflection.session == Session.id), attr="refl"
        )
        .join_from(
            Session,
            SessionRecord,
            JOIN.LEFT_OUTER,
            on=(SessionRecord.session == Session.id),
            attr="rec",
        )
        .where(
            Program.id.in_(programs)
            & Program.school.in_(schools_query(user).select(School.id))
            & (Session.status != "cancelled")
            & _ended_before(cutoff)
            & (~has_reflection | (is_group & ~attended) | (~is_group & ~has_headcount))
        )
        .order_by(Session.date, Session.start)
    )
    if first is not None:  # counted in the same query, the rows beyond never loaded
        query = query.select_extend(fn.COUNT(Session.id).over().alias("total")).limit(first)
    rows = list(query)
    for row in rows:
        group = row.program.curriculum.kind == "group"
        record = _joined(row, "rec")
        row.has_reflection = _joined(row, "refl") is not None
        row.no_attendance = group and not row.attended
        row.no_headcount = not group and (record is None or record.headcount is None)
    if user.is_supervisor and rows:
        names = {}
        for link in (
            ProgramWorker.select(ProgramWorker.program, User.display_name)
            .join(User)
            .where(
                ProgramWorker.program.in_({r.program_id for r in rows})
                & ProgramWorker.worker.in_(workers)
            )
        ):
            names.setdefault(link.program_id, []).append(link.worker.display_name)
        for row in rows:
            row.worker_names = names.get(row.program_id, [])
    return rows


def due(user, first: int = 5) -> SimpleNamespace:
    """The home page's card: the oldest `first` missing records (.first) and how many
    there are (.total), however many that is. One query."""
    rows = missing(user, first=first)
    return SimpleNamespace(first=rows, total=rows[0].total if rows else 0)
