"""Run mode with the network cut from the start, at tablet size in real Chromium (issue 14):
the worker opened today's session once; with no network the reload is answered by the
service worker from the tablet's cache; 全部出席, one member set absent, notes typed; back
online, everything is stored exactly once, and a status another tablet set meanwhile (an
excused absence) is not overwritten. Logging out with something unsent warns first, and
logging out clears what the tablet kept.

Playwright's offline switch (context.set_offline) does not reach a service worker's own
requests (microsoft/playwright#2311), so the network is also cut at the server: while the
gate is shut, every connection is dropped without an answer, as a dead Wi-Fi would."""

import socket

import pytest
from playwright.sync_api import expect

from planner.db import now
from planner.runs.models import Attendance, SessionRecord
from tests.browser.conftest import log_in, touch_box
from tests.factories import PASSWORD
from tests.runs.factories import members, run_session

KEPT = """async () => {
  const keys = (await caches.keys()).filter((k) => k.startsWith("planner-run-"));
  if (keys.length !== 1 || !navigator.serviceWorker.controller) { return false; }
  const cache = await caches.open(keys[0]);
  const page = await cache.match(location.pathname, {ignoreVary: true});
  const script = await cache.match(new URL("/static/js/runmode.js", location.href).href);
  return Boolean(page && script);
}"""

LEFT = """async () => {
  const caches_ = (await caches.keys()).filter((k) => k.startsWith("planner-run-"));
  const workers = await navigator.serviceWorker.getRegistrations();
  const queued = Object.keys(localStorage).filter((k) => k.startsWith("runmode."));
  return {caches: caches_.length, workers: workers.length, queued: queued.length};
}"""


class Gate:
    """WSGI middleware: while shut (for every path, or those containing `only`), a request
    gets no answer at all: its connection is dropped."""

    def __init__(self, app):
        self.app = app
        self.shut = False
        self.only = None

    def __call__(self, environ, start_response):
        if self.shut and (self.only is None or self.only in environ.get("PATH_INFO", "")):
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionResetError("the network is cut")
        return self.app(environ, start_response)


@pytest.fixture
def gate(live_app):
    live_app.wsgi_app = Gate(live_app.wsgi_app)
    return live_app.wsgi_app


@pytest.fixture
def room(live_server, world):
    session = run_session(world, kind="group")
    return session, members(session, 4)


def tile(page, student):
    return page.locator(f"button.member-tile[data-student='{student.id}']")


def stored(session):
    return {
        a.student_id: a.status for a in Attendance.select().where(Attendance.session == session.id)
    }


def kept(page):
    """Wait until the service worker controls the page and has kept it and its files
    (page.evaluate awaits the async check; wait_for_function would not)."""
    for _ in range(100):
        if page.evaluate(KEPT):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the run page was not kept for offline use")


def cut(page, gate):
    gate.shut, gate.only = True, None
    page.context.set_offline(True)


def reconnect(page, gate):
    gate.shut = False
    page.context.set_offline(False)


def test_a_session_run_with_the_network_cut_from_the_start(live_server, gate, room, tablet):
    session, (a, b, c, d) = room
    page = tablet
    log_in(page, live_server, "worker_here", PASSWORD)
    page.goto(f"{live_server}/sessions/{session.id}/run")
    kept(page)  # opened once online: the page and its files are kept

    # another tablet marks d excused after this one kept the page: it does not know
    Attendance.create(session=session, student=d, status="excused", tapped_at=now())

    cut(page, gate)
    page.reload()  # no network: the service worker answers from the tablet's cache
    expect(page.locator("h1")).to_contain_text("彩虹小组")
    expect(page.locator("#all-present")).to_be_visible()

    page.click("#all-present")  # one tap
    for member in (a, b, c, d):
        expect(tile(page, member).locator(".tile-status")).to_have_text("出席")
        expect(tile(page, member).locator(".tile-note")).to_have_text("未发送")
    for _ in range(4):  # the exception: a is absent (出席 → 迟到 → 早退 → 请假 → 缺席)
        tile(page, a).click()
    expect(tile(page, a).locator(".tile-status")).to_have_text("缺席")
    page.fill("#f-notes", "组员a缺席；其余到场，热身游戏顺利")
    expect(page.locator("#run-record .note-sync")).to_have_text("随堂笔记未发送，联网后自动重发")
    expect(page.locator("#run-sync")).to_have_text("4 条点名未发送，联网后自动重发")
    # nothing reached the server, and nothing named anybody on the tablet
    assert stored(session) == {d.id: "excused"}
    assert SessionRecord.select().count() == 0
    held = page.evaluate("() => JSON.stringify(Object.assign({}, localStorage))")
    for person in (a, b, c, d):
        assert person.name not in held

    reconnect(page, gate)
    for member in (a, b, c, d):
        expect(tile(page, member).locator(".tile-note")).to_have_text("已保存", timeout=12000)
    expect(tile(page, d).locator(".tile-status")).to_have_text("请假")  # never overwritten
    expect(page.locator("#run-record .note-sync")).to_have_text("已保存", timeout=12000)
    assert stored(session) == {a.id: "absent", b.id: "present", c.id: "present", d.id: "excused"}
    assert Attendance.select().where(Attendance.session == session.id).count() == 4
    records = list(SessionRecord.select().where(SessionRecord.session == session.id))
    assert [(r.notes, r.version) for r in records] == [("组员a缺席；其余到场，热身游戏顺利", 1)]
    assert page.evaluate(LEFT)["queued"] == 0


def test_notes_typed_before_a_reload_are_kept_and_sent_once(live_server, gate, room, tablet):
    session, _members = room
    page = tablet
    log_in(page, live_server, "worker_here", PASSWORD)
    page.goto(f"{live_server}/sessions/{session.id}/run")
    kept(page)
    cut(page, gate)
    page.fill("#f-notes", "第一段")
    page.click("button:has-text('保存记录')")
    expect(page.locator("#run-record .note-sync")).to_have_text("随堂笔记未发送，联网后自动重发")
    page.reload()  # from the cache; the text comes back from the queue
    expect(page.locator("#f-notes")).to_have_value("第一段")
    page.fill("#f-notes", "第一段，第二段")
    reconnect(page, gate)
    expect(page.locator("#run-record .note-sync")).to_have_text("已保存", timeout=12000)
    record = SessionRecord.get(SessionRecord.session == session.id)
    assert (record.notes, record.version) == ("第一段，第二段", 1)


def test_logout_warns_about_unsent_notes_then_clears_the_tablet(live_server, gate, room, tablet):
    session, _members = room
    page = tablet
    log_in(page, live_server, "worker_here", PASSWORD)
    page.goto(f"{live_server}/sessions/{session.id}/run")
    kept(page)
    gate.shut, gate.only = True, "/record"  # the notes can't get through
    page.fill("#f-notes", "还没发出去的笔记")
    page.click("button:has-text('保存记录')")
    expect(page.locator("#run-record .note-sync")).to_have_text("随堂笔记未发送，联网后自动重发")

    page.click("button:has-text('退出登录')")
    dialog = page.locator("dialog.logout-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("还有未发送的点名或随堂笔记")
    expect(dialog).to_contain_text("本机还有 1 条内容没有发送")
    stay = dialog.locator("button:has-text('返回，先发送')")
    leave = dialog.locator("button:has-text('仍然退出并清除')")
    for button in (stay, leave):  # big enough for a finger
        box = touch_box(button)
        assert box["height"] >= 44 and box["width"] >= 44
    stay.click()
    expect(dialog).to_have_count(0)
    expect(page).to_have_url(f"{live_server}/sessions/{session.id}/run")
    assert page.evaluate(LEFT)["queued"] == 1

    page.click("button:has-text('退出登录')")
    page.locator("dialog.logout-dialog button:has-text('仍然退出并清除')").click()
    page.wait_for_url(f"{live_server}/login")
    assert page.evaluate(LEFT) == {"caches": 0, "workers": 0, "queued": 0}
    assert SessionRecord.select().count() == 0  # discarded, as the warning said


def test_logout_with_nothing_unsent_clears_without_asking(live_server, gate, room, tablet):
    session, (a, *_rest) = room
    page = tablet
    log_in(page, live_server, "worker_here", PASSWORD)
    page.goto(f"{live_server}/sessions/{session.id}/run")
    kept(page)
    tile(page, a).click()
    expect(tile(page, a).locator(".tile-note")).to_have_text("已保存")
    page.click("button:has-text('退出登录')")
    page.wait_for_url(f"{live_server}/login")
    assert page.evaluate(LEFT) == {"caches": 0, "workers": 0, "queued": 0}
    # the run page is not answered from any cache any more
    gate.shut, gate.only = True, None
    page.context.set_offline(True)
    with pytest.raises(Exception):  # noqa: B017 (the browser's own network error)
        page.goto(f"{live_server}/sessions/{session.id}/run")
