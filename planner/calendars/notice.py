"""The State Council's yearly holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知),
pasted in as text and read into the same shape as `content/calendar/cn-YYYY.yaml`.

Nobody publishes next year's holidays as data, and the calendar libraries stop at the years
they knew. The notice comes out each November as a short text whose items read like
"二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日
（周日）、2月8日（周六）上班。" `parse` reads each item's range and its 调休 working days,
checks what the text says of itself (the number of days, the weekday in brackets, that a
working day falls on a weekend) and refuses with the item named when something does not add
up. Nothing is saved here: `planner.calendars.services.save_notice` saves a checked year all
or nothing.

Which weekday's timetable a make-up day runs is not in the notice. `propose_weekdays` follows
the rule written in content/calendar/README.md: within one holiday, the weekdays given off by
the swap (not the statutory days, nor the weekdays given in lieu of a statutory day that falls
on a weekend) are paired in date order with its make-up days. The statutory days come from
全国年节及纪念日放假办法 (revised 2024: from 2025 春节 includes 除夕 and 劳动节 is two days),
with the lunar dates and 清明 from lunar_python.
"""

import datetime as dt
import re

from lunar_python import Lunar

from planner.audit.models import record
from planner.calendars.models import CalendarDay
from planner.calendars.services import import_statutory, statutory_rows
from planner.db import write_tx
from planner.errors import PlannerError
from planner.i18n import format_day
from planner.i18n import lazy_gettext as _l

NUMERAL = "一二三四五六七八九十"
ITEM = re.compile(
    rf"(?:^|\n|。|\s)(?P<num>[{NUMERAL}]+)、\s*(?P<name>[^：:\n、]{{1,6}}(?:、[^：:\n、]{{1,6}})?)\s*[：:]"
)
TITLE = re.compile(r"关于\s*(?P<year>\d{4})\s*年部分节假日安排的通知")
DOC_NO = re.compile(r"国办发明电\s*〔\s*\d{4}\s*〕\s*\d+\s*号")
# 1月28日（农历除夕、周二）, 2024年12月31日（星期二）, 6日（周日）
DATE = re.compile(
    r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?:[（(](?P<note>[^）)]*)[）)])?"
)
DAYS = re.compile(r"共\s*(?P<n>\d+)\s*天")
WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
WEEKDAY_IN_NOTE = re.compile(r"(?:周|星期)(?P<w>[一二三四五六日天])")
KNOWN = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
MAX_TEXT = 20_000


def _fail(message, **values):
    raise PlannerError(message.format(**values), "text")


def _day(match, year, month, label):
    """A date of the notice; the month carries over from the date before it (至6日)."""
    y = int(match["y"]) if match["y"] else year
    m = int(match["m"]) if match["m"] else month
    if m is None:
        _fail(_l("{item}：日期“{text}”缺少月份。"), item=label, text=match[0])
    try:
        day = dt.date(y, m, int(match["d"]))
    except ValueError:
        _fail(_l("{item}：日期“{text}”不存在。"), item=label, text=match[0])
    note = WEEKDAY_IN_NOTE.search(match["note"] or "")
    if note and WEEKDAYS[note["w"]] != day.isoweekday():
        _fail(
            _l("{item}：{day}是{actual}，通知写的是“{written}”，请核对原文。"),
            item=label,
            day=f"{day.month}月{day.day}日",
            actual="周" + "一二三四五六日"[day.isoweekday() - 1],
            written=note[0],
        )
    return day


def _items(text):
    found = list(ITEM.finditer(text))
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        body = text[match.end() : end]
        # the closing paragraph (节假日期间，各地区、各部门要妥善安排好值班…) is not an item
        body = re.split(r"\n\s*\n|节假日期间", body)[0]
        yield match["num"], match["name"].strip(), body


def _parse_item(number, name, body, year):
    label = f"第{number}项（{name}）"
    if not any(part in KNOWN for part in name.split("、")):
        _fail(_l("{item}：不是通知中的节日名称。"), item=label)
    off, _, rest = body.partition("放假")
    if not _:
        _fail(_l("{item}：没有找到“放假”的日期。"), item=label)
    dates = list(DATE.finditer(off))
    if not dates or len(dates) > 2:
        _fail(_l("{item}：放假日期应为一天或“某日至某日”。"), item=label)
    start = _day(dates[0], year, None, label)
    end = _day(dates[-1], start.year, start.month, label) if len(dates) == 2 else start
    if end < start or (end - start).days > 15:
        _fail(_l("{item}：放假的起止日期不合理。"), item=label)
    total = DAYS.search(rest.split("。")[0])
    if total and int(total["n"]) != (end - start).days + 1:
        _fail(
            _l("{item}：通知写“共{n}天”，但{start}至{end}是{days}天。"),
            item=label,
            n=total["n"],
            start=f"{start.month}月{start.day}日",
            end=f"{end.month}月{end.day}日",
            days=(end - start).days + 1,
        )
    makeups = []
    for sentence in re.split(r"[。；;]", rest):
        if "上班" not in sentence:
            continue
        month = None
        for match in DATE.finditer(sentence):
            day = _day(match, year, month, label)
            month = day.month
            if day.isoweekday() < 6:
                _fail(
                    _l("{item}：调休上班日{day}不是周末，请核对原文。"),
                    item=label,
                    day=f"{day.month}月{day.day}日",
                )
            makeups.append(day)
    return {"name": name, "start": start, "end": end}, makeups


def statutory_days(name: str, year: int) -> set:
    """The statutory days (法定节假日) of one holiday name in a year (全国年节及纪念日放假办法;
    the 2024 revision applies from 2025)."""

    def lunar(month, day, y=year):
        solar = Lunar.fromYmd(y, month, day).getSolar()
        return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())

    days = set()
    for part in name.split("、"):
        if part == "元旦":
            days.add(dt.date(year, 1, 1))
        elif part == "春节":
            first = lunar(1, 1)
            span = range(-1, 3) if year >= 2025 else range(0, 3)
            days.update(first + dt.timedelta(days=i) for i in span)
        elif part == "清明节":
            qm = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
            days.add(dt.date(qm.getYear(), qm.getMonth(), qm.getDay()))
        elif part == "劳动节":
            days.update(dt.date(year, 5, d) for d in ((1, 2) if year >= 2025 else (1,)))
        elif part == "端午节":
            days.add(lunar(5, 5))
        elif part == "中秋节":
            days.add(lunar(8, 15))
        elif part == "国庆节":
            days.update(dt.date(year, 10, d) for d in (1, 2, 3))
    return days


def propose_weekdays(holiday: dict, makeups: list, year: int) -> list:
    """The weekday (ISO 1–5) whose timetable each make-up day runs, in the order given."""
    statutory = statutory_days(holiday["name"], year)
    in_lieu = sum(1 for d in statutory if d.isoweekday() >= 6)
    weekdays = []
    day = holiday["start"]
    while day <= holiday["end"]:
        if day.isoweekday() < 6 and day not in statutory:
            weekdays.append(day)
        day += dt.timedelta(days=1)
    swapped = weekdays[in_lieu:]  # the first free weekdays stand in for weekend statutory days
    proposal = []
    for i, makeup in enumerate(sorted(makeups)):
        paid = swapped[i] if i < len(swapped) else (swapped or weekdays or [holiday["start"]])[-1]
        proposal.append((makeup, paid.isoweekday() if paid.isoweekday() < 6 else 5))
    return proposal


def parse(text: str) -> dict:
    """The notice's year, source, holidays and make-up days (with proposed timetables), in
    the shape of YearSchema. Raises PlannerError (field "text") naming what is wrong."""
    text = (text or "").replace("\r\n", "\n").replace("\u3000", " ").strip()
    if not text:
        _fail(_l("请粘贴通知全文。"))
    if len(text) > MAX_TEXT:
        _fail(_l("通知文本过长（超过 {n} 字），请只粘贴通知正文。"), n=MAX_TEXT)
    title = TITLE.search(text)
    if not title:
        _fail(_l("没有找到通知标题（国务院办公厅关于某年部分节假日安排的通知），无法确定年份。"))
    year = int(title["year"])
    doc_no = DOC_NO.search(text)
    number = re.sub(r"\s", "", doc_no[0]) if doc_no else ""
    source = f"国务院办公厅关于{year}年部分节假日安排的通知" + (f"（{number}）" if number else "")
    holidays, makeup_days = [], []
    for number, name, body in _items(text):
        holiday, makeups = _parse_item(number, name, body, year)
        holidays.append(holiday)
        for day, weekday in propose_weekdays(holiday, makeups, year):
            makeup_days.append({"date": day, "holiday": name, "follows_weekday": weekday})
    if not holidays:
        _fail(_l("没有找到“一、元旦：……”这样的放假安排条目。"))
    seen = {}
    for holiday in holidays:
        day = holiday["start"]
        while day <= holiday["end"]:
            if day in seen:
                _fail(_l("{a}和{b}的放假日期重叠。"), a=seen[day], b=holiday["name"])
            seen[day] = holiday["name"]
            day += dt.timedelta(days=1)
    for makeup in makeup_days:
        if makeup["date"] in seen:
            _fail(
                _l("调休上班日{day}落在放假期间内。"),
                day=format_day(makeup["date"], with_weekday=False),
            )
    makeup_days.sort(key=lambda m: m["date"])
    return {"year": year, "source": source, "holidays": holidays, "makeup_days": makeup_days}


def changes(year: dict) -> dict:
    """What saving this year would change in the national calendar already stored:
    {"added": [...], "removed": [...], "changed": [(old, new), ...]}, each a row dict of
    statutory_rows (empty lists for a year not entered yet)."""
    first, last = dt.date(year["year"], 1, 1), dt.date(year["year"], 12, 31)
    stored = {
        (day.date, day.kind): {
            "date": day.date,
            "kind": day.kind,
            "name": day.name,
            "follows_weekday": day.follows_weekday,
        }
        for day in CalendarDay.select().where(
            CalendarDay.school.is_null() & CalendarDay.date.between(first, last)
        )
    }
    new = {
        (row["date"], row["kind"]): {k: row[k] for k in ("date", "kind", "name", "follows_weekday")}
        for row in statutory_rows(year)
    }
    return {
        "added": [new[k] for k in sorted(new.keys() - stored.keys())],
        "removed": [stored[k] for k in sorted(stored.keys() - new.keys())],
        "changed": [
            (stored[k], new[k]) for k in sorted(new.keys() & stored.keys()) if stored[k] != new[k]
        ],
        "known": bool(stored),
    }


def save(user, year: dict) -> int:
    """Replace the year's national days with the notice, all or nothing; one audit row."""
    with write_tx():
        count = import_statutory([year])
        record(
            user,
            "calendar_notice",
            "calendar",
            year["year"],
            f"year={year['year']} holidays={len(year['holidays'])} makeup={len(year['makeup_days'])}",
        )
    return count


def with_weekdays(year: dict, chosen: dict) -> dict:
    """The year with each working day's timetable as the admin chose it ({date: weekday})."""
    makeups = [
        dict(m, follows_weekday=chosen.get(m["date"], m["follows_weekday"]))
        for m in year["makeup_days"]
    ]
    return dict(year, makeup_days=makeups)
