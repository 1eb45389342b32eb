"""One error for every refusal a service makes (planner.errors.PlannerError): a message, the
field it belongs to, and its kind, which only the web layer turns into an HTTP status."""

import ast
import pathlib

import pytest

from planner import errors
from planner.errors import PlannerError
from planner.web import error_status

PLANNER = pathlib.Path(__file__).resolve().parent.parent / "planner"
# Not refusals of a user's input: the optimistic lock's lost race, a database that is unsafe
# to open, the command-line tools' own failures, and a zip builder whose job row was taken from
# it. Audit rows refuse any change.
INFRASTRUCTURE = {
    "ConflictError",
    "UnsafeSQLiteError",
    "BackupError",
    "GenerateError",
    "CliError",
    "AppendOnly",
    "Superseded",
}


def test_a_field_message_is_one_of_the_errors():
    err = PlannerError("请选择星期。", "weekday")
    assert (err.message, err.field, err.kind) == ("请选择星期。", "weekday", errors.INVALID)
    assert err.errors == {"weekday": "请选择星期。"} and str(err) == "请选择星期。"
    many = PlannerError(errors={"rules": "重叠", 3: "冲突"}, preview=[1])
    assert many.errors == {"rules": "重叠", 3: "冲突"} and many.details == {"preview": [1]}
    assert isinstance(err, ValueError)  # code that catches ValueError still does


def test_kinds_map_to_statuses_in_the_web_layer_only():
    assert [error_status(PlannerError("x", kind=k)) for k in errors.KINDS] == [422, 404, 403, 409]
    with pytest.raises(ValueError, match="unknown error kind"):
        PlannerError("x", kind="teapot")


def test_no_domain_defines_an_error_class_of_its_own():
    found = []
    for path in PLANNER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "id", "").endswith(("Error", "Exception")) for base in node.bases
            ):
                found.append(node.name)
    assert set(found) - INFRASTRUCTURE == {"PlannerError"}
