"""Marshmallow schemas of the JSON API: query arguments (loaded) and responses (dumped).
The OpenAPI document is generated from these same classes (planner/api/openapi.py).
No schema here has a field for a student: the API carries none."""

from marshmallow import EXCLUDE, Schema, fields, validate

from planner.api.models import SCOPES
from planner.curricula.schemas import CurriculumSchema
from planner.forms import MESSAGES, FormSchema, Text
from planner.i18n import lazy_gettext as _l

MAX_PER_PAGE = 200
MAX_PAGE = 100_000  # an offset beyond any real list; keeps the SQL integer in range
MAX_ID = 2**31 - 1
# PostgreSQL refuses NUL in text: refuse it here with a 422 rather than fail in the driver
NO_NUL = validate.Regexp(r"^[^\x00]*$", error=_l("格式不正确。"))


def _int(low, high, default, description):
    return fields.Integer(
        load_default=default,
        validate=validate.Range(low, high, error=_l("应在 {min} 到 {max} 之间。")),
        error_messages=dict(MESSAGES, invalid=_l("请输入整数。")),
        metadata={"description": description},
    )


class PageArgsSchema(Schema):
    """?page=&per_page= on every list."""

    class Meta:
        unknown = EXCLUDE

    page = _int(1, MAX_PAGE, 1, "Page number, from 1.")
    per_page = _int(1, MAX_PER_PAGE, 50, f"Items per page, 1 to {MAX_PER_PAGE}.")


class StatsArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    term = fields.String(
        required=True,
        validate=[validate.Length(1, 60), NO_NUL],
        error_messages=MESSAGES,
        metadata={"description": "Term name, e.g. 2026年秋季学期."},
    )


class ErrorSchema(Schema):
    """Every error: the message in Chinese and in English; field messages on 422."""

    error = fields.String(required=True)
    error_en = fields.String(required=True)
    errors = fields.Dict(metadata={"description": "Field messages (Chinese), on 422."})
    errors_en = fields.Dict(metadata={"description": "Field messages (English), on 422."})


class Shared(fields.Boolean):
    """True when the curriculum is in the shared library (no agency)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value is None


class PageSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class CurriculumSummarySchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    theme = fields.String(required=True)
    grade_band = fields.String(required=True)
    grades = fields.List(fields.Integer(), required=True)
    period_minutes = fields.Integer(required=True)
    summary = fields.String(required=True)
    shared = Shared(
        required=True,
        attribute="agency_id",
        metadata={
            "description": "True for the shared starter library, false for the agency's own."
        },
    )


class CurriculumPageSchema(PageSchema):
    items = fields.List(fields.Nested(CurriculumSummarySchema), required=True)


class CurriculumDetailSchema(Schema):
    """A curriculum's whole content; `content` can be posted back to /api/curricula/import."""

    id = fields.Integer(required=True)
    shared = fields.Boolean(required=True)
    content = fields.Nested(CurriculumSchema, required=True)


class RefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class CurriculumRefSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    version = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)


class ProgramSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    group_name = fields.String(required=True)
    start_week = fields.Integer(required=True)
    school = fields.Nested(RefSchema, required=True)
    term = fields.Nested(RefSchema, required=True)
    room = fields.Nested(RefSchema, required=True)
    curriculum = fields.Nested(CurriculumRefSchema, required=True)


class ProgramPageSchema(PageSchema):
    items = fields.List(fields.Nested(ProgramSchema), required=True)


class SessionOutSchema(Schema):
    """One scheduled session: when and where, never who attended."""

    id = fields.Integer(required=True)
    seq = fields.Integer(required=True)
    date = fields.Date(required=True)
    start = fields.Time(required=True)
    end = fields.Time(required=True)
    status = fields.String(required=True, metadata={"description": "planned, done, cancelled …"})
    room = fields.String(
        required=True, attribute="room.name", metadata={"description": "Room name."}
    )


class SessionPageSchema(PageSchema):
    items = fields.List(fields.Nested(SessionOutSchema), required=True)


class TallySchema(Schema):
    lessons = fields.Integer(required=True)
    lesson_participants = fields.Integer(required=True)
    groups = fields.Integer(required=True)
    meetings = fields.Integer(required=True)
    meeting_participants = fields.Integer(required=True)
    participants = fields.Integer(required=True)
    attendance_rate = fields.Float(required=True, allow_none=True)
    classes_covered = fields.Integer(required=True)
    classes_total = fields.Integer(required=True)
    coverage = fields.Float(required=True, allow_none=True)


class TallyRowSchema(TallySchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PyramidSchema(Schema):
    """The 100/15/5 pyramid's figures (planner.reports.pyramid: counting rules there)."""

    students_total = fields.Integer(required=True)
    screened = fields.Integer(required=True)
    classes_screened = fields.Integer(required=True)
    share_screened = fields.Float(required=True, allow_none=True)
    normal = fields.Integer(required=True)
    concern = fields.Integer(required=True)
    high = fields.Integer(required=True)
    recruited = fields.Integer(required=True)
    cases_opened = fields.Integer(required=True)
    cases_open = fields.Integer(required=True)
    cases_closed = fields.Integer(required=True)
    referrals = fields.Integer(required=True)
    crisis = fields.Integer(required=True)
    overdue = fields.Integer(required=True)


class PyramidRowSchema(PyramidSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PyramidPartSchema(Schema):
    totals = fields.Nested(PyramidSchema, required=True)
    schools = fields.List(fields.Nested(PyramidRowSchema), required=True)


class ServiceSchema(Schema):
    """The term's service records (planner.reports.stats.service_counts): letters to the
    社工信箱, consultations in 人次 by who came, supervision sessions, training hours."""

    letters = fields.Integer(required=True)
    urgent_letters = fields.Integer(required=True)
    consult_student = fields.Integer(required=True)
    consult_teacher = fields.Integer(required=True)
    consult_parent = fields.Integer(required=True)
    consultations = fields.Integer(required=True)
    supervision_individual = fields.Integer(required=True)
    supervision_group = fields.Integer(required=True)
    training_hours = fields.Float(required=True)


class StatsSchema(Schema):
    """学期工作统计 (planner.reports.stats.term_statistics) as of today, with the pyramid."""

    term = fields.String(required=True)
    as_of = fields.Date(required=True)
    totals = fields.Nested(TallySchema, required=True)
    schools = fields.List(fields.Nested(TallyRowSchema), required=True)
    workers = fields.List(fields.Nested(TallyRowSchema), required=True)
    pyramid = fields.Nested(PyramidPartSchema, required=True)
    service = fields.Nested(ServiceSchema, required=True)


class ImportedSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)


class TokenFormSchema(FormSchema):
    """The 访问令牌 form on /api/tokens: a label and the scopes to grant."""

    label = Text(60, required=True)
    scopes = fields.List(
        fields.String(validate=validate.OneOf(list(SCOPES), error=_l("请选择有效的选项。"))),
        load_default=list,
        validate=validate.Length(min=1, error=_l("请选择至少一项可用的权限。")),
        error_messages=MESSAGES,
    )
