"""The program form: curriculum, target, workers, room, weekly slot rules, start week, gap."""

import datetime as dt

from marshmallow import fields

from planner.forms import FormSchema, IdList, Integer, Text, small_int
from planner.i18n import lazy_gettext as _l
from planner.sessions.placement import Rule

ProgramForm = FormSchema.from_dict(
    {
        "curriculum_id": Integer(required=True),
        "term_id": Integer(required=True),
        "room_id": Integer(required=True),
        "title": Text(80),
        "group_name": Text(60),
        "class_ids": IdList(),
        "worker_ids": IdList(),
        "start_week": Integer(1, 30, required=True),
        "min_gap_days": Integer(0, 60, load_default=1),
    },
    name="ProgramForm",
)

RULE_KEYS = ("weekday", "period", "start", "end", "every")
MAX_RULES = 3


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
    return dt.datetime.strptime(text, "%H:%M").time()


def _rule(row, periods: dict):
    """One row → (Rule, None), or (None, (field, message))."""
    weekday = small_int(row["weekday"])
    if weekday is None or not 1 <= weekday <= 7:
        return None, ("weekday", _l("请选择星期。"))
    every = small_int(row["every"], 1)
    if not 1 <= every <= 4:
        return None, ("every", _l("每隔 1 到 4 周。"))
    if row["period"]:
        period = periods.get(small_int(row["period"]))
        if period is None:
            return None, ("period", _l("该课节不存在，请从本校课表中选择。"))
        return Rule(weekday, period.start, period.end, period.id, every), None
    try:
        start, end = _time(row["start"]), _time(row["end"])
    except ValueError:
        return None, ("start", _l("请选择课节，或填写开始和结束时间（如 16:10）。"))
    if end <= start:
        return None, ("start", _l("结束时间必须晚于开始时间。"))
    return Rule(weekday, start, end, None, every), None


def parse_rules(rows, periods: dict) -> tuple[list, dict]:
    """Rows → Rules; errors keyed r<i>_<field>, or 'rules' for the set as a whole."""
    rules, errors = [], {}
    if not rows:
        return [], {"rules": _l("请至少设置一个每周时段。")}
    if len(rows) > MAX_RULES:
        return [], {"rules": _l("最多设置 %(n)s 个每周时段。", n=MAX_RULES)}
    for i, row in enumerate(rows):
        rule, problem = _rule(row, periods)
        if problem:
            errors[f"r{i}_{problem[0]}"] = problem[1]
        else:
            rules.append(rule)
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            if a.weekday == b.weekday and a.start < b.end and b.start < a.end:
                errors["rules"] = _l("每周时段之间有重叠，请调整。")
    return rules, errors


MoveForm = FormSchema.from_dict(
    {
        "date": fields.Date(
            required=True,
            error_messages={"required": _l("请选择日期。"), "invalid": _l("请输入有效日期。")},
        ),
        "period": Integer(),
        "start": Text(5),
        "end": Text(5),
        "room_id": Integer(),
    },
    name="MoveForm",
)

CancelForm = FormSchema.from_dict({"reason": Text(200, required=True)}, name="CancelForm")
