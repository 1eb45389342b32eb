"""Login, lockout, throttling, session rotation, logout, timeouts, redirects and CSRF."""

import re
import time
from urllib.parse import urljoin, urlsplit

import pytest

from planner import create_app
from planner.accounts.models import User
from tests import factories

BAD_LOGIN = "用户名或密码不正确，或账号已被暂时锁定，请稍后再试。"
COOKIE = "planner_session"


@pytest.fixture
def worker(world):
    return world.worker


def post_login(client, username, password=factories.PASSWORD, next=None, **kw):
    url = "/login" if next is None else "/login?" + next
    return client.post(url, data={"username": username, "password": password}, **kw)


def is_logged_in(client):
    response = client.get("/dashboard")
    if response.status_code == 302:
        assert "/login" in response.location
        return False
    assert response.status_code == 200
    return True


def csrf_token_of(html):
    """The token htmx sends: read from <body hx-headers>."""
    match = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html)
    assert match, "no hx-headers CSRF token on the page"
    return match.group(1)


def test_login_with_the_right_password(client, worker):
    response = post_login(client, worker.username)
    assert response.status_code == 303
    assert response.location.endswith("/dashboard")
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert worker.display_name in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "username,password",
    [
        ("worker_here", "wrong-password-123"),
        ("nobody_here", factories.PASSWORD),
        ("nobody_here", "wrong-password-123"),
    ],
)
def test_bad_credentials_get_one_generic_message(client, world, username, password):
    response = post_login(client, username, password)
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert BAD_LOGIN in html
    assert 'value="%s"' % username in html  # the username is kept for a retry
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    assert not is_logged_in(client)


def test_empty_fields_are_required(client, world):
    response = client.post("/login", data={"username": " ", "password": ""})
    assert response.status_code == 401
    assert response.get_data(as_text=True).count("此项为必填项。") == 2


def test_wrong_passwords_lock_the_account(app, client, worker):
    lock_after = app.config["LOGIN_LOCK_AFTER"]
    for _ in range(lock_after):
        assert post_login(client, worker.username, "wrong-password-123").status_code == 401
    assert User.get_by_id(worker.id).locked_until is not None
    response = post_login(client, worker.username)  # the right password, too late
    assert response.status_code == 401
    assert BAD_LOGIN in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_the_lock_expires(app, client, worker):
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        post_login(client, worker.username, "wrong-password-123")
    locked_until = User.get_by_id(worker.id).locked_until
    User.update(locked_until=locked_until.replace(year=locked_until.year - 1)).where(
        User.id == worker.id
    ).execute()
    assert post_login(client, worker.username).status_code == 303
    stored = User.get_by_id(worker.id)
    assert (stored.failed_logins, stored.locked_until) == (0, None)


def test_a_good_login_resets_the_failure_count(app, client, worker):
    below = app.config["LOGIN_LOCK_AFTER"] - 1
    for _ in range(below):
        post_login(client, worker.username, "wrong-password-123")
    assert User.get_by_id(worker.id).failed_logins == below
    assert post_login(client, worker.username).status_code == 303
    assert User.get_by_id(worker.id).failed_logins == 0


def test_login_posts_are_rate_limited(app, db_url, world):
    limited = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "3 per minute",
        }
    )
    client = limited.test_client()
    codes = [post_login(client, "nobody_here", "wrong-password-123").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert "尝试次数过多" in post_login(client, world.worker.username).get_data(as_text=True)
    assert client.get("/login").status_code == 200  # only POSTs are limited


def test_session_is_rotated_at_login(client, worker):
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "from-the-anonymous-session"
        sess["locale"] = "en"
    assert post_login(client, worker.username).status_code == 303
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == f"{worker.id}:{worker.session_version}"
        assert sess["locale"] == "en"  # the chosen language is kept on purpose
        assert sess["login_at"] <= time.time()


def test_logout_ends_the_session_on_the_server(app, client, worker):
    post_login(client, worker.username)
    stolen = client.get_cookie(COOKIE).value
    replay = app.test_client()
    replay.set_cookie(COOKIE, stolen)
    assert is_logged_in(replay)  # the copy works while the session is live

    response = client.post("/logout")
    assert response.status_code == 303
    assert response.location.endswith("/login")
    assert not is_logged_in(client)

    replay = app.test_client()
    replay.set_cookie(COOKIE, stolen)
    response = replay.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.location


def test_logout_is_post_only(client, worker):
    post_login(client, worker.username)
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)


def test_idle_timeout(app, client, worker):
    post_login(client, worker.username)
    with client.session_transaction() as sess:
        sess["last_seen"] = time.time() - app.config["SESSION_IDLE_SECONDS"] - 5
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.location
    assert "由于长时间未操作" in client.get("/login").get_data(as_text=True)
    assert not is_logged_in(client)


def test_activity_keeps_the_session_alive(app, client, worker):
    post_login(client, worker.username)
    almost = time.time() - app.config["SESSION_IDLE_SECONDS"] + 60
    with client.session_transaction() as sess:
        sess["last_seen"] = almost
    assert is_logged_in(client)
    with client.session_transaction() as sess:
        assert sess["last_seen"] > almost + 30


def test_absolute_timeout(app, client, worker):
    post_login(client, worker.username)
    with client.session_transaction() as sess:
        sess["login_at"] = time.time() - app.config["SESSION_ABSOLUTE_SECONDS"] - 5
        sess["last_seen"] = time.time()
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.location
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "https://evil.example/dashboard",
        "/\\evil.example",
        "\\\\evil.example",
        "/%09/evil.example",
        "javascript:alert(1)",
        "http://localhost.evil.example/x",
    ],
)
def test_no_open_redirect_after_login(client, worker, target):
    response = post_login(client, worker.username, next="next=" + target)
    assert response.status_code == 303
    # Resolve the Location as a browser would (it reads a backslash as a slash).
    resolved = urlsplit(urljoin("http://localhost/login", response.location.replace("\\", "/")))
    assert (resolved.scheme, resolved.netloc) == ("http", "localhost"), response.location


def test_login_returns_to_the_page_asked_for(client, world):
    response = post_login(client, world.worker.username, next=f"next=/schools/{world.school.id}")
    assert response.location == f"/schools/{world.school.id}"


def test_login_returns_to_the_page_that_needed_it(client, world):
    """Flask-Login's redirect passes an absolute URL of this site; it must still work."""
    asked = client.get(f"/schools/{world.school.id}?tab=rooms")
    assert asked.status_code == 302
    login_url = asked.location
    response = client.post(
        login_url, data={"username": world.worker.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 303
    assert response.location == f"/schools/{world.school.id}?tab=rooms"


@pytest.fixture
def csrf_app(app, db_url):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
        }
    )


def test_csrf_is_required_on_post(csrf_app, world):
    client = csrf_app.test_client()
    client.get("/login")
    response = post_login(client, world.worker.username)
    assert response.status_code == 400
    assert "请求无效" in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_csrf_token_as_htmx_header(csrf_app, world):
    client = csrf_app.test_client()
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    response = post_login(
        client, world.worker.username, headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    assert response.status_code == 303
    assert is_logged_in(client)


def test_csrf_token_as_form_field(csrf_app, world):
    client = csrf_app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(
        "/login",
        data={
            "username": world.worker.username,
            "password": factories.PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 303


def test_stale_csrf_token_is_refused(csrf_app, world):
    """The login rotates the session, so a token from before it is stale."""
    client = csrf_app.test_client()
    before = csrf_token_of(client.get("/login").get_data(as_text=True))
    post_login(client, world.worker.username, headers={"X-CSRFToken": before})
    assert client.post("/logout", headers={"X-CSRFToken": before}).status_code == 400
    assert is_logged_in(client)
    current = csrf_token_of(client.get("/dashboard").get_data(as_text=True))
    assert client.post("/logout", headers={"X-CSRFToken": current}).status_code == 303
    assert not is_logged_in(client)


def test_csrf_token_from_another_session_is_refused(csrf_app, world):
    other = csrf_app.test_client()
    foreign = csrf_token_of(other.get("/login").get_data(as_text=True))
    client = csrf_app.test_client()
    client.get("/login")
    response = post_login(client, world.worker.username, headers={"X-CSRFToken": foreign})
    assert response.status_code == 400


class CountingHasher:
    """Wraps the argon2 hasher and counts the expensive calls."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def hash(self, password):
        self.calls += 1
        return self.real.hash(password)

    def verify(self, hashed, password):
        self.calls += 1
        return self.real.verify(hashed, password)


def test_every_failed_login_costs_one_password_hash(app, worker, monkeypatch):
    """Unknown, wrong and locked accounts take the same work, so timing reveals nothing."""
    from planner.accounts import services

    counting = CountingHasher(services.hasher)
    monkeypatch.setattr(services, "hasher", counting)
    lock_after, lock_seconds = app.config["LOGIN_LOCK_AFTER"], app.config["LOGIN_LOCK_SECONDS"]

    def cost(username, password):
        counting.calls = 0
        assert services.authenticate(username, password, lock_after, lock_seconds) is None
        return counting.calls

    assert cost("nobody_here", "whatever-password") == 1
    assert cost(worker.username, "wrong-password-123") == 1
    for _ in range(lock_after):
        cost(worker.username, "wrong-password-123")
    assert User.get_by_id(worker.id).locked_until is not None
    assert cost(worker.username, factories.PASSWORD) == 1  # locked
    User.update(active=False, locked_until=None).where(User.id == worker.id).execute()
    assert cost(worker.username, factories.PASSWORD) == 1  # deactivated
