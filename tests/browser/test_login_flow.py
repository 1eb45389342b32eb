"""A new user at tablet size: log in, see the Chinese dashboard, log out, press back."""

from playwright.sync_api import expect

from planner.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in


def test_worker_logs_in_and_out_at_tablet_size(live_server, demo, tablet):
    page = tablet
    page.goto(live_server)
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("登录")
    log_in(page, live_server, "worker", DEMO_PASSWORD)
    expect(page.locator("h1")).to_contain_text("您好，李社工")
    expect(page.locator(".today")).to_contain_text("年")
    expect(page.locator(".today")).to_contain_text("星期")
    expect(page.get_by_text("城东第一初级中学")).to_be_visible()
    # every tappable thing on the page is at least 44 px high
    for box in page.locator("a.btn, button, .nav a, a.tile").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
    ):
        assert box >= 44
    page.click("button:has-text('退出登录')")
    expect(page).to_have_url(f"{live_server}/login")
    page.go_back()
    page.wait_for_load_state()
    assert "李社工" not in page.content()
    expect(page).to_have_url(f"{live_server}/login?next=%2Fdashboard")


def test_wrong_password_shows_a_chinese_message(live_server, demo, tablet):
    page = tablet
    page.goto(f"{live_server}/login")
    page.fill("#username", "worker")
    page.fill("#password", "wrong-password")
    page.click("button[type=submit]:has-text('登录')")
    expect(page.locator(".error")).to_contain_text("用户名或密码不正确")
