"""A case's four Word documents downloaded from a real case: each prints its step's fields,
carries the case's GA archive code in its header and file name and never the student's
name; only the case's team has them, and every download is one audit row."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.cases.models import CaseGoal, CaseRecord
from planner.exports.kinds import of_case
from planner.i18n import local_today
from tests import factories as f
from tests.cases import factories as cf
from tests.conftest import login_as
from tests.exports import records
from tests.exports.helpers import body_text, part_text, parts, tables

NAME = "甄个案"  # the student's name: never in a file name, a header or a document
KEYS = [k.key for k in of_case()]
TITLES = {k.key: k.title for k in of_case()}


def client_of(app, user):
    return login_as(app.test_client(), user)


def _url(case, kind):
    return f"/cases/{case.id}/documents/{kind}.docx"


@pytest.fixture
def case(world):
    """A closed 高危 case of the world's worker with a co-worker: every step recorded, three
    case notes (one signed off, one submitted with a concern, one draft), a referral and
    two GAS goals."""
    colleague = f.user("worker", agency=world.agency, username="colleague", schools=[world.school])
    student = cf.student(world, name=NAME)
    c = cf.case(
        world,
        student,
        step="closed",
        risk="high",
        co_worker=colleague,
        source="teacher",
        source_note="班主任发现上课常哭",
        closed_on=local_today(),
        follow_up_on=local_today() + dt.timedelta(days=30),
    )
    c.colleague = colleague
    cf.records(c, "intake", "assessment", "plan")
    CaseRecord.create(
        case=c, step="evaluation", fields={"process": "按计划六次会谈", "outcome": "情绪好转"}
    )
    CaseRecord.create(
        case=c,
        step="closure",
        fields={"review": "回顾了变化", "ending": "提前预告结案", "reason": "目标达成"},
    )
    cf.note(
        c,
        status="signed_off",
        note="第一次会谈建立关系",
        held_on=local_today() - dt.timedelta(days=20),
        supervisor_comment="注意自伤风险评估",
        signed_off_by=world.supervisor,
        signed_off_at=dt.datetime(2026, 9, 15, 2, 0),
    )
    cf.note(
        c,
        author=colleague,
        kind="family",
        minutes=25,
        status="submitted",
        safeguarding=True,
        note="与母亲通话",
        held_on=local_today() - dt.timedelta(days=10),
    )
    cf.note(c, status="draft", note="草稿中的会谈")
    cf.referral(c, organisation="区精神卫生中心", outcome="已评估")
    for order, (text, post) in enumerate((("按时入睡", 1), ("主动交流", 0)), 1):
        CaseGoal.create(
            case=c,
            order=order,
            text=text,
            weight=order,
            levels=["很差", "较差", "预期", "较好", "很好"],
            post=post,
        )
    return c


def _download(client, case, kind):
    response = client.get(_url(case, kind))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


EXPECTED = {
    "case_intake": [
        "个案接案登记表",
        "介绍了自己和学校社工服务",
        "近期情绪低落",
        "接案决定：接案",
        "决定理由：符合服务范围",
        "教师转介（班主任发现上课常哭）",
        "已取得“个案服务”同意",
        "区精神卫生中心",
    ],
    "case_plan": [
        "个案服务计划书",
        "问题及成因：人际困扰",
        "共同商定的优先事项：先稳定情绪",
        "服务目标（总目标）",
        "改善情绪",
        "评估方式方法",
        "六次面谈",
    ],
    "case_record": [
        "个案服务记录",
        "第一次会谈建立关系",
        "与母亲通话",
        "注意自伤风险评估",
        "督导甲",
        "保护关注：是，按保护流程处理",
        "个案会谈 1 次，共 40 分钟；联系家庭 1 次，共 25 分钟",
        "区精神卫生中心",
    ],
    "case_closure": [
        "结案报告",
        "过程评估：按计划六次会谈",
        "结果评估：情绪好转",
        "按时入睡",
        "服务回顾：回顾了变化",
        "结案原因：目标达成",
        "综合 T 分数（评估时）",
    ],
}


@pytest.mark.parametrize("kind", KEYS)
def test_each_document_prints_the_cases_records_by_code_and_never_the_name(app, world, case, kind):
    world.supervisor.display_name = "督导甲"
    world.supervisor.save()
    response = _download(client_of(app, world.worker), case, kind)
    text = body_text(response.data)
    for snippet in EXPECTED[kind]:
        assert snippet in text, snippet
    assert case.student.archive_code in text and "7(1)班" in text
    assert f"档案编号：{case.archive_code}" in part_text(response.data, "word/header")
    name = records.download_name(response)
    assert name == f"{case.archive_code}_{TITLES[kind]}.docx"
    for content in parts(response.data).values():  # body, header, properties
        assert NAME not in content
    assert NAME not in response.headers["Content-Disposition"]


def test_a_draft_note_is_not_printed_and_the_workers_are_named(app, world, case):
    data = _download(client_of(app, world.worker), case, "case_record").data
    text = body_text(data)
    assert "草稿中的会谈" not in text
    listed = next(t for t in tables(data) if t[0][0] == "序号")
    assert [row[2] for row in listed[1:]] == ["个案会谈", "联系家庭"]
    assert [row[4] for row in listed[1:]] == [
        world.worker.display_name,
        case.colleague.display_name,
    ]
    assert case.colleague.display_name in body_text(
        _download(client_of(app, world.worker), case, "case_intake").data
    )


def test_the_closure_report_scores_the_gas_goals(app, world, case):
    data = _download(client_of(app, world.worker), case, "case_closure").data
    goal = next(t for t in tables(data) if t[0][0] == "目标 1")
    assert goal[0] == ["目标 1", "按时入睡（权重 1）"]
    assert ["+2", "很好"] in goal and ["评估时", "+1"] in goal and ["回访时", "未评"] in goal
    # weights 1 and 2 at +1 and 0: T = 50 + 10·1 / sqrt(0.7·5 + 0.3·9) = 54.0
    assert "综合 T 分数（评估时）：54.0" in body_text(data)


def test_an_open_case_prints_dashes_for_the_steps_not_reached(app, world):
    fresh = cf.case(world, step="intake")
    text = body_text(_download(client_of(app, world.worker), fresh, "case_closure").data)
    assert "过程评估：—" in text and "未转介" in text and "尚无已提交的服务记录" in text


def test_without_consent_the_intake_form_says_what_is_missing(app, world):
    fresh = cf.case(world, cf.student(world, consent_given=False), step="intake")
    text = body_text(_download(client_of(app, world.worker), fresh, "case_intake").data)
    assert "缺少监护人同意" in text


def test_the_documents_are_chinese_whatever_the_ui_language(app, world):
    fresh = cf.case(world, cf.student(world, consent_given=False), step="intake")
    cf.records(fresh, "intake")
    client = client_of(app, world.worker)
    with client.session_transaction() as sess:
        sess["locale"] = "en"
    assert "Guardian" in client.get(f"/cases/{fresh.id}").text  # the page is English
    text = body_text(_download(client, fresh, "case_intake").data)
    assert "缺少监护人同意" in text and "Guardian" not in text
    assert "接案决定：接案" in text


def test_the_co_worker_and_the_supervisors_have_them_nobody_else(app, world, case):
    her_supervisor = f.user(
        "supervisor", agency=world.agency, username="super2", workers=[case.colleague]
    )
    stranger = f.user("worker", agency=world.agency, username="stranger", schools=[world.school])
    stranger_supervisor = f.user(
        "supervisor", agency=world.agency, username="super3", workers=[stranger]
    )
    expected = [
        (world.worker, 200),
        (case.colleague, 200),
        (world.supervisor, 200),
        (her_supervisor, 200),
        (stranger, 403),
        (stranger_supervisor, 403),
        (world.worker_other, 404),
        (world.admin, 403),
        (world.teacher, 403),
    ]
    for kind in KEYS:
        for user, status in expected:
            response = client_of(app, user).get(_url(case, kind))
            assert response.status_code == status, (kind, user.username, response.status_code)
            if status != 200:
                assert NAME not in response.text and case.archive_code not in response.text


def test_unknown_kinds_and_cases_are_not_found(app, world, case):
    client = client_of(app, world.worker)
    for url in (
        _url(case, "group_plan"),  # a program's document is no case's
        _url(case, "term_stats"),
        _url(case, "nothing"),
        f"/cases/{case.id + 999}/documents/case_intake.docx",
    ):
        assert client.get(url).status_code == 404, url
    assert AuditEntry.select().where(AuditEntry.action == "export").count() == 0


def test_each_download_is_one_audit_row_with_codes_only(app, world, case):
    worker, supervisor = client_of(app, world.worker), client_of(app, world.supervisor)
    for kind in KEYS:
        _download(worker, case, kind)
    _download(supervisor, case, "case_record")
    client_of(app, world.admin).get(_url(case, "case_intake"))  # refused: no row
    rows = list(AuditEntry.select().where(AuditEntry.action == "export").order_by(AuditEntry.id))
    assert [(r.user_id, r.object_type, r.object_id, r.detail) for r in rows] == [
        *[(world.worker.id, "case", case.id, f"{kind} {case.archive_code}") for kind in KEYS],
        (world.supervisor.id, "case", case.id, f"case_record {case.archive_code}"),
    ]
    assert all(NAME not in (r.detail or "") for r in AuditEntry.select())


def test_the_case_page_links_each_document(app, world, case):
    for user in (world.worker, world.supervisor):
        page = client_of(app, user).get(f"/cases/{case.id}").text
        for kind in of_case():
            assert f'href="{_url(case, kind.key)}"' in page, kind.key
            assert kind.title in page


def _count(client, url):
    client.get(url)  # warm caches (session, translations)
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    return counted.count


# the session and the user, the case, its school, student and team, what the document
# reads, the agency's template and the audit row
PINNED = {"case_intake": 11, "case_plan": 10, "case_record": 12, "case_closure": 13}


@pytest.mark.parametrize("kind", KEYS)
def test_each_download_reads_a_fixed_number_of_queries(app, world, case, kind):
    client = client_of(app, world.worker)
    small = _count(client, _url(cf.case(world, step="intake"), kind))
    for n in range(6):
        cf.note(case, status="submitted", kind="school" if n % 2 else "direct")
        cf.referral(case)
    big = _count(client, _url(case, kind))
    assert (small, big) == (PINNED[kind], PINNED[kind])
