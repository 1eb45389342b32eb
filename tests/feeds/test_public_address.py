"""Absolute links (feed URLs, their QR codes, the links inside a feed) come from the
configured public address, never from a request's Host header; a production app refuses
to start with neither PLANNER_BASE_URL nor PLANNER_TRUSTED_HOSTS."""

import re

import pytest
import segno

from planner import create_app
from tests.conftest import login_as
from tests.feeds.factories import world_program

PUBLIC = "https://planner.example.edu.cn"
FORGED = {"HTTP_HOST": "evil.example"}  # the Host header as the app reads it
QR = re.compile(r'<img src="(data:image/svg\+xml;[^"]+)"')


@pytest.fixture
def bare_env(monkeypatch):
    """No address settings in the environment, no debug flag."""
    for name in ("PLANNER_BASE_URL", "PLANNER_TRUSTED_HOSTS", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def production_app(db_url, **config):
    return create_app(
        dict(
            {"DATABASE_URL": db_url, "SECRET_KEY": "t", "RATELIMIT_ENABLED": False},
            WTF_CSRF_ENABLED=False,
            **config,
        )
    )


def test_production_refuses_to_start_without_an_address(app, db_url, bare_env):
    with pytest.raises(RuntimeError, match="PLANNER_BASE_URL"):
        production_app(db_url)


@pytest.mark.parametrize(
    "bad", ["planner.example.edu.cn", "ftp://planner.example.edu.cn", "https://"]
)
def test_a_base_url_that_is_not_an_http_address_is_refused(app, db_url, bare_env, bad):
    with pytest.raises(RuntimeError, match="PLANNER_BASE_URL"):
        production_app(db_url, PUBLIC_BASE_URL=bad)


def test_debug_and_tests_start_without_an_address(app, db_url, bare_env):
    assert production_app(db_url, DEBUG=True).debug
    assert production_app(db_url, TESTING=True).testing


def test_a_flask_command_starts_without_an_address(app, db_url, bare_env, monkeypatch):
    """`flask planner content check` and the like serve no request; gunicorn still refuses."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    assert production_app(db_url).config["PUBLIC_BASE_URL"] == ""
    monkeypatch.delenv("FLASK_RUN_FROM_CLI")
    with pytest.raises(RuntimeError, match="PLANNER_BASE_URL"):
        production_app(db_url)


def test_the_environment_sets_the_address(app, db_url, bare_env, monkeypatch):
    monkeypatch.setenv("PLANNER_BASE_URL", PUBLIC + "/")
    assert production_app(db_url).config["PUBLIC_BASE_URL"] == PUBLIC


def signed_in(app, user, host):
    """A logged-in client whose session cookie is also sent to the host it will claim."""
    client = login_as(app.test_client(), user)
    cookie = client.get_cookie("planner_session")
    client.set_cookie("planner_session", cookie.value, domain=host["HTTP_HOST"])
    return client


def new_link_page(app, world, host):
    client = signed_in(app, world.worker, host)
    response = client.post(
        "/calendar/subscriptions",
        data={"target": f"worker:{world.worker.id}", "days": "1"},
        environ_overrides=host,
    )
    assert response.status_code == 201
    return response.get_data(as_text=True)


def test_a_forged_host_does_not_reach_the_feed_link_its_qr_code_or_the_feed(
    app, db_url, world, bare_env
):
    world_program(world)
    served = production_app(db_url, PUBLIC_BASE_URL=PUBLIC)
    html = new_link_page(served, world, FORGED)
    assert "evil.example" not in html
    raw = re.search(r"/feeds/([A-Za-z0-9_-]+)\.ics", html).group(1)
    webcal = f"webcal://planner.example.edu.cn/feeds/{raw}.ics?days=1"
    assert f'value="{PUBLIC}/feeds/{raw}.ics?days=1"' in html
    assert f'href="{webcal}"' in html
    # the QR code encodes the configured address (the same picture, drawn the same way)
    expected = segno.make(webcal, error="m").svg_data_uri(scale=5, border=2, dark="#1d2733")
    assert QR.search(html).group(1) == expected

    feed = served.test_client().get(f"/feeds/{raw}.ics", environ_overrides=FORGED)
    assert feed.status_code == 200
    body = feed.get_data(as_text=True)
    assert "evil.example" not in body
    assert f"{PUBLIC}/programs/" in body


def test_trusted_hosts_refuse_a_forged_host(app, db_url, world, bare_env, monkeypatch):
    monkeypatch.setenv("PLANNER_TRUSTED_HOSTS", "planner.example.edu.cn, localhost")
    served = production_app(db_url)
    client = signed_in(served, world.worker, FORGED)
    forged = client.post(
        "/calendar/subscriptions",
        data={"target": f"worker:{world.worker.id}"},
        environ_overrides=FORGED,
    )
    assert forged.status_code == 400
    html = new_link_page(served, world, {"HTTP_HOST": "planner.example.edu.cn"})
    assert "http://planner.example.edu.cn/feeds/" in html
