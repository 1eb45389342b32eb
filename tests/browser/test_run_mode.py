"""Run mode at tablet size in real Chromium: open today's session with one tap, use the
activity timer, mark attendance, lose the network, keep tapping, get it back, and find
exactly the final taps in the database, with no member name in the browser's storage."""

import json

import pytest
from playwright.sync_api import expect

from planner.runs.models import Attendance, SessionRecord
from planner.students.models import Consent
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.runs.factories import members, run_session


@pytest.fixture
def room(live_server, world):
    """A growth-group session today for the world's worker: four members with consent,
    one whose attendance consent was withdrawn."""
    session = run_session(world, kind="group")
    people = members(session, 5)
    Consent.update(withdrawn_on=Consent.given_on).where(Consent.student == people[4].id).execute()
    return session, people


def tile(page, student):
    return page.locator(f"button.member-tile[data-student='{student.id}']")


def stored(session):
    rows = Attendance.select().where(Attendance.session == session.id)
    return {a.student_id: a.status for a in rows}


def storage(page):
    return page.evaluate(
        "() => JSON.stringify([Object.assign({}, localStorage), Object.assign({}, sessionStorage)])"
    )


def test_attendance_survives_a_network_cut(live_server, room, tablet):
    session, (a, b, c, d, refused) = room
    page = tablet
    log_in(page, live_server, "worker_here", PASSWORD)
    page.goto(f"{live_server}/run/today")  # one tap from the dashboard
    expect(page).to_have_url(f"{live_server}/sessions/{session.id}/run")
    expect(page.locator("h1")).to_contain_text("彩虹小组")

    # the timer: start, pause, next
    expect(page.locator("#timer-title")).to_have_text("讨论")
    expect(page.locator("#timer-clock")).to_have_text("05:00")
    page.click("[data-timer-action=start]")
    expect(page.locator("#timer-state")).to_have_text("计时中")
    expect(page.locator("#timer-clock")).to_have_text("04:59", timeout=3000)
    page.click("[data-timer-action=pause]")
    expect(page.locator("#timer-state")).to_have_text("已暂停")
    page.click("[data-timer-action=next]")
    expect(page.locator("#timer-clock")).to_have_text("45:00")
    expect(page.locator("#activity-2")).to_have_attribute("aria-current", "step")

    # the member without consent can't be tapped, and the screen says why
    expect(page.locator(".member-tile.is-disabled")).to_contain_text("未取得出勤记录同意")
    expect(tile(page, refused)).to_have_count(0)

    # online: a → 出席; b → 出席 → 迟到
    tile(page, a).click()
    expect(tile(page, a).locator(".tile-status")).to_have_text("出席")
    expect(tile(page, a).locator(".tile-note")).to_have_text("已保存")
    tile(page, b).click()
    expect(tile(page, b).locator(".tile-note")).to_have_text("已保存")
    tile(page, b).click()
    expect(tile(page, b).locator(".tile-status")).to_have_text("迟到")
    expect(tile(page, b).locator(".tile-note")).to_have_text("已保存")
    assert stored(session) == {a.id: "present", b.id: "late"}

    # offline: a → 迟到 → 早退; c → 出席; d → 出席 → 迟到 → 早退 → 请假
    page.context.set_offline(True)
    tile(page, a).click()
    tile(page, a).click()
    tile(page, c).click()
    for _ in range(4):
        tile(page, d).click()
    for member, label in ((a, "早退"), (c, "出席"), (d, "请假")):
        expect(tile(page, member).locator(".tile-status")).to_have_text(label)
        expect(tile(page, member).locator(".tile-note")).to_have_text("未发送")
    expect(tile(page, b).locator(".tile-note")).to_have_text("已保存")
    expect(page.locator("#run-sync")).to_have_text("3 条点名未发送，联网后自动重发")
    assert stored(session) == {a.id: "present", b.id: "late"}  # nothing got through

    # the browser keeps only ids and statuses: no name, no archive code
    kept = storage(page)
    pending = json.loads(json.loads(kept)[0][f"runmode.pending.{session.id}"])
    assert {int(k): v["status"] for k, v in pending.items()} == {
        a.id: "left_early",
        c.id: "present",
        d.id: "excused",
    }
    for person in (a, b, c, d, refused):
        assert person.name not in kept and person.archive_code not in kept

    # back online: everything is sent, the marks clear, the queue empties
    page.context.set_offline(False)
    for member in (a, c, d):
        expect(tile(page, member).locator(".tile-note")).to_have_text("已保存")
    expect(page.locator("#run-sync")).to_have_text("全部点名已保存")
    assert stored(session) == {a.id: "left_early", b.id: "late", c.id: "present", d.id: "excused"}
    assert Attendance.select().count() == 4
    assert "runmode.pending" not in storage(page)

    # quick notes, sent by runmode.js with the CSRF header
    page.fill("#f-notes", "组员互动积极，第二个活动超时5分钟")
    page.click("button:has-text('保存记录')")
    expect(page.locator("#run-record .note-sync")).to_have_text("已保存")
    assert (
        SessionRecord.get(SessionRecord.session == session.id).notes
        == "组员互动积极，第二个活动超时5分钟"
    )


def test_unsent_taps_survive_a_reload_and_are_retried(live_server, room, tablet):
    """The server can't be reached (requests fail, the browser still thinks it's online):
    the tap stays queued across a reload and the periodic retry sends it later."""
    session, (a, *_rest) = room
    page = tablet
    log_in(page, live_server, "worker_here", PASSWORD)
    page.goto(f"{live_server}/sessions/{session.id}/run")
    route = f"**/sessions/{session.id}/attendance"
    page.route(route, lambda r: r.abort("connectionfailed"))
    tile(page, a).click()
    expect(tile(page, a).locator(".tile-note")).to_have_text("未发送")
    page.reload()
    expect(tile(page, a).locator(".tile-status")).to_have_text("出席")
    expect(tile(page, a).locator(".tile-note")).to_have_text("未发送")
    assert stored(session) == {}
    page.unroute(route)
    expect(tile(page, a).locator(".tile-note")).to_have_text("已保存", timeout=12000)
    assert stored(session) == {a.id: "present"}


def test_big_targets_in_portrait_and_landscape(live_server, room, tablet):
    session, _ = room
    page = tablet
    log_in(page, live_server, "worker_here", PASSWORD)
    for width, height in ((768, 1024), (820, 1180), (1180, 820), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server}/sessions/{session.id}/run")
        heights = page.locator("#main button, #main a.btn, #main textarea").evaluate_all(
            "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 44, (width, heights)
        tiles = page.locator("button.member-tile").evaluate_all(
            "els => els.map(e => [e.getBoundingClientRect().width, "
            "e.getBoundingClientRect().height])"
        )
        assert all(w >= 150 and h >= 100 for w, h in tiles), (width, tiles)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
        timer = page.locator("#run-timer").bounding_box()
        tiles_box = page.locator("#run-attendance").bounding_box()
        if width > height:  # landscape: plan on the left, the room on the right
            assert timer["x"] < tiles_box["x"] and abs(timer["y"] - tiles_box["y"]) < 5
        else:  # portrait: the timer, then the tiles below
            assert tiles_box["y"] > timer["y"] and abs(timer["x"] - tiles_box["x"]) < 5


def test_two_tablets_converge_on_the_latest_tap(live_server, room, tablet, browser):
    """Tablet 1 marks a member absent while offline; tablet 2 (online) marks the same
    member excused a moment later. When tablet 1 comes back, its older tap is sent, the
    newer one stays, and tablet 1's tile shows what tablet 2 recorded."""
    from tests.browser.conftest import TABLET

    session, (a, b, *_rest) = room
    one = tablet
    log_in(one, live_server, "worker_here", PASSWORD)
    one.goto(f"{live_server}/sessions/{session.id}/run")
    context = browser.new_context(viewport=TABLET, locale="zh-CN", has_touch=True)
    try:
        two = context.new_page()
        log_in(two, live_server, "admin1", PASSWORD)
        two.goto(f"{live_server}/sessions/{session.id}/run")

        one.context.set_offline(True)
        for _ in range(5):  # 出席 → … → 缺席, made first
            tile(one, a).click()
        expect(tile(one, a).locator(".tile-status")).to_have_text("缺席")
        expect(tile(one, a).locator(".tile-note")).to_have_text("未发送")
        for _ in range(4):  # 出席 → 迟到 → 早退 → 请假, made later, saved at once
            tile(two, a).click()
        expect(tile(two, a).locator(".tile-note")).to_have_text("已保存")
        tile(two, b).click()
        expect(tile(two, b).locator(".tile-note")).to_have_text("已保存")

        one.context.set_offline(False)  # the old tap goes through, and loses
        expect(tile(one, a).locator(".tile-status")).to_have_text("请假")
        expect(tile(one, a).locator(".tile-note")).to_have_text("已保存")
        # tablet 1 also picks up tablet 2's tap of b (polled on reconnect)
        expect(tile(one, b).locator(".tile-status")).to_have_text("出席")
        assert stored(session) == {a.id: "excused", b.id: "present"}
        assert Attendance.select().count() == 2
    finally:
        context.close()
