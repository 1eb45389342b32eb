"""Run mode forms: one attendance tap, and the quick-notes record."""

import datetime as dt

from marshmallow import fields, validate

from planner.forms import DB_INT_MAX, Checkbox, FormSchema, Integer, Text, VersionField, _msgs
from planner.i18n import lazy_gettext as _l
from planner.runs.models import ATTENDANCE

NOTES_MAX = 2000
CORRECTION_MAX = 200
HEADCOUNT_MAX = 200


class TapForm(FormSchema):
    """A tap from the tablet: who, which status, when (the tablet's clock), and the
    tablet's own id for the tap so it can match the answer to its queue."""

    student_id = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=1, max=DB_INT_MAX, error=_l("学生编号无效。")),
        error_messages=_msgs(invalid=_l("学生编号无效。")),
    )
    status = fields.String(
        required=True,
        validate=validate.OneOf(list(ATTENDANCE), error=_l("出勤状态无效。")),
        error_messages=_msgs(),
    )
    # Date.toISOString() on the tablet: UTC with a Z; a time without a zone counts as UTC
    tapped_at = fields.AwareDateTime(
        format="iso",
        default_timezone=dt.timezone.utc,
        load_default=None,
        error_messages=_msgs(invalid=_l("点名时间格式不正确。")),
    )
    tap_id = fields.String(
        load_default="",
        validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$", error=_l("点名编号格式不正确。")),
        error_messages=_msgs(),
    )
    # 全部出席: mark the member present only if nobody has marked them yet
    if_unset = Checkbox()
    # after the session's reflection is signed off, a tap is a correction: it needs a reason
    reason = Text(CORRECTION_MAX, load_default="")


# A tablet's id for one save of the notes, and the ids of its earlier saves whose answers
# it never got (a dead network): at most MAX_UNANSWERED of them.
SAVE_ID = r"[A-Za-z0-9_-]{1,64}"
MAX_UNANSWERED = 20


class RecordForm(FormSchema):
    """Quick notes; the headcount counts only for a 社工课堂 lesson."""

    headcount = Integer(0, HEADCOUNT_MAX, load_default=None)
    notes = Text(NOTES_MAX, load_default="")
    version = VersionField()
    save_id = fields.String(
        load_default="",
        validate=validate.Regexp(rf"^{SAVE_ID}$", error=_l("保存编号格式不正确。")),
        error_messages=_msgs(),
    )
    unanswered = fields.String(
        load_default="",
        validate=validate.Regexp(
            rf"^({SAVE_ID}(,{SAVE_ID}){{0,{MAX_UNANSWERED - 1}}})?$",
            error=_l("保存编号格式不正确。"),
        ),
        error_messages=_msgs(),
    )
