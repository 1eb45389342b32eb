"""Deactivating a user ends their sessions and tokens for good: reactivating the account
brings back neither the old cookie nor the old feed and API tokens."""

from planner.accounts.models import User
from planner.api.models import ApiToken
from planner.feeds.models import FeedToken
from tests import factories
from tests.accounts.test_users_admin import edit_data
from tests.api.helpers import bearer, token_for
from tests.conftest import login_as
from tests.feeds import factories as feeds


def set_active(app, world, user, active):
    admin = login_as(app.test_client(), world.admin)
    data = edit_data(user, active="1" if active else "")
    if not active:
        del data["active"]  # an unticked checkbox is not sent
    response = admin.post(f"/admin/users/{user.id}/edit", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert User.get_by_id(user.id).active is active


def test_reactivation_does_not_revive_the_old_cookie_or_tokens(app, world):
    owner = app.test_client()
    assert (
        owner.post(
            "/login", data={"username": world.worker.username, "password": factories.PASSWORD}
        ).status_code
        == 303
    )
    _, feed_raw = feeds.token(world.worker)
    api_raw = token_for(world.worker)
    assert owner.get("/dashboard").status_code == 200
    assert app.test_client().get(f"/feeds/{feed_raw}.ics").status_code == 200
    assert app.test_client().get("/api/programs", headers=bearer(api_raw)).status_code == 200

    set_active(app, world, world.worker, False)
    set_active(app, world, world.worker, True)

    response = owner.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location
    assert app.test_client().get(f"/feeds/{feed_raw}.ics").status_code == 404
    assert app.test_client().get("/api/programs", headers=bearer(api_raw)).status_code == 401
    assert FeedToken.select().where(FeedToken.revoked_at.is_null()).count() == 0
    assert ApiToken.select().where(ApiToken.revoked_at.is_null()).count() == 0
    # the account itself works again: a new login, new tokens
    fresh = app.test_client()
    assert (
        fresh.post(
            "/login", data={"username": world.worker.username, "password": factories.PASSWORD}
        ).status_code
        == 303
    )
    _, new_raw = feeds.token(world.worker)
    assert app.test_client().get(f"/feeds/{new_raw}.ics").status_code == 200


def test_deactivation_leaves_other_users_tokens_alone(app, world):
    _, mine = feeds.token(world.worker)
    _, theirs = feeds.token(world.worker_other)
    set_active(app, world, world.worker, False)
    assert app.test_client().get(f"/feeds/{mine}.ics").status_code == 404
    assert app.test_client().get(f"/feeds/{theirs}.ics").status_code == 200


def test_an_edit_that_keeps_the_user_active_keeps_their_session(app, world):
    owner = login_as(app.test_client(), world.worker)
    _, feed_raw = feeds.token(world.worker)
    set_active(app, world, world.worker, True)
    assert owner.get("/dashboard").status_code == 200
    assert app.test_client().get(f"/feeds/{feed_raw}.ics").status_code == 200
