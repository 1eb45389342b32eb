"""Statutory (national) holidays and 调休 make-up days: the page, add, edit, delete."""

import datetime as dt

import pytest

from planner.accounts.models import User
from planner.calendars.models import CalendarDay
from planner.calendars.services import day_map, import_statutory, load_years
from planner.i18n import local_today
from tests.calendars.conftest import (
    CALENDAR_DIR,
    HTMX,
    form_version,
    hx_location,
    inline_error,
    snapshot,
)
from tests.calendars.factories import calendar_day, holiday


@pytest.fixture(autouse=True)
def maintainer(world):
    """National days are changed only by a maintainer (tests/privilege/test_shared_data.py
    shows an ordinary admin refused): the admin of these tests is one."""
    User.update(maintainer=True).where(User.id == world.admin.id).execute()


NEW_HOLIDAY = "/admin/calendar/national/holiday/new"
NEW_MAKEUP = "/admin/calendar/national/makeup/new"


def national(kind=None):
    query = CalendarDay.select().where(CalendarDay.school.is_null())
    if kind:
        query = query.where(CalendarDay.kind == kind)
    return list(query.order_by(CalendarDay.date))


def test_page_lists_each_year_with_its_source_and_days(admin, world):
    import_statutory(load_years(CALENDAR_DIR))
    html = admin.get("/admin/calendar/national").get_data(as_text=True)
    for year in (2024, 2025, 2026):
        assert f'id="year-{year}"' in html
    section_2026 = html.split('id="year-2026"')[1].split("</section>")[0]
    assert "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）" in section_2026
    assert "国庆节" in section_2026 and "10月1日（周四） — 10月7日（周三）" in section_2026
    assert "7 天" in section_2026
    # make-up days with the timetable they run: 9月20日 (Sunday) runs Tuesday's
    assert "9月20日（周日）" in section_2026
    row = section_2026.split("9月20日（周日）")[1].split("</tr>")[0]
    assert "周二" in row


def test_page_says_when_next_years_notice_is_missing(admin, world):
    import_statutory(load_years(CALENDAR_DIR))
    today = local_today()
    missing = next(y for y in (today.year, today.year + 1) if y > 2026)
    html = admin.get("/admin/calendar/national").get_data(as_text=True)
    notice = html.split('id="missing-year"')[1].split("</p>")[0]
    assert f"系统中还没有 {missing} 年的放假安排" in notice
    assert "尚未公布" in notice


def test_add_a_holiday_for_a_year_not_yet_shipped(admin, world):
    response = admin.post(
        NEW_HOLIDAY,
        data={"name": "国庆节", "start": "2027-10-01", "end": "2027-10-07", "source": ""},
    )
    assert response.status_code == 303
    assert response.location == "/admin/calendar/national"
    rows = national("holiday")
    assert [r.date for r in rows] == [dt.date(2027, 10, d) for d in range(1, 8)]
    assert {(r.name, r.source, r.school_id) for r in rows} == {("国庆节", "管理员录入", None)}
    html = admin.get("/admin/calendar/national").get_data(as_text=True)
    assert 'id="year-2027"' in html and "管理员录入" in html


def test_a_new_holiday_inherits_the_years_source(admin, world):
    holiday(dt.date(2027, 1, 1), dt.date(2027, 1, 1), name="元旦", source="2027年通知")
    admin.post(NEW_HOLIDAY, data={"name": "春节", "start": "2027-02-06", "end": "2027-02-12"})
    assert {r.source for r in national("holiday")} == {"2027年通知"}
    admin.post(
        NEW_HOLIDAY,
        data={"name": "清明节", "start": "2027-04-03", "end": "2027-04-05", "source": "另一份通知"},
    )
    assert CalendarDay.get(CalendarDay.name == "清明节").source == "另一份通知"


def test_add_a_makeup_day_and_day_map_runs_its_timetable(admin, world):
    """A 调休 Saturday runs the timetable of the weekday it follows."""
    saturday = dt.date(2026, 10, 10)
    response = admin.post(
        NEW_MAKEUP,
        data={"date": "2026-10-10", "name": "国庆节调休上课", "follows_weekday": "3"},
        headers=HTMX,
    )
    assert response.status_code == 204
    assert hx_location(response) == "/admin/calendar/national"
    (row,) = national("makeup")
    assert (row.date, row.follows_weekday, row.school_id) == (saturday, 3, None)
    info = day_map(world.school.id, saturday, saturday)[saturday]
    assert info.makeup.id == row.id and info.timetable_weekday == 3
    # an ordinary Saturday has no teaching
    other = dt.date(2026, 10, 17)
    assert day_map(world.school.id, other, other)[other].timetable_weekday is None


BAD_HOLIDAYS = [
    ({"end": "2031-09-30"}, "end", "结束日期不能早于开始日期。"),
    ({"end": "2031-11-15"}, "end", "一次最多录入 31 天。"),
    ({"name": ""}, "name", "此项为必填项。"),
    ({"start": "2031-02-30"}, "start", "请输入有效日期（年-月-日）。"),
    (
        {"start": "2031-05-02", "end": "2031-05-06"},
        "start",
        "与已有假期“劳动节”重叠（2031年5月2日）。",
    ),
    (
        {"start": "2031-04-28", "end": "2031-05-01"},
        "start",
        "与已有假期“劳动节”重叠（2031年5月1日）。",
    ),
    (
        {"start": "2031-04-26", "end": "2031-04-27"},
        "start",
        "2031年4月27日 已是调休上班日（劳动节调休上课）。",
    ),
]


@pytest.mark.parametrize("change,field,message", BAD_HOLIDAYS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_bad_holiday_is_refused_and_nothing_saved(admin, world, change, field, message, htmx):
    holiday(dt.date(2031, 5, 1), dt.date(2031, 5, 5), name="劳动节")
    calendar_day(
        school=None,
        date=dt.date(2031, 4, 27),
        kind="makeup",
        name="劳动节调休上课",
        follows_weekday=1,
    )
    before = snapshot()
    data = dict({"name": "国庆节", "start": "2031-10-01", "end": "2031-10-07"}, **change)
    response = admin.post(NEW_HOLIDAY, data=data, headers=HTMX if htmx else {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert inline_error(html, field) == message
    assert ("<html" in html) is not htmx
    assert 'id="national-form"' in html
    assert snapshot() == before


BAD_MAKEUPS = [
    ({"date": "2031-10-09"}, "date", "调休上班日应为周六或周日。"),  # a Thursday
    ({"follows_weekday": "6"}, "follows_weekday", "请选择周一至周五中的一天。"),
    ({"follows_weekday": "0"}, "follows_weekday", "请选择周一至周五中的一天。"),
    ({"follows_weekday": "周三"}, "follows_weekday", "请选择周一至周五中的一天。"),
    ({"follows_weekday": ""}, "follows_weekday", "此项为必填项。"),
    ({"name": ""}, "name", "此项为必填项。"),
    ({"date": "2031-04-27"}, "date", "2031年4月27日 已是调休上班日（劳动节调休上课）。"),
    ({"date": "2031-05-03"}, "date", "与已有假期“劳动节”重叠（2031年5月3日）。"),
]


@pytest.mark.parametrize("change,field,message", BAD_MAKEUPS)
def test_bad_makeup_day_is_refused_and_nothing_saved(admin, world, change, field, message):
    holiday(dt.date(2031, 5, 1), dt.date(2031, 5, 5), name="劳动节")
    calendar_day(
        school=None,
        date=dt.date(2031, 4, 27),
        kind="makeup",
        name="劳动节调休上课",
        follows_weekday=1,
    )
    before = snapshot()
    data = dict({"date": "2031-10-11", "name": "国庆节调休上课", "follows_weekday": "3"}, **change)
    response = admin.post(NEW_MAKEUP, data=data)
    assert response.status_code == 422
    assert inline_error(response.get_data(as_text=True), field) == message
    assert snapshot() == before


def test_edit_a_holiday_range_moves_all_its_days(admin, world):
    first = holiday(dt.date(2031, 10, 1), dt.date(2031, 10, 7))[0]
    url = f"/admin/calendar/national/holiday/{first.id}/edit"
    html = admin.get(url).get_data(as_text=True)
    assert 'value="2031-10-01"' in html and 'value="2031-10-07"' in html
    response = admin.post(
        url,
        data={
            "name": "国庆节、中秋节",
            "start": "2031-10-03",
            "end": "2031-10-09",
            "version": form_version(html),
        },
    )
    assert response.status_code == 303
    rows = national("holiday")
    assert [r.date for r in rows] == [dt.date(2031, 10, d) for d in range(3, 10)]
    assert {r.name for r in rows} == {"国庆节、中秋节"}
    assert rows[0].id == first.id and rows[0].version == 2  # the range keeps its anchor


def test_a_stale_holiday_edit_gets_the_conflict_screen(admin, world):
    first = holiday(dt.date(2031, 10, 1), dt.date(2031, 10, 3))[0]
    url = f"/admin/calendar/national/holiday/{first.id}/edit"
    ok = admin.post(
        url, data={"name": "国庆节", "start": "2031-10-01", "end": "2031-10-04", "version": "1"}
    )
    assert ok.status_code == 303
    before = snapshot()
    stale = admin.post(
        url, data={"name": "国庆", "start": "2031-10-02", "end": "2031-10-02", "version": "1"}
    )
    assert stale.status_code == 409
    assert "保存冲突" in stale.get_data(as_text=True)
    assert snapshot() == before


def test_a_bad_holiday_edit_changes_nothing(admin, world):
    holiday(dt.date(2031, 5, 1), dt.date(2031, 5, 3), name="劳动节")
    first = holiday(dt.date(2031, 10, 1), dt.date(2031, 10, 3))[0]
    before = snapshot()
    response = admin.post(
        f"/admin/calendar/national/holiday/{first.id}/edit",
        data={"name": "国庆节", "start": "2031-04-30", "end": "2031-10-02", "version": "1"},
    )
    assert inline_error(response.get_data(as_text=True), "end") == "一次最多录入 31 天。"
    response = admin.post(
        f"/admin/calendar/national/holiday/{first.id}/edit",
        data={"name": "国庆节", "start": "2031-05-03", "end": "2031-05-04", "version": "1"},
    )
    assert response.status_code == 422
    assert snapshot() == before


def test_edit_and_delete_a_makeup_day(admin, world):
    day = calendar_day(
        school=None,
        date=dt.date(2031, 10, 11),
        kind="makeup",
        name="国庆节调休上课",
        follows_weekday=3,
        source="通知",
    )
    url = f"/admin/calendar/national/makeup/{day.id}/edit"
    response = admin.post(
        url,
        data={
            "date": "2031-10-12",
            "name": "国庆节调休上课",
            "follows_weekday": "4",
            "version": "1",
        },
    )
    assert response.status_code == 303
    stored = CalendarDay.get_by_id(day.id)
    assert (stored.date, stored.follows_weekday, stored.source, stored.version) == (
        dt.date(2031, 10, 12),
        4,
        "通知",
        2,
    )
    assert (
        admin.post(
            url, data={"date": "2031-10-18", "name": "x", "follows_weekday": "1", "version": "1"}
        ).status_code
        == 409
    )
    response = admin.post(f"/admin/calendar/national/makeup/{day.id}/delete")
    assert response.status_code == 303
    assert national() == []


def test_delete_a_holiday_deletes_the_whole_range_only(admin, world):
    holiday(dt.date(2031, 5, 1), dt.date(2031, 5, 3), name="劳动节")
    middle = holiday(dt.date(2031, 10, 1), dt.date(2031, 10, 7))[3]
    response = admin.post(f"/admin/calendar/national/holiday/{middle.id}/delete", headers=HTMX)
    assert response.status_code == 204
    assert [r.name for r in national()] == ["劳动节"] * 3


def test_kind_in_the_url_must_match_the_record(admin, world):
    day = calendar_day(school=None, date=dt.date(2031, 10, 11), kind="makeup", name="调休")
    school_day = calendar_day(school=world.school, kind="holiday", name="校庆放假")
    before = snapshot()
    assert admin.get(f"/admin/calendar/national/holiday/{day.id}/edit").status_code == 404
    assert admin.post(f"/admin/calendar/national/holiday/{day.id}/delete").status_code == 404
    # a school's own holiday is not a national one
    assert admin.post(f"/admin/calendar/national/holiday/{school_day.id}/delete").status_code == 404
    assert admin.get("/admin/calendar/national/exam/new").status_code == 404
    assert snapshot() == before
