"""An admin's home: what is not set up yet. Per school of the agency (not archived): no
current or coming term, no bell schedule (作息时间), no active worker; and the calendar
years the agency's terms reach (from this one on) without national holiday data. The
missing safeguarding lead is the safeguarding card's business (reflections/safeguarding.py).
Three queries, however many schools."""

import datetime as dt
from types import SimpleNamespace

from peewee import fn

from planner.access import schools_query
from planner.accounts.models import User, WorkerSchool
from planner.calendars.models import BellPeriod
from planner.calendars.services import years_without_holidays
from planner.roles import WORKER
from planner.schools.models import School, Term


def _exists(query):
    return fn.EXISTS(query)


def gaps(user, today: dt.date) -> SimpleNamespace:
    """schools: [school with .no_term, .no_bells, .no_worker] of those with a gap;
    years: the calendar years without national holiday data."""
    term = Term.select(Term.id).where(
        (Term.school == School.id) & ~Term.archived & (Term.end >= today)
    )
    bells = BellPeriod.select(BellPeriod.id).where(BellPeriod.school == School.id)
    worker = (
        WorkerSchool.select(WorkerSchool.id)
        .join(User, on=(WorkerSchool.worker == User.id))
        .where((WorkerSchool.school == School.id) & User.active & (User.role == WORKER))
    )
    rows = list(
        schools_query(user)
        .select(
            School.id,
            School.name,
            _exists(term).alias("has_term"),
            _exists(bells).alias("has_bells"),
            _exists(worker).alias("has_worker"),
        )
        .where(~School.archived)
        .order_by(School.name, School.id)
    )
    schools = []
    for row in rows:
        row.no_term, row.no_bells = not row.has_term, not row.has_bells
        row.no_worker = not row.has_worker
        if row.no_term or row.no_bells or row.no_worker:
            schools.append(row)
    reached = [today]
    for start, end in (
        Term.select(Term.start, Term.end)
        .where(
            Term.school.in_(schools_query(user).where(~School.archived).select(School.id))
            & ~Term.archived
            & (Term.end >= today)
        )
        .tuples()
    ):
        reached += [max(start, today), end]
    return SimpleNamespace(schools=schools, years=years_without_holidays(reached))
