"""One base for every HTML form schema (multidict handling, Chinese messages), its field
types, and FieldSpec, how the `field` macro draws a field."""

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from planner.i18n import lazy_gettext as _l

MESSAGES = {
    "required": _l("此项为必填项。"),
    "null": _l("此项为必填项。"),
    "invalid": _l("格式不正确。"),
}


def flatten_errors(messages) -> dict:
    """{'field': ['msg', …]} → {'field': 'msg'}; nested list errors join."""
    out = {}
    for key, value in messages.items():
        if isinstance(value, dict):
            value = [m for sub in value.values() for m in (sub if isinstance(sub, list) else [sub])]
        out[key] = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return out


def _msgs(**extra):
    return {**MESSAGES, **extra}


def Text(max_length=100, required=False, validate_also=(), **kw):
    """A trimmed string with a length limit (and any further validators)."""
    return fields.String(
        required=required,
        validate=[validate.Length(max=max_length, error=_l("最多 {max} 个字。")), *validate_also],
        error_messages=_msgs(),
        **kw,
    )


# What an INTEGER column holds (32 bits on PostgreSQL): an id or version beyond it can't
# name a record, and SQLite can't even bind one past 64 bits (an OverflowError, a 500).
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1
BAD_CHOICE = _l("请选择有效的选项。")


def small_int(text, default=None):
    """The number in a short string of decimal digits ("7", "٣"), else default: what
    str.isdigit() also lets through ("²", "①", 5,000 digits) makes int() raise."""
    text = str(text if text is not None else "")
    return int(text) if text.isdecimal() and len(text) <= 9 else default


def Integer(min_value=None, max_value=None, required=False, **kw):
    """An integer in a range; without one, an id from a select (in the database's range)."""
    if min_value is not None or max_value is not None:
        validators = [
            validate.Range(min=min_value, max=max_value, error=_l("应在 {min} 到 {max} 之间。"))
        ]
    else:
        validators = [validate.Range(min=DB_INT_MIN, max=DB_INT_MAX, error=BAD_CHOICE)]
    return fields.Integer(
        required=required,
        strict=False,
        validate=validators,
        error_messages=_msgs(invalid=_l("请输入整数。")),
        **kw,
    )


def Date(required=False, **kw):
    """An ISO date (the browser's date input)."""
    return fields.Date(
        required=required, error_messages=_msgs(invalid=_l("请输入有效日期（年-月-日）。")), **kw
    )


def Choice(choices, required=False, **kw):
    """One of a fixed set of keys."""
    return fields.String(
        required=required,
        validate=validate.OneOf(list(choices), error=_l("请选择有效的选项。")),
        error_messages=_msgs(),
        **kw,
    )


class Checkbox(fields.Boolean):
    """A checkbox: ticked when sent, whatever its value ("0", "false", "off" read as
    unticked), unticked when absent. Another value is no mistake the user could correct."""

    def __init__(self, **kw):
        super().__init__(load_default=False, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError:
            return True


def IdList(**kw):
    """Several ids from checkboxes or a multi-select."""
    return fields.List(
        fields.Integer(
            validate=validate.Range(min=DB_INT_MIN, max=DB_INT_MAX, error=BAD_CHOICE),
            error_messages=_msgs(invalid=BAD_CHOICE),
        ),
        load_default=list,
        error_messages=_msgs(),
        **kw,
    )


# Characters no XML document can hold (a Word export raises on them), NUL among them
# (PostgreSQL can't store it in text): invisible in a form, so dropped, not refused.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: str) -> str:
    """A posted string without control characters or surrounding whitespace."""
    return CONTROL.sub("", value).strip()


class FormSchema(Schema):
    """Loads request.form: lists via getlist, blanks dropped, whitespace trimmed, control
    characters removed."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def from_multidict(self, data, **kwargs):
        out = {}
        for name, field in self.fields.items():
            key = field.data_key or name
            if hasattr(data, "getlist") and isinstance(field, fields.List):
                values = [clean_text(v) for v in data.getlist(key) if clean_text(v)]
                out[key] = values
                continue
            value = data.get(key)
            if isinstance(value, str):
                value = clean_text(value)
                if value == "":
                    continue
            if value is not None:
                out[key] = value
        return out


STALE_FORM = _l("表单已失效，请刷新页面后重试。")


class VersionField(fields.Integer):
    """The record version the form was opened with, from a hidden field. Missing, a word
    or a version no row can have, it is nothing the user could correct in the form: the
    page they have is broken or out of date."""

    def __init__(self, **kw):
        super().__init__(
            required=True,
            validate=validate.Range(min=0, max=DB_INT_MAX, error=STALE_FORM),
            error_messages=_msgs(required=STALE_FORM, null=STALE_FORM, invalid=STALE_FORM),
            **kw,
        )


class FieldSpec:
    """How a form field is drawn (templates/macros.html `field`): name, label, input type
    (text, number, date, time, password, textarea, select, checkbox, or checks: a list of
    checkboxes), choices ({value: label}, or {group label: {value: label}} for a select),
    limits, help, the value when the form is new, for a select its empty first option
    (True: 请选择, a text of its own, or False: none), and any further attributes of the
    element (autocomplete, disabled)."""

    def __init__(
        self,
        name,
        label,
        kind="text",
        choices=None,
        maxlength=None,
        min=None,
        max=None,
        required=False,
        help=None,
        default=None,
        blank=True,
        attrs=None,
    ):
        self.name, self.label, self.kind = name, label, kind
        self.choices, self.maxlength = choices, maxlength
        self.min, self.max, self.required, self.help = min, max, required, help
        self.default, self.blank, self.attrs = default, blank, attrs or {}
