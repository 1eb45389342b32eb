"""Real Chromium (Debian's, driven by Playwright) against the app served on 127.0.0.1."""

import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from planner import ROOT, create_app
from planner.calendars.services import import_statutory, load_years
from planner.curricula.content import load_library
from planner.curricula.services import import_library
from planner.db import database
from planner.demo import load_demo, load_demo_group, plan_demo_programs
from planner.demo_finished import TITLE, load_demo_headcounts, load_finished_group
from planner.demo_pyramid import load_demo_screening
from planner.evaluation.services import import_instruments, load_instruments
from planner.sessions.models import Program
from tests.conftest import reset_database
from tests.live import serve

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TABLET = {"width": 820, "height": 1180}  # iPad Air, portrait
CONTENT = os.path.join(ROOT, "content")


@pytest.fixture
def live_app(db_url, instance_dir):
    """The app as in production (CSRF on), on the test database."""
    app = create_app(
        {"DATABASE_URL": db_url, "SECRET_KEY": "browser-test", "RATELIMIT_ENABLED": False}
    )
    app.instance_path = instance_dir
    yield app
    reset_database()  # the server has stopped (live_server ends first)


@pytest.fixture
def live_server(live_app):
    """Serve the app in a thread; yields its base URL."""
    with serve(live_app) as url:
        live_app.config["PUBLIC_BASE_URL"] = url  # feed links and QR codes point here
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def tablet(browser):
    """A fresh browser context at iPad size, Chinese locale."""
    context = browser.new_context(viewport=TABLET, locale="zh-CN", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def demo(live_app):
    """The demo agency, loaded through the same code as `flask planner demo`."""
    with live_app.app_context():
        database.connect(reuse_if_open=True)
        logins = load_demo()
    return logins


@pytest.fixture
def demo_all(live_app):
    """Everything `make run` loads: library, calendar, instruments and the whole demo."""
    with live_app.app_context():
        database.connect(reuse_if_open=True)
        import_library(load_library(os.path.join(CONTENT, "curricula"))[0])
        import_statutory(load_years(os.path.join(CONTENT, "calendar")))
        import_instruments(load_instruments(os.path.join(CONTENT, "instruments"))[0])
        load_demo()
        plan_demo_programs()
        load_demo_group()
        load_finished_group()
        load_demo_headcounts()
        load_demo_screening()
    return Program.get(Program.title == TITLE)


def log_in(page, base, username, password):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")  # not the header's 退出登录
    page.wait_for_url(f"{base}/dashboard")


def touch_box(locator):
    """The element's box once its page has loaded: measured while a stylesheet is still on
    its way, a button has its unstyled height (25 px instead of the 44 px the CSS gives it)."""
    locator.page.wait_for_load_state("load")
    expect(locator).to_be_visible()
    return locator.bounding_box()


def nav_click(page, label):
    """Follow a main navigation link as a user does: in the bar, or under 更多 (opened
    first with a tap)."""
    link = page.locator("nav.nav a", has_text=re.compile(f"^{re.escape(label)}$"))
    page.wait_for_load_state("load")  # the bar is fitted to the screen once styled
    if not link.is_visible():
        page.locator("nav.nav summary").click()
    link.click()
