"""A reflection that has left the form it was posted from: a broken post gets the
conflict answer, not a 422 with no form to show its errors on (found by
tests/security/test_form_fuzz.py)."""

import pytest

from planner.reflections.models import Reflection
from tests.access import all_setups
from tests.conftest import login_as

HTMX = {"HX-Request": "true"}


@pytest.fixture
def w(world):
    for setup in all_setups():
        setup(world)
    return world


def test_a_broken_review_of_a_signed_off_reflection_is_a_conflict(client, w):
    Reflection.update(status="signed_off").where(Reflection.id == w.refl.id).execute()
    login_as(client, w.supervisor)
    response = client.post(
        f"/supervision/reflections/{w.refl.id}/review",
        data={"action": "", "comment": "", "version": " "},
    )
    assert response.status_code == 409
    assert "记录已被他人修改" in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_broken_save_of_a_submitted_reflection_says_it_is_locked(client, w, headers):
    login_as(client, w.worker)
    response = client.post(
        f"/sessions/{w.refl_session.id}/reflection",
        headers=headers,
        data={"action": "save", "version": "x"},
    )
    assert response.status_code == 409
    assert "本反思已提交督导，不能再修改。" in response.get_data(as_text=True)
