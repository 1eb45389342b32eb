"""Scheduling fixtures: statutory 2026 data, bell periods, specs, saved programs."""

import datetime as dt
import os

from planner.calendars.models import BellPeriod
from planner.calendars.services import import_statutory, load_years
from planner.demo import bell_schedule
from planner.sessions.placement import Rule, Spec
from planner.sessions.services import create_program

CALENDAR = os.path.join(os.path.dirname(__file__), "..", "..", "content", "calendar")


def statutory():
    import_statutory(load_years(CALENDAR))


def periods(school, minutes=45):
    BellPeriod.insert_many(bell_schedule(school.id, minutes)).execute()
    return {p.number: p for p in BellPeriod.select().where(BellPeriod.school == school.id)}


def spec(world, period, weekday=2, count=6, start_week=3, **kw):
    """A Tuesday-period series for the world's class, room and worker."""
    kw.setdefault("worker_ids", [world.worker.id])
    kw.setdefault("class_ids", [world.cls.id])
    kw.setdefault("room_id", world.room.id)
    rules = kw.pop("rules", None) or [Rule(weekday, period.start, period.end, period.id)]
    return Spec(
        world.school.id,
        world.term,
        kw.pop("room_id"),
        kw.pop("worker_ids"),
        kw.pop("class_ids"),
        rules,
        count,
        start_week,
        **kw,
    )


def program(world, curriculum, s, title="青春期教育（初一）"):
    return create_program(
        s, {"curriculum": curriculum.id, "title": title}, list(curriculum.sessions), world.worker
    )


def d(month, day, year=2026):
    return dt.date(year, month, day)
