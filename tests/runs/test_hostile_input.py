"""Hostile input in run mode is refused in plain words, never a server error (found by
tests/security/test_form_fuzz.py)."""

import pytest

from planner.runs.models import Attendance, SessionRecord
from tests.runs.conftest import rows, tap

HUGE = ["9223372036854775808", "-9223372036854775809", "2147483648"]


@pytest.mark.parametrize("student", HUGE)
def test_a_tap_for_a_student_no_row_can_be_is_refused(worker, group, student):
    """An id past 64 bits overflowed SQLite (a 500); past 32 bits, PostgreSQL's integer."""
    response = tap(worker, group, student, "present")
    assert response.status_code == 422
    assert response.get_json()["error"] == "学生编号无效。"
    assert rows(group) == {} and Attendance.select().count() == 0


@pytest.mark.parametrize("version", HUGE)
def test_a_record_with_a_version_no_row_can_have_is_refused(worker, group, version):
    response = worker.post(
        f"/sessions/{group.id}/record", data={"notes": "记录", "version": version}
    )
    assert response.status_code == 422
    assert 'id="e-version" role="alert">表单已失效，请刷新页面后重试。' in response.get_data(
        as_text=True
    )
    assert SessionRecord.select().count() == 0
