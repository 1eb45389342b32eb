"""Beijing time everywhere: "today", "now" and displayed timestamps come from one clock in
planner/i18n.py, read as Asia/Shanghai. A server on UTC is still on yesterday until 08:00
Beijing time, so every page is tried at 01:30 Beijing."""

import datetime as dt
import pathlib
import re

import pytest

from planner import i18n
from tests.conftest import login_as
from tests.runs.factories import run_session

# Monday 2026-12-07 01:30 in Beijing is Sunday 2026-12-06 17:30 on a UTC server
UTC_NOW = dt.datetime(2026, 12, 6, 17, 30, tzinfo=dt.timezone.utc)
BEIJING_DAY = dt.date(2026, 12, 7)
NAIVE_CLOCKS = re.compile(r"date\.today\(\)|datetime\.now\(\s*\)|utcnow\(|datetime\.today\(\)")


@pytest.fixture
def small_hours(monkeypatch):
    monkeypatch.setattr(i18n, "utc_clock", lambda: UTC_NOW)


def test_the_one_clock_reads_beijing_time(small_hours):
    assert i18n.local_today() == BEIJING_DAY
    assert i18n.local_now() == dt.datetime(2026, 12, 7, 1, 30)
    assert i18n.local_date(dt.datetime(2026, 12, 6, 17, 30)) == BEIJING_DAY
    assert i18n.local_time(dt.datetime(2026, 12, 6, 17, 30)) == "2026-12-07 01:30"


def test_no_module_reads_the_servers_clock():
    root = pathlib.Path(__file__).resolve().parent.parent / "planner"
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if NAIVE_CLOCKS.search(line)
    ]
    assert offenders == []


def test_the_dashboard_says_beijings_day(client, world, small_hours):
    html = login_as(client, world.worker).get("/dashboard").get_data(as_text=True)
    today = re.search(r'<p class="today">(.*?)</p>', html, re.S).group(1)
    assert "2026年12月7日 星期一" in today


def test_run_today_opens_the_session_of_beijings_day(client, world, small_hours):
    session = run_session(world, day=BEIJING_DAY)
    run_session(world, day=BEIJING_DAY - dt.timedelta(days=1))
    response = login_as(client, world.worker).get("/run/today")
    assert response.status_code == 302
    assert response.location.endswith(f"/sessions/{session.id}/run")


def test_the_large_today_page_lists_beijings_sessions(client, world, small_hours):
    run_session(world, day=BEIJING_DAY)
    html = login_as(client, world.worker).get("/today").get_data(as_text=True)
    assert html.count("session-tile") == 1


def test_the_week_view_opens_on_beijings_week(client, world, small_hours):
    html = login_as(client, world.worker).get("/calendar/week").get_data(as_text=True)
    # Beijing's Monday opens its own week, not the UTC Sunday's
    assert "12月7日" in html and "12月13日" in html
    assert "11月30日" not in html
