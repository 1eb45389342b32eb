"""Issue 13's journey at tablet size, on the demo: a worker hands a guardian the copy of
everything held about a student (the zip's Word summary opens in LibreOffice), records the
guardian's erasure request, the supervisor approves it, and the student is anonymous on
every page while the term statistics stay what they were; then the retention purge runs."""

import io
import json
import zipfile

from playwright.sync_api import expect

from planner.demo import DEMO_PASSWORD
from planner.demo_finished import STUDENTS
from planner.privacy.models import DataRequest
from planner.sessions.models import Program
from planner.students.models import GroupMember, Student
from tests.browser.conftest import log_in, nav_click, touch_box
from tests.exports.helpers import pdf_texts


def stats_cells(page, base, term):
    page.goto(f"{base}/stats?term={term}")
    return page.locator("#stats-totals").inner_text(), page.locator("#stats-workers").inner_text()


def log_out(page, base):
    """As a user does: the logout button (it clears what the tablet keeps, then posts)."""
    page.click("button:has-text('退出登录')")
    page.wait_for_url(f"{base}/login")


def test_export_then_erasure_approved_then_anonymous_everywhere(
    live_server, live_app, demo_all, tablet, tmp_path
):
    page, base, group = tablet, live_server, demo_all
    name = STUDENTS[0][1]
    student = (
        Student.select()
        .join(GroupMember)
        .where((GroupMember.program == group.id) & (Student.name == name))
        .get()
    )
    term = Program.get_by_id(group.id).term.name

    log_in(page, base, "worker", DEMO_PASSWORD)
    before = stats_cells(page, base, term)

    # 1. the copy: one zip, JSON and a Word summary that LibreOffice opens
    page.goto(f"{base}/students/{student.id}")
    expect(page.locator("#data-requests h2")).to_have_text("数据请求")
    page.select_option("#data-request-form #f-kind", "export")
    page.select_option("#data-request-form #f-requester", "guardian")
    with page.expect_download() as info:
        page.click("#data-request-form button[type=submit]")
    download = info.value
    assert student.archive_code in download.suggested_filename
    assert name not in download.suggested_filename
    with open(download.path(), "rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as archive:
        data = json.loads(archive.read(f"{student.archive_code}/data.json"))
        summary = archive.read(f"{student.archive_code}/个人信息副本.docx")
    assert data["student"]["name"] == name and data["attendance"]
    [text] = pdf_texts({"summary": summary}, tmp_path).values()
    assert "个人信息副本" in text and student.archive_code in text and "出勤" in text

    # 2. the erasure: recorded by the worker, approved by her supervisor
    page.goto(f"{base}/students/{student.id}")
    page.select_option("#data-request-form #f-kind", "erase")
    page.fill("#data-request-form #f-note", "监护人书面申请删除")
    page.click("#data-request-form button[type=submit]")
    expect(page.locator("#data-requests .notice-ok")).to_contain_text("等待审批")
    log_out(page, base)
    log_in(page, base, "supervisor", DEMO_PASSWORD)
    nav_click(page, "数据请求审批")
    row = page.locator(".request-row", has_text=student.archive_code)
    expect(row).to_contain_text("监护人书面申请删除")
    box = touch_box(row.locator("button:has-text('批准并删除')"))
    assert box["height"] >= 44  # a touch target
    row.locator("button:has-text('批准并删除')").click()
    expect(page.locator(".notice-ok")).to_have_text("已处理。")
    assert DataRequest.get(DataRequest.kind == "erase").status == "done"

    # 3. anonymous everywhere, and the statistics unchanged
    log_out(page, base)
    log_in(page, base, "worker", DEMO_PASSWORD)
    page.goto(f"{base}/students/{student.id}")
    expect(page.locator("#student-record h1")).to_contain_text("已匿名化")
    for url in (
        f"/students/{student.id}",
        f"/programs/{group.id}/roster",
        f"/schools/{student.school_id}/students?archived=1",
        f"/programs/{group.id}/evaluation",
    ):
        page.goto(base + url)
        assert name not in page.content(), url
    assert stats_cells(page, base, term) == before
    assert page.evaluate("document.documentElement.scrollWidth") <= 820  # no sideways scroll

    # the purge runs over the same data and keeps the anonymous student's counts
    result = live_app.test_cli_runner().invoke(args=["planner", "purge", "--dry-run"])
    assert result.exit_code == 0 and "would remove" in result.output
    assert stats_cells(page, base, term) == before
