"""Issue 3's journey as a new user would do it, at tablet size: find 青春期教育（初中）,
fork it, fit it to a 40-minute period, and publish it."""

import os
import re

import pytest
from playwright.sync_api import expect

from planner.curricula.content import load_library
from planner.curricula.models import Curriculum
from planner.curricula.services import import_library
from planner.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, nav_click

LIBRARY = os.path.join(os.path.dirname(__file__), "..", "..", "content", "curricula")


@pytest.fixture
def shipped(demo):
    items, problems = load_library(LIBRARY)
    assert problems == []
    import_library(items)


def test_fork_shorten_to_40_minutes_and_publish(live_server, shipped, tablet):
    page = tablet
    log_in(page, live_server, "worker", DEMO_PASSWORD)
    nav_click(page, "课程资料库")
    expect(page.locator("h1")).to_have_text("课程资料库")
    page.fill("#q", "青春期教育")
    page.select_option("#grade", "7")
    expect(page.locator(".curriculum-card")).to_have_count(1)  # htmx updated the results
    page.click(".curriculum-card >> text=青春期教育（初中）")
    expect(page.locator("h1")).to_have_text("青春期教育（初中）")
    page.click("button:has-text('复制并改编')")
    expect(page.locator("h1")).to_have_text("编辑课程方案")

    page.fill("#f-period", "40")
    # wait for the save itself: the field shows 40 as soon as it is typed, and a reload
    # before the htmx post has been answered would show the old period (a flaky race)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/edit")
    ) as saved:
        page.click("button:has-text('保存方案信息')")
    assert saved.value.status == 200
    expect(page.locator("#f-period")).to_have_value("40")
    page.reload()
    sessions = page.locator(".session-row")
    count = sessions.count()
    assert count == 7  # puberty-junior has seven lessons
    expect(page.locator(".session-row .timing.over")).to_have_count(count)

    for n in range(count):
        page.locator(".session-row").nth(n).locator("text=编辑本节").click()
        minutes = page.locator(".minutes-input")
        # the click navigates: read the new page once it is whole and its script listens
        # (read while it is still parsing, the rows and the bar's total come out short)
        expect(page.locator("#save-session")).to_be_visible()
        page.wait_for_load_state("load")
        values = [int(v) for v in minutes.evaluate_all("els => els.map(e => e.value)")]
        longest = values.index(max(values))
        minutes.nth(longest).fill(str(values[longest] - (sum(values) - 40)))
        expect(page.locator(".timing-total")).to_have_text("40")  # the bar follows the typing
        expect(page.locator(".timing-over")).to_be_hidden()
        page.click("#save-session")
        expect(page.locator("#session-form .ok")).to_contain_text("已保存")
        page.click("text=返回方案编辑")

    expect(page.locator(".session-row .timing.over")).to_have_count(0)
    page.click("#publish")
    expect(page.locator(".badge.published")).to_have_text("已发布")
    expect(page.locator("#compliance")).to_contain_text("计划内容完整")
    fork = Curriculum.get(Curriculum.status == "published", Curriculum.forked_from.is_null(False))
    assert fork.period_minutes == 40 and re.match(r"puberty-junior-", fork.slug)
