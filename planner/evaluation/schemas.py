"""Marshmallow schemas: instruments (content/instruments files and the admin's form load
through the same InstrumentSchema), score entry, GAS goals and the end-of-group judgement."""

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from planner.curricula.models import THEMES
from planner.curricula.schemas import SLUG, Strict
from planner.curricula.schemas import Text as PlainText
from planner.evaluation.models import EVALUATORS, GOAL_STATUSES, TIMEPOINTS
from planner.forms import (
    MESSAGES,
    STALE_FORM,
    Choice,
    Date,
    FormSchema,
    Integer,
    Text,
    VersionField,
    clean_text,
    flatten_errors,
)
from planner.i18n import lazy_gettext as _l

KINDS = ("likert", "gas", "open", "screening")
PURPOSES = {"outcome": _l("成效评估（前后测对比）"), "satisfaction": _l("满意度")}
MAX_ITEMS = 40
GAS_GOALS = 5  # goals per member
GAS_LEVELS = (-2, -1, 0, 1, 2)


class ScaleSchema(Strict):
    min = fields.Integer(required=True, strict=True, error_messages=MESSAGES)
    max = fields.Integer(required=True, strict=True, error_messages=MESSAGES)
    labels = fields.List(PlainText(40), required=True, error_messages=MESSAGES)


class ItemSchema(Strict):
    key = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z][a-z0-9_]{0,19}$", error=_l("题目编号只能用小写字母、数字和下划线。")
        ),
        error_messages=MESSAGES,
    )
    text = PlainText(200, required=True)
    required = fields.Boolean(load_default=True)


class QuestionSchema(Strict):
    key = ItemSchema._declared_fields["key"]
    text = PlainText(200, required=True)


class LevelSchema(Strict):
    value = fields.Integer(required=True, validate=validate.OneOf(GAS_LEVELS))
    label = PlainText(40, required=True)
    description = PlainText(300, load_default="")


class TiersSchema(Strict):
    concern = fields.Integer(required=True, strict=True, error_messages=MESSAGES)
    high = fields.Integer(required=True, strict=True, error_messages=MESSAGES)


class CriticalSchema(Strict):
    items = fields.List(fields.String(), required=True, error_messages=MESSAGES)
    at_least = fields.Integer(required=True, strict=True, error_messages=MESSAGES)


class ScoringSchema(Strict):
    """A screening instrument's published scoring rule: the total is the sum of the items;
    a total from `concern` is 关注, from `high` 高危; any critical item answered at least
    `at_least` is 高危 whatever the total (planner/screening/scoring.py applies it)."""

    method = fields.String(required=True, validate=validate.OneOf(["sum"]), error_messages=MESSAGES)
    tiers = fields.Nested(TiersSchema, required=True, error_messages=MESSAGES)
    critical = fields.Nested(CriticalSchema, load_default=None)
    # optional: which items speak to which curriculum theme (情绪管理: [q1, q3] …); a 关注
    # student answering one of a theme's items at the scale's middle or above is a group
    # candidate for that theme (planner/screening/recruit.py)
    themes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        load_default=None,
        error_messages=MESSAGES,
    )


def _check_scoring(data):
    """The thresholds lie inside the totals the items can reach, 关注 below 高危, and the
    critical items are items of the instrument, with a level on its scale."""
    scoring, scale, keys = data["scoring"], data["scale"], [i["key"] for i in data["items"]]
    low, high = scale["min"] * len(keys), scale["max"] * len(keys)
    tiers = scoring["tiers"]
    if not low < tiers["concern"] < tiers["high"] <= high:
        raise ValidationError(
            _l(
                "分界值须满足：最低总分 < 关注 < 高危 ≤ 最高总分（%(low)s–%(high)s）。",
                low=low,
                high=high,
            ),
            "scoring",
        )
    critical = scoring.get("critical")
    if critical:
        if not critical["items"] or any(k not in keys for k in critical["items"]):
            raise ValidationError(_l("安全题须是本工具中的题目编号。"), "scoring")
        if not scale["min"] < critical["at_least"] <= scale["max"]:
            raise ValidationError(_l("安全题的触发分须在量表范围内且高于最低分。"), "scoring")
    for theme, items in (scoring.get("themes") or {}).items():
        if theme not in THEMES:
            raise ValidationError(_l("主题“%(theme)s”不在主题列表中。", theme=theme), "scoring")
        if not items or any(k not in keys for k in items):
            raise ValidationError(_l("主题对应的题目须是本工具中的题目编号。"), "scoring")


class InstrumentSchema(Strict):
    """One instrument, as in content/instruments/*.yaml."""

    slug = fields.String(
        required=True, validate=[SLUG, validate.Length(max=80)], error_messages=MESSAGES
    )
    name = PlainText(60, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS), error_messages=MESSAGES)
    description = PlainText(1000, load_default="")
    scale = fields.Nested(ScaleSchema, required=True, error_messages=MESSAGES)
    applies_at = fields.List(
        fields.String(validate=validate.OneOf(list(TIMEPOINTS))),
        load_default=list,  # required of every kind but screening (checked below)
        error_messages=MESSAGES,
    )
    items = fields.List(
        fields.Nested(ItemSchema), load_default=list, validate=validate.Length(max=MAX_ITEMS)
    )
    scoring = fields.Nested(ScoringSchema, load_default=None)  # screening only
    open_questions = fields.List(fields.Nested(QuestionSchema), load_default=list)
    levels = fields.List(fields.Nested(LevelSchema), load_default=None)
    default_weight = fields.Integer(load_default=None)
    rho = fields.Float(load_default=None, validate=validate.Range(0, 1))
    formula = PlainText(200, load_default=None)
    example_goal = fields.Dict(load_default=None)
    # outcome: compared pre/post; satisfaction: summarised once at the end
    purpose = fields.String(load_default=None, validate=validate.OneOf(PURPOSES))
    template = fields.Boolean(load_default=False)  # a file to copy, not an instrument to use

    @validates_schema
    def consistent(self, data, **kwargs):
        scale = data["scale"]
        if scale["max"] <= scale["min"] or scale["max"] - scale["min"] > 10:
            raise ValidationError(_l("量表的最高分须大于最低分，且最多 11 个等级。"), "scale")
        if len(scale["labels"]) != scale["max"] - scale["min"] + 1:
            raise ValidationError(
                _l("等级说明的个数须等于等级数（最高分 − 最低分 + 1）。"), "scale"
            )
        if data["kind"] in ("likert", "screening") and not data["items"]:
            raise ValidationError(_l("量表至少要有一道题目。"), "items")
        if data["kind"] != "screening" and not data["applies_at"]:
            raise ValidationError(_l("请至少选择一个施测时间点。"), "applies_at")
        if (data["kind"] == "screening") != (data.get("scoring") is not None):
            raise ValidationError(
                _l("筛查工具须写明计分规则（scoring），其他工具不写。"), "scoring"
            )
        keys = [i["key"] for i in data["items"]] + [q["key"] for q in data["open_questions"]]
        if len(keys) != len(set(keys)):
            raise ValidationError(_l("题目编号不能重复。"), "items")
        if data["kind"] == "screening":
            _check_scoring(data)


def to_model(data: dict) -> dict:
    """InstrumentSchema data → Instrument columns."""
    extra = {
        k: data[k]
        for k in ("levels", "default_weight", "rho", "formula", "example_goal", "scoring")
        if data.get(k) is not None
    }
    extra["purpose"] = data.get("purpose") or (
        "screening"
        if data["kind"] == "screening"
        else "satisfaction"
        if data["applies_at"] == ["post"]
        else "outcome"
    )
    return dict(
        slug=data["slug"],
        name=data["name"],
        kind=data["kind"],
        description=data["description"],
        scale_min=data["scale"]["min"],
        scale_max=data["scale"]["max"],
        labels=data["scale"]["labels"],
        applies_at=data["applies_at"],
        items=data["items"],
        open_questions=data["open_questions"],
        extra=extra,
        archived=data.get("template", False),
    )


def Lines(max_lines, max_length=200, required=False):
    """A textarea: one entry per line, blank lines dropped."""
    return fields.Function(
        deserialize=lambda text: _lines(text, max_lines, max_length),
        required=required,
        error_messages=MESSAGES,
    )


def _lines(text, max_lines, max_length):
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if len(lines) > max_lines:
        raise ValidationError(_l("最多 %(n)s 行。", n=max_lines))
    if any(len(line) > max_length for line in lines):
        raise ValidationError(_l("每行最多 %(n)s 个字。", n=max_length))
    return lines


class InstrumentForm(FormSchema):
    """The admin's new Likert scale: items and labels one per line."""

    name = Text(60, required=True)
    slug = Text(80, required=True, validate_also=[SLUG])
    description = Text(1000)
    points = Integer(2, 11, required=True)
    labels = Lines(11, 40, required=True)
    items = Lines(MAX_ITEMS, 200, required=True)
    open_questions = Lines(5, 200)
    applies_at = fields.List(
        Choice(TIMEPOINTS),
        validate=validate.Length(min=1, error=_l("请至少选择一个施测时间点。")),
        load_default=list,
    )
    purpose = Choice(PURPOSES, required=True)


def instrument_from_form(values: dict) -> dict:
    """The form's values as an InstrumentSchema document (validated again by the caller)."""
    return {
        "slug": values["slug"],
        "name": values["name"],
        "kind": "likert",
        "description": values.get("description", ""),
        "scale": {"min": 1, "max": values["points"], "labels": values["labels"]},
        "applies_at": values["applies_at"],
        "purpose": values["purpose"],
        "items": [
            {"key": f"q{i}", "text": t, "required": True} for i, t in enumerate(values["items"], 1)
        ],
        "open_questions": [
            {"key": f"o{i}", "text": t} for i, t in enumerate(values.get("open_questions", []), 1)
        ],
    }


def score_form(instrument) -> Schema:
    """The answers to one instrument: an integer in its range per item, required ones
    required, and the open questions as text."""
    spec = {"version": fields.Integer(load_default=0, error_messages=MESSAGES)}
    for item in instrument.items:
        spec[f"a_{item['key']}"] = Integer(
            instrument.scale_min, instrument.scale_max, required=item.get("required", True)
        )
    for question in instrument.open_questions:
        spec[f"o_{question['key']}"] = Text(1000)
    return FormSchema.from_dict(spec, name="ScoreForm")()


def _level():
    return fields.Integer(
        load_default=None,
        validate=validate.OneOf(GAS_LEVELS, error=_l("等级应为 −2 到 +2。")),
        error_messages=dict(MESSAGES, invalid=_l("请选择等级。")),
    )


class GasGoalForm(Schema):
    text = PlainText(200, load_default="")
    weight = fields.Integer(
        load_default=1,
        validate=validate.Range(1, 5, error=_l("权重应在 {min} 到 {max} 之间。")),
        error_messages=dict(MESSAGES, invalid=_l("请输入整数。")),
    )
    levels = fields.List(PlainText(300), load_default=list)
    post = _level()
    followup = _level()


def gas_goals(form) -> tuple[list | None, dict]:
    """The GAS form (goal_<n>_text, _weight, _level_<v>, _post, _followup for n in 1–5):
    ([goals with text], errors keyed by field name). A goal without text is no goal, but
    a score or level description without it is an error, not silently dropped."""
    goals, errors = [], {}
    for n in range(1, GAS_GOALS + 1):
        raw = {
            "text": clean_text(form.get(f"goal_{n}_text", "")),
            "levels": [clean_text(form.get(f"goal_{n}_level_{v}", "")) for v in GAS_LEVELS],
        }
        for name in ("weight", "post", "followup"):
            value = clean_text(form.get(f"goal_{n}_{name}", ""))
            if value:
                raw[name] = value
        try:
            data = GasGoalForm().load(raw)
        except ValidationError as err:
            errors.update({f"goal_{n}_{k}": v for k, v in flatten_errors(err.messages).items()})
            continue
        if not data["text"]:
            if data["post"] is not None or data["followup"] is not None or any(data["levels"]):
                errors[f"goal_{n}_text"] = str(_l("请先写下目标内容。"))
            continue
        goals.append(dict(data, order=n))
    return (None if errors else goals), errors


class EvaluationForm(FormSchema):
    """Whether each specific goal was met (goal_<i>_status / _evidence), and recommendations."""

    version = VersionField()
    recommendations = Text(3000)


def goal_judgements(form, goals: list[str]) -> tuple[list, dict]:
    """[{goal, status, evidence}] from the form, one per specific goal of the plan."""
    out, errors = [], {}
    for i, goal in enumerate(goals):
        status = form.get(f"goal_{i}_status", "unknown")
        evidence = clean_text(form.get(f"goal_{i}_evidence", ""))
        if status not in GOAL_STATUSES:
            errors[f"goal_{i}_status"] = str(_l("请选择有效的选项。"))
        if len(evidence) > 1000:
            errors[f"goal_{i}_evidence"] = str(_l("最多 %(n)s 个字。", n=1000))
        out.append({"goal": goal, "status": status, "evidence": evidence})
    return out, errors


MAX_GRID_ROWS = 200  # a group is 6–12; a form naming more rows is not one this page drew
_GRID_ROW = re.compile(r"^m([1-9][0-9]{0,8})_version$")


def score_grid(form, instrument) -> tuple[list, dict]:
    """The group's score grid: m<id>_version per row drawn, m<id>_a_<key> per cell.
    ([rows with at least one answer, as score_form loads them plus student_id], errors
    keyed by cell name, m<id>_a_<key> or m<id>_version). A row left blank is no score (it
    is not saved, nor is a saved one cleared); a row begun is checked as the single
    member's form is, so a missing required item is an error in its cell."""
    schema = score_form(instrument)
    ids = sorted({int(m.group(1)) for m in map(_GRID_ROW.match, form.keys()) if m})
    if len(ids) > MAX_GRID_ROWS:
        return [], {"grid": str(STALE_FORM)}
    rows, errors = [], {}
    for sid in ids:
        prefix = f"m{sid}_"
        raw = {key[len(prefix) :]: form.get(key) for key in form.keys() if key.startswith(prefix)}
        if not any(clean_text(raw.get(f"a_{i['key']}") or "") for i in instrument.items):
            continue
        try:
            data = schema.load(raw)
        except ValidationError as err:
            errors.update({prefix + k: v for k, v in flatten_errors(err.messages).items()})
            continue
        rows.append(dict(data, student_id=sid))
    return rows, errors


class OtherEvaluationForm(FormSchema):
    """A peer's or a third party's judgement (standard 10.2.3)."""

    source = Choice(EVALUATORS, required=True)
    evaluator = Text(80, required=True)
    held_on = Date(required=True)
    judgement = Text(2000, required=True)
