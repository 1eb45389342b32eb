"""Issue 16's calendar journey at tablet size (820×1180): the 2025 notice pasted into a
fresh agency matches the shipped data (step 3), and a holiday added in the middle of a
planned series shows up on the program page and the worker's home page and is re-planned
from there with one preview and one save (step 4)."""

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from planner import i18n
from planner.accounts.models import User
from planner.calendars.models import CalendarDay
from planner.calendars.services import import_statutory, load_years, statutory_rows
from planner.curricula.content import load_library
from planner.curricula.services import import_library
from planner.db import database
from planner.demo import DEMO_PASSWORD, load_demo, plan_demo_programs
from planner.sessions.models import Program, ProgramWorker, ScheduleChange, Session
from tests import factories
from tests.browser.conftest import log_in
from tests.calendars.test_notice import text

CONTENT = os.path.join(os.path.dirname(__file__), "..", "..", "content")
CALENDAR = os.path.join(CONTENT, "calendar")
# 2026-09-01 08:00 in Beijing: the autumn term's series are all still to come
UTC_NOW = dt.datetime(2026, 9, 1, 0, 0, tzinfo=dt.timezone.utc)


def national(year):
    return sorted(
        (d.date, d.kind, d.name, d.follows_weekday)
        for d in CalendarDay.select().where(
            CalendarDay.school.is_null()
            & CalendarDay.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31))
        )
    )


def test_the_2025_notice_pasted_into_a_fresh_agency_matches_the_shipped_data(
    live_app, live_server, tablet
):
    page = tablet
    with live_app.app_context():
        database.connect(reuse_if_open=True)
        agency = factories.agency(name="新机构", code="XJ")
        factories.user("admin", agency=agency, username="keeper", maintainer=True)
    assert national(2025) == []  # nothing shipped was loaded: the paste is all there is
    log_in(page, live_server, "keeper", factories.PASSWORD)
    page.goto(f"{live_server}/admin/calendar/notice")
    page.fill("textarea[name=text]", text(2025))
    page.click("button[name=step][value=preview]")
    preview = page.locator("#notice-preview")
    expect(preview).to_contain_text("国办发明电〔2024〕12号")
    expect(page.locator("#notice-holidays")).to_contain_text("春节")
    page.click("#notice-save button[name=step][value=save]")
    page.wait_for_url(f"{live_server}/admin/calendar/national*")
    (year,) = [y for y in load_years(CALENDAR) if y["year"] == 2025]
    shipped = sorted(
        (r["date"], r["kind"], r["name"], r["follows_weekday"]) for r in statutory_rows(year)
    )
    assert national(2025) == shipped


@pytest.fixture
def autumn(live_app, monkeypatch):
    """The demo agency's autumn term planned, seen on 2026-09-01 (Beijing)."""
    monkeypatch.setattr(i18n, "utc_clock", lambda: UTC_NOW)
    with live_app.app_context():
        database.connect(reuse_if_open=True)
        import_library(load_library(os.path.join(CONTENT, "curricula"))[0])
        import_statutory(load_years(CALENDAR))
        load_demo(dt.date(2026, 11, 22))
        plan_demo_programs()
    worker = User.get(User.username == "worker")
    program = (
        Program.select()
        .join(ProgramWorker)
        .where(ProgramWorker.worker == worker.id)
        .order_by(Program.id)
        .first()
    )
    weekdays = [
        s
        for s in Session.select().where(Session.program == program.id).order_by(Session.seq)
        if s.date.isoweekday() <= 5
    ]
    return program, weekdays[2]  # a weekday lesson in the middle of the series


def test_a_holiday_in_a_planned_series_is_replanned_from_the_home_page(live_server, autumn, tablet):
    page = tablet
    program, middle = autumn
    before = {s.id: s.date for s in Session.select().where(Session.program == program.id)}

    log_in(page, live_server, "admin", DEMO_PASSWORD)  # the demo admin keeps the calendar
    page.goto(f"{live_server}/admin/calendar/national/holiday/new")
    page.fill("input[name=name]", "临时假日")
    page.fill("input[name=start]", middle.date.isoformat())
    page.fill("input[name=end]", middle.date.isoformat())
    page.click("#national-form button[type=submit]")
    page.wait_for_url(f"{live_server}/admin/calendar/national*")
    page.context.clear_cookies()

    log_in(page, live_server, "worker", DEMO_PASSWORD)
    due = page.locator(f"#due-program-{program.id}")
    expect(due).to_contain_text(program.title)
    page.goto(f"{live_server}/programs/{program.id}")
    listed = page.locator(f"#displaced-{middle.seq}")
    expect(listed).to_contain_text("临时假日（节假日）")

    page.goto(f"{live_server}/dashboard")
    due.get_by_role("link", name="重新安排").click()
    expect(page.locator("#replan-moves")).to_contain_text("临时假日（节假日）")
    expect(page.locator("#replan-problem")).to_have_count(0)
    page.click("#replan-save")
    page.wait_for_url(f"{live_server}/programs/{program.id}*")
    expect(page.locator("#displaced")).to_have_count(0)
    expect(page.locator("#undo")).to_contain_text("按校历变动重新安排")

    after = {s.id: s.date for s in Session.select().where(Session.program == program.id)}
    assert after[middle.id] != middle.date and middle.date not in after.values()
    assert ScheduleChange.select().where(ScheduleChange.program == program.id).count() == 1
    page.goto(f"{live_server}/dashboard")
    expect(page.locator(f"#due-program-{program.id}")).to_have_count(0)
    assert sorted(after.values()) != sorted(before.values())
