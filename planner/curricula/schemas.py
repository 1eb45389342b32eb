"""Marshmallow schemas for curricula: the same rules for content/ files, the JSON API,
the editor and publishing (T/JHSX 001—2026 clause 8.3.3 plan fields)."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from planner.curricula.models import GRADE_BANDS, PHASES, SENSITIVITY, THEMES
from planner.curricula.rules import check
from planner.forms import BAD_CHOICE, MESSAGES
from planner.i18n import lazy_gettext as _l

TITLE_MAX, TEXT_MAX, ITEM_MAX = 60, 2000, 300
SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error=_l("只能使用小写字母、数字和连字符。"))


def Text(max_length=TEXT_MAX, **kw):
    return fields.String(
        validate=validate.Length(max=max_length, error=_l("最多 {max} 个字。")),
        error_messages=MESSAGES,
        **kw,
    )


def TextList(**kw):
    return fields.List(Text(ITEM_MAX), error_messages=MESSAGES, **kw)


class Strict(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class RiskSchema(Strict):
    risk = Text(ITEM_MAX, required=True)
    response = Text(ITEM_MAX, required=True)


class PlanSchema(Strict):
    background = Text(load_default="")
    theory = Text(load_default="")
    overall_goal = Text(load_default="")
    specific_goals = TextList(load_default=list)
    content = Text(load_default="")
    methods = Text(load_default="")
    action_steps = TextList(load_default=list)
    schedule = Text(load_default="")
    evaluators = Text(load_default="")
    evaluation_methods = Text(load_default="")
    group_nature = Text(load_default=None)
    group_size = Text(ITEM_MAX, load_default=None)
    recruitment = Text(load_default=None)
    contract = TextList(load_default=None)
    resources = Text(load_default=None)
    risks = fields.List(fields.Nested(RiskSchema), load_default=None)
    evaluation_plan = Text(load_default=None)


class ObjectivesSchema(Strict):
    knowledge = Text(load_default="")
    skill = Text(load_default="")
    attitude = Text(load_default="")


class ActivitySchema(Strict):
    phase = fields.String(
        required=True,
        validate=validate.OneOf(PHASES, error=_l("环节须为 导入、主体、练习 或 总结。")),
        error_messages=MESSAGES,
    )
    title = Text(TITLE_MAX, required=True)
    minutes = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 120, error=_l("时长应在 {min} 到 {max} 分钟之间。")),
        error_messages=dict(MESSAGES, invalid=_l("请输入整数分钟。")),
    )
    purpose = Text(load_default="")
    steps = TextList(load_default=list)
    materials = TextList(load_default=list)
    debrief = TextList(load_default=list)


class SessionSchema(Strict):
    seq = fields.Integer(required=True, strict=True, error_messages=MESSAGES)
    title = Text(TITLE_MAX, required=True)
    stage = fields.String(load_default=None)
    objectives = fields.Nested(ObjectivesSchema, load_default=dict)
    key_messages = TextList(load_default=list)
    materials = TextList(load_default=list)
    preparation = Text(load_default="")
    home_link = Text(load_default="")
    sensitivity = fields.List(
        fields.String(validate=validate.OneOf(SENSITIVITY, error=BAD_CHOICE)), load_default=list
    )
    activities = fields.List(fields.Nested(ActivitySchema), load_default=list)


class CurriculumSchema(Strict):
    """A whole curriculum as in content/curricula/*.yaml."""

    slug = fields.String(
        required=True, validate=[SLUG, validate.Length(max=80)], error_messages=MESSAGES
    )
    version = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1), error_messages=MESSAGES
    )
    status = fields.String(load_default="draft", validate=validate.OneOf(["draft", "published"]))
    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            ["classroom", "group"], error=_l("类型须为 classroom（社工课堂）或 group（成长小组）。")
        ),
        error_messages=MESSAGES,
    )
    title = Text(TITLE_MAX, required=True)
    theme = fields.String(
        required=True,
        validate=validate.OneOf(THEMES, error=_l("主题不在主题列表中。")),
        error_messages=MESSAGES,
    )
    grade_band = fields.String(
        required=True,
        validate=validate.OneOf(
            list(GRADE_BANDS), error=_l("学段须为 小学低段、小学中段、小学高段、初中 或 高中。")
        ),
        error_messages=MESSAGES,
    )
    grades = fields.List(fields.Integer(strict=True), required=True, error_messages=MESSAGES)
    period_minutes = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(20, 120, error=_l("单节时长应在 {min} 到 {max} 分钟之间。")),
        error_messages=MESSAGES,
    )
    summary = Text(load_default="")
    plan = fields.Nested(PlanSchema, required=True, error_messages=MESSAGES)
    sessions = fields.List(fields.Nested(SessionSchema), required=True, error_messages=MESSAGES)

    @validates_schema
    def library_rules(self, data, **kwargs):
        problems = check(data)
        if problems:
            raise ValidationError(nest(problems))


def nest(problems) -> dict:
    """[(('sessions', 2, 'minutes'), msg)] → {'sessions': {2: {'minutes': [msg]}}}."""
    out: dict = {}
    for path, message in problems:
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node.setdefault(path[-1], []).append(message)
    return out


def flatten(messages, prefix=()) -> list[tuple[tuple, str]]:
    """Marshmallow's nested error dict → [(path, message)]."""
    out = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            out.extend(flatten(value, prefix + (key,)))
    elif isinstance(messages, list) and all(
        isinstance(m, str) or hasattr(m, "format") for m in messages
    ):
        out.extend((prefix, str(m)) for m in messages)
    else:
        out.append((prefix, str(messages)))
    return out


__all__ = [
    "CurriculumSchema",
    "flatten",
    "nest",
]
