"""build_calendar: a pure function, checked by two independent parsers."""

import datetime as dt
import types
import uuid

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream
from ical.event import EventStatus

from planner.feeds.ical import UID_NAMESPACE, build_calendar, session_uid

BASE = "https://planner.example.cn"


def row(session_id=1, seq=1, **kw):
    """A session as build_calendar reads it (what the service's join query returns)."""
    values = dict(
        id=session_id,
        seq=seq,
        sequence=0,
        status="planned",
        date=dt.date(2026, 10, 13),
        start=dt.time(14, 0),
        end=dt.time(14, 45),
        teaching_week=7,
        updated_at=dt.datetime(2026, 9, 1, 2, 3, 4),
        program=types.SimpleNamespace(id=9, title="青春期教育", group_name=""),
        template=types.SimpleNamespace(title="认识身体的变化"),
        room=types.SimpleNamespace(name="多功能室"),
    )
    values.update(kw)
    return types.SimpleNamespace(**values)


def day(kind, date, name, follows_weekday=None, school_id=None, end_date=None):
    return types.SimpleNamespace(
        kind=kind,
        date=date,
        end_date=end_date or date,
        name=name,
        school_id=school_id,
        follows_weekday=follows_weekday,
        updated_at=dt.datetime(2026, 1, 1),
    )


def build(sessions, days=()):
    return build_calendar(sessions, list(days), BASE, "cal-uid", "7(1)班 社工课")


def both(data: bytes):
    """(icalendar Calendar, ical Calendar): each parser must accept the bytes."""
    strict = IcsCalendarStream.from_ics(data.decode("utf-8"))
    assert len(strict.calendars) == 1
    return icalendar.Calendar.from_ical(data), strict.calendars[0]


def test_one_session_has_every_listed_field_in_both_parsers():
    ours, theirs = both(build([row()]))
    [event] = ours.events
    assert str(event["SUMMARY"]) == "青春期教育 第1节 认识身体的变化"
    assert str(event["LOCATION"]) == "多功能室"
    assert str(event["DESCRIPTION"]) == f"认识身体的变化\n第7周\n{BASE}/programs/9#s1"
    assert str(event["URL"]) == f"{BASE}/programs/9#s1"
    assert event["STATUS"] == "CONFIRMED"
    cst = dt.timezone(dt.timedelta(hours=8))
    assert event.start == dt.datetime(2026, 10, 13, 14, 0, tzinfo=cst)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.end - event.start == dt.timedelta(minutes=45)
    assert str(ours["UID"]) == "cal-uid"

    [parsed] = theirs.events
    assert parsed.summary == "青春期教育 第1节 认识身体的变化"
    assert parsed.uid == session_uid(1)
    assert parsed.dtstart.utcoffset() == dt.timedelta(hours=8)
    assert parsed.dtstart.astimezone(dt.timezone.utc).hour == 6
    assert parsed.status == EventStatus.CONFIRMED


def test_vtimezone_for_asia_shanghai_is_present():
    ours, theirs = both(build([row()]))
    assert [tz.tz_name for tz in ours.timezones] == ["Asia/Shanghai"]
    assert [tz.tz_id for tz in theirs.timezones] == ["Asia/Shanghai"]
    assert ours.get_missing_tzids() == set()


def test_an_empty_calendar_still_names_its_zone():
    ours, theirs = both(build([]))
    assert [tz.tz_id for tz in theirs.timezones] == ["Asia/Shanghai"]
    assert str(ours["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert ours.events == []


def test_uid_is_uuid5_of_the_session_id_and_stable():
    assert session_uid(42) == str(uuid.uuid5(UID_NAMESPACE, "session-42"))
    first = both(build([row(42)]))[0].events[0]
    again = both(build([row(42)]))[0].events[0]
    assert str(first["UID"]) == str(again["UID"]) == session_uid(42)
    assert session_uid(42) != session_uid(43)


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence():
    before = both(build([row(5, sequence=0)]))[1].events[0]
    after = both(
        build(
            [
                row(
                    5,
                    sequence=1,
                    status="moved",
                    date=dt.date(2026, 10, 20),
                    updated_at=dt.datetime(2026, 10, 2),
                )
            ]
        )
    )[1].events[0]
    assert after.uid == before.uid
    assert after.sequence > before.sequence
    assert after.dtstart.date() == dt.date(2026, 10, 20)


def test_cancelled_session_is_status_cancelled():
    ours, theirs = both(build([row(status="cancelled", sequence=2)]))
    assert ours.events[0]["STATUS"] == "CANCELLED"
    assert theirs.events[0].status == EventStatus.CANCELLED
    assert theirs.events[0].sequence == 2


def test_same_data_gives_the_same_bytes():
    """No DTSTAMP of 'now', no random calendar UID: an unchanged feed hashes the same."""
    sessions = [row(1), row(2, seq=2, date=dt.date(2026, 10, 20))]
    assert build(sessions) == build(sessions)


def test_holidays_and_makeup_days_are_all_day_and_free():
    days = [
        day("holiday", dt.date(2026, 10, 1), "国庆节"),
        day("makeup", dt.date(2026, 10, 10), "国庆节调休上课", follows_weekday=3),
    ]
    ours, theirs = both(build([row()], days))
    all_day = [
        e
        for e in theirs.events
        if isinstance(e.dtstart, dt.date) and not isinstance(e.dtstart, dt.datetime)
    ]
    assert [e.summary for e in all_day] == ["国庆节（放假）", "国庆节调休上课（按星期三课表）"]
    assert all(e.dtend - e.dtstart == dt.timedelta(days=1) for e in all_day)
    assert all(e.transparency == "TRANSPARENT" for e in all_day)
    # stable UIDs from (school, date, kind): re-importing the statutory calendar keeps them
    again = both(build([row()], days))[1]
    assert [e.uid for e in again.events] == [e.uid for e in theirs.events]


def test_lines_are_folded_and_utf8_survives():
    long_title = "学业与生涯规划" * 8
    ours, theirs = both(
        build([row(program=types.SimpleNamespace(id=1, title=long_title, group_name=""))])
    )
    assert theirs.events[0].summary.startswith(long_title)
    data = build([row(program=types.SimpleNamespace(id=1, title=long_title, group_name=""))])
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


@pytest.mark.parametrize("count", [0, 1, 40])
def test_event_count_matches(count):
    sessions = [
        row(n, seq=n, date=dt.date(2026, 9, 1) + dt.timedelta(days=7 * n))
        for n in range(1, count + 1)
    ]
    ours, theirs = both(build(sessions))
    assert len(ours.events) == len(theirs.events) == count
    assert len({e.uid for e in theirs.events}) == count
