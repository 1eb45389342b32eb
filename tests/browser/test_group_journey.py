"""Issue 5's journey at tablet size, as a new user would do it: import a class list and
record consent; form a group where a student without consent is refused; run a meeting
with the network cut for a moment; write the reflection; the supervisor signs it off.
At the end the database holds exactly the taps made."""

import datetime as dt
import os
import re

import pytest
from playwright.sync_api import expect

from planner.calendars.services import import_statutory, load_years
from planner.curricula.content import load_library
from planner.curricula.services import import_library
from planner.demo import DEMO_PASSWORD, load_demo, plan_demo_programs
from planner.reflections.models import Reflection
from planner.runs.models import Attendance
from planner.sessions.models import Program, Session
from planner.students.models import Consent, GroupMember, Student
from tests.browser.conftest import log_in, nav_click

CONTENT = os.path.join(os.path.dirname(__file__), "..", "..", "content")
CLASS_LIST = (
    "学号,姓名,性别,出生日期,班级,监护人,监护人电话\n"
    "20269001,宋可馨 ,女,2013-05-02,7(3)班,宋先生,13900000001\n"
    "20269002,韩嘉树,男,2013-08-19,7(3)班,韩女士,13900000002\n"
    "20269003,罗一帆,男,2012-12-01,7(4)班,罗先生,13900000003\n"
)


@pytest.fixture
def term(live_app):
    import_library(load_library(os.path.join(CONTENT, "curricula"))[0])
    import_statutory(load_years(os.path.join(CONTENT, "calendar")))
    load_demo(dt.date(2026, 11, 22))
    plan_demo_programs()
    return Program.get(Program.title == "新生适应小组")


def record_consent(page, student, purpose):
    """Fill and send the consent form, then wait until the row is saved (the form is
    re-rendered by htmx, so text on the page can't tell a new row from the old form)."""
    page.select_option("#f-purpose", purpose)
    page.fill("#f-notice_version", "2026-09")
    page.click("#consent-form button[type=submit]")
    for _ in range(50):
        if (
            Consent.select()
            .where((Consent.student == student.id) & (Consent.purpose == purpose))
            .exists()
        ):
            break
        page.wait_for_timeout(200)
    page.wait_for_load_state("networkidle")
    assert (
        Consent.get(Consent.student == student.id, Consent.purpose == purpose).given_by
        == "guardian"
    )


def test_roster_consent_group_run_reflect_and_sign_off(live_server, term, tablet, tmp_path):
    page = tablet
    log_in(page, live_server, "worker", DEMO_PASSWORD)

    # 1. import a class list (CSV, with a trailing space in a name) and record consent
    page.goto(f"{live_server}/schools/{term.school_id}/students/import")
    path = tmp_path / "7年级名单.csv"
    path.write_text(CLASS_LIST, encoding="utf-8")
    page.set_input_files("#f-file", str(path))
    page.click("#import-panel button:has-text('上传')")
    page.click("#import-mapping button:has-text('检查并预览')")
    page.click("#import-commit button:has-text('全部导入（3 人）')")
    page.wait_for_url(re.compile(r"/students\?imported=3$"))
    assert Student.select().where(Student.name == "宋可馨").count() == 1  # trimmed
    keen = Student.get(Student.name == "宋可馨")
    unsure = Student.get(Student.name == "罗一帆")
    assert keen.archive_code and keen.name not in keen.archive_code
    page.goto(f"{live_server}/students/{keen.id}")
    record_consent(page, keen, "participation")
    record_consent(page, keen, "attendance")

    # 2. form the group: the student without consent is refused, with the reason
    page.goto(f"{live_server}/programs/{term.id}")
    page.click("text=小组名单与契约")
    page.select_option("#f-student", str(unsure.id))
    page.click("#member-add button[type=submit]")
    expect(page.locator("body")).to_contain_text("知情同意")
    page.select_option("#f-student", str(keen.id))
    page.click("#member-add button[type=submit]")
    expect(page.locator("#members")).to_contain_text("宋可馨")
    assert [m.student_id for m in GroupMember.select()] == [keen.id]

    # 3. run the first meeting; taps made while offline are kept and sent later
    first = Session.get((Session.program == term.id) & (Session.seq == 1))
    page.goto(f"{live_server}/sessions/{first.id}/run")
    tile = page.locator(f"button.member-tile[data-student='{keen.id}']")
    tile.click()  # present
    expect(tile).not_to_contain_text("未发送")
    page.context.set_offline(True)
    tile.click()  # late
    tile.click()  # left early
    expect(tile).to_contain_text("未发送")
    page.context.set_offline(False)
    expect(tile).not_to_contain_text("未发送", timeout=15000)
    rows = list(Attendance.select().where(Attendance.session == first.id))
    assert [(r.student_id, r.status) for r in rows] == [(keen.id, "left_early")]
    assert "宋可馨" not in page.evaluate("JSON.stringify(window.localStorage)")

    # 4. the reflection, driven by the observed stage, then submitted to the supervisor
    page.goto(f"{live_server}/sessions/{first.id}/reflection")
    expect(page.locator("#reflection-form")).to_contain_text("“形成期”的反思提示")  # from the plan
    page.fill("#f-answer_0", "成员彼此还不熟悉，破冰后气氛轻松了许多。")
    page.click("button:has-text('提交督导')")
    expect(page.locator("body")).to_contain_text("待督导")
    reflection = Reflection.get(Reflection.session == first.id)
    assert reflection.status == "submitted"

    # 5. the supervisor comments and signs it off; the worker sees the comment
    page.click("button:has-text('退出登录')")
    page.wait_for_url(f"{live_server}/login")  # logout clears the tablet's copy first
    log_in(page, live_server, "supervisor", DEMO_PASSWORD)
    nav_click(page, "督导")
    page.click("text=阅读并签阅")
    expect(page.locator("#reflection-form, main")).to_contain_text("成员彼此还不熟悉")
    page.fill("#f-comment", "破冰设计得当，下次多关注安静的成员。")
    page.click("button:has-text('签阅')")
    expect(page.locator("main")).to_contain_text("没有待督导的反思")
    assert Reflection.get_by_id(reflection.id).status == "signed_off"
    page.click("button:has-text('退出登录')")
    page.wait_for_url(f"{live_server}/login")
    log_in(page, live_server, "worker", DEMO_PASSWORD)
    page.goto(f"{live_server}/sessions/{first.id}/reflection")
    expect(page.locator("main")).to_contain_text("破冰设计得当，下次多关注安静的成员。")
    assert Attendance.select().count() == 1  # exactly the taps made
