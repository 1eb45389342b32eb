"""A worker at tablet size logs an urgent 社工信箱 letter (the flag reaches her supervisor's
home at once) and a consultation with two parents; the supervisor records a group
supervision session with both her workers. The buttons they tap are 44 px."""

from playwright.sync_api import expect

from planner.accounts.models import User
from planner.demo import DEMO_PASSWORD
from planner.i18n import local_today
from planner.service.models import Consultation, Letter, SupervisionAttendee, SupervisionSession
from tests.browser.conftest import log_in, nav_click, touch_box


def test_letter_consultation_and_group_supervision(live_server, demo, tablet, browser):
    page, base = tablet, live_server
    worker = User.get(User.username == "worker")
    today = local_today().isoformat()
    log_in(page, base, "worker", DEMO_PASSWORD)
    nav_click(page, "服务记录")
    page.locator("[id^=hub-school-] a", has_text="社工信箱").first.click()
    page.wait_for_load_state("load")
    page.fill("#f-received_on", today)
    page.select_option("#f-channel", "online")
    page.select_option("#f-category", "safety")
    page.check("#f-urgent")
    page.fill("#f-text", "有同学说不想活了")
    assert touch_box(page.locator("#letter-save"))["height"] >= 44
    page.click("#letter-save")
    expect(page.locator("#letter-count")).to_have_text("1")
    letter = Letter.get()
    assert letter.urgent and letter.worker_id == worker.id and letter.flagged_at is not None

    page.goto(f"{base}/schools/{letter.school_id}/consultations")
    page.wait_for_load_state("load")
    page.fill("#f-held_on", today)
    page.select_option("#f-kind", "parent")
    page.fill("#f-people", "2")
    page.fill("#f-purpose", "沟通孩子的情绪")
    page.fill("#f-minutes", "45")
    assert touch_box(page.locator("#consultation-save"))["height"] >= 44
    page.click("#consultation-save")
    expect(page.locator("#consultation-count")).to_have_text("1")
    expect(page.locator("#persons-parent")).to_contain_text("2 人次")
    assert Consultation.get().people == 2

    context = browser.new_context(viewport={"width": 820, "height": 1180}, locale="zh-CN")
    boss = context.new_page()
    log_in(boss, base, "supervisor", DEMO_PASSWORD)
    expect(boss.locator(f"#dash-letter-{letter.id}")).to_be_visible()
    boss.goto(f"{base}/supervision-sessions")
    boss.wait_for_load_state("load")
    boss.fill("#f-held_on", today)
    boss.select_option("#f-mode", "group")
    boss.select_option("#f-kind", "educational")
    for box in boss.locator("input[name=workers]").all():
        box.check()
    boss.fill("#f-minutes", "90")
    boss.fill("#f-topics", "危机来信的处理")
    boss.fill("#f-discussed", f"来信 {letter.id}")
    boss.click("#supervision-save")
    expect(boss.locator("#supervision-count")).to_have_text("1")
    expect(boss.locator("#mode-group")).to_contain_text("1 次")
    session = SupervisionSession.get()
    assert session.mode == "group"
    assert (
        SupervisionAttendee.select().where(SupervisionAttendee.session == session.id).count() == 2
    )
    context.close()
