"""The program form: curriculum, target, workers, room, weekly slot rules, start week, gap."""

import datetime as dt

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validates_schema

from planner.forms import FormSchema, IdList, Integer, Text, small_int
from planner.i18n import lazy_gettext as _l
from planner.sessions.placement import Rule

RULE_KEYS = ("weekday", "period", "start", "end", "every", "class")
MAX_RULES = 3
HH_MM = "%H:%M"
NO_SLOT = _l("请选择课节，或填写开始和结束时间（如 16:10）。")


def rule_rows(form) -> list[dict]:
    """r_weekday[], r_period[], … zipped into dicts of strings (blank rows dropped)."""
    columns = {k: form.getlist(f"r_{k}") for k in RULE_KEYS}
    count = max((len(v) for v in columns.values()), default=0)
    rows = [
        {k: (columns[k][i].strip() if i < len(columns[k]) else "") for k in RULE_KEYS}
        for i in range(count)
    ]
    return [r for r in rows if r["weekday"]]


def _time(text):
    try:
        return dt.datetime.strptime(text, HH_MM).time()
    except (TypeError, ValueError):
        return None


class RuleSchema(Schema):
    """One weekly slot row: a weekday, every 1–4 weeks, and a bell period or clock times.
    The first problem of a row is the one shown (the row's other fields may depend on it)."""

    weekday = fields.String(load_default="")
    period = fields.String(load_default="")
    start = fields.String(load_default="")
    end = fields.String(load_default="")
    every = fields.String(load_default="")
    school_class = fields.String(load_default="", data_key="class")

    @post_load
    def to_rule(self, row, **kwargs):
        weekday = small_int(row["weekday"])
        if weekday is None or not 1 <= weekday <= 7:
            raise ValidationError({"weekday": [_l("请选择星期。")]})
        every = small_int(row["every"], 1)
        if not 1 <= every <= 4:
            raise ValidationError({"every": [_l("每隔 1 到 4 周。")]})
        # a slot of one class (checked against the chosen classes by planning.build)
        class_id = small_int(row["school_class"], 0) if row["school_class"] else None
        if row["period"]:  # checked against the school's periods by ProgramForm
            period = small_int(row["period"], 0)
            return {"weekday": weekday, "every": every, "period": period, "class_id": class_id}
        start, end = _time(row["start"]), _time(row["end"])
        if start is None or end is None:
            raise ValidationError({"start": [NO_SLOT]})
        if end <= start:
            raise ValidationError({"start": [_l("结束时间必须晚于开始时间。")]})
        return {
            "weekday": weekday,
            "every": every,
            "period": None,
            "start": start,
            "end": end,
            "class_id": class_id,
        }


def _rule_keys(messages: dict) -> dict:
    """Nested row errors {'rules': {i: {field: msgs}}} → the form's r<i>_<field> keys."""
    out = {k: v for k, v in messages.items() if k != "rules"}
    rules = messages.get("rules")
    if isinstance(rules, dict):
        for i, row in rules.items():
            if isinstance(i, int) and isinstance(row, dict):
                out.update({f"r{i}_{field}": msgs for field, msgs in row.items()})
            else:
                out["rules"] = row
    elif rules:
        out["rules"] = rules
    return out


class ProgramForm(FormSchema):
    """The program form, its weekly slot rows included (posted as r_weekday[], r_period[],
    …); each row is checked, its bell period must be one of the school's, and the rules
    become placement Rules with clock times."""

    curriculum_id = Integer(required=True)
    term_id = Integer(required=True)
    room_id = Integer(required=True)
    title = Text(80)
    group_name = Text(60)
    class_ids = IdList()
    worker_ids = IdList()
    start_week = Integer(1, 30, required=True)
    min_gap_days = Integer(0, 60, load_default=1)
    rules = fields.List(fields.Nested(RuleSchema), load_default=list)

    def __init__(self, periods: dict, **kw):
        super().__init__(**kw)
        self.periods = periods  # the school's bell periods by id

    @pre_load
    def from_multidict(self, data, **kwargs):
        out = FormSchema.from_multidict(self, data)
        out["rules"] = rule_rows(data) if hasattr(data, "getlist") else data.get("rules", [])
        return out

    @validates_schema(skip_on_field_errors=False)
    def rule_set(self, data, **kwargs):
        rows = data.get("rules")
        if rows is None:
            return
        if not rows:
            raise ValidationError({"rules": [_l("请至少设置一个每周时段。")]})
        if len(rows) > MAX_RULES:
            raise ValidationError({"rules": [_l("最多设置 %(n)s 个每周时段。", n=MAX_RULES)]})

    @post_load
    def to_rules(self, data, **kwargs):
        rules, errors = [], {}
        for i, row in enumerate(data["rules"]):
            if row["period"] is None:
                rules.append(
                    Rule(
                        row["weekday"],
                        row["start"],
                        row["end"],
                        None,
                        row["every"],
                        row["class_id"],
                    )
                )
                continue
            period = self.periods.get(row["period"])
            if period is None:
                errors[f"r{i}_period"] = [_l("该课节不存在，请从本校课表中选择。")]
                continue
            rules.append(
                Rule(
                    row["weekday"],
                    period.start,
                    period.end,
                    period.id,
                    row["every"],
                    row["class_id"],
                )
            )
        for i, a in enumerate(rules):
            for b in rules[i + 1 :]:
                same = a.weekday == b.weekday and a.class_id == b.class_id
                if same and a.start < b.end and b.start < a.end:
                    errors["rules"] = [_l("每周时段之间有重叠，请调整。")]
        if errors:
            raise ValidationError(errors)
        return dict(data, rules=rules)

    def load(self, data, **kwargs):
        try:
            return super().load(data, **kwargs)
        except ValidationError as err:
            raise ValidationError(_rule_keys(err.messages)) from err


class EditProgramForm(ProgramForm):
    """The program form on a saved program: curriculum and term stay as they are (the view
    gives them), and the version read with the page guards against a stale edit."""

    curriculum_id = Integer()
    term_id = Integer()
    version = Integer(1, 1_000_000, required=True)


class MoveForm(FormSchema):
    """Where one session moves: a teaching day, a bell period or clock times, and a room of
    the school (periods by id and room ids given). Loads as (date, start, end, period_id,
    room_id); a problem with the slot is shown above the form, as "schedule"."""

    date = fields.Date(
        required=True,
        error_messages={"required": _l("请选择日期。"), "invalid": _l("请输入有效日期。")},
    )
    period = Integer()
    start = Text(5)
    end = Text(5)
    room_id = Integer()

    def __init__(self, periods: dict, room_ids: set, **kw):
        super().__init__(**kw)
        self.periods, self.room_ids = periods, room_ids

    @post_load
    def to_target(self, values, **kwargs):
        if values.get("period"):
            period = self.periods.get(values["period"])
            if period is None:
                raise ValidationError({"schedule": [_l("该课节不存在，请从本校课表中选择。")]})
            start, end, period_id = period.start, period.end, period.id
        else:
            start, end, period_id = _time(values.get("start")), _time(values.get("end")), None
            if start is None or end is None:
                raise ValidationError({"schedule": [NO_SLOT]})
        room_id = values.get("room_id")
        if room_id and room_id not in self.room_ids:
            raise ValidationError({"schedule": [_l("该场地不属于本校，请从本校场地中选择。")]})
        return values["date"], start, end, period_id, room_id


CancelForm = FormSchema.from_dict({"reason": Text(200, required=True)}, name="CancelForm")
