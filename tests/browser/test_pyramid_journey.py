"""Issue 17's journey at tablet size (820×1180), as a new user would: a worker imports a
class's screening results from the platform's sheet, sees the tiers, recruits a 关注 student
into her growth group from its roster, opens a case for the 高危 student and records its
intake, assessment and plan, schedules a case session over a class and sees the clash; her
supervisor signs off the case note. The class teacher's pages hold none of it."""

import datetime as dt

from playwright.sync_api import expect

from planner.accounts.models import User
from planner.cases.models import Case, CaseAppointment, CaseNote
from planner.demo import DEMO_PASSWORD
from planner.evaluation.models import Instrument
from planner.i18n import local_today
from planner.schools.models import Room, SchoolClass
from planner.screening.models import Recruitment, ScreeningRound
from planner.sessions.models import Program, ProgramWorker, Session
from planner.students.models import Consent, GroupMember, Student
from tests.browser.conftest import log_in, touch_box

# (student number, name, the answer to every item but the safety item, answers set apart)
SHEET = [
    ("J17-001", "甲同学", 0, {}),
    ("J17-002", "乙同学", 1, {"第6题": 3, "第10题": 2}),  # 关注: lonely, no help: 环境适应
    ("J17-003", "丙同学", 2, {"第12题": 1}),  # 高危: the safety item
    ("J17-004", "丁同学", 0, {"第8题": 1}),
]


def _class_students():
    """Four students of 7(1)班 with the guardian's screening consent; 乙 may join groups."""
    cls = SchoolClass.get((SchoolClass.name == "7(1)班") & ~SchoolClass.archived)
    made = {}
    for no, name, _level, _apart in SHEET:
        student = Student.create(
            school=cls.school_id,
            archive_code=f"JRN-{no}",
            student_no=no,
            name=name,
            school_class=cls,
            birth_date=dt.date(2013, 9, 1),
        )
        purposes = ["screening"] + (["participation", "casework"] if no != "J17-001" else [])
        for purpose in purposes:
            Consent.create(
                student=student,
                purpose=purpose,
                given_by="guardian",
                giver_name="家长",
                notice_version="v1",
                given_on=dt.date(2026, 9, 1),
                method="paper",
            )
        made[no] = student
    return made


def _sheet() -> bytes:
    lines = ["学号," + ",".join(f"第{n}题" for n in range(1, 13))]
    for no, _name, level, apart in SHEET:
        cells = [str(apart.get(f"第{n}题", level if n < 12 else 0)) for n in range(1, 13)]
        lines.append(no + "," + ",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode()


def _round():
    worker = User.get(User.username == "worker")
    program = Program.get(Program.title == "青春期教育（初一）7(1)7(2)班")
    return ScreeningRound.create(
        program=program,
        instrument=Instrument.get(Instrument.slug == "screening-wellbeing"),
        title="七年级期中筛查",
        created_by=worker,
    )


def test_screening_to_group_to_case(live_server, demo_all, tablet):
    page, base = tablet, live_server
    students = _class_students()
    rnd = _round()
    log_in(page, base, "worker", DEMO_PASSWORD)

    # 1. import the class's results from the platform's sheet
    page.goto(f"{base}/screening/{rnd.id}/import")
    page.wait_for_load_state("load")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "筛查结果.csv", "mimeType": "text/csv", "buffer": _sheet()}],
    )
    page.click("#import-panel button[type=submit]")
    expect(page.locator("#import-mapping")).to_be_visible()  # htmx swaps the panel
    page.click("#import-mapping button.btn-primary")
    expect(page.locator("#import-panel")).to_contain_text("共 4 行，全部可以导入")
    commit = page.locator("#import-panel button.btn-primary")
    assert touch_box(commit)["height"] >= 44
    commit.click()
    expect(page.locator("#import-panel")).to_have_count(0)

    # 2. the tiers
    page.goto(f"{base}/screening/{rnd.id}")
    tiers = page.locator("#tiers")
    expect(tiers.locator("tr", has_text="JRN-J17-002")).to_contain_text("关注")
    expect(tiers.locator("tr", has_text="JRN-J17-003")).to_contain_text("高危")
    expect(tiers.locator("tr", has_text="JRN-J17-001")).to_contain_text("一般")

    # 3. recruit the 关注 student into the group from its roster
    group = Program.get(Program.title == "新生适应小组")
    page.goto(f"{base}/programs/{group.id}/roster")
    candidate = page.locator("#screen-candidates li", has_text="JRN-J17-002")
    expect(candidate).to_contain_text("与小组主题相关")
    button = candidate.locator("button[type=submit]")
    assert touch_box(button)["height"] >= 44
    button.click()
    expect(page.locator("#members")).to_contain_text("JRN-J17-002")
    expect(page.locator("#members")).to_contain_text("来自筛查：七年级期中筛查")
    member = GroupMember.get(
        (GroupMember.program == group.id) & (GroupMember.student == students["J17-002"].id)
    )
    assert Recruitment.get(Recruitment.member == member.id).result.round_id == rnd.id

    # 4. open a case for the 高危 student from her result, and record intake, assessment, plan
    high = students["J17-003"].screening_results.get()
    page.goto(f"{base}/screening/{rnd.id}")
    opener = page.locator(f"#open-case-{high.id}")
    assert touch_box(opener)["height"] >= 44
    opener.click()
    page.wait_for_load_state("load")
    expect(page.locator("#case-head")).to_contain_text("高危")
    for name, text in INTAKE.items():
        page.fill(f"#intake-{name}", text)
    page.select_option("#intake-decision", "take")
    page.click("#advance-intake")
    page.wait_for_load_state("load")
    expect(page.locator("#advance-assessment")).to_be_visible()
    for name, text in ASSESSMENT.items():
        page.fill(f"#assessment-{name}", text)
    page.click("#advance-assessment")
    page.wait_for_load_state("load")
    expect(page.locator("#advance-plan")).to_be_visible()
    for name, text in PLAN.items():
        page.fill(f"#plan-{name}", text)
    page.click("#advance-plan")
    page.wait_for_load_state("load")
    expect(page.locator("#submit-note")).to_be_visible()
    expect(page.locator("#compliance")).to_contain_text("计划内容完整")  # the 8.3.3 panel
    case = Case.get(Case.student == students["J17-003"].id)
    assert case.step == "intervention" and case.source == "screening"

    # 5. a case session booked over one of her lessons shows the clash
    lesson = (
        Session.select(Session, Program)
        .join(Program)
        .join(ProgramWorker, on=(ProgramWorker.program == Program.id))
        .join(User, on=(ProgramWorker.worker == User.id))
        .where(
            (User.username == "worker")
            & (Session.date > local_today())
            & (Session.status == "planned")
            & (Program.school == case.school_id)
        )
        .order_by(Session.date, Session.start)
        .first()
    )
    page.click("#case-appointments")
    page.wait_for_url(f"{base}/cases/{case.id}/appointments")
    page.wait_for_load_state("load")
    page.fill("#appointment-date", lesson.date.isoformat())
    page.fill("#appointment-start", lesson.start.strftime("%H:%M"))
    page.fill(
        "#appointment-end",
        (dt.datetime.combine(lesson.date, lesson.start) + dt.timedelta(minutes=30)).strftime(
            "%H:%M"
        ),
    )
    room = Room.get((Room.school == case.school_id) & (Room.kind == "case_room"))
    page.select_option("#appointment-room_id", str(room.id))
    page.locator("#save-appointment").click()
    alert = page.locator("#new-appointment [role=alert]").first
    expect(alert).to_contain_text("社工时间冲突")
    expect(alert).to_contain_text(lesson.program.title)
    assert not CaseAppointment.select().where(CaseAppointment.case == case.id).exists()
    page.goto(f"{base}/cases/{case.id}")
    page.wait_for_load_state("load")

    # 6. a case note goes to the supervisor, who signs it off
    page.fill("#note-minutes", "40")
    page.fill("#note-note", "会谈中学生愿意签订安全计划，约定下周同一时间再谈。")
    page.click("#submit-note")
    note = CaseNote.get(CaseNote.case == case.id)
    assert note.status == "submitted"
    page.click("header form button[type=submit]")  # 退出登录
    page.wait_for_url(f"{base}/login")  # logout clears the tablet's copy first
    log_in(page, base, "supervisor", DEMO_PASSWORD)
    page.goto(f"{base}/supervision/cases")
    page.fill(f"#comment-{note.id}", "安全计划做得及时，下次记录家长的反馈。")
    page.click(f"#sign-off-{note.id}")
    expect(page.locator(f"#queue-note-{note.id}")).to_have_count(0)
    assert CaseNote.get_by_id(note.id).status == "signed_off"

    # the class teacher's pages hold none of it
    page.click("header form button[type=submit]")
    page.wait_for_url(f"{base}/login")
    log_in(page, base, "teacher", DEMO_PASSWORD)
    for url in ("/", f"/classes/{students['J17-003'].school_class_id}"):
        page.goto(f"{base}{url}")
        html = page.content()
        for student in students.values():
            assert student.name not in html and student.archive_code not in html
        assert case.archive_code not in html and "高危" not in html


INTAKE = {
    "introduction": "社工在社工室单独面谈，介绍身份、服务内容和保密原则及其例外。",
    "first_information": "近两周情绪低落，筛查安全题选择偶尔，否认有具体计划。",
    "emergency": "当天评估风险，联系监护人面谈并告知情况，给学生留下求助方式。",
    "decision_reason": "学生和监护人同意接受个案服务，风险可在校内跟进。",
}
ASSESSMENT = {
    "problem": "情绪低落与消极念头，与学业压力和同伴关系紧张有关。",
    "environment": "班主任关心，同桌支持，父母愿意配合。",
    "priorities": "先确保安全、建立求助渠道，再改善睡眠和同伴关系。",
}
PLAN = {
    "background": "七年级期中筛查为高危，接案面谈确认有消极念头。",
    "theory": "危机干预模式与优势视角。",
    "overall_goal": "学生安全度过危机期，情绪改善，支持网络更紧密。",
    "specific_goals": "签订安全计划；每周五天按时入睡；每周与父母谈心两次。",
    "content": "安全计划、情绪与睡眠、亲子沟通、在校支持。",
    "methods": "个案面谈、家庭会谈、与班主任协作。",
    "action_steps": "第1周安全计划；第2至3周情绪练习；第4周家庭会谈；第8周评估。",
    "schedule": "每周一次，每次40分钟，共8周。",
    "evaluators": "学生、监护人、班主任、社工与督导。",
    "evaluation_methods": "每周风险复核与GAS目标评定。",
}
