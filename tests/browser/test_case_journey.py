"""A worker at tablet size opens a case from a 高危 screening result, records intake and
finishes it, writes a case note and submits it; her supervisor signs it off in the
case-note queue. The controls they tap are 44 px."""

import datetime as dt

from playwright.sync_api import expect

from planner.accounts.models import User
from planner.cases.models import Case, CaseNote
from planner.demo import DEMO_PASSWORD
from planner.students.models import Consent
from tests.browser.conftest import log_in, touch_box
from tests.browser.test_screening_journey import _round
from tests.screening import factories as sf


def test_worker_opens_a_case_and_the_supervisor_signs_its_note_off(live_server, demo_all, tablet):
    page, base = tablet, live_server
    rnd, student = _round()
    sf.result(rnd, student, 3)  # 高危
    Consent.create(
        student=student,
        purpose="casework",
        given_by="guardian",
        giver_name="家长",
        notice_version="v1",
        given_on=dt.date(2026, 9, 1),
        method="paper",
    )
    log_in(page, base, "worker", DEMO_PASSWORD)
    page.goto(f"{base}/screening/{rnd.id}")
    row = page.locator("#tiers tbody tr", has_text=student.archive_code)
    open_case = row.locator("button", has_text="开案")
    assert touch_box(open_case)["height"] >= 44
    open_case.click()
    expect(page.locator("#case-head")).to_contain_text("高危")
    case = Case.get(Case.student == student.id)
    assert case.source == "screening"

    page.wait_for_load_state("load")
    for name, text in (
        ("introduction", "介绍了自己和服务"),
        ("first_information", "近期失眠"),
        ("decision_reason", "需要个案跟进"),
    ):
        page.fill(f"#intake-{name}", text)
    page.select_option("#intake-decision", "take")
    finish = page.locator("#advance-intake")
    assert touch_box(finish)["height"] >= 44
    finish.click()
    expect(page.locator("ol.steps li[aria-current]")).to_have_text("预估")

    Case.update(step="intervention").where(Case.id == case.id).execute()
    page.goto(f"{base}/cases/{case.id}")
    page.wait_for_load_state("load")
    page.fill("#note-minutes", "40")
    page.fill("#note-note", "第一次会谈，建立关系")
    submit = page.locator("#submit-note")
    assert touch_box(submit)["height"] >= 44
    submit.click()
    expect(page.locator("#notes")).to_contain_text("待督导")

    page.context.clear_cookies()
    log_in(page, base, "supervisor", DEMO_PASSWORD)
    page.goto(f"{base}/supervision/cases")
    note = CaseNote.get(CaseNote.case == case.id)
    sign = page.locator(f"#sign-off-{note.id}")
    assert touch_box(sign)["height"] >= 44
    page.fill(f"#comment-{note.id}", "记录清楚")
    sign.click()
    expect(page.locator("#case-queue")).to_contain_text("没有待督导的个案服务记录")
    note = CaseNote.get_by_id(note.id)
    supervisor = User.get(User.username == "supervisor")
    assert (note.status, note.signed_off_by_id) == ("signed_off", supervisor.id)
