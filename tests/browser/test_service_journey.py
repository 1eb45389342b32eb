"""A worker at tablet size logs an urgent 社工信箱 letter (the flag reaches her supervisor's
home at once) and a consultation with two parents; the supervisor records a group
supervision session with both her workers. The buttons they tap are 44 px. A named letter
and a consultation with a student each open a case with their 开案 button. Then the worker
downloads her 学期工作总结 from the statistics page, and its counts are the rows'."""

import io

from docx import Document
from playwright.sync_api import expect

from planner.accounts.models import User
from planner.cases.models import Case
from planner.demo import DEMO_PASSWORD
from planner.i18n import local_today
from planner.reports.stats import term_names, term_window
from planner.schools.models import SchoolClass, Term
from planner.service.models import Consultation, Letter, SupervisionAttendee, SupervisionSession
from planner.students.models import Student
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

    # a letter that names its student, and a talk with a student, each open a case
    school = letter.school
    cls = SchoolClass.select().where(SchoolClass.school == school.id).first()
    writer, talker = (
        Student.create(
            school=school.id,
            school_class=cls,
            archive_code=f"{school.code}-XS-2026-09{n}",
            student_no=f"SJ-0{n}",
            name=name,
        )
        for n, name in ((1, "写信的同学"), (2, "来谈的同学"))
    )
    assert writer.school_id == talker.school_id
    page.goto(f"{base}/schools/{writer.school_id}/letters")
    page.wait_for_load_state("load")
    page.fill("#f-received_on", today)
    page.select_option("#f-channel", "mailbox")
    page.select_option("#f-category", "family")
    page.fill("#f-student_code", writer.archive_code)
    page.fill("#f-text", "想找社工聊聊家里的事")
    page.click("#letter-save")
    expect(page.locator("#letter-count")).to_have_text(
        "2" if writer.school_id == letter.school_id else "1"
    )
    named = Letter.get(Letter.student == writer.id)
    page.goto(f"{base}/letters/{named.id}")
    page.wait_for_load_state("load")
    assert touch_box(page.locator("#letter-open-case"))["height"] >= 44
    page.click("#letter-open-case")
    page.wait_for_url(f"{base}/cases/*")
    case = Case.get(Case.letter == named.id)
    assert (case.student_id, case.source, case.step) == (writer.id, "letter", "intake")
    assert page.url == f"{base}/cases/{case.id}" and writer.name not in page.url
    page.goto(f"{base}/schools/{talker.school_id}/consultations")
    page.wait_for_load_state("load")
    page.fill("#f-held_on", today)
    page.select_option("#f-kind", "student")
    page.fill("#f-student_code", talker.archive_code)
    page.fill("#f-purpose", "学习压力")
    page.fill("#f-minutes", "30")
    page.click("#consultation-save")
    expect(page.locator("#consultations li[id^=consultation-]")).to_have_count(
        2 if talker.school_id == letter.school_id else 1
    )
    talk = Consultation.get(Consultation.student == talker.id)
    button = page.locator(f"#consultation-open-case-{talk.id}")
    assert touch_box(button)["height"] >= 44
    button.click()
    page.wait_for_url(f"{base}/cases/*")
    case = Case.get(Case.consultation == talk.id)
    assert (case.student_id, case.source) == (talker.id, "consultation")
    expect(page.locator("main")).to_contain_text(talker.archive_code)

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

    # step 4: the 学期工作总结 shows those counts, and they match the rows
    names = term_names(worker)
    current = Term.select().where(
        (Term.school == letter.school_id)
        & (Term.start <= local_today())
        & (Term.end >= local_today())
    )
    term = current[0].name if current.exists() else names[0]
    page.goto(f"{base}/stats?term={term}")
    page.wait_for_load_state("load")
    # her own report from the totals row (her row in 按社工 appears once she has programs)
    link = page.locator("#work-report-mine")
    assert touch_box(link)["height"] >= 44
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert worker.display_name not in download.suggested_filename
    with open(download.path(), "rb") as fh:
        document = Document(io.BytesIO(fh.read()))
    figures = {
        row.cells[0].text: row.cells[1].text
        for table in document.tables
        if table.rows[0].cells[0].text == "项目"
        for row in table.rows[1:]
    }
    start, end = term_window(worker, term)
    mine = Letter.select().where(
        (Letter.worker == worker.id) & Letter.received_on.between(start, end)
    )
    talks = Consultation.select().where(
        (Consultation.worker == worker.id) & Consultation.held_on.between(start, end)
    )
    attended = (
        SupervisionSession.select()
        .join(SupervisionAttendee)
        .where(
            (SupervisionAttendee.worker == worker.id)
            & SupervisionSession.held_on.between(start, end)
            & (SupervisionSession.mode == "group")
        )
    )
    assert figures["社工信箱来信"] == str(mine.count())
    assert figures["其中紧急来信"] == str(mine.where(Letter.urgent).count())
    assert figures["家长咨询人次"] == str(sum(t.people for t in talks if t.kind == "parent"))
    assert figures["团体督导次数"] == str(attended.count())
    if start <= local_today() <= end:  # today's records are this term's
        assert (figures["社工信箱来信"], figures["家长咨询人次"]) == ("2", "2")
        assert figures["团体督导次数"] == "1"
