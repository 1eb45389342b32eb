"""Holidays for the years the shipped statutory calendar doesn't cover (synthetic).

content/calendar has 2024–2026 only; five years of terms reach further. Placement treats
a date with no CalendarDay row as an ordinary teaching day, so without rows the generated
terms of 2022, 2023 or 2027 would have lessons on 国庆节. For each missing year we copy
the nearest known year's holidays to the same month and day, and its 调休 make-up days to
the same weekday nearest that month and day (a make-up day has to stay a weekend day).

These rows are NOT a real notice: they are stored as each generated school's own
calendar days (school set, source saying 合成数据), never as national rows, so another
agency in the same database never sees them and they go with the generated schools.
"""

import datetime as dt

from planner.calendars.models import CalendarDay

SOURCE = (
    "合成数据：按 {known} 年法定节假日平移到 {year} 年，并非国务院通知（flask planner generate）"
)


def known_years() -> set:
    """Years with statutory (national) rows in the database (a few hundred rows)."""
    rows = CalendarDay.select(CalendarDay.date).where(CalendarDay.school.is_null())
    return {day.year for (day,) in rows.tuples()}


def _same_day(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, 2, 28)


def copy_year(rows: list, known: int, year: int) -> list[dict]:
    """The known year's national rows moved to `year`: dicts without a school."""
    source = SOURCE.format(known=known, year=year)
    holidays = {}
    for row in rows:
        if row.kind == "holiday":
            day = _same_day(row.date, year)
            holidays.setdefault(
                day,
                dict(date=day, kind="holiday", name=row.name, follows_weekday=None, source=source),
            )
    out = list(holidays.values())
    for row in rows:
        if row.kind != "makeup":
            continue
        target = _same_day(row.date, year)
        # the same weekday as the original within three days of its month and day
        day = min(
            (
                target + dt.timedelta(days=d)
                for d in range(-3, 4)
                if (target + dt.timedelta(days=d)).isoweekday() == row.date.isoweekday()
            ),
            key=lambda d: abs((d - target).days),
        )
        if day.year == year and day not in holidays:
            out.append(
                dict(
                    date=day,
                    kind="makeup",
                    name=row.name,
                    follows_weekday=row.follows_weekday,
                    source=source,
                )
            )
    return sorted(out, key=lambda r: (r["date"], r["kind"]))


def synthetic_days(years: set) -> dict:
    """{missing year: [row dicts]} for the years in `years` without statutory data,
    each copied from the nearest known year (the later one on a tie)."""
    known = sorted(known_years())
    if not known:
        raise ValueError("no statutory calendar loaded: run `flask planner calendar import` first")
    out = {}
    for year in sorted(set(years) - set(known)):
        nearest = min(known, key=lambda k: (abs(k - year), -k))
        rows = list(
            CalendarDay.select()
            .where(
                CalendarDay.school.is_null()
                & CalendarDay.date.between(dt.date(nearest, 1, 1), dt.date(nearest, 12, 31))
            )
            .order_by(CalendarDay.date, CalendarDay.kind)
        )
        out[year] = copy_year(rows, nearest, year)
    return out


def school_rows(days: dict, school_ids) -> list[dict]:
    """The synthetic days as each school's own CalendarDay rows, ready for insert_many."""
    return [
        dict(row, school=school_id, end_date=row["date"])
        for school_id in school_ids
        for rows in days.values()
        for row in rows
    ]
