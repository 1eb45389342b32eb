"""The worker's home page at tablet size (820×1180), as a new user would use it: she opens
it and sees this week's sessions, what is due and her programs; taps today's session into
run mode, marks a member present, comes back and finds the session 已完成 on her home and
on the week view."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from planner.i18n import local_today
from tests.browser.conftest import log_in, touch_box
from tests.factories import PASSWORD
from tests.reflections import factories as rf
from tests.runs.factories import members, run_session


@pytest.fixture
def her_week(live_server, world):
    """Today's group session with two members; an older meeting of another group whose
    reflection the supervisor returned, and one whose records are missing."""
    today = local_today()
    session = run_session(world, kind="group", title="情绪管理小组")
    people = members(session, 2)
    older = rf.sessions_of(
        rf.program(world, first=today - dt.timedelta(days=10), sessions=2, title="新生适应小组")
    )
    rf.reflection(older[0], world.worker, supervisor_comment="请补充组员互动")
    rf.attendance(older[0], rf.student(world))
    return session, people, older


def test_the_worker_sees_her_day_and_runs_a_session_from_home(live_server, her_week, tablet):
    session, (first, _second), older = her_week
    page = tablet
    log_in(page, live_server, "worker_here", PASSWORD)

    # this week: today's session, one tap from run mode
    week = page.locator("#this-week")
    row = page.locator(f"#home-session-{session.id}")
    expect(row).to_contain_text("情绪管理小组")
    expect(row).not_to_contain_text("已完成")
    expect(week).to_contain_text("今天")

    # due: the returned reflection and the records missing past 48 hours
    due = page.locator("#due")
    expect(due.locator(f"#due-returned-{older[0].reflection.get().id}")).to_contain_text(
        "新生适应小组"
    )
    expect(due.locator(f"#due-missing-{older[1].id}")).to_contain_text("缺反思")

    # my programs: both, with their progress and links to the program and its documents
    programs = page.locator("#my-programs")
    mine = programs.locator(f"#my-program-{session.program_id}")
    expect(mine).to_contain_text("已完成 0 / 1 节")
    expect(mine.get_by_role("link", name="文档")).to_have_attribute(
        "href", f"/programs/{session.program_id}/documents"
    )
    expect(programs.locator(f"#my-program-{older[0].program_id}")).to_contain_text(
        "已完成 1 / 2 节"
    )

    # every control is a touch target, and nothing runs off an 820 px screen
    run_link = row.get_by_role("link", name="进入活动")
    for target in (run_link, mine.get_by_role("link", name="计划"), due.locator("a.btn").first):
        box = touch_box(target)
        assert box["height"] >= 44 and box["width"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 820

    # one tap into run mode; mark a member present
    run_link.click()
    expect(page).to_have_url(f"{live_server}/sessions/{session.id}/run")
    tile = page.locator(f"button.member-tile[data-student='{first.id}']")
    tile.click()
    expect(tile.locator(".tile-note")).to_have_text("已保存")

    # back home: the session is held (已完成), on the home page and the week view
    page.goto(f"{live_server}/dashboard")
    expect(page.locator(f"#home-session-{session.id} .status-badge")).to_have_text("已完成")
    expect(page.locator(f"#my-program-{session.program_id}")).to_contain_text("已完成 1 / 1 节")
    page.locator("#this-week").get_by_role("link", name="本周日程").click()
    expect(page.locator(".session-tile.status-done")).to_contain_text("已完成")
