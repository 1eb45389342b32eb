"""The login's second step: the code after the password, the half-logged-in state, wrong,
replayed and recovery codes, bad input, lockout and throttling."""

import time

import pytest
from playhouse.test_utils import count_queries

from planner import create_app
from planner.accounts.models import RecoveryCode, User
from planner.audit.models import AuditEntry
from tests.accounts.second_factor_helpers import (
    STEP,
    code_now,
    enrolled_user,
    logged_in_user_id,
    post_password,
    wrong_code,
)

BAD_CODE = "验证码不正确或已使用"


@pytest.fixture
def enrolled(world):
    return enrolled_user("supervisor", agency=world.agency, workers=[world.worker])


def test_a_user_without_a_second_factor_logs_in_with_the_password_alone(client, world):
    response = post_password(client, world.supervisor)
    assert response.status_code == 303
    assert response.location.endswith("/dashboard")
    assert logged_in_user_id(client)


def test_the_password_alone_is_not_enough_with_a_second_factor(client, enrolled):
    user, secret, _ = enrolled
    response = post_password(client, user, next="/supervision")
    assert response.status_code == 303
    assert response.location.endswith(STEP)
    assert logged_in_user_id(client) is None
    page = client.get(STEP)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.get_data(as_text=True)

    response = client.post(STEP, data={"code": code_now(secret)})
    assert response.status_code == 303
    assert response.location.endswith("/supervision")  # the `next` is kept
    assert logged_in_user_id(client) == f"{user.id}:{user.session_version}"
    assert client.get("/dashboard").status_code == 200
    with client.session_transaction() as sess:
        assert "second_factor_pending" not in sess  # nothing half-done is left behind


@pytest.mark.parametrize(
    "url", ["/dashboard", "/account/second-factor", "/supervision", "/admin/users"]
)
def test_the_pending_state_opens_no_protected_page(client, enrolled, url):
    user, _, _ = enrolled
    post_password(client, user)
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.location
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
        assert set(sess) <= {"second_factor_pending", "locale", "_flashes", "_fresh"}
        assert sess["second_factor_pending"]["user"] == user.id


def test_the_pending_state_expires(client, enrolled):
    user, secret, _ = enrolled
    post_password(client, user)
    with client.session_transaction() as sess:
        sess["second_factor_pending"] = dict(sess["second_factor_pending"], until=time.time() - 1)
    response = client.post(STEP, data={"code": code_now(secret)})
    assert response.status_code == 303
    assert response.location.endswith("/login")
    assert logged_in_user_id(client) is None
    assert client.get(STEP).status_code == 303  # and it is gone


def test_without_a_password_the_second_step_sends_back_to_login(client, enrolled):
    _, secret, _ = enrolled
    response = client.post(STEP, data={"code": code_now(secret)})
    assert response.status_code == 303
    assert response.location.endswith("/login")


def test_a_wrong_code_is_refused(client, enrolled):
    user, secret, _ = enrolled
    post_password(client, user)
    response = client.post(STEP, data={"code": wrong_code(secret)})
    assert response.status_code == 401
    assert BAD_CODE in response.get_data(as_text=True)
    assert logged_in_user_id(client) is None
    assert User.get_by_id(user.id).totp_failures == 1


def test_a_replayed_code_is_refused(app, client, enrolled):
    user, secret, _ = enrolled
    code = code_now(secret)
    post_password(client, user)
    assert client.post(STEP, data={"code": code}).status_code == 303
    client.post("/logout")

    other = app.test_client()  # another device, the same 30 s
    post_password(other, user)
    response = other.post(STEP, data={"code": code})
    assert response.status_code == 401
    assert BAD_CODE in response.get_data(as_text=True)
    assert logged_in_user_id(other) is None


def test_an_older_code_is_refused_after_a_newer_one(client, enrolled):
    user, secret, _ = enrolled
    post_password(client, user)
    assert client.post(STEP, data={"code": code_now(secret, 1)}).status_code == 303
    client.post("/logout")
    post_password(client, user)
    assert client.post(STEP, data={"code": code_now(secret)}).status_code == 401


def test_a_recovery_code_works_once(app, client, enrolled):
    user, _, codes = enrolled
    post_password(client, user)
    response = client.post(STEP, data={"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 303
    assert logged_in_user_id(client)
    assert RecoveryCode.select().where(RecoveryCode.used_at.is_null()).count() == 9
    row = AuditEntry.get(AuditEntry.action == "second_factor_recovery_used")
    assert row.object_id == user.id and row.detail == f"user={user.id} remaining=9"
    assert codes[3].replace("-", "") not in row.detail

    other = app.test_client()
    post_password(other, user)
    response = other.post(STEP, data={"code": codes[3]})
    assert response.status_code == 401
    assert logged_in_user_id(other) is None


@pytest.mark.parametrize(
    "code,message",
    [
        ("", "此项为必填项。"),
        ("   ", "此项为必填项。"),
        ("abcdef", "请输入 6 位数字验证码"),
        ("1234567", "请输入 6 位数字验证码"),
        ("12345", "请输入 6 位数字验证码"),
        ("１２３４５６", "请输入 6 位数字验证码"),
        ("abcd-efgh-jkmo", "请输入 6 位数字验证码"),
        ("9" * 5000, "最多 40 个字。"),
    ],
)
def test_bad_input_gets_a_message_and_costs_nothing(client, enrolled, code, message):
    user, _, _ = enrolled
    post_password(client, user)
    response = client.post(STEP, data={"code": code})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert User.get_by_id(user.id).totp_failures == 0
    assert logged_in_user_id(client) is None


def test_wrong_codes_lock_the_account(app, client, enrolled):
    user, secret, _ = enrolled
    post_password(client, user)
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        assert client.post(STEP, data={"code": wrong_code(secret)}).status_code == 401
    assert User.get_by_id(user.id).locked_until is not None
    # Locked: neither the right code nor the password gets in any more.
    assert client.post(STEP, data={"code": code_now(secret)}).status_code == 401
    assert logged_in_user_id(client) is None
    assert post_password(app.test_client(), user).status_code == 401


def test_starting_over_with_the_password_does_not_reset_the_count(app, client, enrolled):
    """Re-entering the password between guesses buys no more guesses."""
    user, secret, _ = enrolled
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        post_password(client, user)
        client.post(STEP, data={"code": wrong_code(secret)})
    assert User.get_by_id(user.id).locked_until is not None


def test_second_step_posts_are_rate_limited(db_url, world):
    limited = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "3 per minute",
            "LOGIN_LOCK_AFTER": 100,
        }
    )
    user, secret, _ = enrolled_user("admin", agency=world.agency)
    client = limited.test_client()
    post_password(client, user)
    codes = [client.post(STEP, data={"code": wrong_code(secret)}).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert client.post(STEP, data={"code": code_now(secret)}).status_code == 429
    assert client.get(STEP).status_code == 200  # only POSTs are limited


def test_a_password_change_while_pending_sends_back_to_login(client, enrolled):
    user, secret, _ = enrolled
    post_password(client, user)
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
    response = client.post(STEP, data={"code": code_now(secret)})
    assert response.status_code == 303
    assert response.location.endswith("/login")
    assert logged_in_user_id(client) is None


def test_the_next_page_must_be_on_this_site(client, enrolled):
    user, secret, _ = enrolled
    post_password(client, user, next="//evil.example/x")
    response = client.post(STEP, data={"code": code_now(secret)})
    assert response.location.endswith("/dashboard")


def test_second_step_page_query_count(client, enrolled):
    user, _, _ = enrolled
    post_password(client, user)
    with count_queries() as counted:
        assert client.get(STEP).status_code == 200
    assert counted.count == 0  # the pending id is in the session; nothing is read


def test_two_logins_racing_with_one_code_let_one_in(enrolled):
    """Both requests loaded the user before either stored the step: the conditional
    update lets only one of them through."""
    from planner.accounts.second_factor import _accept_totp

    user, secret, _ = enrolled
    first, second = User.get_by_id(user.id), User.get_by_id(user.id)
    code = code_now(secret)
    assert _accept_totp(first, secret, code) is True
    assert _accept_totp(second, secret, code) is False
