"""A guardian's or a student's data request (PIPL Art. 45–47; 未成年人网络保护条例 Art. 36):
the copy (one zip of JSON and a Word summary), a correction, and an erasure that a second
person approves, which leaves the student anonymous everywhere and the counts unchanged."""

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from docx import Document
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.i18n import local_today
from planner.privacy.models import DataRequest
from planner.reflections.models import FollowUp, Reflection
from planner.reports.stats import term_statistics
from planner.students.models import Consent, GroupMember, Student
from tests import factories
from tests.conftest import login_as
from tests.exports.records import CANARY, download_name, recorded_group


def form(**kw):
    data = {
        "kind": "erase",
        "requester": "guardian",
        "asked_on": local_today().isoformat(),
        "note": "监护人来电要求删除",
    }
    data.update(kw)
    return data


@pytest.fixture
def group(world):
    """The world's worker's group: the canary (with a follow-up, already acknowledged) and
    a second member, attendance, a signed-off reflection, scores."""
    made = recorded_group(world)
    FollowUp.update(acknowledged_at=dt.datetime(2026, 9, 20)).execute()
    return made


def post(client, student, **kw):
    return client.post(f"/students/{student.id}/requests", data=form(**kw))


def actions():
    return [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]


def test_the_copy_is_one_zip_of_json_and_a_word_summary(client, world, group):
    login_as(client, world.worker)
    response = post(client, group.canary, kind="export")
    assert response.status_code == 200
    name = download_name(response)
    assert group.canary.archive_code in name and CANARY not in name
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = sorted(archive.namelist())
        data = json.loads(archive.read(f"{group.canary.archive_code}/data.json"))
        summary = Document(
            io.BytesIO(archive.read(f"{group.canary.archive_code}/个人信息副本.docx"))
        )
    assert names == sorted(
        f"{group.canary.archive_code}/{n}" for n in ("data.json", "个人信息副本.docx")
    )
    assert data["student"]["name"] == CANARY
    assert [a["status"] for a in data["attendance"]] == ["present", "late"]
    assert [c["purpose"] for c in data["consents"]] == ["observation"]
    assert [m["program"] for m in data["memberships"]] == [group.program.title]
    assert sorted(s["timepoint"] for s in data["scores"]) == ["post", "pre"]
    assert [f["note"] for f in data["follow_ups"]] == ["课后单独谈一次"]
    assert len(data["reflections"]) == 1  # the one whose follow-up names the canary
    assert data["data_requests"][0]["kind"] == "export"
    text = "\n".join(p.text for p in summary.paragraphs)
    assert "个人信息副本" in text and "知情同意" in text
    cells = {c.text for t in summary.tables for row in t.rows for c in row.cells}
    assert CANARY in cells and group.canary.archive_code in cells
    [req] = DataRequest.select()
    assert (req.kind, req.status, req.recorded_by_id) == ("export", "done", world.worker.id)
    assert actions() == ["data_request", "export"]
    exported = AuditEntry.get(AuditEntry.action == "export")
    assert CANARY not in exported.detail and group.canary.archive_code in exported.detail


def test_a_correction_is_recorded_and_leads_to_the_edit_form(client, world, group):
    login_as(client, world.worker)
    response = post(client, group.canary, kind="correct", note="出生日期有误")
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith(f"/students/{group.canary.id}/edit")
    [req] = DataRequest.select()
    assert (req.kind, req.status, req.note) == ("correct", "done", "出生日期有误")


def test_an_erasure_waits_for_a_second_person(client, world, group):
    stats_before = term_statistics(world.admin, world.term.name, dt.date(2027, 1, 31)).totals
    login_as(client, world.worker)
    assert post(client, group.canary).status_code in (302, 303)
    [req] = DataRequest.select()
    assert req.status == "pending" and Student.get_by_id(group.canary.id).name == CANARY
    # the worker who recorded it cannot approve it, nor see it in a queue
    assert (
        client.post(f"/requests/{req.id}/decide", data={"decision": "approve"}).status_code == 403
    )
    assert Student.get_by_id(group.canary.id).anonymised_at is None
    # the worker's supervisor sees it and approves it
    login_as(client, world.supervisor)
    assert group.canary.archive_code in client.get("/requests").get_data(as_text=True)
    response = client.post(f"/requests/{req.id}/decide", data={"decision": "approve"})
    assert response.status_code in (302, 303)
    gone = Student.get_by_id(group.canary.id)
    assert gone.anonymised_at and gone.archived and gone.name != CANARY
    assert (gone.guardian_name, gone.birth_date) == ("", None)
    assert not any(CANARY in str(r.answers) + str(r.details) for r in Reflection.select())
    assert not any(CANARY in c.giver_name for c in Consent.select())
    assert GroupMember.select().where(GroupMember.student == gone.id).count() == 1
    req = DataRequest.get_by_id(req.id)
    assert (req.status, req.decided_by_id) == ("done", world.supervisor.id)
    assert "erase" in actions()
    # the counts are what they were
    after = term_statistics(world.admin, world.term.name, dt.date(2027, 1, 31)).totals
    assert after == stats_before
    # the student's page says so, and a new request is refused
    login_as(client, world.worker)
    page = client.get(f"/students/{gone.id}").get_data(as_text=True)
    assert "已匿名化" in page and CANARY not in page
    refused = post(client, gone, kind="export")
    assert refused.status_code == 409 and "已匿名化" in refused.get_data(as_text=True)


def test_a_rejection_keeps_the_student_and_says_why(client, world, group):
    login_as(client, world.worker)
    post(client, group.canary)
    [req] = DataRequest.select()
    login_as(client, world.admin)
    client.post(f"/requests/{req.id}/decide", data={"decision": "reject", "reason": "身份未核实"})
    req = DataRequest.get_by_id(req.id)
    assert (req.status, req.outcome) == ("rejected", "身份未核实")
    assert Student.get_by_id(group.canary.id).name == CANARY
    # decided once: a second decision is a conflict
    again = client.post(f"/requests/{req.id}/decide", data={"decision": "approve"})
    assert again.status_code == 409 and "已处理" in again.get_data(as_text=True)
    assert Student.get_by_id(group.canary.id).anonymised_at is None


def test_a_supervisor_of_another_worker_cannot_decide(client, world, group):
    login_as(client, world.worker)
    post(client, group.canary)
    [req] = DataRequest.select()
    stranger = factories.user("supervisor", agency=world.agency, workers=[world.worker_other])
    login_as(client, stranger)
    assert world.worker.display_name not in client.get("/requests").get_data(as_text=True)
    assert (
        client.post(f"/requests/{req.id}/decide", data={"decision": "approve"}).status_code == 403
    )
    assert DataRequest.get_by_id(req.id).status == "pending"


def test_an_open_safeguarding_flag_blocks_an_erasure(client, world, group):
    FollowUp.create(
        reflection=group.reflection, student=group.canary, note="安全", safeguarding=True
    )
    login_as(client, world.worker)
    response = post(client, group.canary)
    assert response.status_code == 409 and "安全事项" in response.get_data(as_text=True)
    assert not DataRequest.select().exists()


def test_one_pending_erasure_at_a_time(client, world, group):
    login_as(client, world.worker)
    post(client, group.canary)
    response = post(client, group.canary)
    assert response.status_code == 409 and "待审批" in response.get_data(as_text=True)
    assert DataRequest.select().count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": ""}, "kind"),
        ({"kind": "burn"}, "kind"),
        ({"requester": "teacher"}, "requester"),
        ({"asked_on": ""}, "asked_on"),
        ({"asked_on": "2026-13-45"}, "asked_on"),
        ({"asked_on": (local_today() + dt.timedelta(days=1)).isoformat()}, "asked_on"),
        ({"note": "长" * 501}, "note"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, world, group, change, field):
    login_as(client, world.worker)
    response = post(client, group.canary, **change)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="e-{field}"' in page or re.search(f'id="err-{field}"[^>]*><p class="error"', page)
    assert not DataRequest.select().exists() and "export" not in actions()


def test_a_bad_decision_is_refused(client, world, group):
    login_as(client, world.worker)
    post(client, group.canary)
    [req] = DataRequest.select()
    login_as(client, world.admin)
    for data in ({}, {"decision": "maybe"}, {"decision": "reject", "reason": "长" * 501}):
        assert client.post(f"/requests/{req.id}/decide", data=data).status_code == 422
    assert DataRequest.get_by_id(req.id).status == "pending"
    assert client.post("/requests/99999999/decide", data={"decision": "approve"}).status_code == 404


def test_the_queue_query_count_is_constant(client, world):
    def requests_by(worker, n):
        for _ in range(n):
            student = factories_student(world)
            DataRequest.create(
                agency=world.agency,
                student=student,
                kind="erase",
                requester="guardian",
                asked_on=dt.date(2026, 11, 1),
                recorded_by=worker,
            )

    requests_by(world.worker, 1)
    login_as(client, world.supervisor)
    with count_queries() as few:
        assert client.get("/requests").status_code == 200
    requests_by(world.worker, 6)
    with count_queries() as many:
        body = client.get("/requests").get_data(as_text=True)
    assert body.count('class="request-row"') == 7
    assert few.count == many.count


def factories_student(world):
    from tests.students.factories import student

    return student(world.school, world.cls)
