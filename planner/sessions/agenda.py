"""Today, week, month and term overview: server-rendered, scoped to what the user may see."""

import calendar as pycal
import datetime as dt

from flask import Blueprint, request
from flask_login import current_user

from planner.access import allow, classes_query, get_or_404, schools_query, sessions_query
from planner.calendars.models import NO_TEACHING, CalendarDay
from planner.calendars.services import (
    dates,
    day_map,
    day_spans,
    default_term,
    teaching_week,
    term_weeks,
    week_monday,
)
from planner.cases.appointments import calendar_of
from planner.curricula.models import SessionTemplate
from planner.db import planned_once
from planner.i18n import local_today
from planner.roles import EVERYONE, STAFF
from planner.runs.held import mark_held
from planner.schools.models import Room, School, Term
from planner.sessions.models import Program, ProgramClass, ProgramWorker, Session
from planner.web import render

bp = Blueprint("agenda", __name__)


def visible_sessions(user, start, end):
    """Sessions in [start, end] with program, room and lesson title (one query). A worker
    sees the sessions they deliver; others see their scope (teachers: their classes)."""
    query = (
        sessions_query(user)
        .select_extend(Room, SessionTemplate)
        .join_from(Session, Room)
        .join_from(Session, SessionTemplate)
        .where(Session.date.between(start, end))
        .order_by(Session.date, Session.start)
    )
    if user.is_worker:
        query = query.where(
            Program.id.in_(
                ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == user.id)
            )
        )
    return mark_held(query)


def marked_days(user, start, end) -> dict:
    """date → calendar entries (statutory, and the user's schools') for labelling."""
    rows = CalendarDay.select().where(
        CalendarDay.overlapping(start, end)
        & (
            CalendarDay.school.is_null()
            | CalendarDay.school.in_(schools_query(user).select(School.id))
        )
    )
    out = {}
    for row in rows:
        for day in dates(max(row.date, start), min(row.end_date, end)):
            out.setdefault(day, []).append(row)
    return out


def _date_arg(name, default):
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default


@bp.get("/today")
@allow(*EVERYONE)
@planned_once()
def today():
    """Today's sessions, large, for the tablet."""
    day = local_today()
    return render(
        "agenda/today.html",
        "agenda/_today_body.html",
        day=day,
        sessions=visible_sessions(current_user, day, day),
        # a worker's own case sessions (个案会谈); nobody else's, never a teacher's
        appointments=calendar_of(current_user, day, day),
        marks=marked_days(current_user, day, day).get(day, []),
    )


@bp.get("/calendar/week")
@allow(*EVERYONE)
@planned_once()
def week():
    """Seven days from Monday."""
    monday = week_monday(_date_arg("date", local_today()))
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    sessions = visible_sessions(current_user, days[0], days[-1])
    appointments = calendar_of(current_user, days[0], days[-1])  # a worker's own 个案会谈
    return render(
        "agenda/week.html",
        "agenda/_week_body.html",
        days=days,
        monday=monday,
        by_day={d: [s for s in sessions if s.date == d] for d in days},
        appointments_by_day={d: [a for a in appointments if a.date == d] for d in days},
        marks=marked_days(current_user, days[0], days[-1]),
        prev=monday - dt.timedelta(days=7),
        next=monday + dt.timedelta(days=7),
    )


@bp.get("/calendar/month")
@allow(*EVERYONE)
def month():
    """A month grid, weeks by weekdays."""
    first = _date_arg("date", local_today()).replace(day=1)
    weeks = pycal.Calendar().monthdatescalendar(first.year, first.month)
    sessions = visible_sessions(current_user, weeks[0][0], weeks[-1][-1])
    by_day = {}
    for s in sessions:
        by_day.setdefault(s.date, []).append(s)
    # a worker's own 个案会谈 beside her sessions, in time order (one query; nobody else's)
    for a in calendar_of(current_user, weeks[0][0], weeks[-1][-1]):
        by_day.setdefault(a.date, []).append(a)
    for items in by_day.values():
        items.sort(key=lambda item: item.start)
    last = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        "agenda/month.html",
        "agenda/_month_body.html",
        first=first,
        weeks=weeks,
        by_day=by_day,
        marks=marked_days(current_user, weeks[0][0], weeks[-1][-1]),
        prev=(first - dt.timedelta(days=1)).replace(day=1),
        next=last,
    )


@bp.get("/terms/<int:term_id>/overview")
@allow(*STAFF)
def term_overview(term_id):
    """Teaching weeks × programs, with holiday and exam weeks shown."""
    term = get_or_404(
        Term.select().where(Term.school.in_(schools_query(current_user).select(School.id))), term_id
    )
    sessions = mark_held(
        Session.select(Session, Program)
        .join(Program)
        .where(Program.term == term.id)
        .order_by(Program.title, Session.seq)
    )
    programs, grid = {}, {}
    for s in sessions:
        programs.setdefault(s.program_id, s.program)
        grid.setdefault((s.program_id, s.teaching_week), []).append(s)
    weeks = list(range(1, term_weeks(term) + 1))
    week_marks = {}
    for day, info in day_map(term.school_id, term.start, term.end).items():
        if info.blocked_by and day.isoweekday() <= 5:
            week_marks.setdefault(teaching_week(term, day), set()).add(info.blocked_by.kind)
    return render(
        "agenda/term.html",
        "agenda/_term_grid.html",
        term=term,
        weeks=weeks,
        programs=list(programs.values()),
        grid=grid,
        week_marks=week_marks,
        no_teaching=NO_TEACHING,
    )


@bp.get("/classes/<int:class_id>")
@allow(*EVERYONE)
def class_page(class_id):
    """我的班级: one class's sessions this term with their topics, and its school's calendar
    days (holidays, 调休, exams, closures). A teacher sees only her own classes and no
    student data: this page names no student."""
    school_class = get_or_404(classes_query(current_user), class_id)
    terms = Term.select().where((Term.school == school_class.school_id) & ~Term.archived)
    if school_class.school_year_id is not None:
        terms = terms.where(Term.school_year == school_class.school_year_id)
    term = default_term(list(terms.order_by(Term.start)), local_today())
    sessions, days = [], []
    if term is not None:
        of_class = ProgramClass.select(ProgramClass.program).where(
            ProgramClass.school_class == class_id
        )
        sessions = list(
            sessions_query(current_user)
            .select_extend(Room, SessionTemplate)
            .join_from(Session, Room)
            .join_from(Session, SessionTemplate)
            .where(Session.date.between(term.start, term.end) & Program.id.in_(of_class))
            .order_by(Session.date, Session.start)
        )
        days = day_spans(day_map(school_class.school_id, term.start, term.end))
    return render(
        "agenda/class.html",
        "agenda/_class_body.html",
        school_class=school_class,
        term=term,
        sessions=sessions,
        days=days,
    )
