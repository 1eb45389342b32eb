"""What kind of day is it? Statutory data, school days, teaching weeks, bell periods."""

import datetime as dt
import hashlib
import os

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from planner.calendars.models import NO_TEACHING, BellPeriod, CalendarDay
from planner.db import write_tx


class HolidaySchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(1, 60))
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class MakeupSchema(Schema):
    class Meta:
        unknown = RAISE

    date = fields.Date(required=True)
    holiday = fields.String(required=True)
    follows_weekday = fields.Integer(required=True, validate=validate.Range(1, 5))


class YearSchema(Schema):
    """content/calendar/cn-YYYY.yaml: one year's statutory notice."""

    class Meta:
        unknown = RAISE

    year = fields.Integer(required=True)
    source = fields.String(required=True, validate=validate.Length(1, 500))
    holidays = fields.List(fields.Nested(HolidaySchema), required=True)
    makeup_days = fields.List(fields.Nested(MakeupSchema), load_default=list)


def _as_text(data):
    """PyYAML reads dates as date objects; the schema wants ISO strings."""
    if isinstance(data, dict):
        return {k: _as_text(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_text(v) for v in data]
    return data.isoformat() if isinstance(data, dt.date) else data


def load_years(directory: str) -> list[dict]:
    """Every cn-*.yaml, validated."""
    years = []
    for name in sorted(os.listdir(directory)):
        if name.startswith("cn-") and name.endswith(".yaml"):
            with open(os.path.join(directory, name), encoding="utf-8") as fh:
                try:
                    years.append(YearSchema().load(_as_text(yaml.safe_load(fh))))
                except ValidationError as err:
                    raise ValueError(f"{name}: {err.messages}") from err
    return years


def statutory_rows(year: dict) -> list[dict]:
    """CalendarDay rows (school=None) for one year: every holiday date and make-up day."""
    rows = []
    for holiday in year["holidays"]:
        day = holiday["start"]
        while day <= holiday["end"]:
            rows.append(
                {
                    "date": day,
                    "end_date": day,
                    "kind": "holiday",
                    "name": holiday["name"],
                    "follows_weekday": None,
                    "source": year["source"],
                }
            )
            day += dt.timedelta(days=1)
    for makeup in year["makeup_days"]:
        rows.append(
            {
                "date": makeup["date"],
                "end_date": makeup["date"],
                "kind": "makeup",
                "name": f"{makeup['holiday']}调休上课",
                "follows_weekday": makeup["follows_weekday"],
                "source": year["source"],
            }
        )
    return rows


def import_statutory(years: list[dict]) -> int:
    """Replace the statutory days of these years (admins' later edits are per year)."""
    count = 0
    with write_tx():
        for year in years:
            first, last = dt.date(year["year"], 1, 1), dt.date(year["year"], 12, 31)
            CalendarDay.delete().where(
                CalendarDay.school.is_null() & CalendarDay.date.between(first, last)
            ).execute()
            rows = statutory_rows(year)
            CalendarDay.insert_many([dict(r, school=None) for r in rows]).execute()
            count += len(rows)
    return count


class DayInfo:
    """The effective meaning of one date at one school."""

    def __init__(self, date, entries):
        self.date = date
        self.entries = entries  # CalendarDay rows, school-specific first
        blocking = [e for e in entries if e.kind in NO_TEACHING]
        makeup = [e for e in entries if e.kind == "makeup"]
        self.blocked_by = blocking[0] if blocking else None
        self.makeup = makeup[0] if makeup and not blocking else None

    @property
    def timetable_weekday(self):
        """The ISO weekday whose timetable runs today, or None when there is no teaching."""
        if self.blocked_by:
            return None
        if self.makeup:
            return self.makeup.follows_weekday
        weekday = self.date.isoweekday()
        return weekday if weekday <= 5 else None


def day_map(school_id: int, start: dt.date, end: dt.date) -> dict:
    """date → DayInfo for every date in [start, end]; one query. A school's own entry for
    a date outranks the statutory one (e.g. a school closed on a national make-up day)."""
    return day_maps([school_id], start, end)[school_id]


def day_maps(school_ids, start: dt.date, end: dt.date) -> dict:
    """school id → day_map(school, start, end) for several schools, still one query (the
    home page checks a worker's programs at every school she serves)."""
    school_ids = list(school_ids)
    entries = {school_id: {} for school_id in school_ids}
    rows = (
        CalendarDay.select()
        .where(
            (CalendarDay.school.is_null() | CalendarDay.school.in_(school_ids))
            & CalendarDay.overlapping(start, end)
        )
        .order_by(CalendarDay.school.desc(nulls="LAST"), CalendarDay.id)
    )
    for row in rows:
        # an entry spanning several days means the same on each of them (inside the window)
        days = dates(max(row.date, start), min(row.end_date, end))
        for school_id in [row.school_id] if row.school_id is not None else school_ids:
            for day in days:
                entries[school_id].setdefault(day, []).append(row)
    return {school_id: _infos(entries[school_id], start, end) for school_id in school_ids}


def _infos(entries: dict, start: dt.date, end: dt.date) -> dict:
    out = {}
    # counted, not stepped past `end`: the day after 9999-12-31 doesn't exist
    for n in range((end - start).days + 1):
        day = start + dt.timedelta(days=n)
        found = entries.get(day, [])
        own = [e for e in found if e.school_id is not None]
        national = [e for e in found if e.school_id is None]
        if any(e.kind in NO_TEACHING or e.kind == "makeup" for e in own):
            national = []
        out[day] = DayInfo(day, own + national)
    return out


def day_spans(infos: dict) -> list:
    """A day_map's marked days as entries with their ranges, for lists: consecutive days
    with the same entries are one span (a three-day exam is one line, as is a national
    holiday stored a row a day). [{start, end, entries}] in date order."""
    spans = []
    for day in sorted(infos):
        entries = infos[day].entries
        if not entries:
            continue
        key = [(e.kind, e.name) for e in entries]
        last = spans[-1] if spans else None
        if last and last["key"] == key and last["end"] + dt.timedelta(days=1) == day:
            last["end"] = day
        else:
            spans.append({"start": day, "end": day, "entries": entries, "key": key})
    return spans


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def teaching_week(term, day: dt.date) -> int:
    """第N周, counted in calendar weeks from the week the term starts in."""
    return (week_monday(day) - week_monday(term.start)).days // 7 + 1


def term_weeks(term) -> int:
    return teaching_week(term, term.end)


def periods(school_id: int) -> list:
    """The school's bell periods, ordered by section then number."""
    return list(
        BellPeriod.select()
        .where(BellPeriod.school == school_id)
        .order_by(BellPeriod.section, BellPeriod.number)
    )


# ---- reading for the calendar screens (writes live in operations.py) --------------


def dates(start: dt.date, end: dt.date | None = None) -> list:
    end = end or start
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def national_query(kind: str):
    return CalendarDay.select().where(CalendarDay.school.is_null() & (CalendarDay.kind == kind))


def holiday_range(day: CalendarDay) -> list:
    """The contiguous run of same-named national holiday rows that contains `day`."""
    near = {
        r.date: r
        for r in national_query("holiday").where(
            (CalendarDay.name == day.name)
            & CalendarDay.date.between(
                day.date - dt.timedelta(days=62), day.date + dt.timedelta(days=62)
            )
        )
    }
    first = day.date
    while first - dt.timedelta(days=1) in near:
        first -= dt.timedelta(days=1)
    last = day.date
    while last + dt.timedelta(days=1) in near:
        last += dt.timedelta(days=1)
    return [near[d] for d in dates(first, last)]


def years_without_holidays(days) -> list[int]:
    """The years among these dates for which no national holiday data is stored: planning
    into such a year cannot skip its holidays yet (the notice is not out or not entered)."""
    years = sorted({day.year for day in days})
    if not years:
        return []
    known = {
        day.year
        for (day,) in CalendarDay.select(CalendarDay.date)
        .where(
            CalendarDay.school.is_null()
            & CalendarDay.date.between(dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31))
        )
        .tuples()
    }
    return [year for year in years if year not in known]


def national_years(today: dt.date) -> tuple[list, int | None]:
    """Statutory days grouped by year: [{year, sources, holidays: [ranges], makeups}], and
    the first year from this one on that has no data yet (its notice may not be out).
    A holiday range belongs to the year it starts in, even across New Year."""
    rows = (
        CalendarDay.select()
        .where(CalendarDay.school.is_null())
        .order_by(CalendarDay.date, CalendarDay.id)
    )
    years, last = {}, None

    def year_of(day):
        return years.setdefault(
            day.year, {"year": day.year, "sources": [], "holidays": [], "makeups": []}
        )

    for row in rows:
        if row.kind == "makeup":
            year = year_of(row.date)
            year["makeups"].append(row)
        elif last and last["name"] == row.name and last["end"] + dt.timedelta(days=1) == row.date:
            last["end"], last["days"] = row.date, last["days"] + 1
            continue
        else:
            year = year_of(row.date)
            last = {"first": row, "name": row.name, "start": row.date, "end": row.date, "days": 1}
            year["holidays"].append(last)
        if row.source and row.source not in year["sources"]:
            year["sources"].append(row.source)
    missing = next((y for y in (today.year, today.year + 1) if y not in years), None)
    return [years[y] for y in sorted(years)], missing


def school_days(school_id: int, term) -> list:
    """The school's own entries with a day in the term, in date order (a range is one)."""
    return list(
        CalendarDay.select()
        .where((CalendarDay.school == school_id) & CalendarDay.overlapping(term.start, term.end))
        .order_by(CalendarDay.date, CalendarDay.kind)
    )


def term_calendar(school_id: int, term) -> list:
    """第1周… of the term: each week's seven days with their meaning (one query)."""
    first = week_monday(term.start)
    last = week_monday(term.end) + dt.timedelta(days=6)
    infos = day_map(school_id, first, last)
    weeks = []
    for n in range(term_weeks(term)):
        monday = first + dt.timedelta(days=7 * n)
        days = [
            (d, infos[d], term.start <= d <= term.end)
            for d in dates(monday, monday + dt.timedelta(days=6))
        ]
        weeks.append(
            {
                "number": n + 1,
                "monday": monday,
                "days": days,
                "teaching": sum(1 for d, info, inside in days if inside and info.timetable_weekday),
            }
        )
    return weeks


def default_term(terms: list, today: dt.date):
    """The term containing today, else the next one to start, else the latest."""
    for term in terms:
        if term.start <= today <= term.end:
            return term
    upcoming = [t for t in terms if t.start > today]
    if upcoming:
        return min(upcoming, key=lambda t: t.start)
    return max(terms, key=lambda t: t.start) if terms else None


def bell_token(school_id: int, section: str) -> str:
    """A fingerprint of one section's schedule. BellPeriod has no version column, so the
    form carries this instead and a stale form gets the conflict screen."""
    rows = (
        BellPeriod.select()
        .where((BellPeriod.school == school_id) & (BellPeriod.section == section))
        .order_by(BellPeriod.number)
    )
    text = ";".join(f"{p.number}|{p.start}|{p.end}" for p in rows)
    return hashlib.sha1(text.encode()).hexdigest()[:16]
