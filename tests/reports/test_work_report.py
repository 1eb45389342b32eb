"""学期工作总结 (issue 18): the work report of one worker or one school, its figures against
the rows behind them (the service records of tests/reports/test_stats_service.py, a group
with its evaluation and a safeguarding follow-up), no student named in it, its audit row,
who may have which, and the statistics page's links."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.evaluation.models import ProgramEvaluation
from planner.reports.work_report import work_report_context
from tests import factories
from tests.conftest import login_as
from tests.exports.helpers import body_text, parts, tables
from tests.reflections import factories as rf
from tests.reports.test_stats_service import IN, T, term  # noqa: F401 (the fixture)

URL = "/stats/work-report.docx"


@pytest.fixture
def year(term):  # noqa: F811
    """The term of test_stats_service, and W1's group (向日葵组) with two of three goals
    judged met, one goal not judged; a safeguarding follow-up about a named child; a
    classroom series whose evaluation never counts."""
    group = rf.program(term)
    child = rf.student(term, name="林晓雨")
    refl = rf.reflection(rf.sessions_of(group)[0], term.worker)
    rf.follow_up(refl, child, safeguarding=True, note="林晓雨 说起家里的事")
    rf.follow_up(refl, child, note="普通跟进")
    ProgramEvaluation.create(
        program=group,
        goals=[
            {"goal": "组员能说出三种调节情绪的方法", "status": "met", "evidence": "林晓雨 做到了"},
            {"goal": "组员主动表达感受", "status": "met", "evidence": ""},
            {"goal": "组员结交一位新朋友", "status": "not_met", "evidence": ""},
            {"goal": "尚未评估的目标", "status": "unknown", "evidence": ""},
        ],
    )
    lessons = rf.program(term, kind="classroom")
    ProgramEvaluation.create(program=lessons, goals=[{"goal": "课堂目标", "status": "met"}])
    term.stranger = factories.user("worker", agency=term.agency, schools=[term.school])
    return term


def parts_core(data: bytes) -> bytes:
    return parts(data)["docProps/core.xml"].encode()


def _figures(data: bytes) -> dict:
    """项目 → 数量 over the document's figure tables."""
    return {
        row[0]: row[1]
        for table in tables(data)
        if table[0] == ["项目", "数量"]
        for row in table[1:]
    }


def test_a_worker_downloads_her_own_report(app, year):
    client = login_as(app.test_client(), year.worker)
    response = client.get(f"{URL}?term={T}&scope=worker&id={year.worker.id}")
    assert response.status_code == 200
    data = response.data
    got = _figures(data)
    # the worker's service counts (test_a_worker_counts_her_own)
    assert got["社工信箱来信"] == "3" and got["其中紧急来信"] == "1"
    assert (got["学生咨询人次"], got["家长咨询人次"], got["咨询总人次"]) == ("2", "3", "6")
    assert (got["个别督导次数"], got["团体督导次数"], got["培训学时"]) == ("1", "1", "7.5")
    assert (got["小组节数"], got["服务总人次"]) == ("0", "0")  # no meeting recorded yet
    text = body_text(data)
    assert "向日葵组" in text and "评估目标 3 项，已达成 2 项。" in text
    assert "组员能说出三种调节情绪的方法" in text and "组员结交一位新朋友" not in text
    assert "课堂目标" not in text  # only groups' evaluations
    assert "本学期提出安全保护关注 1 项" in text
    for secret in ("林晓雨", "JX-RF-2026", "说起家里", "来信学生"):
        assert secret not in text and secret.encode() not in data
    # she is named in the body, not in the file's properties or name
    assert year.worker.display_name in text
    assert year.worker.display_name not in response.headers["Content-Disposition"]
    assert year.worker.display_name.encode() not in parts_core(data)
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "export",
        "work_report",
        year.worker.id,
    )
    assert entry.detail == f"worker {T}"


def test_a_school_report_counts_the_schools_records(app, year):
    ctx = work_report_context(year.admin, T, "school", year.other_school)
    assert ctx["service"]["letters"] == "1" and ctx["service"]["consultations"] == "2"
    assert ctx["service"]["training_hours"] == "—"  # training belongs to no school
    assert ctx["highlights"] == [] and ctx["safeguarding"] == "0"  # the group is 甲校's
    ctx = work_report_context(year.admin, T, "school", year.school)
    assert ctx["highlights"][0]["met"] == "2" and ctx["safeguarding"] == "1"
    assert ctx["title"] == f"甲校 {T}" and ctx["archive_code"] == "JX-ZJ-2026"


def test_a_case_notes_safeguarding_concern_counts(app, year):
    from planner.cases.models import Case, CaseNote

    child = rf.student(year)
    case = Case.create(
        school=year.school,
        student=child,
        worker=year.worker,
        source="referral",
        archive_code="JX-GA-2026-0001",
        opened_on=IN,
    )
    for held_on, flagged in ((IN, True), (IN, False), (dt.date(2026, 8, 1), True)):
        CaseNote.create(
            case=case,
            author=year.worker,
            kind="interview",
            held_on=held_on,
            minutes=30,
            note="面谈",
            safeguarding=flagged,
        )
    ctx = work_report_context(year.worker, T, "worker", year.worker)
    assert ctx["safeguarding"] == "2"  # the follow-up and the term's flagged note
    assert ctx["pyramid"]["cases_opened"] == "1"


@pytest.mark.parametrize(
    "who, scope, whose, status",
    [
        ("worker", "worker", "worker", 200),
        ("worker", "worker", "worker_other", 404),  # not hers
        ("worker", "school", "other_school", 404),  # not her school
        ("supervisor", "worker", "worker", 200),
        ("supervisor", "worker", "stranger", 404),  # not her worker
        ("admin", "worker", "worker_other", 200),
        ("admin", "school", "other_school", 200),
        ("teacher", "school", "school", 403),
    ],
)
def test_who_may_have_which(app, year, who, scope, whose, status):
    client = login_as(app.test_client(), getattr(year, who))
    target = getattr(year, whose)
    assert client.get(f"{URL}?term={T}&scope={scope}&id={target.id}").status_code == status


@pytest.mark.parametrize(
    "query",
    ["scope=agency", "scope=worker&id=abc", "scope=worker&id=999999999999", "scope=", ""],
)
def test_bad_requests_are_404(app, year, query):
    client = login_as(app.test_client(), year.admin)
    assert client.get(f"{URL}?term={T}&{query}").status_code == 404
    assert (
        client.get(f"{URL}?term=没有这个学期&scope=school&id={year.school.id}").status_code == 404
    )


def test_the_statistics_page_links_each_school_and_worker(app, year):
    client = login_as(app.test_client(), year.admin)
    with count_queries() as small:
        html = client.get(f"/stats?term={T}").get_data(as_text=True)
    assert f'id="work-report-school-{year.school.id}"' in html
    assert f'id="work-report-worker-{year.worker.id}"' in html
    for _ in range(3):
        rf.program(year)
    with count_queries() as large:
        client.get(f"/stats?term={T}")
    assert small.count == large.count
    assert 'id="work-report-mine"' not in html
    mine = login_as(app.test_client(), year.worker).get(f"/stats?term={T}").get_data(as_text=True)
    assert 'id="work-report-mine"' in mine  # a worker's own report, programs or none


def test_the_api_stats_carry_the_service_counts(app, year):
    from tests.api.helpers import bearer, token_for

    client = app.test_client()
    body = client.get(f"/api/stats?term={T}", headers=bearer(token_for(year.worker))).get_json()
    assert body["service"] == {
        "letters": 3,
        "urgent_letters": 1,
        "consult_student": 2,
        "consult_teacher": 1,
        "consult_parent": 3,
        "consultations": 6,
        "supervision_individual": 1,
        "supervision_group": 1,
        "training_hours": 7.5,
    }
    admin = client.get(f"/api/stats?term={T}", headers=bearer(token_for(year.admin))).get_json()
    assert (admin["service"]["letters"], admin["service"]["training_hours"]) == (4, 11.5)
