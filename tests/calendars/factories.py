"""Factories for calendar rows; defaults via setdefault."""

import datetime as dt

from planner.calendars.models import BellPeriod, CalendarDay


def calendar_day(**kw):
    """A school's day (pass school=None for a statutory national day)."""
    kw.setdefault("date", dt.date(2026, 11, 10))
    kw.setdefault("kind", "event")
    kw.setdefault("name", "运动会")
    kw.setdefault("follows_weekday", 3 if kw["kind"] == "makeup" else None)
    kw.setdefault("source", "")
    return CalendarDay.create(**kw)


def holiday(start, end, name="国庆节", source="测试通知"):
    """A statutory holiday range: one national row per date."""
    rows, day = [], start
    while day <= end:
        rows.append(calendar_day(school=None, date=day, kind="holiday", name=name, source=source))
        day += dt.timedelta(days=1)
    return rows


def bell_period(**kw):
    kw.setdefault("section", "all")
    kw.setdefault("number", 1)
    kw.setdefault("start", dt.time(8, 0))
    kw.setdefault("end", dt.time(8, 45))
    return BellPeriod.create(**kw)
