"""The form of a case session (个案会谈) and the FieldSpecs its page draws it with."""

from marshmallow import fields

from planner.cases.models import APPOINTMENT_STATUSES
from planner.forms import MESSAGES, Choice, Date, FieldSpec, FormSchema, Integer, VersionField
from planner.i18n import lazy_gettext as _l

TIME_INVALID = _l("请输入时间（时:分）。")


def Time(**kw):
    """A clock time from a time input ("16:10", or "16:10:00" from browsers adding seconds)."""
    return fields.Time(
        required=True,
        error_messages={**MESSAGES, "invalid": TIME_INVALID},
        **kw,
    )


class AppointmentForm(FormSchema):
    date = Date(required=True)
    start = Time()
    end = Time()
    room_id = Integer(required=True)
    worker_id = Integer(required=True)


class AppointmentEditForm(AppointmentForm):
    status = Choice(APPOINTMENT_STATUSES, required=True)
    case_note_id = Integer(load_default=None)
    version = VersionField()


def appointment_fields(rooms: dict, workers: dict) -> list:
    return [
        FieldSpec("date", _l("日期"), "date", required=True),
        FieldSpec("start", _l("开始时间"), "time", required=True),
        FieldSpec("end", _l("结束时间"), "time", required=True),
        FieldSpec("room_id", _l("场地"), "select", rooms, required=True),
        FieldSpec("worker_id", _l("会谈社工"), "select", workers, required=True, blank=False),
    ]


def edit_fields(rooms: dict, workers: dict, notes: dict) -> list:
    return appointment_fields(rooms, workers) + [
        FieldSpec("status", _l("状态"), "select", APPOINTMENT_STATUSES, required=True, blank=False),
        FieldSpec(
            "case_note_id",
            _l("会谈后的服务记录"),
            "select",
            notes,
            blank=_l("未关联"),
            help=_l("会谈进行后，关联写下的个案服务记录。"),
        ),
    ]
