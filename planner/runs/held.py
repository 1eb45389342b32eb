"""When a session is held (已完成): the one rule, the one the term statistics count by
(planner/reports/stats.py). A session is held when it is not cancelled, is dated up to
today (Beijing time) and its record is made: a 社工课堂 lesson's headcount, or a group
meeting's attendance marks (marks the retention purge removed count too, through the
record's purged_marks). Clause 10.2.1: the record of the service process is what shows
the service took place."""

from peewee import JOIN, fn

from planner.curricula.models import Curriculum, SessionTemplate
from planner.i18n import local_today
from planner.runs.models import Attendance, SessionRecord
from planner.sessions.models import Session


def has_marks():
    """The SQL condition, over Session and (left) its SessionRecord, that a group meeting
    has attendance marks: found by the session's own index, or removed by the retention
    purge and counted on its record. Never `id IN (every session marked)`: PostgreSQL
    probed that set row by row at city scale (10 s, bench/README.md)."""
    marks = Attendance.select(Attendance.id).where(Attendance.session == Session.id)
    return fn.EXISTS(marks) | (fn.COALESCE(SessionRecord.purged_marks, 0) > 0)


def held_condition(today):
    """The SQL condition, over Session joined to its template's Curriculum and (left) its
    SessionRecord, that a session is held."""
    return (
        (Session.status != "cancelled")
        & (Session.date <= today)
        & (
            ((Curriculum.kind == "classroom") & SessionRecord.headcount.is_null(False))
            | ((Curriculum.kind == "group") & has_marks())
        )
    )


def held_ids(session_ids, today=None) -> set:
    """The ids among session_ids of the sessions held. One query, run even for no ids
    so a page's query count stays the same however many sessions it shows."""
    ids = list(session_ids)
    query = (
        Session.select(Session.id)
        .join(SessionTemplate)
        .join(Curriculum)
        .join_from(
            Session, SessionRecord, JOIN.LEFT_OUTER, on=(SessionRecord.session == Session.id)
        )
        .where(Session.id.in_(ids) & held_condition(today or local_today()))
    )
    return {sid for (sid,) in query.tuples()}


def mark_held(sessions, today=None):
    """Set .held and .past (dated before today) on each loaded session (one query), so
    its shown_status and status_label say 已完成 when it is held, and .settled says it is
    no longer moved, bumped or cancelled; returns the list."""
    today = today or local_today()
    sessions = list(sessions)
    held = held_ids([s.id for s in sessions], today)
    for s in sessions:
        s.held, s.past = s.id in held, s.date < today
    return sessions
