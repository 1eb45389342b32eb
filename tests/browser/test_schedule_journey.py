"""Issue 4's journey at tablet size, as a new user would do it: plan 青春期教育 for two
classes on Tuesday period 7 from week 3 across National Day, read why a week was skipped,
resolve a room clash, move one lesson and undo it, and subscribe to the feed."""

import datetime as dt
import os
import re

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream
from playwright.sync_api import expect

from planner.calendars.services import import_statutory, load_years
from planner.curricula.content import load_library
from planner.curricula.services import import_library
from planner.demo import DEMO_PASSWORD, load_demo, plan_demo_programs
from planner.sessions.models import Program, Session
from tests.browser.conftest import log_in, nav_click

CONTENT = os.path.join(os.path.dirname(__file__), "..", "..", "content")


@pytest.fixture
def demo_term(live_app):
    """The demo agency on the 2026 autumn term, with the library, the calendar and the
    demo programs (which hold the 多功能室 on Tuesday period 7 from week 3)."""
    import_library(load_library(os.path.join(CONTENT, "curricula"))[0])
    import_statutory(load_years(os.path.join(CONTENT, "calendar")))
    load_demo(dt.date(2026, 11, 22))
    plan_demo_programs()


def plan_form(page):
    page.select_option("#f-curriculum", label="青春期教育（初中）（社工课堂 · 第 1 版）")
    page.check("label:has-text('7(3)班') input")
    page.check("label:has-text('7(4)班') input")
    page.fill("#f-title", "青春期教育 7(3)7(4)班")
    page.select_option("#f-room", label="多功能室")
    page.fill("#f-week", "3")
    page.select_option("#r0-weekday", "2")
    page.select_option("#r0-period", index=7)  # 第7节


@pytest.mark.usefixtures("before_term")  # the 2026 autumn term's lessons are still to come
def test_plan_move_undo_and_subscribe(live_server, demo_term, tablet):
    page = tablet
    log_in(page, live_server, "worker", DEMO_PASSWORD)
    page.click("#my-schools >> text=城东第一初级中学")  # the home page names it elsewhere too
    page.click("text=安排开展计划")
    plan_form(page)
    page.click("#preview-btn")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("10月6日（周二） 国庆节（节假日），跳过")
    expect(preview).to_contain_text("调休：按周二课表")
    expect(preview).to_contain_text("场地冲突")
    expect(preview).to_contain_text("学业与生涯规划（八年级）")
    page.click("#save-program")
    expect(page.locator("#program-form .error").first).to_have_text(
        "存在时间冲突，请先解决后再保存。"
    )
    assert Program.select().count() == 4  # nothing saved

    page.select_option("#f-room", label="小组工作室")
    page.click("#preview-btn")
    expect(page.locator("#preview")).not_to_contain_text("冲突")
    page.click("#save-program")
    expect(page.locator("h1")).to_have_text("青春期教育 7(3)7(4)班")
    program = Program.get(Program.title == "青春期教育 7(3)7(4)班")
    first = Session.get((Session.program == program.id) & (Session.seq == 1))

    page.locator("#s1 summary").click()  # the row's 操作 menu
    page.locator("#s1").get_by_text("调整").click()
    page.fill("#m-date", "2026-09-17")
    page.click("#move-save")
    expect(page.locator("#s1")).to_contain_text("2026年9月17日")
    moved = Session.get_by_id(first.id)
    assert moved.date == dt.date(2026, 9, 17) and moved.sequence == 1
    page.click("#undo")
    expect(page.locator("#s1")).to_contain_text("2026年9月15日")
    assert Session.get_by_id(first.id).sequence == 2

    # subscribe: make a worker feed and fetch it as a phone's calendar would
    nav_click(page, "日历订阅")
    page.select_option("#f-target", label="李社工")
    page.fill("#f-label", "我的 iPad")
    page.check("text=同时显示节假日和调休上课日")
    page.click("text=生成订阅链接")
    expect(page.locator("#new-feed a.btn-primary")).to_have_attribute(
        "href", re.compile(r"^webcal://")
    )
    url = page.locator("#feed-url").input_value()
    body = page.request.get(url).body()
    strict = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))  # the independent parser
    parsed = icalendar.Calendar.from_ical(body)
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    mine = [e for e in events.values() if "7(3)7(4)" in str(e["SUMMARY"])]
    assert len(mine) == 7 and len(strict.events) >= 7  # puberty-junior has seven lessons
    first_event = [e for e in mine if "第1节" in str(e["SUMMARY"])][0]
    assert first_event["SEQUENCE"] == 2  # moved (1) and moved back (2): same UID, newer version
    assert first_event.decoded("DTSTART").date() == dt.date(2026, 9, 15)
    assert any("国庆" in str(e["SUMMARY"]) for e in events.values())  # holidays were asked for
    nav_click(page, "日程")
    expect(page.locator("#week")).to_be_visible()
