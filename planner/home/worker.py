"""A worker's home: her sessions this week (and the next one when today is free), what is
due (returned reflections, open follow-ups, consents to confirm) and her programs by term
with their progress. Every function costs a fixed number of queries."""

import datetime as dt
from types import SimpleNamespace

from peewee import JOIN, Case, fn

from planner.access import schools_query
from planner.calendars.services import week_monday
from planner.curricula.models import Curriculum, SessionTemplate
from planner.reflections.models import FollowUp, Reflection
from planner.runs.held import held_condition, mark_held
from planner.runs.models import SessionRecord
from planner.schools.models import Room, School, Term
from planner.sessions.models import Program, ProgramWorker, Session
from planner.students import consent_review
from planner.students.models import Student


def _mine(user):
    """Ids of the programs this worker delivers (a subquery)."""
    return ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == user.id)


def _sessions(user):
    return (
        Session.select(Session, Program, Room, SessionTemplate)
        .join(Program)
        .join_from(Session, Room)
        .join_from(Session, SessionTemplate)
        .where(
            Program.id.in_(_mine(user)) & Program.school.in_(schools_query(user).select(School.id))
        )
    )


def week(user, today: dt.date) -> SimpleNamespace:
    """Her sessions from this week's Monday to Sunday, each marked held (已完成) or not,
    by day; and the first session after today, shown when today has none. Three queries."""
    monday = week_monday(today)
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    sessions = mark_held(
        _sessions(user)
        .where(Session.date.between(days[0], days[-1]))
        .order_by(Session.date, Session.start, Session.id),
        today,
    )
    upcoming = (
        _sessions(user)
        .where((Session.date > today) & (Session.status != "cancelled"))
        .order_by(Session.date, Session.start, Session.id)
        .first()
    )
    today_live = [s for s in sessions if s.date == today and s.status != "cancelled"]
    return SimpleNamespace(
        days=days,
        by_day={d: [s for s in sessions if s.date == d] for d in days},
        count=len(sessions),
        today_free=not today_live,
        upcoming=upcoming,
    )


def returned(user) -> list:
    """Her reflections the supervisor returned for changes (a draft with a comment), oldest
    session first. One query."""
    return list(
        Reflection.select(
            Reflection.id,
            Reflection.session,
            Reflection.supervisor_comment,
            Session.id,
            Session.date,
            Session.seq,
            Session.program,
            Program.id,
            Program.title,
        )
        .join(Session)
        .join(Program)
        .where(
            (Reflection.author == user.id)
            & (Reflection.status == "draft")
            & (Reflection.supervisor_comment != "")
            & Program.id.in_(_mine(user))
        )
        .order_by(Session.date, Session.start)
    )


def open_follow_ups(user, today: dt.date) -> list:
    """Follow-ups (not safeguarding: those are on their own card) flagged in reflections of
    her programs whose term has not ended, and not yet acknowledged. Archive codes only,
    never names. One query."""
    return list(
        FollowUp.select(
            FollowUp.id,
            FollowUp.student,
            Reflection.id,
            Reflection.session,
            Session.id,
            Session.date,
            Session.seq,
            Session.program,
            Program.id,
            Program.title,
            Student.id,
            Student.archive_code,
        )
        .join(Reflection)
        .join(Session)
        .join(Program)
        .join(Term)
        .join_from(FollowUp, Student, JOIN.LEFT_OUTER)
        .where(
            ~FollowUp.safeguarding
            & FollowUp.acknowledged_at.is_null()
            & Program.id.in_(_mine(user))
            & (Term.end >= today)
        )
        .order_by(Session.date.desc(), FollowUp.id)
    )


def consents_to_confirm(schools: list, today: dt.date) -> list:
    """[(school, count)] of her schools (already loaded) with students who turned 14 and
    have consents to confirm with them (counts only: the names are on the school's list).
    Two queries."""
    counts = consent_review.counts([s.id for s in schools], today)
    return [(s, counts[s.id]) for s in schools if counts.get(s.id)]


def programs(user, today: dt.date) -> list:
    """Her programs of terms not archived, by term (the latest first): [(term, [program])],
    each program with .planned (sessions not cancelled), .held (已完成) and .next (the
    date of the next session not cancelled, from today). Two queries."""
    rows = list(
        Program.select(Program, Term, School, Curriculum)
        .join(Term)
        .join_from(Program, School)
        .join_from(Program, Curriculum)
        .where(
            Program.id.in_(_mine(user))
            & Program.school.in_(schools_query(user).select(School.id))
            & ~Term.archived
        )
        .order_by(Term.start.desc(), Term.id, Program.title, Program.id)
    )
    live = Session.status != "cancelled"
    ahead = Case(None, [(live & (Session.date >= today), Session.date)], None)
    stats = {
        pid: (planned or 0, held or 0, upcoming)
        for pid, planned, held, upcoming in (
            Session.select(
                Session.program,
                fn.SUM(Case(None, [(live, 1)], 0)),
                fn.SUM(Case(None, [(held_condition(today), 1)], 0)),
                fn.MIN(ahead),
            )
            .join(SessionTemplate)
            .join(Curriculum)
            .join_from(
                Session, SessionRecord, JOIN.LEFT_OUTER, on=(SessionRecord.session == Session.id)
            )
            .where(Session.program.in_([p.id for p in rows]))
            .group_by(Session.program)
            .tuples()
        )
    }
    terms = {}
    for program in rows:
        planned, held, upcoming = stats.get(program.id, (0, 0, None))
        program.planned, program.held = int(planned), int(held)
        program.next = _as_date(upcoming)
        terms.setdefault(program.term_id, (program.term, []))[1].append(program)
    return list(terms.values())


def _as_date(value):
    """MIN over a CASE comes back as text on SQLite."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
