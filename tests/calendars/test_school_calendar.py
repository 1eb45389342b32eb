"""A school's calendar page (teaching weeks) and its own days: add, edit, delete."""

import datetime as dt
import re

import pytest
from playhouse.test_utils import count_queries

from planner.calendars.models import CalendarDay
from planner.calendars.services import (
    day_map,
    default_term,
    import_statutory,
    load_years,
    teaching_week,
)
from planner.schools.models import Term
from tests import factories
from tests.calendars.conftest import (
    CALENDAR_DIR,
    HTMX,
    form_version,
    hx_location,
    inline_error,
    plain,
    snapshot,
)
from tests.calendars.factories import calendar_day


def page(client, world, term=None):
    term = term or world.term
    response = client.get(f"/schools/{world.school.id}/calendar?term={term.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def week_dates(html):
    """{week number: [the seven data-date values]} from the week grid."""
    out = {}
    for number, body in re.findall(r'<tr id="week-(\d+)">(.*?)</tr>', html, re.S):
        out[int(number)] = re.findall(r'data-date="([\d-]+)"', body)
    return out


def cell(html, date):
    """One day's text in the week grid."""
    return plain(html.split(f'data-date="{date}"')[1].split("</td>")[0])


def teaching_days(html, week):
    row = html.split(f'<tr id="week-{week}">')[1].split("</tr>")[0]
    return int(re.findall(r"<td>(\d+)</td>", row)[-1])


def new_url(world, term=None):
    return f"/admin/schools/{world.school.id}/calendar/days/new?term={(term or world.term).id}"


# ---- teaching weeks ----------------------------------------------------------------------


def test_weeks_are_numbered_from_the_week_the_term_starts(admin, world):
    """Term 2026-09-01 (a Tuesday) to 2027-01-23 (a Saturday): 第1周 … 第21周."""
    html = page(admin, world)
    weeks = week_dates(html)
    assert sorted(weeks) == list(range(1, 22))
    assert weeks[1][0] == "2026-08-31" and weeks[1][1] == "2026-09-01"
    assert weeks[2][0] == "2026-09-07"
    assert weeks[21] == [str(dt.date(2027, 1, 18) + dt.timedelta(days=n)) for n in range(7)]
    for number, days in weeks.items():  # the page and the scheduler agree
        assert teaching_week(world.term, dt.date.fromisoformat(days[0])) == number
    assert "第1周" in html and "第21周" in html and "第22周" not in html
    assert 'class="cal-day outside" data-date="2026-08-31"' in html  # before the term
    assert teaching_days(html, 1) == 4  # Tue–Fri
    assert teaching_days(html, 21) == 5


def test_a_term_starting_on_a_monday(admin, world):
    spring = factories.term(
        school=world.school, name="第二学期", start=dt.date(2027, 3, 1), end=dt.date(2027, 7, 2)
    )
    weeks = week_dates(page(admin, world, spring))
    assert weeks[1][0] == "2027-03-01" and weeks[2][0] == "2027-03-08"
    assert max(weeks) == 18


def test_statutory_days_appear_with_their_timetable(admin, world):
    import_statutory(load_years(CALENDAR_DIR))
    html = page(admin, world)
    assert "节假日（法定）：国庆节" in cell(html, "2026-10-01")
    assert "调休上课日（法定）" in cell(html, "2026-10-10") and "按周三课表" in cell(
        html, "2026-10-10"
    )
    # 第3周 (9月14日–20日): five weekdays plus the Sunday 9月20日 make-up day
    assert teaching_days(html, 3) == 6
    # 第5周 (9月28日–10月4日): 国庆 from Thursday
    assert teaching_days(html, 5) == 3
    assert teaching_days(html, 6) == 3  # 10月8日, 9日 and the make-up Saturday 10日


def test_a_school_closure_outranks_a_national_makeup_day(admin, world):
    saturday = dt.date(2026, 10, 10)
    calendar_day(
        school=None, date=saturday, kind="makeup", name="国庆节调休上课", follows_weekday=3
    )
    response = admin.post(
        new_url(world),
        data={"kind": "closure", "name": "秋季运动会场地维修", "start": "2026-10-10"},
    )
    assert response.status_code == 303
    info = day_map(world.school.id, saturday, saturday)[saturday]
    assert info.timetable_weekday is None
    assert info.blocked_by.kind == "closure" and info.makeup is None
    assert [e.kind for e in info.entries] == ["closure"]
    html = page(admin, world)
    assert "停课" in cell(html, "2026-10-10") and "按周三课表" not in cell(html, "2026-10-10")
    # the other school still works that Saturday
    other = day_map(world.other_school.id, saturday, saturday)[saturday]
    assert other.timetable_weekday == 3


def test_the_default_term_is_the_current_one(admin, world):
    terms = [
        Term(start=dt.date(2026, 2, 23), end=dt.date(2026, 7, 3)),
        Term(start=dt.date(2026, 9, 1), end=dt.date(2027, 1, 23)),
    ]
    assert default_term(terms, dt.date(2026, 10, 1)) is terms[1]
    assert default_term(terms, dt.date(2026, 8, 1)) is terms[1]  # the next to start
    assert default_term(terms, dt.date(2027, 5, 1)) is terms[1]  # else the latest
    assert default_term([], dt.date(2026, 10, 1)) is None
    html = admin.get(f"/schools/{world.school.id}/calendar").get_data(as_text=True)
    assert 'id="week-1"' in html  # the only term is shown without ?term=


def test_a_school_without_terms_says_so(admin, world):
    school = factories.school(agency=world.agency, name="新学校", code="NEW")
    html = admin.get(f"/schools/{school.id}/calendar").get_data(as_text=True)
    assert "本校还没有学期" in html and 'id="weeks"' not in html


def test_a_term_of_another_school_is_not_found(admin, world):
    assert (
        admin.get(f"/schools/{world.school.id}/calendar?term={world.other_term.id}").status_code
        == 404
    )
    assert admin.get(f"/schools/{world.school.id}/calendar?term=abc").status_code == 404
    assert admin.get(new_url(world, world.other_term)).status_code == 404


def test_the_page_has_a_fixed_number_of_queries(admin, world):
    """No query per day or per entry: one term of data costs the same as none."""
    page(admin, world)  # warm up (session, user)
    with count_queries() as empty:
        page(admin, world)
    import_statutory(load_years(CALENDAR_DIR))
    for n in range(10):
        calendar_day(
            school=world.school,
            date=dt.date(2026, 11, 2) + dt.timedelta(days=n),
            kind="exam",
            name=f"考试{n}",
        )
    with count_queries() as full:
        html = page(admin, world)
    assert "考试9" in html
    assert full.count == empty.count == 7


# ---- a school's own days -------------------------------------------------------------


def test_add_a_multi_day_exam(admin, world):
    response = admin.post(
        new_url(world),
        data={
            "kind": "exam",
            "name": "期中考试",
            "start": "2026-11-10",
            "end": "2026-11-12",
            "follows_weekday": "3",
        },
    )
    assert response.status_code == 303
    assert response.location == f"/schools/{world.school.id}/calendar?term={world.term.id}"
    rows = list(CalendarDay.select().order_by(CalendarDay.date))
    # one entry for the three days; follows_weekday only for a 调休 day
    assert [(r.date, r.end_date, r.kind, r.school_id, r.follows_weekday) for r in rows] == [
        (dt.date(2026, 11, 10), dt.date(2026, 11, 12), "exam", world.school.id, None),
    ]
    html = page(admin, world)
    for date in ("2026-11-10", "2026-11-11", "2026-11-12"):
        assert "考试日：期中考试" in cell(html, date)
    assert "考试日" not in cell(html, "2026-11-13")
    assert teaching_days(html, 11) == 2
    # listed once, with its range
    listing = plain(html.split('id="school-days"')[1])
    assert listing.count("期中考试") == 1 and "2026年11月12日" in listing and "共 3 天" in listing


def test_add_a_school_makeup_day(admin, world):
    response = admin.post(
        new_url(world),
        data={
            "kind": "makeup",
            "name": "校运会调休",
            "start": "2026-11-14",
            "follows_weekday": "5",
        },
        headers=HTMX,
    )
    assert response.status_code == 204
    assert hx_location(response) == f"/schools/{world.school.id}/calendar?term={world.term.id}"
    day = dt.date(2026, 11, 14)
    assert day_map(world.school.id, day, day)[day].timetable_weekday == 5


BAD_DAYS = [
    ({"end": "2026-11-09"}, "end", "结束日期不能早于开始日期。"),
    ({"end": "2027-01-11"}, "end", "一个条目最多跨 62 天。"),
    (
        {"start": "2026-08-28", "end": "2026-09-02"},
        "end",
        "日期应在本学期（2026年9月1日 至 2027年1月23日）之内。",
    ),
    (
        {"start": "2027-02-01", "end": ""},
        "start",
        "日期应在本学期（2026年9月1日 至 2027年1月23日）之内。",
    ),
    ({"kind": "makeup", "end": "", "follows_weekday": "3"}, "start", "调休上班日应为周六或周日。"),
    (
        {"kind": "makeup", "start": "2026-11-14", "end": ""},
        "follows_weekday",
        "调休上课日需要选择按周几的课表上课。",
    ),
    (
        {"kind": "makeup", "start": "2026-11-14", "end": "2026-11-15", "follows_weekday": "1"},
        "end",
        "调休上课日每次录入一天。",
    ),
    (
        {"kind": "makeup", "start": "2026-11-14", "end": "", "follows_weekday": "7"},
        "follows_weekday",
        "请选择周一至周五中的一天。",
    ),
    ({"kind": "vacation"}, "kind", "请选择有效的选项。"),
    ({"name": ""}, "name", "此项为必填项。"),
    ({"name": "名" * 61}, "name", "最多 60 个字。"),
    ({"start": "2026-11-31"}, "start", "请输入有效日期（年-月-日）。"),
    # all or nothing: the 11日 exam already exists, so no day of the range is saved
    ({"start": "2026-11-09", "end": "2026-11-13"}, "start", "2026年11月11日 已有考试日“月考”。"),
    (
        {"kind": "makeup", "start": "2026-11-21", "end": "", "follows_weekday": "1"},
        "start",
        "2026年11月21日 已有停课“停电”。",
    ),
    (
        {"kind": "closure", "start": "2026-11-28", "end": ""},
        "start",
        "2026年11月28日 已有调休上课日“补课”。",
    ),
]


@pytest.mark.parametrize("change,field,message", BAD_DAYS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_bad_school_day_is_refused_and_nothing_saved(admin, world, change, field, message, htmx):
    calendar_day(school=world.school, date=dt.date(2026, 11, 11), kind="exam", name="月考")
    calendar_day(school=world.school, date=dt.date(2026, 11, 21), kind="closure", name="停电")
    calendar_day(
        school=world.school,
        date=dt.date(2026, 11, 28),
        kind="makeup",
        name="补课",
        follows_weekday=2,
    )
    before = snapshot()
    data = dict(
        {"kind": "exam", "name": "期中考试", "start": "2026-11-10", "end": "2026-11-10"}, **change
    )
    response = admin.post(new_url(world), data=data, headers=HTMX if htmx else {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert inline_error(html, field) == message
    assert ("<html" in html) is not htmx and 'id="day-form"' in html
    assert snapshot() == before


def test_an_event_may_share_a_day_with_an_exam(admin, world):
    calendar_day(school=world.school, date=dt.date(2026, 11, 11), kind="exam", name="月考")
    response = admin.post(
        new_url(world), data={"kind": "event", "name": "家长会", "start": "2026-11-11"}
    )
    assert response.status_code == 303
    assert CalendarDay.select().count() == 2


def test_another_school_may_use_the_same_date(admin, world):
    calendar_day(school=world.other_school, date=dt.date(2026, 11, 11), kind="exam", name="月考")
    response = admin.post(
        new_url(world), data={"kind": "exam", "name": "月考", "start": "2026-11-11"}
    )
    assert response.status_code == 303


def test_edit_a_school_day(admin, world):
    day = calendar_day(school=world.school, date=dt.date(2026, 11, 11), kind="exam", name="月考")
    url = f"/admin/calendar/days/{day.id}/edit?term={world.term.id}"
    html = admin.get(url).get_data(as_text=True)
    assert 'value="2026-11-11"' in html and 'value="月考"' in html
    response = admin.post(
        url,
        data={
            "kind": "closure",
            "name": "停电",
            "date": "2026-11-12",
            "version": form_version(html),
        },
    )
    assert response.status_code == 303
    stored = CalendarDay.get_by_id(day.id)
    assert (stored.kind, stored.name, stored.date, stored.version) == (
        "closure",
        "停电",
        dt.date(2026, 11, 12),
        2,
    )


def test_edit_a_school_day_without_a_term_uses_the_term_around_it(admin, world):
    day = calendar_day(school=world.school, date=dt.date(2026, 11, 11), kind="exam", name="月考")
    response = admin.post(
        f"/admin/calendar/days/{day.id}/edit",
        data={"kind": "exam", "name": "月考（改）", "date": "2026-11-11", "version": "1"},
    )
    assert response.location == f"/schools/{world.school.id}/calendar?term={world.term.id}"


def test_bad_or_stale_school_day_edits_change_nothing(admin, world):
    calendar_day(school=world.school, date=dt.date(2026, 11, 12), kind="exam", name="补考")
    day = calendar_day(school=world.school, date=dt.date(2026, 11, 11), kind="exam", name="月考")
    url = f"/admin/calendar/days/{day.id}/edit?term={world.term.id}"
    before = snapshot()
    clash = admin.post(
        url, data={"kind": "exam", "name": "月考", "date": "2026-11-12", "version": "1"}
    )
    assert inline_error(clash.get_data(as_text=True), "date") == "2026年11月12日 已有考试日“补考”。"
    outside = admin.post(
        url, data={"kind": "exam", "name": "月考", "date": "2027-03-01", "version": "1"}
    )
    assert inline_error(outside.get_data(as_text=True), "date").startswith("日期应在本学期")
    weekday = admin.post(
        url,
        data={
            "kind": "makeup",
            "name": "补课",
            "date": "2026-11-11",
            "follows_weekday": "2",
            "version": "1",
        },
    )
    assert inline_error(weekday.get_data(as_text=True), "date") == "调休上班日应为周六或周日。"
    stale = admin.post(
        url, data={"kind": "exam", "name": "x", "date": "2026-11-11", "version": "0"}
    )
    assert stale.status_code == 409
    assert snapshot() == before


def test_delete_a_school_day(admin, world):
    day = calendar_day(school=world.school, date=dt.date(2026, 11, 11), kind="exam", name="月考")
    keep = calendar_day(school=world.school, date=dt.date(2026, 11, 12), kind="exam", name="补考")
    response = admin.post(f"/admin/calendar/days/{day.id}/delete?term={world.term.id}")
    assert response.status_code == 303
    assert [d.id for d in CalendarDay.select()] == [keep.id]
    assert admin.get(f"/admin/calendar/days/{day.id}/delete").status_code == 405
