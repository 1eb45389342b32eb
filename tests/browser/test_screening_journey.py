"""A worker at tablet size enters one student's screening answers by tapping, sees the tier
the rule gives (高危), and changes it with a reason; the controls she taps are 44 px."""

import datetime as dt

from playwright.sync_api import expect

from planner.accounts.models import User
from planner.curricula.models import Curriculum
from planner.demo import DEMO_PASSWORD
from planner.evaluation.models import Instrument
from planner.screening.models import ScreeningResult, ScreeningRound
from planner.sessions.models import Program, ProgramClass, ProgramWorker
from planner.students.models import Consent, Student
from tests.browser.conftest import log_in, touch_box


def _round():
    worker = User.get(User.username == "worker")
    program = (
        Program.select()
        .join(ProgramWorker)
        .switch(Program)
        .join(Curriculum)
        .where((ProgramWorker.worker == worker.id) & (Curriculum.kind == "classroom"))
        .first()
    )
    link = ProgramClass.get(ProgramClass.program == program.id)
    student = Student.create(
        school=program.school_id,
        archive_code="SCREEN-T-0001",
        student_no="SCREEN-T-0001",
        name="筛查旅程",
        school_class=link.school_class_id,
        birth_date=dt.date(2013, 5, 1),
    )
    Consent.create(
        student=student,
        purpose="screening",
        given_by="guardian",
        giver_name="家长",
        notice_version="v1",
        given_on=dt.date(2026, 9, 1),
        method="paper",
    )
    rnd = ScreeningRound.create(
        program=program,
        instrument=Instrument.get(Instrument.slug == "screening-wellbeing"),
        title="秋季心理筛查",
        created_by=worker,
    )
    return rnd, student


def test_worker_enters_a_result_and_overrides_its_tier(live_server, demo_all, tablet):
    page, base = tablet, live_server
    rnd, student = _round()
    log_in(page, base, "worker", DEMO_PASSWORD)
    page.goto(f"{base}/schools/{rnd.program.school_id}")
    page.click(f"a[href='/schools/{rnd.program.school_id}/screening']")
    page.click(f"a[href='/screening/{rnd.id}']")
    expect(page.locator("h1")).to_have_text("秋季心理筛查")
    page.select_option("#f-student", str(student.id))
    first = page.locator("input[name=a_q1]").first.locator("xpath=..")
    assert touch_box(first)["height"] >= 44
    for n in range(1, 12):
        page.locator(f"input[name=a_q{n}][value='2']").check()
    page.locator("input[name=a_q12][value='0']").check()
    save = page.locator("#entry button[type=submit]")
    assert touch_box(save)["height"] >= 44
    save.click()
    row = page.locator("#tiers tbody tr", has_text=student.archive_code)
    expect(row).to_contain_text("高危")
    expect(row).to_contain_text("22")
    row.locator("select[name=tier]").select_option("concern")
    row.locator("input[name=reason]").fill("面谈后判断为一般压力")
    button = row.locator("button[type=submit]")
    assert touch_box(button)["height"] >= 44
    button.click()
    row = page.locator("#tiers tbody tr", has_text=student.archive_code)
    expect(row).to_contain_text("面谈后判断为一般压力")
    expect(row.locator(".badge").first).to_have_text("关注")
    result = ScreeningResult.get(ScreeningResult.student == student.id)
    assert (result.tier, result.override_tier) == ("high", "concern")
