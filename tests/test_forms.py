"""planner/forms.py: what every HTML form schema does with hostile values (the form fuzz,
tests/security/test_form_fuzz.py, found each of these as a server error somewhere)."""

import pytest
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from planner.forms import (
    Checkbox,
    FormSchema,
    IdList,
    Integer,
    Text,
    VersionField,
    clean_text,
    flatten_errors,
    small_int,
)


def load(spec, **data):
    schema = FormSchema.from_dict(spec)()
    try:
        return schema.load(MultiDict(data)), {}
    except ValidationError as err:
        return None, flatten_errors(err.messages)


def test_control_characters_are_dropped_from_text():
    assert clean_text(" a\x00b\x0bc\x1f\ufffe\td\n ") == "abc\td"
    assert load({"t": Text(10)}, t="甲\x00乙")[0] == {"t": "甲乙"}
    assert load({"t": Text(10, required=True)}, t="\x00\x0b")[1] == {"t": "此项为必填项。"}


@pytest.mark.parametrize(
    "text, value",
    [
        ("7", 7),
        ("٣", 3),
        ("²", None),
        ("①", None),
        ("9" * 5000, None),
        ("", None),
        (None, None),
        ("-1", None),
        ("1.0", None),
    ],
)
def test_small_int_reads_only_what_int_can(text, value):
    assert small_int(text) == value


@pytest.mark.parametrize("value", ["9223372036854775808", "-9223372036854775809", "2147483648"])
def test_an_id_no_integer_column_holds_is_an_invalid_choice(value):
    assert load({"n": Integer()}, n=value)[1] == {"n": "请选择有效的选项。"}
    assert load({"n": IdList()}, n=value)[1] == {"n": "请选择有效的选项。"}
    assert load({"v": VersionField()}, v=value)[1] == {"v": "表单已失效，请刷新页面后重试。"}
    assert load({"n": Integer(1, 12)}, n=value)[1] == {"n": "应在 1 到 12 之间。"}


@pytest.mark.parametrize(
    "value, ticked", [("1", True), ("on", True), ("8:00 AM", True), ("0", False), ("off", False)]
)
def test_a_checkbox_is_ticked_when_sent(value, ticked):
    assert load({"c": Checkbox()}, c=value)[0] == {"c": ticked}
    assert load({"c": Checkbox()})[0] == {"c": False}
