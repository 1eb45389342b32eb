"""Issue 17's journey at tablet size (820×1180), as a new user would: a worker imports a
class's screening results from the platform's sheet, sees the tiers, recruits a 关注 student
into her growth group from its roster, opens a case for the 高危 student and records its
intake, assessment and plan, schedules a case session over a class and sees the clash; her
supervisor signs off the case note. The class teacher's pages hold none of it."""

import datetime as dt

from playwright.sync_api import expect

from planner.accounts.models import User
from planner.demo import DEMO_PASSWORD
from planner.evaluation.models import Instrument
from planner.schools.models import SchoolClass
from planner.screening.models import Recruitment, ScreeningRound
from planner.sessions.models import Program
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
    page.click("#import-mapping button.btn-primary")
    commit = page.locator("#import-panel button.btn-primary")
    assert touch_box(commit)["height"] >= 44
    commit.click()

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
