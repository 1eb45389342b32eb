"""HTML form schemas for the curriculum editor (lists are typed one item per line)."""

from marshmallow import fields, validate

from planner.curricula.models import GRADE_BANDS, PHASES, SENSITIVITY, THEMES
from planner.curricula.plan_fields import PLAN_LABELS
from planner.curricula.schemas import ITEM_MAX, TEXT_MAX, TITLE_MAX
from planner.forms import BAD_CHOICE, MESSAGES, Choice, FormSchema, Integer, Text, VersionField
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
        "grade_band": Choice(GRADE_BANDS, required=True),
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
        "materials": Lines(load_default=list),
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
        "materials": Lines(load_default=list),
        "debrief": Lines(load_default=list),
    },
    name="ActivityForm",
)

ACTIVITY_KEYS = ("phase", "title", "minutes", "purpose", "steps", "materials", "debrief")


def activity_rows(form) -> list[dict]:
    """The activity rows as typed: a_phase[], a_title[], … zipped into dicts of strings."""
    columns = {k: form.getlist(f"a_{k}") for k in ACTIVITY_KEYS}
    count = max((len(v) for v in columns.values()), default=0)
    return [
        {k: (columns[k][i] if i < len(columns[k]) else "") for k in ACTIVITY_KEYS}
        for i in range(count)
    ]
