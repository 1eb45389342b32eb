"""The reflection journey in real Chromium at tablet size (CSRF on): autosave while typing,
switch the observed stage, hit the limit, submit; the supervisor acknowledges and signs off;
the worker reads the comment."""

import re
import threading
import time

from playwright.sync_api import expect, sync_playwright

from planner.curricula.stages import stage_prompts
from planner.db import database
from planner.reflections.models import FollowUp, Reflection
from tests.browser.conftest import CHROMIUM, FLAGS, TABLET, log_in
from tests.factories import PASSWORD
from tests.reflections import factories as rf


def in_browser_thread(body):
    """Run body(browser) with a Chromium of its own, in a worker thread: the browser tests'
    session-wide sync Playwright owns this thread's event loop, and a second one can't
    start on it. Exceptions (failed assertions) are raised here."""
    failures = []

    def run():
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
                try:
                    body(browser)
                finally:
                    browser.close()
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            failures.append(err)
        finally:
            if not database.is_closed():
                database.close()  # this thread's connection

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(180)
    assert not thread.is_alive(), "the browser journey did not finish"
    if failures:
        raise failures[0]


def tablet_page(browser):
    context = browser.new_context(viewport=TABLET, locale="zh-CN", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def wait_for(check, timeout=10):
    """Poll the database until check() holds (autosave is asynchronous)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting for the database"
        time.sleep(0.1)


def test_reflection_journey(live_server, world):
    program = rf.program(world)
    ok, no = rf.student(world, name="张小明"), rf.student(world, name="王小刚", consent=False)
    rf.members(program, ok, no)
    session = rf.sessions_of(program)[0]
    in_browser_thread(lambda browser: journey(browser, live_server, session, ok, no))


def journey(browser, live_server, session, ok, no):
    page = tablet_page(browser)
    log_in(page, live_server, "worker_here", PASSWORD)
    page.goto(f"{live_server}/sessions/{session.id}/reflection")
    expect(page.locator("#f-stage")).to_have_value("形成期")
    expect(page.locator("#member-%d" % no.id)).to_contain_text("无观察记录同意，不能记录")

    page.fill("#f-answer_0", "组员很拘谨。")
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存")
    expect(page.locator("#r-version")).to_have_value("1")
    assert Reflection.get().answers == {stage_prompts("形成期")[0]: "组员很拘谨。"}

    page.select_option("#f-stage", "转折期")  # not meeting 1's planned stage
    expect(page.locator("label[for=f-answer_0]")).to_have_text(stage_prompts("转折期")[0])
    page.fill("#f-answer_0", "两名组员为座位起了争执。")
    wait_for(
        lambda: (
            Reflection.get().answers.get(stage_prompts("转折期")[0]) == "两名组员为座位起了争执。"
        )
    )
    assert Reflection.get().observed_stage == "转折期"

    page.fill("#f-d_incident", "很" * 2001)
    expect(page.locator("#c-d_incident")).to_have_class(re.compile("over"))
    expect(page.locator("#err-d_incident")).to_contain_text("最多 2000 字，目前 2001 字")
    expect(page.locator("#autosave-status")).to_contain_text("本次没有保存任何内容")
    page.fill("#f-d_incident", "争执后两人在总结时互相道歉。")
    expect(page.locator("#err-d_incident")).to_be_empty()
    expect(page.locator("#c-d_incident .count")).to_have_text("14")

    page.check(f"[name=fu_safe_{ok.id}]")
    page.fill(f"#f-fu_note_{ok.id}", "提到放学路上被高年级学生拦住要钱。")
    page.click("button:has-text('提交督导')")
    expect(page.locator(".reflection-head .badge")).to_have_text("待督导")
    saved = Reflection.get()
    assert (
        saved.status == "submitted" and saved.details["incident"] == "争执后两人在总结时互相道歉。"
    )
    assert saved.answers == {stage_prompts("转折期")[0]: "两名组员为座位起了争执。"}
    assert [(f.student_id, f.safeguarding) for f in FollowUp.select()] == [(ok.id, True)]

    boss = tablet_page(browser)
    log_in(boss, live_server, "super1", PASSWORD)
    boss.goto(f"{live_server}/supervision")
    expect(boss.locator(".safeguarding-list")).to_contain_text("被高年级学生拦住要钱")
    boss.click(".safeguarding-list button:has-text('已知悉')")
    expect(boss.locator("#supervision")).to_contain_text("没有待确认的安全关注")
    boss.click("text=阅读并签阅")
    boss.fill("#f-comment", "冲突处理得当，下次留意被拦的组员。")
    boss.click("button:has-text('签阅')")
    expect(boss.locator("#supervision")).to_contain_text("没有待督导的反思")
    boss.context.close()

    page.goto(f"{live_server}/reflections")
    expect(page.locator("#my-reflections")).to_contain_text("冲突处理得当，下次留意被拦的组员。")
    expect(page.locator("#my-reflections")).to_contain_text("已签阅")
