"""The case page's documents at tablet size: the worker taps 个案接案登记表 (a 44 px link) and
gets a Word file named by the case's GA archive code, with her intake in it and the
student's name nowhere; each of the four documents is linked."""

from planner.accounts.models import User
from planner.cases.models import Case, CaseRecord
from planner.demo import DEMO_PASSWORD
from planner.exports.kinds import of_case
from planner.i18n import local_today
from tests.browser.conftest import log_in, touch_box
from tests.browser.test_documents_journey import download
from tests.browser.test_screening_journey import _round
from tests.exports.helpers import body_text, parts


def test_the_worker_downloads_the_intake_form_from_the_case_page(live_server, demo_all, tablet):
    page, base = tablet, live_server
    _rnd, student = _round()
    worker = User.get(User.username == "worker")
    case = Case.create(
        school=student.school_id,
        student=student.id,
        worker=worker.id,
        source="self",
        risk="high",
        next_review=local_today(),
        archive_code="DEMO-GA-2026-9001",
        opened_on=local_today(),
    )
    CaseRecord.create(
        case=case,
        step="intake",
        fields={"introduction": "介绍了学校社工", "first_information": "最近睡不好"},
    )
    log_in(page, base, "worker", DEMO_PASSWORD)
    page.goto(f"{base}/cases/{case.id}")
    page.wait_for_load_state("load")
    for kind in of_case():
        assert touch_box(page.locator(f"#doc-{kind.key}"))["height"] >= 44, kind.key
    name, data = download(page, "#doc-case_intake")
    assert name == "DEMO-GA-2026-9001_个案接案登记表.docx"
    text = body_text(data)
    assert "最近睡不好" in text and student.archive_code in text
    assert not any(student.name in content for content in parts(data).values())
