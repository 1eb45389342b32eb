"""Issue 14, Polish, at tablet size: the navigation is one line with a 更多 menu for the
rest, and a program's session rows put their actions in a row menu, the cancel reason in a
dialog that asks for confirmation."""

import re

import pytest
from playwright.sync_api import expect

from planner.demo import DEMO_PASSWORD
from planner.sessions.models import Program, ScheduleChange, Session
from tests.browser.conftest import TABLET, log_in, touch_box
from tests.browser.test_schedule_journey import demo_term  # noqa: F401  (a fixture)

ROLES = ("admin", "supervisor", "worker", "teacher")  # the admin has the most links
WIDTHS = (768, 820, 1024, 1180)
ONE_LINE = 70  # px: one 44 px row of links with the header's padding; two rows are ~100


BAR_END = """() => ({
  nav: document.querySelector('nav.nav').getBoundingClientRect().right,
  links: Math.max(...[...document.querySelectorAll('nav.nav > a, nav.nav > details:not([hidden])')]
    .map(e => e.getBoundingClientRect().right)),
})"""


def nav_height(page):
    return page.evaluate("document.querySelector('header.topbar').getBoundingClientRect().height")


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_is_one_line_on_a_tablet_with_the_rest_in_a_menu(
    live_server, demo, tablet, role
):
    page, base = tablet, live_server
    log_in(page, base, role, DEMO_PASSWORD)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1180})
        page.goto(f"{base}/dashboard")
        page.wait_for_load_state("load")
        assert nav_height(page) < ONE_LINE, (role, width, nav_height(page))
        bar_end = page.evaluate(BAR_END)
        assert bar_end["links"] <= bar_end["nav"], (role, width, bar_end)  # nothing overlaps
        # everything in the bar is on screen and a full touch target
        for link in page.locator("nav.nav > a, nav.nav summary:visible").all():
            box = touch_box(link)
            assert box["height"] >= 44 and box["x"] + box["width"] <= width, (role, width)
    page.set_viewport_size(TABLET)
    page.goto(f"{base}/dashboard")
    more = page.locator("nav.nav details.nav-more")
    if role == "teacher":  # three links, all in the bar: no menu
        expect(more).to_be_hidden()
        expect(page.locator("nav.nav > a")).to_have_text(["工作台", "日程", "日历订阅"])
        return
    menu = more.locator(".nav-menu a")
    expect(menu.first).to_be_hidden()
    more.locator("summary").click()  # a tap opens it; nothing needs hover
    for link in menu.all():
        box = touch_box(link)
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 820
    # the page behind is still there: a tap outside, or Escape, closes the menu
    page.locator("main").click(position={"x": 5, "y": 5})
    expect(menu.first).to_be_hidden()


def test_the_menu_works_from_the_keyboard_and_leads_somewhere(live_server, demo, tablet):
    page, base = tablet, live_server
    log_in(page, base, "supervisor", DEMO_PASSWORD)
    summary = page.locator("nav.nav summary")
    summary.focus()
    page.keyboard.press("Enter")
    link = page.locator("nav.nav .nav-menu a", has_text="数据请求审批")
    expect(link).to_be_visible()
    page.keyboard.press("Escape")  # closes, and the focus goes back to 更多
    expect(link).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # into the menu
    assert page.evaluate("!!document.activeElement.closest('.nav-menu')")
    link.click()
    expect(page).to_have_url(f"{base}/requests")
    expect(page.locator(".nav-menu a[aria-current=page]")).to_have_text("数据请求审批")


def test_links_that_do_not_fit_move_under_more_and_come_back(live_server, demo, tablet):
    """English words are longer: at 768 px the bar's last links move to the top of 更多
    (Chinese fits), in their order, and come back in order on a desktop."""
    page, base = tablet, live_server
    log_in(page, base, "admin", DEMO_PASSWORD)
    page.click("form.lang button")  # English
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"{base}/dashboard")
    page.wait_for_load_state("load")
    assert nav_height(page) < ONE_LINE
    bar_end = page.evaluate(BAR_END)
    assert bar_end["links"] <= bar_end["nav"], bar_end
    moved = page.locator(".nav-menu a[data-moved]")
    narrow = moved.count()
    assert narrow >= 1
    expect(page.locator(".nav-menu a").first).to_have_attribute("data-moved", "1")
    bar = page.locator("nav.nav > a").all_text_contents()
    page.set_viewport_size({"width": 1600, "height": 900})
    expect(moved).not_to_have_count(narrow)  # some came back, after the ones still there
    wide = page.locator("nav.nav > a").all_text_contents()
    assert len(wide) > len(bar) and wide[: len(bar)] == bar
    assert nav_height(page) < ONE_LINE


def row_actions(row):
    """What a row shows without opening anything: its visible buttons, links and fields."""
    return row.locator("a, button, summary, input, textarea").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.textContent.trim())"
    )


def cancelled(session):
    return Session.get_by_id(session.id).status == "cancelled"


@pytest.mark.usefixtures("before_term", "demo_term")  # the 2026 autumn term, still to come
def test_a_session_row_keeps_its_actions_in_a_menu_and_asks_before_cancelling(live_server, tablet):
    page, base = tablet, live_server
    log_in(page, base, "worker", DEMO_PASSWORD)
    program = Program.get(Program.title == "新生适应小组")
    second, third = list(
        Session.select().where(Session.program == program.id).order_by(Session.seq)
    )[1:3]
    page.goto(f"{base}/programs/{program.id}")
    row = page.locator("#s2")
    # one button to run the session and one to open the rest: no reason box in the row
    assert [re.sub(r"：.*", "", t) for t in row_actions(row)] == ["进入活动", "操作"]
    row.locator("summary").click()
    items = row.locator(".menu-panel a, .menu-panel button")
    expect(items).to_have_text(["反思", "调整", "本节及之后顺延", "取消本节…"])
    for item in items.all():
        box = touch_box(item)
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 820

    # 取消本节… asks in a dialog; 返回 leaves the session as it was
    row.get_by_text("取消本节…").click()
    dialog = page.locator("#cancel-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("第 2 节")
    expect(page.locator("#cancel-reason")).to_be_focused()
    expect(row.locator(".menu-panel")).to_be_hidden()  # the row menu closed behind it
    dialog.get_by_text("返回，不取消").click()
    expect(dialog).to_be_hidden()
    assert not cancelled(second)

    # no reason: refused with the question asked again; then confirmed with one
    row.locator("summary").click()
    row.get_by_text("取消本节…").click()
    dialog.locator("#cancel-confirm").click()
    expect(page.locator("#e-reason")).to_have_text("此项为必填项。")
    assert not cancelled(second)
    page.fill("#cancel-reason", "学校运动会")
    page.click("#cancel-confirm")
    expect(page.locator("#s2")).to_contain_text("已取消")
    expect(page.locator("#s2")).to_contain_text("（学校运动会）")
    assert cancelled(second)
    assert row_actions(page.locator("#s2")) == []  # nothing left to do with it

    # the dialog asks about the row it was opened from
    page.locator("#s3 summary").click()
    page.locator("#s3").get_by_text("取消本节…").click()
    expect(dialog).to_contain_text("第 3 节")
    page.fill("#cancel-reason", "期中考试")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # 确认取消本节, from the keyboard
    expect(page.locator("#s3")).to_contain_text("（期中考试）")
    assert cancelled(third)
    expect(page.locator("#undo")).to_contain_text("撤销：取消第 3 节：期中考试")
    assert ScheduleChange.select().where(ScheduleChange.program == program.id).count() == 2


@pytest.mark.usefixtures("before_term", "demo_term")
def test_without_javascript_the_row_menu_and_the_cancel_page_still_work(live_server, browser):
    context = browser.new_context(viewport=TABLET, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "worker", DEMO_PASSWORD)
        program = Program.get(Program.title == "新生适应小组")
        page.goto(f"{live_server}/programs/{program.id}")
        page.locator("#s4 summary").click()  # a <details>: opens with no script
        page.locator("#s4").get_by_text("取消本节…").click()
        expect(page).to_have_url(re.compile(r"/sessions/\d+/cancel$"))
        expect(page.locator("h1")).to_contain_text("取消第 4 节？")
        page.fill("#cancel-reason", "学校停电")
        page.click("#cancel-confirm")
        expect(page.locator("#s4")).to_contain_text("（学校停电）")
    finally:
        context.close()
