"""Issue 16's year end at tablet size (820×1180): the admin previews the rollover of the
demo's junior school into 2027—2028 and commits it; last year's group keeps its history
(its roster still shows the members' classes as they were)."""

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from planner.calendars.services import import_statutory, load_years
from planner.curricula.content import load_library
from planner.curricula.services import import_library
from planner.demo import DEMO_PASSWORD, load_demo, load_demo_group, plan_demo_programs
from planner.schools.models import School, SchoolClass, SchoolYear
from planner.sessions.models import Program
from planner.students.models import Student
from tests.browser.conftest import log_in, touch_box

CONTENT = os.path.join(os.path.dirname(__file__), "..", "..", "content")


@pytest.fixture
def group(live_app):
    import_library(load_library(os.path.join(CONTENT, "curricula"))[0])
    import_statutory(load_years(os.path.join(CONTENT, "calendar")))
    load_demo(dt.date(2026, 11, 22))
    plan_demo_programs()
    load_demo_group()
    return Program.get(Program.title == "新生适应小组")


def test_rollover_preview_commit_and_history(live_server, group, tablet, browser):
    page = tablet
    school = School.get(School.code == "CDZX")
    log_in(page, live_server, "admin", DEMO_PASSWORD)

    # 1. the rollover preview, then commit
    page.goto(f"{live_server}/schools/{school.id}")
    page.click("text=学年与升级")
    page.goto(f"{live_server}/admin/schools/{school.id}/years?year=2027")
    form = page.locator("#rollover-form")
    expect(form).to_contain_text("7(1)班")
    expect(form).to_contain_text("8(1)班")
    expect(form).to_contain_text("毕业")
    expect(page.locator("#f-term1_start")).to_have_value("2027-09-01")
    assert SchoolYear.select().where(SchoolYear.school == school.id).count() == 1
    box = touch_box(page.locator("#rollover-form button[type=submit]"))
    assert box["height"] >= 44  # a touch target
    page.fill("#f-entry_7", "6")
    page.click("#rollover-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("已升级")
    expect(page.locator("body")).to_contain_text("已完成升级")
    new_year = SchoolYear.get((SchoolYear.school == school.id) & (SchoolYear.start_year == 2027))
    classes = SchoolClass.select().where(SchoolClass.school_year == new_year.id)
    assert classes.where(SchoolClass.grade == 7).count() == 6
    member = Student.get(Student.name == "林小雨")
    assert member.school_class.name == "8(1)班"

    # 2. last year's group history is intact: its roster shows the class as it was
    worker = browser.new_context(
        viewport={"width": 820, "height": 1180}, locale="zh-CN", has_touch=True
    ).new_page()
    log_in(worker, live_server, "worker", DEMO_PASSWORD)
    worker.goto(f"{live_server}/programs/{group.id}/roster")
    row = worker.locator("#members li", has_text="林小雨")
    expect(row).to_contain_text("7(1)班")
    expect(row).not_to_contain_text("8(1)班")
    worker.context.close()
