"""One base for every HTML form schema: multidict handling and Chinese messages."""
from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from planner.i18n import lazy_gettext as _l

MESSAGES = {
    "required": _l("此项为必填项。"),
    "null": _l("此项为必填项。"),
    "invalid": _l("格式不正确。"),
}


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


def Integer(min_value=None, max_value=None, required=False, **kw):
    """An integer in a range."""
    validators = []
    if min_value is not None or max_value is not None:
        validators.append(validate.Range(min=min_value, max=max_value,
                                         error=_l("应在 {min} 到 {max} 之间。")))
    return fields.Integer(required=required, strict=False, validate=validators,
                          error_messages=_msgs(invalid=_l("请输入整数。")), **kw)


def Date(required=False, **kw):
    """An ISO date (the browser's date input)."""
    return fields.Date(required=required,
                       error_messages=_msgs(invalid=_l("请输入有效日期（年-月-日）。")), **kw)


def Choice(choices, required=False, **kw):
    """One of a fixed set of keys."""
    return fields.String(required=required,
                         validate=validate.OneOf(list(choices), error=_l("请选择有效的选项。")),
                         error_messages=_msgs(), **kw)


def IdList(**kw):
    """Several ids from checkboxes or a multi-select."""
    return fields.List(fields.Integer(error_messages=_msgs(invalid=_l("请选择有效的选项。"))),
                       load_default=list, error_messages=_msgs(), **kw)


class FormSchema(Schema):
    """Loads request.form: lists via getlist, blanks dropped, whitespace trimmed."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def from_multidict(self, data, **kwargs):
        out = {}
        for name, field in self.fields.items():
            key = field.data_key or name
            if hasattr(data, "getlist") and isinstance(field, fields.List):
                values = [v.strip() for v in data.getlist(key) if v.strip()]
                out[key] = values
                continue
            value = data.get(key)
            if isinstance(value, str):
                value = value.strip()
                if value == "":
                    continue
            if value is not None:
                out[key] = value
        return out


class VersionField(fields.Integer):
    """The record version the form was opened with."""

    def __init__(self, **kw):
        super().__init__(required=True, error_messages=_msgs(), **kw)
