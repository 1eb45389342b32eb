"""Forms of the privacy screens: a data request, the retention periods, the audit filters."""

from marshmallow import ValidationError, validates

from planner.forms import Choice, Date, FieldSpec, FormSchema, Integer, Text
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_now
from planner.privacy.models import MAX_DAYS, MIN_DAYS, RECORD_TYPES, REQUEST_KINDS, REQUESTERS


class DataRequestSchema(FormSchema):
    kind = Choice(REQUEST_KINDS, required=True)
    requester = Choice(REQUESTERS, required=True)
    asked_on = Date(required=True)
    note = Text(500, load_default="")

    @validates("asked_on")
    def not_in_future(self, value, **kwargs):
        if value > local_now().date():
            raise ValidationError(_l("提出日期不能晚于今天。"))


class DecisionSchema(FormSchema):
    decision = Choice({"approve": "", "reject": ""}, required=True)
    reason = Text(500, load_default="")


DECISION_LABELS = {"decision": _l("审批"), "reason": _l("驳回理由")}


def retention_schema():
    """One whole-number field of days per record type."""
    return FormSchema.from_dict(
        {key: Integer(MIN_DAYS, MAX_DAYS, required=True) for key in RECORD_TYPES}
    )()


class AuditFilterSchema(FormSchema):
    """The audit page's filters (query string); every one optional."""

    user = Integer(load_default=None)
    action = Text(30, load_default="")
    code = Text(40, load_default="")
    since = Date(load_default=None)
    until = Date(load_default=None)
    page = Integer(1, 100000, load_default=1)


class SummarySchema(FormSchema):
    year = Integer(2000, 9999, load_default=None)


REQUEST_FIELDS = [
    FieldSpec("kind", _l("请求内容"), "select", REQUEST_KINDS, required=True),
    FieldSpec("requester", _l("提出人"), "select", REQUESTERS, required=True),
    FieldSpec("asked_on", _l("提出日期"), "date", required=True),
    FieldSpec(
        "note",
        _l("说明"),
        "long",
        maxlength=500,
        help=_l("请求的具体内容，例如要更正的信息。不要写入与请求无关的个人信息。"),
    ),
]


def retention_fields() -> list:
    return [
        FieldSpec(
            key,
            t.label,
            "number",
            required=True,
            min=MIN_DAYS,
            max=MAX_DAYS,
            help=_l("默认 {days} 天，自{start}起算。{outcome}").format(
                days=t.default_days, start=t.counted_from, outcome=t.outcome
            ),
        )
        for key, t in RECORD_TYPES.items()
    ]
