"""Hostile input on the subscription form (found by tests/security/test_form_fuzz.py)."""

from planner.feeds.models import FeedToken
from tests.feeds.test_pages import new_link


def test_a_ticked_box_with_an_unexpected_value_is_ticked(as_user, world):
    """marshmallow's Boolean refused "8:00 AM" with an English message the page never
    showed: a 422 with nothing to read."""
    response = as_user(world.worker).post(
        "/calendar/subscriptions", data={"target": f"worker:{world.worker.id}", "days": "8:00 AM"}
    )
    assert response.status_code == 201
    assert new_link(response)[0].endswith("?days=1")


def test_control_characters_leave_the_label(as_user, world):
    """A NUL was a 500 on PostgreSQL; the other control characters can't go into XML."""
    response = as_user(world.worker).post(
        "/calendar/subscriptions",
        data={"target": f"worker:{world.worker.id}", "label": "我的\x00手\x0b机"},
    )
    assert response.status_code == 201
    assert FeedToken.get().label == "我的手机"
