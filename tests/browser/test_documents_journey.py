"""Issue 6's journey, as a new worker would try it on the demo: open the finished group's
evaluation, download all six documents (and the zip, watching its progress bar), and read
each back through LibreOffice. The statistics on the page match the database."""

import io
import os
import re
import zipfile

from playwright.sync_api import expect

from planner import ROOT
from planner.curricula.models import Curriculum
from planner.demo import DEMO_PASSWORD
from planner.i18n import local_today
from planner.runs.models import Attendance, SessionRecord
from planner.sessions.models import Program, Session
from planner.students.models import GroupMember, Student
from tests.browser.conftest import log_in
from tests.exports.helpers import pdf_texts

CONTENT = os.path.join(ROOT, "content")


def download(page, selector):
    with page.expect_download() as info:
        page.click(selector)
    d = info.value
    with open(d.path(), "rb") as fh:
        return d.suggested_filename, fh.read()


def expected_totals(term_name) -> dict:
    """The statistics computed straight from the rows, for the worker's programs."""
    from planner.accounts.models import User
    from planner.schools.models import Term
    from planner.sessions.models import ProgramWorker

    worker = User.get(User.username == "worker")
    mine = (
        Program.select(Program.id)
        .join(Term)
        .switch(Program)
        .join(ProgramWorker)
        .where((Term.name == term_name) & (ProgramWorker.worker == worker.id))
    )
    held = Session.select().where(
        Session.program.in_(mine)
        & (Session.status != "cancelled")
        & (Session.date <= local_today())
    )
    lessons = [
        s
        for s in held.join(Program).join(Curriculum).where(Curriculum.kind == "classroom")
        if SessionRecord.select()
        .where((SessionRecord.session == s.id) & SessionRecord.headcount.is_null(False))
        .exists()
    ]
    marks = list(Attendance.select().where(Attendance.session.in_(held.select(Session.id))))
    attended = sum(1 for m in marks if m.status in ("present", "late", "left_early"))
    return {
        "lessons": len(lessons),
        "meetings": len({m.session_id for m in marks}),
        "meeting_participants": attended,
        "attendance_rate": f"{100 * attended / len(marks):.1f}%" if marks else "—",
    }


def test_worker_downloads_all_six_documents(live_server, demo_all, tablet, tmp_path):
    page, base, group = tablet, live_server, demo_all
    log_in(page, base, "worker", DEMO_PASSWORD)

    page.goto(f"{base}/programs/{group.id}")
    page.click("a:has-text('评估')")
    expect(page.locator("h1")).to_have_text("小组评估")
    assert page.locator("#attendance svg[role=img]").count() == 1
    assert page.locator("#stages svg[role=img]").count() == 1
    assert page.locator("#outcomes svg[role=img]").count() >= 1
    members = GroupMember.select().where(GroupMember.program == group.id).count()
    assert page.locator("#attendance svg rect.cell").count() == members * 8

    page.click("a:has-text('导出文档')")
    files = {}
    for kind in ("group_plan", "evaluation_report"):
        files[kind] = download(page, f"a[href$='/documents/{kind}.docx']")
    files["session_plan"] = download(page, "a[href$='/documents/session_plan.docx'] >> nth=0")
    files["meeting_record"] = download(page, "a[href$='/documents/meeting_record.docx'] >> nth=0")

    page.click("#zip-start")
    expect(page.locator("#zip-download")).to_be_visible(timeout=60000)
    expect(page.locator("progress")).to_have_attribute("value", re.compile(r"^\d+$"))
    name, data = download(page, "#zip-download")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        entries = zf.namelist()
    assert len(entries) == 1 + 8 + 8 + 1  # plan, session plans, meeting records, report
    assert all(
        e.startswith(group.archive_code or Program.get_by_id(group.id).archive_code)
        for e in entries
    )

    lessons = Program.get(Program.title == "青春期教育（初一）7(1)7(2)班")
    page.goto(f"{base}/programs/{lessons.id}/documents")
    files["lesson_plan"] = download(page, "a[href$='/documents/lesson_plan.docx']")

    previous = Program.get_by_id(group.id).term.name
    page.goto(f"{base}/stats?term={previous}")
    want = expected_totals(previous)
    totals = page.locator("#stats-totals tr.total")
    for key in ("lessons", "meetings", "meeting_participants", "attendance_rate"):
        assert totals.locator(f"td[data-key={key}]").inner_text() == str(want[key]), key
    files["term_stats"] = download(page, "#stats-totals tr.total a")

    names = [n for n, _ in files.values()]
    students = [s.name for s in Student.select(Student.name)]
    assert not [n for n in names if any(s in n for s in students)], names
    texts = pdf_texts({k: d for k, (_, d) in files.items()}, tmp_path)
    flat = {k: re.sub(r"\s+", "", t) for k, t in texts.items()}
    for kind, heading in (
        ("group_plan", "小组计划书"),
        ("session_plan", "单节活动计划"),
        ("lesson_plan", "社工课堂教案"),
        ("meeting_record", "小组活动记录表"),
        ("evaluation_report", "小组总结评估报告"),
        ("term_stats", "学期工作统计"),
    ):
        assert heading in flat[kind], kind
        header = "示范区阳光社会工作服务中心" if kind == "term_stats" else "城东第一初级中学"
        assert header in flat[kind], kind
    assert "出勤情况" in flat["evaluation_report"] and "满意度" in flat["evaluation_report"]
    assert not any(s in flat["lesson_plan"] for s in students)


def test_evaluation_and_export_screens_fit_a_tablet(live_server, demo_all, tablet):
    """Touch targets of at least 44 px and no sideways scrolling of the page, portrait and
    landscape, on the evaluation, score entry, documents and statistics screens."""
    page, group = tablet, demo_all
    log_in(page, live_server, "worker", DEMO_PASSWORD)
    member = GroupMember.select().where(GroupMember.program == group.id).first()
    urls = [
        f"/programs/{group.id}/evaluation",
        f"/programs/{group.id}/documents",
        f"/programs/{group.id}/members/{member.student_id}/scores/satisfaction/post",
        f"/programs/{group.id}/members/{member.student_id}/gas",
        "/stats",
    ]
    for width, height in ((768, 1024), (1180, 820)):
        page.set_viewport_size({"width": width, "height": height})
        for url in urls:
            page.goto(live_server + url)
            heights = page.locator(
                "#main button, #main a.btn, #main select, #main input:not([type=radio])"
                ":not([type=checkbox]):not([type=hidden]), #main label.check"
            ).evaluate_all(
                "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
            )
            assert heights and min(heights) >= 44, (width, url, heights)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (width, url, overflow)
