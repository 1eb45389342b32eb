"""With CSRF protection on (as in production): a tap without the header or with a stale
token is refused with 400 by Flask-WTF and changes nothing; a fresh token works."""

import re

import pytest

from planner import create_app
from planner.runs.models import Attendance
from tests.conftest import login_as
from tests.runs.conftest import JSON, T0, iso


@pytest.fixture
def csrf_client(db_url, app):
    """A second app on the same database with CSRF on (the `app` fixture cleans up)."""
    secured = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "csrf-test",
            "RATELIMIT_ENABLED": False,
        }
    )
    return secured.test_client()


def token_of(client, session):
    html = client.get(f"/sessions/{session.id}/run").get_data(as_text=True)
    return re.search(r'data-csrf="([^"]+)"', html).group(1)


def post(client, session, member, token=None):
    headers = dict(JSON, **({"X-CSRFToken": token} if token else {}))
    return client.post(
        f"/sessions/{session.id}/attendance",
        headers=headers,
        data={"student_id": member.id, "status": "present", "tapped_at": iso(T0), "tap_id": "c1"},
    )


def test_missing_token_is_refused(csrf_client, world, group):
    login_as(csrf_client, world.worker)
    assert post(csrf_client, group, group.members[0]).status_code == 400
    assert Attendance.select().count() == 0


def test_stale_token_is_refused_and_a_fresh_one_works(csrf_client, world, group):
    login_as(csrf_client, world.worker)
    stale = token_of(csrf_client, group)
    login_as(csrf_client, world.worker)  # a new login: a new session, new token
    response = post(csrf_client, group, group.members[0], stale)
    assert response.status_code == 400
    assert Attendance.select().count() == 0
    fresh = token_of(csrf_client, group)
    assert post(csrf_client, group, group.members[0], fresh).status_code == 200
    assert Attendance.select().count() == 1


def test_the_notes_form_needs_the_token_too(csrf_client, world, group):
    login_as(csrf_client, world.worker)
    response = csrf_client.post(
        f"/sessions/{group.id}/record",
        data={"notes": "x", "version": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
