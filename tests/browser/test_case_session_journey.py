"""Scheduling a case session at tablet size (820×1180), as a new worker would: from the
case page she opens 个案会谈安排, books a session over her own class lesson and sees the
clash, moves it after the lesson and finds it booked; every control is a 44 px target.
Today's session shows on her home page's today list."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from planner.cases.models import CaseAppointment
from planner.i18n import local_today
from tests.browser.conftest import log_in, touch_box
from tests.cases import factories as cf
from tests.cases.appointment_factories import appointment, case_room
from tests.factories import PASSWORD
from tests.reflections import factories as rf


def next_weekday(day):
    day += dt.timedelta(days=1)
    while day.isoweekday() > 5:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def her_case(live_server, world):
    """A case in 介入, a 个案工作室, her class lesson (16:10–17:10) on the next weekday and
    a case session of today."""
    case = cf.case(world, step="intervention")
    room = case_room(world)
    day = next_weekday(local_today())
    rf.program(world, kind="classroom", first=day, title="七年级生命教育课")
    today = None
    if local_today().isoweekday() <= 5:
        today = appointment(case, room, day=local_today(), start=(7, 0), end=(7, 30))
    return case, room, day, today


def test_a_clashing_case_session_shows_the_clash_then_books(live_server, her_case, tablet):
    case, room, day, today = her_case
    page = tablet
    log_in(page, live_server, "worker_here", PASSWORD)
    if today is not None:
        expect(page.locator(f"#home-appointment-{today.id}")).to_contain_text("个案会谈")

    page.goto(f"{live_server}/cases/{case.id}")
    page.wait_for_load_state("load")
    link = page.locator("#case-appointments")
    assert touch_box(link)["height"] >= 44
    link.click()
    page.wait_for_url(f"{live_server}/cases/{case.id}/appointments")
    page.wait_for_load_state("load")

    page.fill("#appointment-date", day.isoformat())
    page.fill("#appointment-start", "16:30")
    page.fill("#appointment-end", "17:00")
    page.select_option("#appointment-room_id", str(room.id))
    for control in ("#appointment-date", "#appointment-start", "#appointment-room_id"):
        assert touch_box(page.locator(control))["height"] >= 44, control
    save = page.locator("#save-appointment")
    assert touch_box(save)["height"] >= 44
    save.click()
    alert = page.locator("#new-appointment [role=alert]").first
    expect(alert).to_contain_text("社工时间冲突")
    expect(alert).to_contain_text("七年级生命教育课")
    assert CaseAppointment.select().where(CaseAppointment.date == day).count() == 0

    page.wait_for_load_state("load")
    page.fill("#appointment-start", "17:10")
    page.fill("#appointment-end", "17:50")
    page.locator("#save-appointment").click()
    page.wait_for_url(f"{live_server}/cases/{case.id}/appointments")
    [booked] = CaseAppointment.select().where(CaseAppointment.date == day)
    row = page.locator(f"#appointment-{booked.id}")
    expect(row).to_contain_text("17:10–17:50")
    expect(row).to_contain_text("已安排")
    edit = row.locator("summary")
    assert touch_box(edit)["height"] >= 44
