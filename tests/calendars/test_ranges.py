"""A school calendar entry can span dates (issue 14): a three-day exam is one entry. Every
day of the range has no teaching (the one rule, DayInfo), placement skips them all, an
overlapping entry that contradicts it is refused, the entry's dates can be edited, the
teacher's class page and the iCal feed show it once with its range."""

import datetime as dt

import pytest
from icalendar import Calendar

from planner.calendars.models import CalendarDay
from planner.calendars.services import day_map, day_spans
from planner.feeds.ical import build_calendar
from planner.sessions.placement import place
from tests.calendars.conftest import HTMX, form_version, inline_error, snapshot
from tests.calendars.factories import calendar_day
from tests.conftest import login_as
from tests.sessions.factories import d, periods, spec, statutory

D = dt.date


def new_url(world):
    return f"/admin/schools/{world.school.id}/calendar/days/new?term={world.term.id}"


MIDTERM = (D(2026, 11, 10), D(2026, 11, 12))


def exam(world, start=MIDTERM[0], end=MIDTERM[1], **kw):
    kw.setdefault("kind", "exam")
    kw.setdefault("name", "期中考试")
    return calendar_day(school=world.school, date=start, end_date=end, **kw)


def test_every_day_of_a_range_has_no_teaching(world):
    exam(world)
    days = day_map(world.school.id, D(2026, 11, 9), D(2026, 11, 13))
    assert [days[d].timetable_weekday for d in sorted(days)] == [1, None, None, None, 5]
    assert days[D(2026, 11, 11)].blocked_by.name == "期中考试"
    # a window that starts or ends inside the range sees only its own days of it
    inside = day_map(world.school.id, D(2026, 11, 11), D(2026, 11, 11))
    assert list(inside) == [D(2026, 11, 11)] and inside[D(2026, 11, 11)].blocked_by
    # another school's range is not this school's
    calendar_day(
        school=world.other_school, date=D(2026, 11, 16), end_date=D(2026, 11, 18), kind="closure"
    )
    assert (
        day_map(world.school.id, D(2026, 11, 17), D(2026, 11, 17))[
            D(2026, 11, 17)
        ].timetable_weekday
        == 2
    )


def test_a_range_over_a_national_makeup_day_wins_there(world):
    calendar_day(school=None, date=D(2026, 11, 14), kind="makeup", name="调休", follows_weekday=5)
    exam(world, D(2026, 11, 13), D(2026, 11, 16), kind="closure", name="停电")
    days = day_map(world.school.id, D(2026, 11, 13), D(2026, 11, 16))
    assert all(days[d].timetable_weekday is None for d in days)
    assert all(e.school_id for d in days for e in days[d].entries)  # the national one is hidden


def test_placement_skips_every_day_of_the_range(world):
    statutory()
    cal = periods(world.school)
    plain = [p.date for p in place(spec(world, cal[7], count=4)).placed]
    assert plain == [d(9, 15), d(9, 20), d(9, 22), d(9, 29)]
    exam(world, d(9, 21), d(9, 25))  # one entry over the whole week 4
    placed = place(spec(world, cal[7], count=4))
    assert [p.date for p in placed.placed] == [d(9, 15), d(9, 20), d(9, 29), d(10, 13)]
    assert any(s.date == d(9, 22) and s.name == "期中考试" for s in placed.skipped)


def test_the_form_saves_one_entry_with_its_range(client, world):
    login_as(client, world.admin)
    data = {"kind": "closure", "name": "校舍维修", "start": "2026-11-16", "end": "2026-11-20"}
    assert client.post(new_url(world), data=data).status_code == 303
    row = CalendarDay.get()
    assert (row.date, row.end_date, row.days) == (D(2026, 11, 16), D(2026, 11, 20), 5)
    # a blank end is a one-day entry
    data = {"kind": "event", "name": "家长会", "start": "2026-11-26", "end": ""}
    assert client.post(new_url(world), data=data).status_code == 303
    one = CalendarDay.get(CalendarDay.name == "家长会")
    assert one.date == one.end_date == D(2026, 11, 26)


OVERLAPS = [
    # same kind overlapping at either end, inside, or around: a duplicate
    ({"start": "2026-11-12", "end": "2026-11-13"}, "2026年11月12日 已有考试日“期中考试”。"),
    ({"start": "2026-11-06", "end": "2026-11-10"}, "2026年11月10日 已有考试日“期中考试”。"),
    ({"start": "2026-11-11", "end": ""}, "2026年11月11日 已有考试日“期中考试”。"),
    ({"start": "2026-11-02", "end": "2026-11-30"}, "2026年11月10日 已有考试日“期中考试”。"),
    # a 调休 school day can't fall inside a no-teaching range
    (
        {"kind": "makeup", "start": "2026-11-14", "end": "", "follows_weekday": "1"},
        "2026年11月14日 已有考试日“期中考试”。",
    ),
]


@pytest.mark.parametrize("change,message", OVERLAPS)
def test_an_overlapping_contradicting_entry_is_refused(client, world, change, message):
    exam(world, D(2026, 11, 10), D(2026, 11, 15))
    login_as(client, world.admin)
    before = snapshot()
    data = dict({"kind": "exam", "name": "补考"}, **change)
    response = client.post(new_url(world), data=data, headers=HTMX)
    assert response.status_code == 422
    assert inline_error(response.get_data(as_text=True), "start") == message
    assert snapshot() == before


def test_compatible_and_adjacent_entries_are_allowed(client, world):
    exam(world)
    login_as(client, world.admin)
    for data in (
        {"kind": "event", "name": "家长会", "start": "2026-11-11", "end": "2026-11-11"},
        {"kind": "exam", "name": "补考", "start": "2026-11-13", "end": "2026-11-13"},
        {"kind": "exam", "name": "前测", "start": "2026-11-06", "end": "2026-11-09"},
    ):
        assert client.post(new_url(world), data=data).status_code == 303, data
    assert CalendarDay.select().count() == 4


BAD_RANGES = [
    ({"end": "2026-11-09"}, "end", "结束日期不能早于开始日期。"),
    ({"end": "2027-01-11"}, "end", "一个条目最多跨 62 天。"),  # 63 days
    ({"end": "9999-12-31"}, "end", "一个条目最多跨 62 天。"),
    (
        {"start": "0001-01-01", "end": "0001-01-02"},
        "end",
        "日期应在本学期（2026年9月1日 至 2027年1月23日）之内。",
    ),
    ({"end": "2026-11-31"}, "end", "请输入有效日期（年-月-日）。"),
    ({"end": "11/12/2026"}, "end", "请输入有效日期（年-月-日）。"),
    ({"end": "2" * 40}, "end", "请输入有效日期（年-月-日）。"),
    ({"start": "", "end": "2026-11-12"}, "start", "此项为必填项。"),
]


@pytest.mark.parametrize("change,field,message", BAD_RANGES)
def test_bad_ranges_are_refused_with_a_message(client, world, change, field, message):
    login_as(client, world.admin)
    data = dict({"kind": "exam", "name": "期中考试", "start": "2026-11-10"}, **change)
    response = client.post(new_url(world), data=data, headers=HTMX)
    assert response.status_code == 422
    assert inline_error(response.get_data(as_text=True), field) == message
    assert CalendarDay.select().count() == 0


def test_a_62_day_entry_is_the_longest(client, world):
    login_as(client, world.admin)
    data = {"kind": "closure", "name": "寒假提前", "start": "2026-11-10", "end": "2027-01-10"}
    assert client.post(new_url(world), data=data).status_code == 303
    assert CalendarDay.get().days == 62


def test_edit_an_entrys_range_and_bad_or_stale_edits_change_nothing(client, world):
    day = exam(world)
    exam(world, D(2026, 11, 20), D(2026, 11, 20), name="补考")
    login_as(client, world.admin)
    url = f"/admin/calendar/days/{day.id}/edit?term={world.term.id}"
    html = client.get(url).get_data(as_text=True)
    assert 'value="2026-11-10"' in html and 'value="2026-11-12"' in html
    base = {"kind": "exam", "name": "期中考试", "date": "2026-11-10", "version": form_version(html)}
    before = snapshot()
    for change, field, message in (
        ({"end_date": "2026-11-09"}, "end_date", "结束日期不能早于开始日期。"),
        ({"end_date": "2027-01-20"}, "end_date", "一个条目最多跨 62 天。"),
        ({"end_date": "2026-11-20"}, "date", "2026年11月20日 已有考试日“补考”。"),
        ({"date": "2027-01-20", "end_date": "2027-01-25"}, "end_date", None),  # past the term
        (
            {
                "kind": "makeup",
                "date": "2026-11-14",
                "end_date": "2026-11-15",
                "follows_weekday": "1",
            },
            "end_date",
            "调休上课日每次录入一天。",
        ),
        ({"end_date": "二〇二六"}, "end_date", "请输入有效日期（年-月-日）。"),
    ):
        response = client.post(url, data=dict(base, **change), headers=HTMX)
        assert response.status_code == 422, change
        shown = inline_error(response.get_data(as_text=True), field)
        assert shown == message if message else shown.startswith("日期应在本学期"), change
    assert snapshot() == before
    ok = client.post(url, data=dict(base, end_date="2026-11-13"))
    assert ok.status_code == 303
    stored = CalendarDay.get_by_id(day.id)
    assert (stored.date, stored.end_date, stored.version) == (D(2026, 11, 10), D(2026, 11, 13), 2)
    stale = client.post(url, data=dict(base, end_date="2026-11-11"))
    assert stale.status_code == 409
    assert CalendarDay.get_by_id(day.id).end_date == D(2026, 11, 13)
    # a blank last day makes it a one-day entry again
    client.post(url, data=dict(base, end_date="", version="2"))
    assert CalendarDay.get_by_id(day.id).end_date == D(2026, 11, 10)


def test_the_teachers_class_page_shows_a_range_once(client, world):
    exam(world)
    for day in (D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 3)):  # national: a row a day
        calendar_day(school=None, date=day, kind="holiday", name="国庆节")
    spans = day_spans(day_map(world.school.id, world.term.start, world.term.end))
    assert [(s["start"], s["end"], [e.name for e in s["entries"]]) for s in spans] == [
        (D(2026, 10, 1), D(2026, 10, 3), ["国庆节"]),
        (D(2026, 11, 10), D(2026, 11, 12), ["期中考试"]),
    ]
    login_as(client, world.teacher)
    body = client.get(f"/classes/{world.cls.id}").get_data(as_text=True)
    calendar = body.split('id="class-calendar"')[1]
    assert calendar.count("期中考试") == 1 and calendar.count("国庆节") == 1
    assert "2026年11月10日 星期二 — 2026年11月12日 星期四" in calendar


def test_the_ical_event_of_a_range_ends_the_day_after_its_last(world):
    entry = exam(world)
    ics = Calendar.from_ical(build_calendar([], [entry], "https://x", "uid", "校历"))
    (event,) = ics.walk("VEVENT")
    assert event.decoded("DTSTART") == D(2026, 11, 10)
    assert event.decoded("DTEND") == D(2026, 11, 13)
