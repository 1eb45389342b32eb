"""Form schemas and field specs of the service records: a letter, its reply, a
consultation, a supervision session, a training record, public feedback and its response."""

from marshmallow import fields, validate

from planner.forms import (
    MESSAGES,
    Checkbox,
    Choice,
    Date,
    FieldSpec,
    FormSchema,
    IdList,
    Integer,
    Text,
    VersionField,
)
from planner.i18n import lazy_gettext as _l
from planner.service.models import (
    CATEGORIES,
    CHANNELS,
    CONSULT_KINDS,
    FEEDBACK_FROM,
    FEEDBACK_KINDS,
    SUPERVISION_MODES,
    SUPERVISION_TYPES,
    TRAINING_KINDS,
)

CODE_HELP = _l("填写学生的档案编号（不是姓名）。")


class LetterForm(FormSchema):
    received_on = Date(required=True)
    channel = Choice(CHANNELS, required=True)
    student_code = Text(40, load_default="")
    category = Choice(CATEGORIES, required=True)
    urgent = Checkbox()
    text = Text(4000, load_default="")
    reply_due = Date(load_default=None)


class ReplyForm(FormSchema):
    replied_on = Date(load_default=None)
    reply_due = Date(required=True)
    version = VersionField()


LETTER_FIELDS = [
    FieldSpec("received_on", _l("收信日期"), "date", required=True),
    FieldSpec("channel", _l("渠道"), "select", CHANNELS, required=True),
    FieldSpec("category", _l("类别"), "select", CATEGORIES, required=True),
    FieldSpec(
        "student_code",
        _l("署名学生的档案编号"),
        maxlength=40,
        help=_l("匿名来信留空。填写学生的档案编号（不是姓名）。"),
    ),
    FieldSpec(
        "urgent",
        _l("紧急（涉及安全）"),
        "checkbox",
        help=_l("勾选后立即作为安全关注提交督导确认。"),
    ),
    FieldSpec("text", _l("来信内容摘要"), "textarea", maxlength=4000),
    FieldSpec(
        "reply_due",
        _l("应回复日期"),
        "date",
        help=_l("留空则为收信后第 3 天。"),
    ),
]

REPLY_FIELDS = [
    FieldSpec("reply_due", _l("应回复日期"), "date", required=True),
    FieldSpec("replied_on", _l("回复日期"), "date", help=_l("尚未回复则留空。")),
]


class ConsultationForm(FormSchema):
    held_on = Date(required=True)
    kind = Choice(CONSULT_KINDS, required=True)
    student_code = Text(40, load_default="")
    people = Integer(1, 50, load_default=1)
    purpose = Text(100, required=True)
    minutes = Integer(1, 600, required=True)
    note = Text(2000, load_default="")


CONSULTATION_FIELDS = [
    FieldSpec("held_on", _l("日期"), "date", required=True),
    FieldSpec("kind", _l("对象"), "select", CONSULT_KINDS, required=True),
    FieldSpec("student_code", _l("学生档案编号"), maxlength=40, help=CODE_HELP),
    FieldSpec(
        "people",
        _l("人数（教师或家长）"),
        "number",
        min=1,
        max=50,
        default=1,
        help=_l("按人次统计；与学生的会谈每次 1 人次。"),
    ),
    FieldSpec("purpose", _l("目的"), maxlength=100, required=True),
    FieldSpec("minutes", _l("时长（分钟）"), "number", min=1, max=600, required=True),
    FieldSpec("note", _l("简要记录"), "textarea", maxlength=2000),
]


class SupervisionForm(FormSchema):
    held_on = Date(required=True)
    mode = Choice(SUPERVISION_MODES, required=True)
    kind = Choice(SUPERVISION_TYPES, required=True)
    workers = IdList(validate=validate.Length(min=1, error=_l("请至少选择一位社工。")))
    minutes = Integer(1, 600, required=True)
    topics = Text(2000, required=True)
    discussed = Text(300, load_default="")
    actions = Text(2000, load_default="")


def supervision_fields(workers: dict) -> list:
    return [
        FieldSpec("held_on", _l("日期"), "date", required=True),
        FieldSpec("mode", _l("形式"), "select", SUPERVISION_MODES, required=True),
        FieldSpec("kind", _l("督导类型"), "select", SUPERVISION_TYPES, required=True),
        FieldSpec(
            "workers",
            _l("参加的社工"),
            "checks",
            workers,
            required=True,
            help=_l("个体督导选一位，团体督导至少两位。"),
        ),
        FieldSpec("minutes", _l("时长（分钟）"), "number", min=1, max=600, required=True),
        FieldSpec("topics", _l("主题"), "textarea", maxlength=2000, required=True),
        FieldSpec(
            "discussed",
            _l("讨论的反思或个案（编号）"),
            maxlength=300,
            help=_l("只写编号，用逗号分隔，不写学生姓名。"),
        ),
        FieldSpec("actions", _l("行动要点"), "textarea", maxlength=2000),
    ]


class TrainingForm(FormSchema):
    worker = Integer(load_default=None)
    kind = Choice(TRAINING_KINDS, required=True)
    course = Text(100, required=True)
    held_on = Date(required=True)
    hours = fields.Decimal(
        required=True,
        places=1,
        validate=validate.Range(min=0.5, max=200, error=_l("应在 {min} 到 {max} 之间。")),
        error_messages={**MESSAGES, "invalid": _l("请输入数字，例如 1.5。")},
    )
    certificate = Text(200, load_default="")


def training_fields(workers: dict | None) -> list:
    out = []
    if workers is not None:
        out.append(FieldSpec("worker", _l("社工"), "select", workers, required=True))
    return out + [
        FieldSpec("kind", _l("类别"), "select", TRAINING_KINDS, required=True),
        FieldSpec("course", _l("课程"), maxlength=100, required=True),
        FieldSpec("held_on", _l("日期"), "date", required=True),
        FieldSpec(
            "hours",
            _l("学时（小时）"),
            "number",
            min=0.5,
            max=200,
            required=True,
            attrs={"step": "0.5"},
        ),
        FieldSpec("certificate", _l("证书或证明"), maxlength=200),
    ]


class FeedbackForm(FormSchema):
    kind = Choice(FEEDBACK_KINDS, required=True)
    sender = Choice(FEEDBACK_FROM, load_default="")
    text = Text(2000, required=True)
    contact = Text(100, load_default="")


FEEDBACK_FIELDS = [
    FieldSpec("kind", _l("类型"), "select", FEEDBACK_KINDS, required=True),
    FieldSpec("sender", _l("您是"), "select", FEEDBACK_FROM, blank=False),
    FieldSpec("text", _l("内容"), "textarea", maxlength=2000, required=True),
    FieldSpec(
        "contact",
        _l("联系方式（可不填）"),
        maxlength=100,
        help=_l("不需要填写姓名。希望得到回复时再留下联系方式。"),
    ),
]


class ResponseForm(FormSchema):
    response = Text(2000, required=True)
    version = VersionField()


RESPONSE_FIELDS = [FieldSpec("response", _l("处理与回复"), "textarea", maxlength=2000)]
