"""Programs and sessions made directly with the models (no scheduler), dated around today
so the feed's one-year window always holds them."""

import datetime as dt
import itertools

from planner.calendars.models import CalendarDay
from planner.feeds import services
from planner.i18n import local_today
from planner.sessions.models import Program, ProgramClass, ProgramWorker, Session
from tests.curricula.factories import curriculum

_seq = itertools.count(1)


def program(school, term, room, workers=(), classes=(), lessons=4, first=None, **kw):
    """A program with one session a week from `first` (default: two weeks ago)."""
    cur = kw.pop("curriculum", None) or curriculum(slug=f"feeds-{next(_seq)}", sessions=lessons)
    kw.setdefault("title", "青春期教育")
    created = Program.create(curriculum=cur.id, school=school, term=term, room=room, **kw)
    for worker in workers:
        ProgramWorker.create(program=created, worker=worker)
    for school_class in classes:
        ProgramClass.create(program=created, school_class=school_class)
    first = first or local_today() - dt.timedelta(days=14)
    for n, template in enumerate(sorted(cur.sessions, key=lambda t: t.seq)):
        Session.create(
            program=created,
            template=template.id,
            seq=template.seq,
            date=first + dt.timedelta(weeks=n),
            start=dt.time(14, 0),
            end=dt.time(14, 45),
            room=room,
            teaching_week=3 + n,
        )
    return created


def world_program(world, **kw):
    """A program of the world's school, worker and class."""
    kw.setdefault("workers", [world.worker])
    kw.setdefault("classes", [world.cls])
    return program(world.school, world.term, world.room, **kw)


def sessions_of(prog):
    return list(Session.select().where(Session.program == prog.id).order_by(Session.seq))


def token(user, audience=None, target_id=None):
    """(FeedToken, raw) for the user's own worker feed unless told otherwise."""
    return services.create_token(
        user, audience or "worker", target_id if target_id is not None else user.id
    )


def calendar_day(kind, date, name, school=None, follows_weekday=None):
    return CalendarDay.create(
        school=school, kind=kind, date=date, name=name, follows_weekday=follows_weekday
    )
