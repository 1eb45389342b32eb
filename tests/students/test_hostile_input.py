"""Hostile input on the student screens is refused in plain words, never a server error
(found by tests/security/test_form_fuzz.py)."""

import pytest

from planner.students import roster
from planner.students.models import GroupMember, Student
from tests.access import all_setups
from tests.conftest import login_as

HUGE = ["9223372036854775808", "-9223372036854775809", "2147483648"]


@pytest.fixture
def w(world):
    for setup in all_setups():
        setup(world)
    return world


@pytest.mark.parametrize("value", HUGE)
def test_a_class_no_row_can_be_is_an_invalid_choice(client, w, value):
    """An id past 64 bits overflowed SQLite (a 500); past 32 bits, PostgreSQL's integer."""
    login_as(client, w.worker)
    before = Student.select().count()
    response = client.post(
        f"/schools/{w.school.id}/students/new",
        data={"name": "新同学", "student_no": "H0001", "school_class": value},
    )
    assert response.status_code == 422
    assert 'id="e-school_class" role="alert">请选择有效的选项。' in response.get_data(as_text=True)
    assert Student.select().count() == before


@pytest.mark.parametrize("value", HUGE)
def test_a_member_no_row_can_be_is_an_invalid_choice(client, w, value):
    login_as(client, w.worker)
    before = GroupMember.select().count()
    response = client.post(f"/programs/{w.group.id}/roster/members", data={"student": value})
    assert response.status_code == 422
    assert "请选择有效的选项。" in response.get_data(as_text=True)
    assert GroupMember.select().count() == before


@pytest.mark.parametrize("version", ["", "x", *HUGE])
@pytest.mark.parametrize("form", ["student", "roster"])
def test_a_broken_version_is_shown_on_the_form(client, w, version, form):
    """The version's error had no place on these forms: a 422 with nothing to read."""
    login_as(client, w.worker)
    if form == "student":
        url = f"/students/{w.student.id}/edit"
        data = {
            "name": w.student.name,
            "student_no": w.student.student_no,
            "school_class": str(w.cls.id),
            "version": version,
        }
    else:
        url, data = f"/programs/{w.group.id}/roster", {"version": version}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert 'id="e-version" role="alert">' in response.get_data(as_text=True)


def test_control_characters_leave_a_class_list_cell():
    """A pasted vertical tab would reach the Word exports (which refuse it), a NUL
    PostgreSQL (which refuses it too)."""
    assert roster.cell(" 张\x0b三\x00 ") == "张三"
