"""What kind of day is it? Statutory data, school days, teaching weeks, bell periods."""
import datetime as dt
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
            rows.append({"date": day, "kind": "holiday", "name": holiday["name"],
                         "follows_weekday": None, "source": year["source"]})
            day += dt.timedelta(days=1)
    for makeup in year["makeup_days"]:
        rows.append({"date": makeup["date"], "kind": "makeup",
                     "name": f"{makeup['holiday']}调休上课",
                     "follows_weekday": makeup["follows_weekday"], "source": year["source"]})
    return rows


def import_statutory(years: list[dict]) -> int:
    """Replace the statutory days of these years (admins' later edits are per year)."""
    count = 0
    with write_tx():
        for year in years:
            first, last = dt.date(year["year"], 1, 1), dt.date(year["year"], 12, 31)
            CalendarDay.delete().where(CalendarDay.school.is_null()
                                       & CalendarDay.date.between(first, last)).execute()
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
    entries = {}
    rows = (CalendarDay.select()
            .where((CalendarDay.school.is_null() | (CalendarDay.school == school_id))
                   & CalendarDay.date.between(start, end))
            .order_by(CalendarDay.school.desc(nulls="LAST"), CalendarDay.id))
    for row in rows:
        entries.setdefault(row.date, []).append(row)
    out = {}
    day = start
    while day <= end:
        found = entries.get(day, [])
        own = [e for e in found if e.school_id is not None]
        national = [e for e in found if e.school_id is None]
        if any(e.kind in NO_TEACHING or e.kind == "makeup" for e in own):
            national = []
        out[day] = DayInfo(day, own + national)
        day += dt.timedelta(days=1)
    return out


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def teaching_week(term, day: dt.date) -> int:
    """第N周, counted in calendar weeks from the week the term starts in."""
    return (week_monday(day) - week_monday(term.start)).days // 7 + 1


def term_weeks(term) -> int:
    return teaching_week(term, term.end)


def periods(school_id: int) -> list:
    """The school's bell periods, ordered by section then number."""
    return list(BellPeriod.select().where(BellPeriod.school == school_id)
                .order_by(BellPeriod.section, BellPeriod.number))
