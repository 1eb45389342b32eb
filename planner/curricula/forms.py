"""HTML form schemas for the curriculum editor (lists are typed one item per line)."""

from marshmallow import fields, validate

from planner.curricula.models import (
    AUDIENCES,
    COLLECTS,
    GRADE_BANDS,
    KINDS,
    PHASES,
    SENSITIVITY,
    THEMES,
    TIERS,
)
from planner.curricula.plan_fields import PLAN_GROUP, PLAN_LABELS
from planner.curricula.schemas import ITEM_MAX, SLUG_RE, TEXT_MAX, TITLE_MAX
from planner.curricula.stages import meeting_stages
from planner.forms import (
    BAD_CHOICE,
    MESSAGES,
    Choice,
    FieldSpec,
    FormSchema,
    Integer,
    Text,
    VersionField,
)
from planner.i18n import lazy_gettext as _l

LIST_FIELDS = ("specific_goals", "action_steps", "contract")


class Lines(fields.Field):
    """A textarea with one item per line → a list of trimmed, non-empty lines."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = [line.strip() for line in str(value).splitlines() if line.strip()]
        for item in items:
            if len(item) > ITEM_MAX:
                raise self.make_error("too_long")
        return items

    default_error_messages = {"too_long": _l("每行最多 300 个字。")}


class MaterialLines(Lines):
    """物资, one per line: a line "ref: <material-slug>" is a reference to a written material
    in the library (content/materials), any other line something bought or found."""

    default_error_messages = {
        "too_long": _l("每行最多 300 个字。"),
        "bad_ref": _l("ref: 后面写材料编号（小写字母、数字和连字符）。"),
    }

    def _deserialize(self, value, attr, data, **kwargs):
        out = []
        for item in super()._deserialize(value, attr, data, **kwargs):
            head, colon, slug = item.partition(":")
            if colon and head.strip().lower() == "ref":
                slug = slug.strip()
                if not SLUG_RE.match(slug) or len(slug) > 80:
                    raise self.make_error("bad_ref")
                out.append({"ref": slug})
            else:
                out.append(item)
        return out


def material_lines(items) -> str:
    """A materials list as the editor's textarea lines (a reference as "ref: slug")."""
    return "\n".join(f"ref: {m['ref']}" if isinstance(m, dict) else str(m) for m in items or [])


class Risks(fields.Field):
    """One risk per line: 风险｜应对 (a full-width or ASCII bar separates them)."""

    default_error_messages = {"format": _l("每行写“风险｜应对措施”，用竖线分隔。")}

    def _deserialize(self, value, attr, data, **kwargs):
        out = []
        for line in str(value).splitlines():
            if not line.strip():
                continue
            risk, bar, response = line.replace("|", "｜").partition("｜")
            if not bar or not risk.strip() or not response.strip():
                raise self.make_error("format")
            out.append({"risk": risk.strip()[:ITEM_MAX], "response": response.strip()[:ITEM_MAX]})
        return out


def _plan_fields():
    out = {}
    for key in PLAN_LABELS:
        if key in LIST_FIELDS:
            out[key] = Lines(load_default=list)
        elif key == "risks":
            out[key] = Risks(load_default=list)
        elif key == "group_size":
            out[key] = Text(ITEM_MAX, load_default="")
        else:
            out[key] = Text(TEXT_MAX, load_default="")
    return out


PlanForm = FormSchema.from_dict(
    {
        "title": Text(TITLE_MAX, required=True),
        "theme": Choice(THEMES, required=True),
        "tier": Choice(TIERS, load_default=None),
        # a parents' or teachers' curriculum has no grade band (rules.check_audience)
        "grade_band": Choice(GRADE_BANDS, load_default=""),
        "grades": fields.List(fields.Integer(error_messages=MESSAGES), load_default=list),
        "period_minutes": Integer(20, 120, required=True),
        "summary": Text(TEXT_MAX, load_default=""),
        "edit_version": VersionField(),
        **_plan_fields(),
    },
    name="PlanForm",
)


SessionForm = FormSchema.from_dict(
    {
        "title": Text(TITLE_MAX, required=True),
        "stage": Text(10, load_default=None),
        "knowledge": Text(TEXT_MAX, load_default=""),
        "skill": Text(TEXT_MAX, load_default=""),
        "attitude": Text(TEXT_MAX, load_default=""),
        "key_messages": Lines(load_default=list),
        "materials": MaterialLines(load_default=list),
        "preparation": Text(TEXT_MAX, load_default=""),
        "home_link": Text(TEXT_MAX, load_default=""),
        "sensitivity": fields.List(
            fields.String(validate=validate.OneOf(SENSITIVITY, error=BAD_CHOICE)),
            load_default=list,
        ),
        "edit_version": VersionField(),
    },
    name="SessionForm",
)


ActivityForm = FormSchema.from_dict(
    {
        "phase": Choice(PHASES, required=True),
        "title": Text(TITLE_MAX, required=True),
        "minutes": Integer(1, 120, required=True),
        "purpose": Text(TEXT_MAX, load_default=""),
        "steps": Lines(load_default=list),
        "materials": MaterialLines(load_default=list),
        "debrief": Lines(load_default=list),
        # what it collects (quality rule 2), ticked per row: a_collects_<row index>
        "collects": fields.List(
            fields.String(validate=validate.OneOf(COLLECTS, error=BAD_CHOICE)),
            load_default=list,
        ),
    },
    name="ActivityForm",
)

# The author invites one colleague to a draft (editor.invite checks who may be invited).
InviteForm = FormSchema.from_dict({"colleague": Integer(required=True)}, name="InviteForm")

ACTIVITY_KEYS = ("phase", "title", "minutes", "purpose", "steps", "materials", "debrief")


def activity_rows(form) -> list[dict]:
    """The activity rows as typed: a_phase[], a_title[], … zipped into dicts of strings,
    and each row's ticked collections (a_collects_<row index>, in COLLECTS' order)."""
    columns = {k: form.getlist(f"a_{k}") for k in ACTIVITY_KEYS}
    count = max((len(v) for v in columns.values()), default=0)
    rows = []
    for i in range(count):
        row = {k: (columns[k][i] if i < len(columns[k]) else "") for k in ACTIVITY_KEYS}
        ticked = set(form.getlist(f"a_collects_{i}"))
        row["collects"] = [c for c in COLLECTS if c in ticked] + sorted(ticked - set(COLLECTS))
        rows.append(row)
    return rows


# ---- how the editor's forms are drawn (templates/macros.html `field`) ------------------


def risk_lines(risks):
    """Risks as the editor's textarea lines: 风险｜应对."""
    return "\n".join(f"{r['risk']}｜{r['response']}" for r in risks or [])


# The library's filters: a search and three selects, each "all" when left empty.
ALL = _l("全部")
LIBRARY_FILTERS = [
    FieldSpec(
        "q", _l("搜索"), "search", maxlength=40, attrs={"placeholder": _l("标题、主题或简介")}
    ),
    FieldSpec("audience", _l("对象"), "select", AUDIENCES, blank=ALL),
    FieldSpec("tier", _l("层级"), "select", {t: _l(t) for t in TIERS}, blank=ALL),
    FieldSpec("kind", _l("类型"), "select", KINDS, blank=ALL),
    FieldSpec("theme", _l("主题"), "select", {t: _l(t) for t in THEMES}, blank=ALL),
    FieldSpec(
        "grade", _l("年级"), "select", {g: _l("%(g)s 年级", g=g) for g in range(1, 13)}, blank=ALL
    ),
]


def plan_fields(curriculum) -> list:
    """The plan form: the curriculum's facts, then every plan field it has (a growth
    group's own fields only for a group), each filled from the stored plan."""

    def stored(key):
        value = curriculum.plan.get(key)
        if key == "risks":
            return risk_lines(value)
        return "\n".join(value) if isinstance(value, list) else (value or "")

    def help_for(key):
        if key in LIST_FIELDS:
            return _l("每行一项。")
        return _l("每行一项：风险｜应对措施") if key == "risks" else None

    students = curriculum.audience == "students"
    facts = [
        FieldSpec("title", _l("标题"), maxlength=60, default=curriculum.title),
        FieldSpec(
            "theme",
            _l("主题"),
            "select",
            {t: _l(t) for t in THEMES},
            blank=False,
            default=curriculum.theme,
        ),
        FieldSpec(
            "grade_band",
            _l("学段"),
            "select",
            {b: _l(b) for b in GRADE_BANDS},
            blank=False,
            default=curriculum.grade_band,
        )
        if students
        else None,
        FieldSpec(
            "period_minutes",
            _l("单节时长（分钟）"),
            "number",
            min=20,
            max=120,
            help=_l("小学 40 分钟，初中、高中 45 分钟；成长小组按实际安排。"),
            default=curriculum.period_minutes,
        ),
        FieldSpec(
            "tier",
            _l("层级"),
            "select",
            {t: _l(t) for t in TIERS},
            blank=False,
            default=curriculum.tier,
        ),
        FieldSpec(
            "grades",
            _l("适用年级"),
            "checks",
            {g: g for g in range(1, 13)},
            default=curriculum.grades,
        )
        if students
        else None,
        FieldSpec(
            "summary",
            _l("简介"),
            "textarea",
            maxlength=2000,
            default=curriculum.summary,
            attrs={"rows": 2},
        ),
    ]
    return [spec for spec in facts if spec is not None] + [
        FieldSpec(
            key,
            label,
            "textarea",
            maxlength=2000,
            default=stored(key),
            help=help_for(key),
            attrs={"rows": 3},
        )
        for key, label in PLAN_LABELS.items()
        if curriculum.kind == "group" or key not in PLAN_GROUP or key == "risks"
    ]


# One activity row's fields (posted as a_<name>[], one per row).
ACTIVITY_FIELDS = [
    FieldSpec(
        "phase",
        _l("环节"),
        "select",
        {p: _l(p) for p in PHASES},
        blank=False,
    ),
    FieldSpec("title", _l("活动名称"), maxlength=60),
    FieldSpec(
        "minutes",
        _l("分钟"),
        "number",
        min=1,
        max=120,
        attrs={"inputmode": "numeric", "class": "minutes-input"},
    ),
    FieldSpec("purpose", _l("活动目的"), "textarea", attrs={"rows": 2}),
    FieldSpec("steps", _l("步骤（每行一步）"), "textarea", attrs={"rows": 4}),
    FieldSpec("materials", _l("物资（每行一项）"), "textarea", attrs={"rows": 2}),
    FieldSpec("debrief", _l("分享讨论问题（每行一个）"), "textarea", attrs={"rows": 2}),
]


def session_fields(curriculum, session) -> dict:
    """The session form's own fields (its activities are rows of ACTIVITY_FIELDS)."""

    def text(name, label, rows, maxlength=2000, default=""):
        return FieldSpec(
            name, label, "textarea", maxlength=maxlength, default=default, attrs={"rows": rows}
        )

    stages = {name: _l(name) for name in meeting_stages()}
    fields = [
        FieldSpec("title", _l("本节标题"), maxlength=60, default=session.title),
        FieldSpec("stage", _l("计划阶段"), "select", stages, blank=False, default=session.stage)
        if curriculum.kind == "group"
        else None,
        text("knowledge", _l("知识目标"), 3, default=session.objectives.get("knowledge", "")),
        text("skill", _l("技能目标"), 3, default=session.objectives.get("skill", "")),
        text("attitude", _l("态度目标"), 3, default=session.objectives.get("attitude", "")),
        text("key_messages", _l("核心信息（每行一条）"), 3, None, "\n".join(session.key_messages)),
        text("materials", _l("物资（每行一项）"), 3, None, material_lines(session.materials)),
        text("preparation", _l("课前准备"), 2, default=session.preparation),
        text("home_link", _l("家校延伸"), 2, default=session.home_link),
        FieldSpec(
            "sensitivity",
            _l("敏感话题提示"),
            "checks",
            SENSITIVITY,
            default=session.sensitivity,
        ),
    ]
    return {spec.name: spec for spec in fields if spec is not None}
