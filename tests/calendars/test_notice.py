"""The State Council's holiday notice, pasted in (planner/calendars/notice.py): the real
texts of the 2024, 2025 and 2026 notices, written as the notices are, read into exactly the
shipped content/calendar data (the 调休 timetables included); broken texts are refused with
the item named and nothing saved; a revised notice shows its differences first."""

import datetime as dt
import os

import pytest

from planner import ROOT
from planner.audit.models import AuditEntry
from planner.calendars.models import CalendarDay
from planner.calendars.notice import changes, parse, save, statutory_days
from planner.calendars.services import import_statutory, load_years, statutory_rows
from planner.errors import PlannerError

HERE = os.path.join(os.path.dirname(__file__), "notices")
SHIPPED = {y["year"]: y for y in load_years(os.path.join(ROOT, "content", "calendar"))}


def text(year):
    with open(os.path.join(HERE, f"{year}.txt"), encoding="utf-8") as fh:
        return fh.read()


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_real_notice_reads_into_the_shipped_year(year):
    assert parse(text(year)) == SHIPPED[year]


def test_a_notice_pasted_as_one_line_reads_the_same():
    assert parse(text(2025).replace("\n", "")) == SHIPPED[2025]


def test_statutory_days_follow_the_2024_revision():
    assert statutory_days("春节", 2024) == {dt.date(2024, 2, d) for d in (10, 11, 12)}
    assert statutory_days("春节", 2025) == {dt.date(2025, 1, d) for d in (28, 29, 30, 31)}
    assert statutory_days("劳动节", 2025) == {dt.date(2025, 5, 1), dt.date(2025, 5, 2)}
    assert statutory_days("国庆节、中秋节", 2025) == {dt.date(2025, 10, d) for d in (1, 2, 3, 6)}
    assert statutory_days("清明节", 2026) == {dt.date(2026, 4, 5)}


def test_a_2027_notice_is_read_with_its_own_lunar_dates():
    """A made-up 2027 text in the notices' form: nobody ships this year."""
    made_up = (
        "国务院办公厅关于2027年部分节假日安排的通知\n"
        "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
        "二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。"
        "2月14日（周日）上班。\n"
        "三、中秋节：9月15日（周三）放假1天，不调休。\n"
    )
    year = parse(made_up)
    assert year["year"] == 2027 and len(year["holidays"]) == 3
    # 除夕 2/5 and 初一–初三 2/6–2/8 (2/6 and 2/7 a weekend: two weekdays in lieu, 2/9 and
    # 2/10); 2/11 and 2/12 are swapped: 2/14 pays back the first, a Thursday
    assert year["makeup_days"] == [
        {"date": dt.date(2027, 2, 14), "holiday": "春节", "follows_weekday": 4}
    ]


@pytest.mark.parametrize(
    "broken, words",
    [
        ("", "请粘贴通知全文"),
        ("随便一段文字", "没有找到通知标题"),
        ("国务院办公厅关于2025年部分节假日安排的通知\n没有条目", "没有找到"),
        (
            text(2025).replace("至2月4日（农历正月初七、周二）", "至2月4日（农历正月初七、周三）"),
            "第二项（春节）",
        ),
        (text(2025).replace("共8天。1月26日", "共9天。1月26日"), "共9天"),
        (text(2025).replace("4月27日（周日）上班", "4月28日上班"), "不是周末"),
        (text(2025).replace("5月31日（周六）", "5月32日"), "不存在"),
        (text(2025).replace("五、端午节", "五、植树节"), "不是通知中的节日名称"),
        (text(2025).replace("10月1日（周三）至8日（周三）", "5月1日（周四）至8日（周四）"), "重叠"),
        ("国务院办公厅关于2025年部分节假日安排的通知\n" + "一、元旦：" + "长" * 20000, "过长"),
    ],
)
def test_a_broken_text_is_refused_with_the_item_named(broken, words):
    with pytest.raises(PlannerError) as caught:
        parse(broken)
    assert words in caught.value.message and caught.value.field == "text"


def _national(year):
    return list(
        CalendarDay.select()
        .where(CalendarDay.school.is_null() & (CalendarDay.date.year == year))
        .order_by(CalendarDay.date)
    )


def test_saving_a_new_year_then_a_revision_shows_the_differences(app):
    year = parse(text(2026))
    assert changes(year) == {
        "added": changes(year)["added"],
        "removed": [],
        "changed": [],
        "known": False,
    }
    assert save(None, year) == 33 + 6  # 33 days off and 6 working days
    assert len(_national(2026)) == 39
    assert AuditEntry.get(AuditEntry.action == "calendar_notice").object_id == 2026
    # the same text again changes nothing
    assert changes(parse(text(2026)))["added"] == [] and changes(parse(text(2026)))["known"]
    # a revision moves the 劳动节 working day to 5/10 (a Sunday)
    revised = parse(text(2026).replace("5月9日（周六）上班", "5月10日（周日）上班"))
    diff = changes(revised)
    assert [r["date"] for r in diff["added"]] == [dt.date(2026, 5, 10)]
    assert [r["date"] for r in diff["removed"]] == [dt.date(2026, 5, 9)]
    save(None, revised)
    assert [d.date for d in _national(2026) if d.kind == "makeup"][3] == dt.date(2026, 5, 10)


def test_saving_replaces_only_that_year(app):
    import_statutory([SHIPPED[2025]])
    save(None, parse(text(2026)))
    assert len(_national(2025)) == len(statutory_rows(SHIPPED[2025])) == 33


def run(app, *args):
    return app.test_cli_runner().invoke(args=["planner", "calendar", "notice", *args])


def test_the_command_shows_then_saves(app, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(text(2025), encoding="utf-8")
    shown = run(app, str(path))
    assert shown.exit_code == 0, shown.output
    assert "放假 春节: 2025-01-28（周二） 至 2025-02-04（周二），共8天" in shown.output
    assert "上班 2025-01-26（周日） 春节，按周一课表" in shown.output
    assert "--yes" in shown.output and _national(2025) == []
    saved = run(app, str(path), "--yes")
    assert saved.exit_code == 0 and "saved 33 national days for 2025" in saved.output
    again = run(app, str(path))
    assert "no changes" in again.output


def test_the_command_refuses_a_broken_file(app, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("一、元旦：1月1日放假。", encoding="utf-8")
    result = run(app, str(path), "--yes")
    assert result.exit_code != 0 and "nothing was saved" in result.output
    assert _national(2025) == []
