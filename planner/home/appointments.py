"""Today's case sessions (个案会谈, planner/cases/appointments.py) on the worker's home
page, in her today list: time, room, school and the case's archive code (her own page:
only she sees it), never a name. One query."""

import datetime as dt

from planner.cases.appointments import calendar_of


def today(user, day: dt.date) -> list:
    """Her appointments of the day that are not cancelled, by time (one query)."""
    return calendar_of(user, day, day, live_only=True)
