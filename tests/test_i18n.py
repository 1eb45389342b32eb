"""Chinese by default, English on request, Chinese dates."""

import datetime as dt

import pytest
from flask import session

from planner.i18n import format_day, format_short, local_today, locale_code
from tests import factories
from tests.conftest import login_as

FRIDAY = dt.date(2026, 10, 9)


def test_login_page_is_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "登录" in html and "用户名" in html and "密码" in html
    assert 'value="en" lang="en">English</button>' in html


def test_browser_language_does_not_override_the_default(client):
    response = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html


def test_switch_to_english_and_back(client):
    response = client.post("/locale", data={"locale": "en", "next": "/login"})
    assert response.status_code == 303
    assert response.location == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert 'value="zh_CN" lang="zh-CN">中文</button>' in html

    client.post("/locale", data={"locale": "zh_CN", "next": "/login"})
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)


def test_unknown_locale_is_ignored(client):
    client.post("/locale", data={"locale": "fr"})
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)


def test_locale_switch_does_not_redirect_off_site(client):
    response = client.post("/locale", data={"locale": "en", "next": "https://evil.example/"})
    assert response.location == "/dashboard"


def test_the_choice_survives_login(client, world):
    client.post("/locale", data={"locale": "en"})
    client.post("/login", data={"username": world.worker.username, "password": factories.PASSWORD})
    html = client.get("/dashboard").get_data(as_text=True)
    assert world.worker.display_name in html
    assert '<html lang="en">' in html


def test_dashboard_shows_todays_date_in_chinese(client, world):
    login_as(client, world.worker)
    html = client.get("/dashboard").get_data(as_text=True)
    assert format_day_zh(local_today()) in html


def format_day_zh(day):
    return f"{day.year}年{day.month}月{day.day}日 星期{'一二三四五六日'[day.weekday()]}"


def test_format_day_in_chinese(app):
    with app.test_request_context():
        assert locale_code() == "zh_CN"
        assert format_day(FRIDAY) == "2026年10月9日 星期五"
        assert format_day(dt.date(2026, 10, 11)) == "2026年10月11日 星期日"
        assert format_day(dt.date(2027, 1, 4)) == "2027年1月4日 星期一"
        assert format_day(FRIDAY, with_weekday=False) == "2026年10月9日"
        assert format_short(FRIDAY) == "10月9日（周五）"
        assert format_day(None) == ""


def test_format_day_in_english(app):
    with app.test_request_context():
        session["locale"] = "en"
        assert locale_code() == "en"
        assert format_day(FRIDAY) == "Friday 9 October 2026"
        assert format_day(FRIDAY, with_weekday=False) == "9 October 2026"
        assert format_short(FRIDAY) == "Fri 9 Oct"


@pytest.mark.parametrize(
    "locale,expected", [("zh_CN", "2026年10月9日 星期五"), ("en", "Friday 9 October 2026")]
)
def test_day_filter_in_templates(app, locale, expected):
    with app.test_request_context():
        session["locale"] = locale
        assert app.jinja_env.from_string("{{ d|day }}").render(d=FRIDAY) == expected


def test_form_messages_are_chinese_by_default(client, world):
    """Validation messages go through Babel; zh_CN shows the Chinese text."""
    login_as(client, world.admin)
    html = client.post(
        f"/admin/rooms/new?school={world.school.id}", data={"name": "", "kind": "case_room"}
    ).get_data(as_text=True)
    assert "此项为必填项。" in html


def test_stored_utc_times_show_as_beijing_time():
    import datetime as dt

    from planner.i18n import from_local, local_time

    stored = from_local(dt.datetime(2026, 10, 22, 17, 10))
    assert stored == dt.datetime(2026, 10, 22, 9, 10)
    assert local_time(stored) == "2026-10-22 17:10"
    assert local_time(dt.datetime(2026, 12, 31, 20, 30), "%m-%d %H:%M") == "01-01 04:30"
    assert local_time(None) == ""
