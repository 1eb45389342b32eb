"""Hostile input on the admin screens is refused in plain words, never a server error
(found by tests/security/test_form_fuzz.py)."""

import pytest

from planner.schools.models import SchoolClass

VERSIONS = ["", "x", "9223372036854775808", "-1"]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_broken_version_is_shown_on_the_agency_form(admin, world, version):
    """The version's error had no place on the form: a 422 with nothing to read (and a
    version past 64 bits overflowed SQLite: a 500)."""
    response = admin.post(
        "/admin/agency", data={"name": "测试机构", "code": "TA", "version": version}
    )
    assert response.status_code == 422
    assert 'id="e-version" role="alert">' in response.get_data(as_text=True)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_broken_version_is_shown_on_a_record_form(admin, world, version):
    response = admin.post(
        f"/admin/classes/{world.cls.id}/edit",
        data={"grade": "7", "name": "7(9)班", "version": version},
    )
    assert response.status_code == 422
    assert 'id="e-version" role="alert">' in response.get_data(as_text=True)
    assert SchoolClass.get_by_id(world.cls.id).name == "7(1)班"


def test_control_characters_leave_a_name(admin, world):
    """A NUL was a 500 on PostgreSQL; a vertical tab broke the Word exports (XML)."""
    response = admin.post(
        f"/admin/classes/{world.cls.id}/edit",
        data={"grade": "7", "name": "7(\x00\x0b9)班", "version": str(world.cls.version)},
    )
    assert response.status_code == 303
    assert SchoolClass.get_by_id(world.cls.id).name == "7(9)班"
