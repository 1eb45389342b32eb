"""Form schemas for the organisation screens."""

from marshmallow import ValidationError, validate, validates, validates_schema

from planner.forms import Checkbox, Choice, Date, FormSchema, IdList, Integer, Text, VersionField
from planner.i18n import lazy_gettext as _l
from planner.schools.models import ROOM_KINDS, SCHOOL_STAGES

NOT_A_LEAD = _l("安全事项负责人须是本机构在职的管理员或督导。")
CODE = validate.Regexp(r"^[A-Za-z0-9-]+$", error=_l("只能使用字母、数字和连字符。"))


class AgencySchema(FormSchema):
    """The agency form, with its safeguarding settings (standard 4.1): the lead is one of
    `leads` ({user id: label}: the agency's active admins and supervisors) or none."""

    name = Text(100, required=True)
    code = Text(20, required=True, validate_also=[CODE])
    require_second_factor = Checkbox()
    safeguarding_lead = Integer(load_default=None)
    escalation_hours = Integer(1, 168, required=True)
    version = VersionField()

    def __init__(self, leads: dict, **kw):
        super().__init__(**kw)
        self.leads = leads

    @validates("safeguarding_lead")
    def lead_of_agency(self, value, **kwargs):
        if value is not None and value not in self.leads:
            raise ValidationError(NOT_A_LEAD)


class SchoolSchema(FormSchema):
    name = Text(100, required=True)
    code = Text(20, required=True, validate_also=[CODE])
    stage = Choice(SCHOOL_STAGES, required=True)
    # Optional fields load a blank as empty (FormSchema drops blanks), so an edit can
    # clear them instead of silently keeping the old value.
    address = Text(200, load_default="")


class TermSchema(FormSchema):
    name = Text(60, required=True)
    start = Date(required=True)
    end = Date(required=True)

    @validates_schema(skip_on_field_errors=False)
    def dates_in_order(self, data, **kwargs):
        if "start" in data and "end" in data:
            if data["end"] <= data["start"]:
                raise ValidationError(_l("结束日期必须晚于开始日期。"), "end")
            if (data["end"] - data["start"]).days > 200:
                raise ValidationError(_l("一个学期不应超过 200 天。"), "end")


class SchoolClassSchema(FormSchema):
    grade = Integer(1, 12, required=True)
    name = Text(40, required=True)
    headteacher = Text(40, load_default="")


class RoomSchema(FormSchema):
    name = Text(60, required=True)
    kind = Choice(ROOM_KINDS, required=True)
    capacity = Integer(1, 500, load_default=None)


def with_version(schema_cls):
    """The edit form: the same fields plus the version the form was opened with."""
    return type(f"Edit{schema_cls.__name__}", (schema_cls,), {"version": VersionField()})


class RolloverSchema(FormSchema):
    """The rollover form (planner.schools.rollover): the new year, the classes whose
    headteacher and teachers carry over (ticked), how many empty classes per entry grade,
    and the two terms' dates."""

    year = Integer(2000, 2100, required=True)
    keep = IdList()
    entry_1 = Integer(0, 30, load_default=None)
    entry_7 = Integer(0, 30, load_default=None)
    entry_10 = Integer(0, 30, load_default=None)
    term1_start = Date(load_default=None)
    term1_end = Date(load_default=None)
    term2_start = Date(load_default=None)
    term2_end = Date(load_default=None)

    @validates_schema(skip_on_field_errors=False)
    def all_four_dates_or_none(self, data, **kwargs):
        names = ("term1_start", "term1_end", "term2_start", "term2_end")
        given = [data.get(n) is not None for n in names]
        if any(given) and not all(given):
            missing = names[given.index(False)]
            raise ValidationError(_l("请填写两个学期的开始和结束日期。"), missing)
