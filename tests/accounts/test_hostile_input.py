"""Hostile input on the user screens is refused in plain words, never a server error
(found by tests/security/test_form_fuzz.py)."""

import pytest

from planner.accounts.models import User
from tests.conftest import login_as

HUGE = ["9223372036854775808", "-9223372036854775809", "2147483648"]


def _new(world, **kw):
    return dict(
        {
            "username": "new.worker",
            "display_name": "新社工",
            "role": "worker",
            "password": "a-long-password-1",
            "school_ids": str(world.school.id),
        },
        **kw,
    )


def _edit(user, **kw):
    return dict(
        {
            "display_name": user.display_name,
            "role": "worker",
            "active": "1",
            "school_ids": str(user.school_links[0].school_id),
            "version": str(User.get_by_id(user.id).version),
        },
        **kw,
    )


@pytest.mark.parametrize("field", ["school_ids", "worker_ids", "class_ids"])
@pytest.mark.parametrize("value", HUGE)
def test_an_id_no_row_can_have_is_an_invalid_choice(client, world, field, value):
    """An id past 64 bits overflowed SQLite (a 500); past 32 bits, PostgreSQL's integer."""
    login_as(client, world.admin)
    response = client.post("/admin/users/new", data=_new(world, **{field: value}))
    assert response.status_code == 422
    assert "请选择有效的选项。" in response.get_data(as_text=True)
    assert not User.select().where(User.username == "new.worker").exists()


@pytest.mark.parametrize("version", ["", "x", *HUGE])
def test_a_broken_version_is_shown_on_the_user_form(client, world, version):
    login_as(client, world.admin)
    response = client.post(
        f"/admin/users/{world.worker.id}/edit", data=_edit(world.worker, version=version)
    )
    assert response.status_code == 422
    assert 'id="e-version" role="alert">' in response.get_data(as_text=True)


def test_a_ticked_box_with_an_unexpected_value_is_ticked(client, world):
    """marshmallow's Boolean refused "yes please" with an English message nobody saw."""
    login_as(client, world.admin)
    response = client.post(
        f"/admin/users/{world.worker.id}/edit", data=_edit(world.worker, active="yes please")
    )
    assert response.status_code == 303
    assert User.get_by_id(world.worker.id).active
