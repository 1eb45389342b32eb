"""Marshmallow schemas for curricula: the same rules for content/ files, the JSON API,
the editor and publishing (T/JHSX 001—2026 clause 8.3.3 plan fields)."""

import re

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from planner.curricula.models import (
    AUDIENCES,
    COLLECTS,
    GRADE_BANDS,
    MATERIAL_AUDIENCES,
    MATERIAL_KINDS,
    PHASES,
    SENSITIVITY,
    THEMES,
    TIERS,
)
from planner.curricula.rules import check
from planner.forms import BAD_CHOICE, MESSAGES
from planner.i18n import lazy_gettext as _l

TITLE_MAX, TEXT_MAX, ITEM_MAX = 60, 2000, 300
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)
SLUG = validate.Regexp(SLUG_PATTERN, error=_l("只能使用小写字母、数字和连字符。"))


def Text(max_length=TEXT_MAX, **kw):
    return fields.String(
        validate=validate.Length(max=max_length, error=_l("最多 {max} 个字。")),
        error_messages=MESSAGES,
        **kw,
    )


def TextList(**kw):
    return fields.List(Text(ITEM_MAX), error_messages=MESSAGES, **kw)


class MaterialItem(fields.Field):
    """One item of a materials list: a plain string (something bought or found) or a
    reference to a written material in content/materials, ``{ref: <material-slug>}``."""

    default_error_messages = {
        "invalid": _l("物资须为一行文字，或 {ref: 材料编号}。"),
        "too_long": _l("每项最多 300 个字。"),
        "bad_ref": _l("材料编号只能使用小写字母、数字和连字符。"),
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if len(value) > ITEM_MAX:
                raise self.make_error("too_long")
            return value
        if isinstance(value, dict) and set(value) == {"ref"}:
            ref = value["ref"]
            if not isinstance(ref, str) or len(ref) > 80 or not SLUG_RE.match(ref):
                raise self.make_error("bad_ref")
            return {"ref": ref}
        raise self.make_error("invalid")


def MaterialList(**kw):
    return fields.List(MaterialItem(), error_messages=MESSAGES, **kw)


def material_refs(items) -> list[str]:
    """The material slugs referenced in a materials list, in order."""
    return [m["ref"] for m in items or [] if isinstance(m, dict) and "ref" in m]


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
    # issue 15: policy facts that differ by province (shown as 按本地政策核对), and one
    # note per grade on how a classroom series spanning three grades is adapted.
    local_facts = TextList(load_default=None)
    grade_notes = fields.Dict(
        keys=fields.Integer(validate=validate.Range(1, 12), error_messages=MESSAGES),
        values=Text(),
        load_default=None,
        error_messages=MESSAGES,
    )


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
    materials = MaterialList(load_default=list)
    debrief = TextList(load_default=list)
    # what this activity collects (quality rule 2): a post-test, a questionnaire or a
    # satisfaction form; such an activity does nothing else.
    collects = fields.List(
        fields.String(validate=validate.OneOf(COLLECTS, error=BAD_CHOICE)),
        load_default=list,
        error_messages=MESSAGES,
    )


class SessionSchema(Strict):
    seq = fields.Integer(required=True, strict=True, error_messages=MESSAGES)
    title = Text(TITLE_MAX, required=True)
    stage = fields.String(load_default=None)
    objectives = fields.Nested(ObjectivesSchema, load_default=dict)
    key_messages = TextList(load_default=list)
    materials = MaterialList(load_default=list)
    changes_room = fields.Boolean(load_default=False, error_messages=MESSAGES)
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
    audience = fields.String(
        load_default="students",
        validate=validate.OneOf(
            list(AUDIENCES), error=_l("对象须为 students、parents 或 teachers。")
        ),
        error_messages=MESSAGES,
    )
    tier = fields.String(
        required=True,
        validate=validate.OneOf(TIERS, error=_l("层级须为 基础类、拓展类 或 特需类。")),
        error_messages=MESSAGES,
    )
    grade_band = fields.String(
        load_default=None,
        validate=validate.OneOf(
            list(GRADE_BANDS), error=_l("学段须为 小学低段、小学中段、小学高段、初中 或 高中。")
        ),
        error_messages=MESSAGES,
    )
    grades = fields.List(fields.Integer(strict=True), load_default=None, error_messages=MESSAGES)
    period_minutes = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(20, 120, error=_l("单节时长应在 {min} 到 {max} 分钟之间。")),
        error_messages=MESSAGES,
    )
    summary = Text(load_default="")
    instruments = fields.List(
        fields.String(validate=[SLUG, validate.Length(max=80)]),
        load_default=list,
        error_messages=MESSAGES,
    )
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


class BlockTable(Strict):
    columns = fields.List(
        Text(TITLE_MAX),
        required=True,
        validate=validate.Length(1, 8, error=_l("表格须有 {min} 到 {max} 列。")),
        error_messages=MESSAGES,
    )
    rows = fields.Integer(
        strict=True,
        load_default=None,
        validate=validate.Range(1, 30, error=_l("空行数应在 {min} 到 {max} 之间。")),
        error_messages=MESSAGES,
    )
    data = fields.List(fields.List(Text(ITEM_MAX)), load_default=None, error_messages=MESSAGES)

    @validates_schema
    def rows_or_data(self, data, **kwargs):
        if (data.get("rows") is None) == (data.get("data") is None):
            raise ValidationError(_l("表格须给出 rows（空行数）或 data（内容），二者选一。"))
        width = len(data["columns"])
        if any(len(row) != width for row in data.get("data") or []):
            raise ValidationError(_l("表格每行的格数须与列数相同。"), "data")

    @post_load
    def drop_unused(self, data, **kwargs):
        return {k: v for k, v in data.items() if v is not None}


def _list_block(name):
    return fields.List(
        Text(ITEM_MAX),
        validate=validate.Length(1, 60, error=_l("须有 {min} 到 {max} 项。")),
        error_messages=MESSAGES,
    )


class BlockSchema(Strict):
    """One block of a printed material: exactly one of these keys."""

    heading = Text(TITLE_MAX)
    text = Text()
    items = _list_block("items")
    numbered = _list_block("numbered")
    lines = fields.Integer(
        strict=True,
        validate=validate.Range(1, 20, error=_l("空行数应在 {min} 到 {max} 之间。")),
        error_messages=MESSAGES,
    )
    table = fields.Nested(BlockTable, error_messages=MESSAGES)
    cards = _list_block("cards")
    checklist = _list_block("checklist")

    @validates_schema(pass_original=True)
    def exactly_one(self, data, original, **kwargs):
        if not isinstance(original, dict) or len(original) != 1:
            raise ValidationError(
                _l(
                    "每块只写一种内容：heading、text、items、numbered、lines、table、cards 或 checklist。"
                )
            )


BLOCK_KINDS = tuple(BlockSchema._declared_fields)


class MaterialSchema(Strict):
    """A printable material as in content/materials/<slug>.yaml."""

    slug = fields.String(
        required=True, validate=[SLUG, validate.Length(max=80)], error_messages=MESSAGES
    )
    title = Text(TITLE_MAX, required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(list(MATERIAL_KINDS), error=BAD_CHOICE),
        error_messages=MESSAGES,
    )
    audience = fields.String(
        required=True,
        validate=validate.OneOf(list(MATERIAL_AUDIENCES), error=BAD_CHOICE),
        error_messages=MESSAGES,
    )
    blocks = fields.List(
        fields.Nested(BlockSchema),
        required=True,
        validate=validate.Length(1, 40, error=_l("须有 {min} 到 {max} 块内容。")),
        error_messages=MESSAGES,
    )


__all__ = [
    "BLOCK_KINDS",
    "CurriculumSchema",
    "MaterialSchema",
    "material_refs",
    "flatten",
    "nest",
]
