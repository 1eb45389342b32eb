"""m0019: calendar entries get an end date; those made before are single days."""

import datetime as dt

from planner import migrations
from planner.calendars.models import CalendarDay
from planner.calendars.services import day_map
from planner.schools.models import Agency, School
from tests.test_migrations import empty_db  # noqa: F401 (fixture)


def test_existing_entries_become_single_day_entries(empty_db, monkeypatch):  # noqa: F811
    empty_db()
    everything = migrations.available()
    before = everything[: everything.index("m0019_calendar_ranges")]
    monkeypatch.setattr(migrations, "available", lambda: before)
    migrations.migrate()
    monkeypatch.setattr(migrations, "available", lambda: everything)
    agency = Agency.create(name="机构", code="AG")
    school = School.create(agency=agency, name="一中", code="YZ", stage="junior")
    for school_id, day, kind, name in (
        (school.id, dt.date(2026, 11, 10), "exam", "期中考试"),
        (school.id, dt.date(2026, 11, 11), "exam", "期中考试"),
        (None, dt.date(2026, 10, 1), "holiday", "国庆节"),
    ):
        # the columns of the time (insert, not create: no end_date yet)
        CalendarDay.insert(school=school_id, date=day, kind=kind, name=name, source="").execute()

    upto = everything[: everything.index("m0019_calendar_ranges") + 1]
    monkeypatch.setattr(migrations, "available", lambda: upto)
    assert migrations.migrate() == ["m0019_calendar_ranges"]
    monkeypatch.setattr(migrations, "available", lambda: everything)

    rows = list(CalendarDay.select().order_by(CalendarDay.date))
    assert [(r.date, r.end_date) for r in rows] == [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 1)),
        (dt.date(2026, 11, 10), dt.date(2026, 11, 10)),
        (dt.date(2026, 11, 11), dt.date(2026, 11, 11)),
    ]
    days = day_map(school.id, dt.date(2026, 11, 9), dt.date(2026, 11, 12))
    assert [days[d].timetable_weekday for d in sorted(days)] == [1, None, None, 4]
