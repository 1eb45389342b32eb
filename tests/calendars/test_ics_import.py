"""Import a school's published calendar (.ics): preview writes nothing, commit writes all."""

import datetime as dt
import io
import re

import icalendar
import pytest

from planner.calendars import ics_import
from planner.calendars.models import CalendarDay
from planner.calendars.services import day_map
from planner.errors import PlannerError
from tests.calendars.conftest import HTMX, plain, snapshot
from tests.calendars.factories import calendar_day


def ics(*events, name="校历"):
    """An .ics file built with icalendar: (summary, start, end or None, extra props)."""
    cal = icalendar.Calendar.new(uid="test-school-calendar", name=name)
    for n, (summary, start, end, *extra) in enumerate(events):
        event = icalendar.Event.new(
            uid=f"e{n}@test",
            summary=summary,
            start=start,
            end=end,
            stamp=dt.datetime(2026, 8, 1, tzinfo=dt.timezone.utc),
        )
        for key, value in (extra[0] if extra else {}).items():
            event.add(key, value)
        cal.add_component(event)
    return cal.to_ical()


D = dt.date
SCHOOL_YEAR = ics(
    ("期中考试", D(2026, 11, 10), D(2026, 11, 13)),  # 3 days, DTEND exclusive
    ("秋季运动会", D(2026, 10, 22), None),  # one day (no DTEND)
    ("元旦放假", D(2027, 1, 1), D(2027, 1, 2)),
    ("暴雨停课", D(2026, 9, 15), D(2026, 9, 16)),
    ("教研会", dt.datetime(2026, 9, 16, 14, 0), dt.datetime(2026, 9, 16, 16, 0)),  # timed
    ("暑假", D(2027, 7, 10), D(2027, 8, 31)),  # after the term
    ("升旗仪式", D(2026, 9, 7), D(2026, 9, 8), {"rrule": {"freq": "weekly"}}),
)


def urls(world, school=None, term=None):
    school, term = school or world.school, term or world.term
    base = f"/admin/schools/{school.id}/calendar/import"
    return f"{base}?term={term.id}", f"{base}/commit?term={term.id}"


def upload(client, world, data, filename="school.ics", **kw):
    response = client.post(
        urls(world)[0],
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        **kw,
    )
    # werkzeug's test client encodes a body over 500 KB into a temporary file it never
    # closes (a ResourceWarning, an error here); the app closes its own copy of the upload
    response.request.environ["wsgi.input"].close()
    return response


def payload(html):
    return re.search(r'name="payload" value="([^"]+)"', html).group(1)


def selected_kinds(html):
    selects = re.findall(r'<select name="kind".*?</select>', html, re.S)
    return [re.search(r'<option value="(\w+)" selected', s).group(1) for s in selects]


def test_preview_shows_the_events_and_writes_nothing(admin, world):
    before = snapshot()
    response = upload(admin, world, SCHOOL_YEAR)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert snapshot() == before == ([], [])
    assert "以下内容尚未保存" in html
    # sorted by date; kinds default from the summary's keywords
    assert selected_kinds(html) == ["closure", "event", "exam", "holiday"]
    assert "11月10日（周二） — 11月12日（周四）" in html
    assert "非全天事件，不导入" in html and "不在本学期内，不导入" in html
    assert "重复事件，不导入" in html


def test_commit_writes_every_day_with_the_chosen_kinds(admin, world):
    html = upload(admin, world, SCHOOL_YEAR).get_data(as_text=True)
    # 暴雨停课 → closure, 秋季运动会 → skip, 期中考试 → exam, 元旦放假 → changed to event
    response = admin.post(
        urls(world)[1],
        data={"payload": payload(html), "kind": ["closure", "skip", "exam", "event"]},
    )
    assert response.status_code == 303
    assert response.location == f"/schools/{world.school.id}/calendar?term={world.term.id}"
    rows = [
        (r.date, r.end_date, r.kind, r.name, r.school_id, r.source)
        for r in CalendarDay.select().order_by(CalendarDay.date)
    ]
    # the three-day exam is one entry with its range
    assert rows == [
        (D(2026, 9, 15), D(2026, 9, 15), "closure", "暴雨停课", world.school.id, "ics:school.ics"),
        (D(2026, 11, 10), D(2026, 11, 12), "exam", "期中考试", world.school.id, "ics:school.ics"),
        (D(2027, 1, 1), D(2027, 1, 1), "event", "元旦放假", world.school.id, "ics:school.ics"),
    ]
    days = day_map(world.school.id, D(2026, 11, 9), D(2026, 11, 13))
    assert [days[d].timetable_weekday for d in sorted(days)] == [1, None, None, None, 5]
    calendar = admin.get(response.location).get_data(as_text=True)
    assert "考试日：期中考试" in plain(calendar)


def test_a_clash_is_shown_in_the_preview_and_refused_at_commit(admin, world):
    calendar_day(school=world.school, date=D(2026, 11, 11), kind="exam", name="月考")
    html = upload(admin, world, SCHOOL_YEAR).get_data(as_text=True)
    assert "2026年11月11日 已有考试日“月考”。" in html
    before = snapshot()
    response = admin.post(
        urls(world)[1],
        data={"payload": payload(html), "kind": ["closure", "event", "exam", "holiday"]},
        headers=HTMX,
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "有事件与已有日期冲突，未导入任何内容。" in page and "<html" not in page
    assert re.search(r'id="e-row-2" role="alert">2026年11月11日 已有考试日“月考”。', page)
    assert selected_kinds(page) == ["closure", "event", "exam", "holiday"]  # choices kept
    assert snapshot() == before
    # skipping the clashing event lets the rest in
    response = admin.post(
        urls(world)[1],
        data={"payload": payload(page), "kind": ["closure", "event", "skip", "holiday"]},
    )
    assert response.status_code == 303
    assert CalendarDay.select().count() == 1 + 1 + 1 + 1


def test_two_events_of_one_kind_on_one_day_are_refused(admin, world):
    data = ics(
        ("期中考试", D(2026, 11, 10), D(2026, 11, 12)), ("期中考试（语文）", D(2026, 11, 11), None)
    )
    html = upload(admin, world, data).get_data(as_text=True)
    assert "2026年11月11日 已有考试日“期中考试”。" in html
    response = admin.post(urls(world)[1], data={"payload": payload(html), "kind": ["exam", "exam"]})
    assert response.status_code == 422
    assert CalendarDay.select().count() == 0


@pytest.mark.parametrize(
    "data,message",
    [
        (b"this is not a calendar", "这不是有效的 .ics 日历文件，无法读取。"),
        (b"BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n", "这不是有效的 .ics 日历文件，无法读取。"),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nDTSTART:2026-13-45\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n",
            "第 1 个事件（x）的日期无法识别，文件未导入。",
        ),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
            b"END:VCALENDAR\r\n",
            "第 1 个事件（x）的日期无法识别，文件未导入。",
        ),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "文件中没有日历事件。"),
        (b"   ", "文件是空的。"),
    ],
)
def test_a_malformed_file_is_refused(admin, world, data, message):
    response = upload(admin, world, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="e-import" role="alert">{message}</p>' in html
    assert 'type="file"' in html and 'name="payload"' not in html
    assert CalendarDay.select().count() == 0


def test_a_file_over_2_mb_is_refused(admin, world):
    padding = {"description": "说明" * 400_000}  # ~2.4 MB of UTF-8, otherwise valid
    data = ics(("期中考试", D(2026, 11, 10), None, padding))
    assert len(data) > 2 * 1024 * 1024
    response = upload(admin, world, data)
    assert response.status_code == 422
    assert "文件超过 2 MB，无法导入。" in response.get_data(as_text=True)
    assert CalendarDay.select().count() == 0


def test_the_size_limit_is_exactly_2_mb():
    limit = ics_import.MAX_BYTES
    assert limit == 2 * 1024 * 1024
    assert len(ics_import.read_limited(io.BytesIO(b"x" * limit))) == limit
    with pytest.raises(PlannerError):
        ics_import.read_limited(io.BytesIO(b"x" * (limit + 1)))


def test_no_file_chosen(admin, world):
    response = admin.post(urls(world)[0], data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "请选择要导入的 .ics 文件。" in response.get_data(as_text=True)


def test_a_gb18030_file_is_read(admin, world):
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        "DTSTART;VALUE=DATE:20261110\r\nSUMMARY:期末考试\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    html = upload(admin, world, text.encode("gb18030")).get_data(as_text=True)
    assert "期末考试" in html and selected_kinds(html) == ["exam"]


def test_the_signed_preview_cannot_be_altered(admin, world):
    html = upload(admin, world, SCHOOL_YEAR).get_data(as_text=True)
    token = payload(html)
    kinds = ["closure", "event", "exam", "holiday"]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    cases = [
        ({"payload": forged, "kind": kinds}, "预览数据无效，请重新上传文件。"),
        ({"kind": kinds}, "预览数据无效，请重新上传文件。"),
        ({"payload": token, "kind": kinds[:3]}, "预览数据无效，请重新上传文件。"),
        (
            {"payload": token, "kind": ["makeup", "event", "exam", "holiday"]},
            "预览数据无效，请重新上传文件。",
        ),
        ({"payload": token, "kind": ["skip"] * 4}, "没有选择要导入的事件。"),
    ]
    for data, message in cases:
        response = admin.post(urls(world)[1], data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True)
    # a preview made for one term cannot be committed to another school's term
    other_school = urls(world, world.other_school, world.other_term)[1]
    response = admin.post(other_school, data={"payload": token, "kind": kinds})
    assert response.status_code == 422
    assert CalendarDay.select().count() == 0


def test_an_expired_preview_is_refused(admin, world, monkeypatch):
    html = upload(admin, world, SCHOOL_YEAR).get_data(as_text=True)
    monkeypatch.setattr(ics_import, "PREVIEW_SECONDS", -1)
    response = admin.post(
        urls(world)[1],
        data={"payload": payload(html), "kind": ["closure", "event", "exam", "holiday"]},
    )
    assert response.status_code == 422
    assert "预览已超过一小时，请重新上传文件。" in response.get_data(as_text=True)
    assert CalendarDay.select().count() == 0


def test_default_kinds_from_keywords():
    summaries = (
        "期中考试",
        "初三期末",
        "国庆放假",
        "寒假假期",
        "台风停课",
        "校运会",
        "",
        "期末考试后放假",
    )
    assert [ics_import.default_kind(s) for s in summaries] == [
        "exam",
        "exam",
        "holiday",
        "holiday",
        "closure",
        "event",
        "event",
        "exam",
    ]
