"""Programs a worker manages, at tablet size (820×1180) as a new user would: open 开展计划
from the navigation, open the new-student group, change its room, read the preview, save,
and see the program page with the new room on every session ahead."""

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from planner.calendars.services import import_statutory, load_years
from planner.curricula.content import load_library
from planner.curricula.services import import_library
from planner.demo import DEMO_PASSWORD, load_demo, plan_demo_programs
from planner.sessions.models import Program, Session
from tests.browser.conftest import log_in, touch_box

CONTENT = os.path.join(os.path.dirname(__file__), "..", "..", "content")
GROUP = "新生适应小组·“你好，初中”新生适应小组"


@pytest.fixture
def demo_term(live_app, before_term, monkeypatch):
    """The demo agency on the 2026 autumn term with its programs; the list's and the
    edit's "today" before the term, as the held rule's (before_term)."""
    import_library(load_library(os.path.join(CONTENT, "curricula"))[0])
    import_statutory(load_years(os.path.join(CONTENT, "calendar")))
    load_demo(dt.date(2026, 11, 22))
    plan_demo_programs()
    monkeypatch.setattr("planner.sessions.manage_views.local_today", lambda: before_term)
    monkeypatch.setattr(
        "planner.sessions.manage_views.local_now",
        lambda: dt.datetime.combine(before_term, dt.time(8)),
    )


def test_the_worker_edits_a_programs_room(live_server, demo_term, tablet):
    page = tablet
    assert page.viewport_size == {"width": 820, "height": 1180}
    log_in(page, live_server, "worker", DEMO_PASSWORD)
    page.get_by_role("link", name="开展计划").first.click()
    table = page.locator("#programs")
    expect(table).to_contain_text(GROUP)
    expect(table).to_contain_text("0/")
    link = table.get_by_role("link", name=GROUP)
    assert touch_box(link)["height"] >= 44
    link.click()
    expect(page.locator("h1")).to_have_text(GROUP)
    page.click("#edit-program")
    expect(page.locator("#f-room")).to_have_value(
        str(Program.get(Program.group_name != "").room_id)
    )
    page.select_option("#f-room", label="多功能室")
    page.click("#preview-btn")
    expect(page.locator("#preview")).to_contain_text("预览（尚未保存）")
    assert touch_box(page.locator("#save-program"))["height"] >= 44
    page.click("#save-program")
    expect(page.locator("h1")).to_have_text(GROUP)
    expect(page.locator(".muted").first).to_contain_text("多功能室")
    program = Program.get(Program.group_name != "")
    rooms = {s.room.name for s in Session.select().where(Session.program == program.id)}
    assert rooms == {"多功能室"}
