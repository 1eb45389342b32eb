"""Form schemas of casework and the FieldSpecs the case pages draw them with: opening a
case, the case's risk and review, each step's record, case notes, referrals, review."""

from planner.cases.models import (
    CONSENT_BY,
    DECISIONS,
    FORM_SOURCES,
    NOTE_KINDS,
    REFERRAL_TARGETS,
    RISKS,
    SOURCES,
)
from planner.cases.services import STEP_FIELDS, TEXT_LIMIT
from planner.forms import (
    Checkbox,
    Choice,
    Date,
    FieldSpec,
    FormSchema,
    Integer,
    Text,
    VersionField,
)
from planner.i18n import lazy_gettext as _l

NOTE_LIMIT = 4000
MAX_MINUTES = 600


class OpenForm(FormSchema):
    student_id = Integer(required=True)
    source = Choice(FORM_SOURCES, required=True)
    source_note = Text(500, load_default="")
    risk = Choice(RISKS, required=True)
    next_review = Date(load_default=None)
    co_worker_id = Integer(load_default=None)


class CaseForm(FormSchema):
    risk = Choice(RISKS, required=True)
    next_review = Date(load_default=None)
    co_worker_id = Integer(load_default=None)
    version = VersionField()


def step_form(step):
    """The step's text fields (the intake's decision a choice; the closure's follow-up
    date), save or advance, and the record's version (0 for a new one)."""
    spec = {
        key: (Choice(DECISIONS, load_default="") if key == "decision" else Text(TEXT_LIMIT))
        for key in STEP_FIELDS[step]
    }
    spec.update(
        version=VersionField(),
        action=Choice(("save", "advance"), load_default="save"),
    )
    if step == "closure":
        spec["follow_up_on"] = Date(load_default=None)
    return FormSchema.from_dict(spec, name=f"CaseStepForm_{step}")()


class AdvanceForm(FormSchema):
    version = VersionField()


class NoteForm(FormSchema):
    kind = Choice(NOTE_KINDS, required=True)
    held_on = Date(required=True)
    minutes = Integer(1, MAX_MINUTES, required=True)
    note = Text(NOTE_LIMIT, required=True)
    safeguarding = Checkbox()
    action = Choice(("save", "submit"), load_default="save")
    version = VersionField()


class ReviewForm(FormSchema):
    action = Choice(("sign_off", "return"), required=True)
    comment = Text(2000, load_default="")
    version = VersionField()


class ReferralForm(FormSchema):
    target = Choice(REFERRAL_TARGETS, required=True)
    organisation = Text(80, load_default="")
    reason = Text(1000, required=True)
    consent_by = Choice(CONSENT_BY, required=True)
    consent_on = Date(required=True)
    referred_on = Date(required=True)
    outcome = Text(1000, load_default="")
    outcome_on = Date(load_default=None)


class OutcomeForm(FormSchema):
    outcome = Text(1000, required=True)
    outcome_on = Date(load_default=None)
    version = VersionField()


def open_fields(students: dict, co_workers: dict) -> list:
    return [
        FieldSpec("student_id", _l("学生"), "select", students, required=True),
        FieldSpec(
            "source",
            _l("来源"),
            "select",
            {k: SOURCES[k] for k in FORM_SOURCES},
            required=True,
        ),
        FieldSpec(
            "source_note",
            _l("来源说明"),
            "textarea",
            maxlength=500,
            help=_l("谁转介、因为什么（不必写转介人的姓名）。"),
        ),
        FieldSpec("risk", _l("风险等级"), "select", RISKS, required=True, default="concern"),
        FieldSpec(
            "next_review",
            _l("下次复核日期"),
            "date",
            help=_l("高危个案必须设定；列入危机预警名单。"),
        ),
        FieldSpec("co_worker_id", _l("协同社工"), "select", co_workers, blank=_l("无")),
    ]


def case_fields(co_workers: dict) -> list:
    return [
        FieldSpec("risk", _l("风险等级"), "select", RISKS, required=True),
        FieldSpec("next_review", _l("下次复核日期"), "date"),
        FieldSpec("co_worker_id", _l("协同社工"), "select", co_workers, blank=_l("无")),
    ]


def step_fields(step) -> list:
    out = []
    for key, label in STEP_FIELDS[step].items():
        if key == "decision":
            out.append(FieldSpec(key, label, "select", DECISIONS))
        else:
            out.append(FieldSpec(key, label, "long", maxlength=TEXT_LIMIT))
    if step == "closure":
        out.append(FieldSpec("follow_up_on", _l("跟进回访日期"), "date"))
    return out


def note_fields() -> list:
    return [
        FieldSpec("kind", _l("服务方式"), "select", NOTE_KINDS, required=True, default="direct"),
        FieldSpec("held_on", _l("日期"), "date", required=True),
        FieldSpec("minutes", _l("时长（分钟）"), "number", min=1, max=MAX_MINUTES, required=True),
        FieldSpec("note", _l("记录"), "long", maxlength=NOTE_LIMIT, required=True),
        FieldSpec(
            "safeguarding",
            _l("安全关注（需要督导立即知悉）"),
            "checkbox",
            help=_l("勾选后督导会在督导页面最上方看到；超过机构设定的时限未确认会升级。"),
        ),
    ]


def referral_fields() -> list:
    return [
        FieldSpec("target", _l("转介去向"), "select", REFERRAL_TARGETS, required=True),
        FieldSpec("organisation", _l("接收机构"), maxlength=80),
        FieldSpec("reason", _l("转介理由"), "textarea", maxlength=1000, required=True),
        FieldSpec("consent_by", _l("同意人"), "select", CONSENT_BY, required=True),
        FieldSpec("consent_on", _l("同意日期"), "date", required=True),
        FieldSpec("referred_on", _l("转介日期"), "date", required=True),
        FieldSpec("outcome", _l("转介结果"), "textarea", maxlength=1000),
        FieldSpec("outcome_on", _l("结果日期"), "date"),
    ]
