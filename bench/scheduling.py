"""Issue 4's speed figures: placing a city-scale term, and a worker's year feed.

1. Scheduling: 100 schools × 20 programs (2,000 programs, 16,000 sessions), each placed
   with every conflict checked and saved through the app's own create_program().
2. iCal: a worker's ~400-event feed built by planner.feeds.ical.build_calendar, against
   bare icalendar serialising the same events (the floor), median of several runs.
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from zoneinfo import ZoneInfo  # noqa: E402

from icalendar import Calendar, Event  # noqa: E402

from planner import create_app, migrations  # noqa: E402
from planner.accounts.models import User, WorkerSchool  # noqa: E402
from planner.calendars.models import BellPeriod  # noqa: E402
from planner.calendars.services import import_statutory, load_years  # noqa: E402
from planner.curricula.content import load_library  # noqa: E402
from planner.curricula.editor import full  # noqa: E402
from planner.curricula.models import Curriculum  # noqa: E402
from planner.curricula.services import import_library  # noqa: E402
from planner.db import database, write_tx  # noqa: E402
from planner.demo import bell_schedule  # noqa: E402
from planner.feeds.ical import build_calendar  # noqa: E402
from planner.feeds.services import _sessions  # noqa: E402
from planner.schools.models import Agency, Room, School, SchoolClass, Term  # noqa: E402
from planner.sessions.models import Program, Session  # noqa: E402
from planner.sessions.placement import Rule, Spec  # noqa: E402
from planner.sessions.services import create_programs  # noqa: E402

SCHOOLS, PROGRAMS_PER_SCHOOL = 100, 20
SHANGHAI = ZoneInfo("Asia/Shanghai")


def setup_city(content):
    import_library(load_library(os.path.join(content, "curricula"))[0])
    import_statutory(load_years(os.path.join(content, "calendar")))
    curriculum = full(Curriculum.get(Curriculum.slug == "group-new-student-adaptation").id)
    agency = Agency.create(name="基准机构", code="BENCH")
    schools = []
    with write_tx():
        for n in range(SCHOOLS):
            school = School.create(agency=agency, name=f"基准学校{n}", code=f"B{n}", stage="junior")
            Term.create(
                school=school,
                name="2026—2027学年第一学期",
                start=dt.date(2026, 9, 1),
                end=dt.date(2027, 1, 23),
            )
            BellPeriod.insert_many(bell_schedule(school.id, 45)).execute()
            for r in range(4):
                Room.create(school=school, name=f"活动室{r}", kind="multi_room")
            for c in range(PROGRAMS_PER_SCHOOL):
                SchoolClass.create(school=school, grade=7 + c % 3, name=f"班{c}")
            worker = User.create(
                agency=agency,
                username=f"bench{n}",
                display_name=f"社工{n}",
                role="worker",
                password_hash="x",
            )
            WorkerSchool.create(worker=worker, school=school)
            schools.append((school, worker))
    return curriculum, schools


def place_city(curriculum, schools):
    """Every program of the city's term, placed and saved; returns seconds."""
    templates = list(curriculum.sessions)
    start = time.perf_counter()
    create_programs(list(_city_items(curriculum, schools, templates)), schools[0][1])
    return time.perf_counter() - start


def _city_items(curriculum, schools, templates):
    for school, worker in schools:
        term = Term.get(Term.school == school)
        periods = {p.number: p for p in BellPeriod.select().where(BellPeriod.school == school)}
        rooms = [r.id for r in Room.select().where(Room.school == school)]
        classes = [c.id for c in SchoolClass.select().where(SchoolClass.school == school)]
        for i in range(PROGRAMS_PER_SCHOOL):
            period = periods[1 + i // 5]
            spec = Spec(
                school.id,
                term,
                rooms[i % 4],
                [worker.id],
                [classes[i]],
                [Rule(1 + i % 5, period.start, period.end, period.id)],
                len(templates),
                3,
                1,
            )
            yield spec, {"curriculum": curriculum.id, "title": f"计划{i}"}, templates


def bare_feed(sessions):
    """The floor: bare icalendar calls writing the same properties and VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", "-//bench//")
    cal.add("version", "2.0")
    for s in sessions:
        event = Event()
        event.add("uid", f"session-{s.id}")
        event.add("dtstamp", s.updated_at.replace(tzinfo=dt.timezone.utc))
        event.add("summary", f"{s.program.title} 第{s.seq}节 {s.template_id}")
        event.add("location", "活动室")
        event.add(
            "description",
            f"第{s.seq}节\n第{s.teaching_week}周\nhttp://127.0.0.1:5000/programs/{s.program_id}#s{s.seq}",
        )
        event.add("url", f"http://127.0.0.1:5000/programs/{s.program_id}#s{s.seq}")
        event.add("dtstart", dt.datetime.combine(s.date, s.start, SHANGHAI))
        event.add("dtend", dt.datetime.combine(s.date, s.end, SHANGHAI))
        event.add("sequence", s.sequence)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def median_time(fn, runs=7):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    tmp = tempfile.mkdtemp()
    app = create_app(
        {
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/city.db"),
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context(), database.connection_context():
        migrations.migrate()
        curriculum, schools = setup_city(app.config["CONTENT_DIR"])
        seconds = place_city(curriculum, schools)
        count = Session.select().count()
        print(
            f"scheduling: {Program.select().count()} programs, {count} sessions placed with "
            f"conflict checks in {seconds:.1f}s ({seconds / count * 1000:.2f} ms/session)"
        )
        # a worker's year: 400 sessions of one school's programs (two terms' worth)
        # the feed's own query (program, lesson and room joined), for one school's sessions
        sessions = _sessions(Program.school == schools[0][0].id)[:400]
        while len(sessions) < 400:
            sessions = sessions + sessions[: 400 - len(sessions)]
        floor = median_time(lambda: bare_feed(sessions))
        ours = median_time(
            lambda: build_calendar(sessions, [], "http://127.0.0.1:5000", "bench", "基准")
        )
        print(
            f"ical: {len(sessions)}-event worker feed {ours * 1000:.0f}ms vs bare icalendar "
            f"{floor * 1000:.0f}ms, ratio {ours / floor:.2f}x (goal ≤ 2x)"
        )


if __name__ == "__main__":
    main()
