"""Form schemas for the calendar screens: national days, school days, bell schedules,
and the .ics import choices. Checks that need the database live in services."""

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from planner.calendars import notice
from planner.calendars.models import DAY_KINDS, MAX_ENTRY_DAYS, SECTIONS
from planner.forms import MESSAGES, Choice, Date, FormSchema, Integer, Text, VersionField
from planner.i18n import lazy_gettext as _l

WEEKDAYS = {"1": _l("周一"), "2": _l("周二"), "3": _l("周三"), "4": _l("周四"), "5": _l("周五")}
IMPORT_KINDS = {
    "holiday": DAY_KINDS["holiday"],
    "exam": DAY_KINDS["exam"],
    "closure": DAY_KINDS["closure"],
    "event": DAY_KINDS["event"],
    "skip": _l("不导入"),
}
MAX_RANGE_DAYS = 31  # a longer "holiday" is almost always a typo in a year
END_BEFORE_START = _l("结束日期不能早于开始日期。")
TOO_LONG = _l("一次最多录入 31 天。")
NOT_WEEKEND = _l("调休上班日应为周六或周日。")


def FollowsWeekday(required=False, **kw):
    """调休: the ISO weekday (Mon–Fri) whose timetable runs."""
    return fields.Integer(
        required=required,
        strict=False,
        validate=validate.Range(1, 5, error=_l("请选择周一至周五中的一天。")),
        error_messages={**MESSAGES, "invalid": _l("请选择周一至周五中的一天。")},
        **kw,
    )


def check_range(data):
    """end ≥ start, and not absurdly long."""
    if "start" in data and data.get("end"):
        if data["end"] < data["start"]:
            raise ValidationError(END_BEFORE_START, "end")
        if (data["end"] - data["start"]).days >= MAX_RANGE_DAYS:
            raise ValidationError(TOO_LONG, "end")


def check_entry(data, start="start", end="end"):
    """A school's entry: its last day not before its first, spanning at most
    MAX_ENTRY_DAYS; a 调休 day is one date."""
    if data.get(start) and data.get(end):
        if data[end] < data[start]:
            raise ValidationError(END_BEFORE_START, end)
        if (data[end] - data[start]).days >= MAX_ENTRY_DAYS:
            raise ValidationError(_l("一个条目最多跨 %(n)s 天。", n=MAX_ENTRY_DAYS), end)
        if data.get("kind") == "makeup" and data[end] != data[start]:
            raise ValidationError(_l("调休上课日每次录入一天。"), end)


def check_weekend(day, field="date"):
    if day is not None and day.isoweekday() < 6:
        raise ValidationError(NOT_WEEKEND, field)


class NationalHolidaySchema(FormSchema):
    """A statutory holiday: every date from start to end is a day off."""

    name = Text(60, required=True)
    start = Date(required=True)
    end = Date(required=True)
    source = Text(500, load_default="")

    @validates_schema(skip_on_field_errors=False)
    def dates_in_order(self, data, **kwargs):
        check_range(data)


class NationalMakeupSchema(FormSchema):
    """A statutory 调休 make-up workday (a weekend day that runs a weekday's timetable)."""

    date = Date(required=True)
    name = Text(60, required=True)
    follows_weekday = FollowsWeekday(required=True)
    source = Text(500, load_default="")

    @validates_schema(skip_on_field_errors=False)
    def on_a_weekend(self, data, **kwargs):
        check_weekend(data.get("date"))


class SchoolDaySchema(FormSchema):
    """One entry of a school's own calendar: one date, or a range from start to end."""

    kind = Choice(DAY_KINDS, required=True)
    name = Text(60, required=True)
    start = Date(required=True)
    end = Date(load_default=None)
    follows_weekday = FollowsWeekday(load_default=None)

    @validates_schema(skip_on_field_errors=False)
    def consistent(self, data, **kwargs):
        check_entry(data)
        if data.get("kind") != "makeup":
            return
        check_weekend(data.get("start"), "start")
        if "follows_weekday" in data and data["follows_weekday"] is None:  # blank, not invalid
            raise ValidationError(_l("调休上课日需要选择按周几的课表上课。"), "follows_weekday")


class SchoolDayEditSchema(FormSchema):
    """Edit one entry of a school's calendar: its dates (a blank last day: one day)."""

    kind = Choice(DAY_KINDS, required=True)
    name = Text(60, required=True)
    date = Date(required=True)
    end_date = Date(load_default=None)
    follows_weekday = FollowsWeekday(load_default=None)
    version = VersionField()

    @validates_schema(skip_on_field_errors=False)
    def consistent(self, data, **kwargs):
        check_entry(data, "date", "end_date")
        if data.get("kind") == "makeup":
            check_weekend(data.get("date"))
            if "follows_weekday" in data and data["follows_weekday"] is None:  # blank, not invalid
                raise ValidationError(_l("调休上课日需要选择按周几的课表上课。"), "follows_weekday")


def with_version(schema_cls):
    """The edit form: the same fields plus the version the form was opened with."""
    return type(f"Edit{schema_cls.__name__}", (schema_cls,), {"version": VersionField()})


def clean_day(values):
    """Only a 调休 day keeps follows_weekday (the select stays on screen for other kinds)."""
    if values.get("kind") != "makeup":
        values["follows_weekday"] = None
    return values


# ---- bell schedule ---------------------------------------------------------------------

TIME_INVALID = _l("请输入时间（时:分）。")


class PeriodRow(Schema):
    number = Integer(1, 20, required=True)
    # ISO: "08:00" from a time input, or "08:00:00" from browsers that add seconds
    start = fields.Time(required=True, error_messages={**MESSAGES, "invalid": TIME_INVALID})
    end = fields.Time(required=True, error_messages={**MESSAGES, "invalid": TIME_INVALID})


class BellScheduleSchema(FormSchema):
    """A whole section's schedule at once; a row left blank removes that period.

    The form posts parallel lists (number[], start[], end[]); FormSchema drops blanks from
    lists, which would shift the rows, so rows are zipped here before that happens."""

    section = Choice(SECTIONS, required=True)
    periods = fields.List(fields.Nested(PeriodRow), load_default=list)
    version = fields.String(required=True, error_messages=MESSAGES)

    @pre_load
    def rows(self, data, **kwargs):
        if not hasattr(data, "getlist"):
            return data
        columns = [[v.strip() for v in data.getlist(k)] for k in ("number", "start", "end")]
        rows = []
        for number, start, end in zip(*columns):
            if number or start or end:
                rows.append(
                    {k: v for k, v in (("number", number), ("start", start), ("end", end)) if v}
                )
        out = {
            k: data.get(k).strip() for k in ("section", "version") if (data.get(k) or "").strip()
        }
        out["periods"] = rows
        return out

    def from_multidict(self, data, **kwargs):  # rows() already shaped the data
        return data

    @validates_schema(skip_on_field_errors=True)
    def no_overlap(self, data, **kwargs):
        errors = {}
        rows = data.get("periods", [])
        seen = {}
        for i, row in enumerate(rows):
            if row["end"] <= row["start"]:
                errors[f"row-{i}"] = _l("下课时间必须晚于上课时间。")
            elif row["number"] in seen:
                errors[f"row-{i}"] = _l("第%(n)s节重复了。", n=row["number"])
            seen.setdefault(row["number"], i)
        if not errors:
            ordered = sorted(enumerate(rows), key=lambda r: r[1]["number"])
            for (_, a), (j, b) in zip(ordered, ordered[1:]):
                if b["start"] < a["end"]:
                    errors[f"row-{j}"] = _l(
                        "第%(b)s节与第%(a)s节时间重叠（或节次没有按时间先后编号）。",
                        a=a["number"],
                        b=b["number"],
                    )
        if errors:
            raise ValidationError(errors)


def _join(value) -> str:
    """A message list (or one lazy message, which marshmallow leaves unwrapped) as text."""
    return " ".join(str(m) for m in value) if isinstance(value, list) else str(value)


def period_errors(messages) -> dict:
    """Marshmallow's nested list errors → {'row-N': 'message'} next to each row."""
    out = {}
    for key, value in messages.items():
        if key == "periods" and isinstance(value, dict):
            for i, fields_ in value.items():
                out[f"row-{i}"] = " ".join(_join(msgs) for msgs in fields_.values())
        else:
            out[key] = _join(value)
    return out


def load_bells(form):
    """(values, errors) like web.load_form, but with one error per row."""
    try:
        return BellScheduleSchema().load(form), {}
    except ValidationError as err:
        return None, period_errors(err.messages)


# ---- .ics import ------------------------------------------------------------------------


class ImportCommitSchema(FormSchema):
    """The previewed import: the signed payload and one kind per importable event."""

    payload = fields.String(required=True, error_messages=MESSAGES)
    kind = fields.List(Choice(IMPORT_KINDS), load_default=list)


class NoticeForm(FormSchema):
    """The pasted notice (planner/calendars/notice.py reads it) and the step: preview or save."""

    text = Text(notice.MAX_TEXT, required=True)
    step = Choice({"preview": "", "save": ""}, load_default="preview")


def weekdays_form(dates):
    """The timetable chosen for each 调休 working day of a previewed notice: fw-YYYY-MM-DD."""
    return FormSchema.from_dict(
        {f"fw-{day.isoformat()}": Integer(1, 5, required=True) for day in dates}
    )()
