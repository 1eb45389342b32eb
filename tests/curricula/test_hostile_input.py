"""Hostile input on the curriculum screens is refused in plain words, never a server
error (found by tests/security/test_form_fuzz.py)."""

import pytest

from tests.conftest import login_as
from tests.curricula.factories import PLAN
from tests.curricula.test_editor import draft, plan_form, session_form

HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("minutes", ["²", "①", "9" * 5000])
def test_minutes_int_cannot_read_are_refused(client, world, minutes):
    """The refused form's total ran int() on whatever passed str.isdigit() (a 500)."""
    c = draft(world)
    session = c.sessions[0]
    login_as(client, world.worker)
    form = session_form(session)
    form.setlist("a_minutes", [minutes] + form.getlist("a_minutes")[1:])
    response = client.post(f"/curricula/{c.id}/sessions/{session.id}", data=form)
    assert response.status_code == 422
    assert 'role="alert">' in response.get_data(as_text=True)


def test_a_row_action_int_cannot_read_changes_nothing(client, world):
    c = draft(world)
    session = c.sessions[0]
    login_as(client, world.worker)
    response = client.post(
        f"/curricula/{c.id}/sessions/{session.id}", data=session_form(session, action="remove:²")
    )
    assert response.status_code == 200


@pytest.mark.parametrize("version", ["9223372036854775808", "-1", "x"])
def test_a_broken_edit_version_is_shown_on_the_plan_form(client, world, version):
    """Past 64 bits it overflowed SQLite (a 500); its message had no place on the form."""
    c = draft(world)
    login_as(client, world.worker)
    response = client.post(f"/curricula/{c.id}/edit", data=plan_form(c, edit_version=version))
    assert response.status_code == 422
    assert 'id="e-edit_version" role="alert">表单已失效，请刷新页面后重试。' in response.get_data(
        as_text=True
    )


def test_an_htmx_publish_gets_what_stops_it(client, world):
    """htmx got the plan form back, which doesn't show what stops publishing."""
    c = draft(world, plan=dict(PLAN, theory=""))
    login_as(client, world.worker)
    response = client.post(f"/curricula/{c.id}/publish", headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card compliance warn" id="compliance"')
    assert '<ul class="problems" role="alert">' in html


def test_a_grade_filter_int_cannot_read_is_ignored(client, world):
    login_as(client, world.worker)
    assert client.get("/curricula/?grade=²").status_code == 200
