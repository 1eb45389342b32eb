"""Issue 14's "done when", step 6, at 820×1180: the worker goes from the term statistics to
the attendance report, downloads it as xlsx (archive codes, then with names of her own
groups), and openpyxl reads back the counts worked out here straight from the rows."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from planner.accounts.models import User
from planner.demo import DEMO_PASSWORD
from planner.i18n import local_today
from planner.runs.models import Attendance, SessionRecord
from planner.sessions.models import Program, ProgramWorker, Session
from planner.students.models import GroupMember, Student
from tests.browser.conftest import log_in

ATTENDED = ("present", "late", "left_early")


def download(page, selector):
    with page.expect_download() as info:
        page.click(selector)
    d = info.value
    with open(d.path(), "rb") as fh:
        return d.suggested_filename, fh.read()


def expected_members(group) -> dict:
    """archive code → (held, attended, excused, absent) from the rows of one group."""
    held = [
        s.id
        for s in Session.select().where(
            (Session.program == group.id)
            & (Session.status != "cancelled")
            & (Session.date <= local_today())
        )
        if Attendance.select().where(Attendance.session == s.id).exists()
        or SessionRecord.select()
        .where((SessionRecord.session == s.id) & (SessionRecord.purged_marks > 0))
        .exists()
    ]
    out = {}
    for member in GroupMember.select().join(Student).where(GroupMember.program == group.id):
        marks = [
            a.status
            for a in Attendance.select().where(
                (Attendance.student == member.student_id) & Attendance.session.in_(held)
            )
        ]
        out[member.student.archive_code] = (
            len(held),
            sum(1 for m in marks if m in ATTENDED),
            marks.count("excused"),
            marks.count("absent"),
        )
    return out


def test_worker_downloads_the_attendance_report(live_server, demo_all, tablet):
    page, base, group = tablet, live_server, demo_all
    worker = User.get(User.username == "worker")
    assert (
        ProgramWorker.select()
        .where((ProgramWorker.program == group.id) & (ProgramWorker.worker == worker.id))
        .exists()
    )
    log_in(page, base, "worker", DEMO_PASSWORD)
    term = Program.get_by_id(group.id).term.name
    page.goto(f"{base}/stats?term={term}")
    page.click("#attendance-link")
    expect(page.locator("h1")).to_have_text("出勤报表")
    want = expected_members(group)
    assert sum(w[1] for w in want.values()) > 0  # the finished group has attendance
    # the page names students by archive code only
    names = [
        s.name for s in Student.select().join(GroupMember).where(GroupMember.program == group.id)
    ]
    body = page.locator("#attendance-students").inner_text()
    assert all(code in body for code in want) and not any(n in body for n in names)

    name, data = download(page, "#attendance-export button[type=submit]")
    assert name.endswith(".xlsx") and not any(n in name for n in names)
    rows = list(load_workbook(io.BytesIO(data))["学生"].iter_rows(values_only=True))
    assert rows[0][2] == "档案编号" and "姓名" not in rows[0]
    got = {r[2]: tuple(r[4:8]) for r in rows[1:] if r[0] == group.archive_code}
    assert got == want

    page.check("#attendance-export input[name=names][value='1']")
    name, data = download(page, "#attendance-export button[type=submit]")
    assert not any(n in name for n in names)
    rows = list(load_workbook(io.BytesIO(data))["学生"].iter_rows(values_only=True))
    assert rows[0][3] == "姓名"
    got = {r[2]: (r[3], tuple(r[5:9])) for r in rows[1:] if r[0] == group.archive_code}
    by_code = {
        s.archive_code: s.name
        for s in Student.select().join(GroupMember).where(GroupMember.program == group.id)
    }
    assert got == {code: (by_code[code], counts) for code, counts in want.items()}
