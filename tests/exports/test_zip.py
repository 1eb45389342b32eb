"""Zip exports: started by a POST (a polled fragment for htmx, a 303 to the job page
otherwise), built in a thread, holding exactly the documents jobs.plan lists, each named by
archive code; a failed build ends as a failed job with a Chinese message."""

import os
import re

import pytest

from planner.audit.models import AuditEntry
from planner.exports import jobs
from planner.exports.models import ExportJob
from planner.sessions.models import Session
from tests import factories
from tests.conftest import login_as
from tests.exports import records
from tests.exports.helpers import body_text, tables
from tests.reflections import factories as rf

HTMX = {"HX-Request": "true"}
POLL = 'hx-trigger="every 1s"'
CODE = "JX-XZ-2026-0001"


@pytest.fixture
def group(world):
    return records.recorded_group(world)


def _token(response) -> str:
    return re.search(
        r"/exports/([\w-]+)",
        response.get_data(as_text=True) if response.status_code != 303 else response.location,
    ).group(1)


def _finished(client, token):
    jobs.wait_all()
    page = client.get(f"/exports/{token}", headers=HTMX)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_an_htmx_zip_answers_the_polling_fragment_then_the_download(client, world, group):
    login_as(client, world.worker)
    response = client.post(
        f"/programs/{group.program.id}/documents/zip", data={"kind": "all"}, headers=HTMX
    )
    assert response.status_code == 202
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div class="progress-box"') and POLL in fragment
    assert "<html" not in fragment
    token = _token(response)
    done = _finished(client, token)
    job = ExportJob.get(ExportJob.token == token)
    # 1 group plan + 5 session plans (meeting 6 is cancelled) + 3 meeting records (meetings
    # 1 and 3 have attendance, meeting 2 a reflection) + 1 evaluation report
    assert (job.status, job.done, job.total, job.user_id) == ("done", 10, 10, world.worker.id)
    assert POLL not in done and "已完成：10 份文档。" in done and 'id="zip-download"' in done
    download = client.get(f"/exports/{token}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Cache-Control"] == "no-store"
    assert records.download_name(download) == f"{CODE}_新生适应小组.zip"
    title = "新生适应小组"
    assert sorted(records.zip_names(download.data)) == sorted(
        [f"{CODE}_小组计划书_{title}.docx", f"{CODE}_小组总结评估报告_{title}.docx"]
        + [f"{CODE}_单节活动计划_{title}_第{n}次.docx" for n in range(1, 6)]
        + [f"{CODE}_小组活动记录表_{title}_第{n}次.docx" for n in (1, 2, 3)]
    )
    record = records.zip_entry(download.data, f"{CODE}_小组活动记录表_{title}_第1次.docx")
    assert group.canary.archive_code in body_text(record) and records.CANARY not in body_text(
        record
    )
    assert [(a.action, a.object_id, a.detail) for a in AuditEntry.select()] == [
        ("export", group.program.id, f"zip all {CODE}")
    ]


def test_a_plain_post_goes_to_the_job_page(client, world, group):
    login_as(client, world.supervisor)
    response = client.post(f"/programs/{group.program.id}/documents/zip", data={"kind": "all"})
    assert response.status_code == 303
    token = _token(response)
    assert response.location == f"/exports/{token}"
    jobs.wait_all()
    page = client.get(response.location).get_data(as_text=True)
    assert "<html" in page and 'id="zip-progress"' in page and "已完成：10 份文档。" in page
    assert POLL not in page


def test_the_zip_has_what_jobs_plan_lists_for_the_user(client, world, group):
    """The admin's zip of the same group has no meeting record and no evaluation report."""
    login_as(client, world.admin)
    token = _token(client.post(f"/programs/{group.program.id}/documents/zip", data={"kind": "all"}))
    _finished(client, token)
    names = records.zip_names(client.get(f"/exports/{token}/download").data)
    planned = jobs.plan(world.admin, group.program)
    assert [d.kind for d in planned] == ["group_plan"] + ["session_plan"] * 5
    assert len(names) == len(planned) == 6
    assert all(n.startswith(f"{CODE}_") for n in names)
    assert not [n for n in names if "小组活动记录表" in n or "评估报告" in n]


def test_one_kind_only(client, world, group):
    login_as(client, world.worker)
    token = _token(
        client.post(f"/programs/{group.program.id}/documents/zip", data={"kind": "meeting_record"})
    )
    _finished(client, token)
    names = records.zip_names(client.get(f"/exports/{token}/download").data)
    assert sorted(names) == [f"{CODE}_小组活动记录表_新生适应小组_第{n}次.docx" for n in (1, 2, 3)]


def test_the_fragment_polls_while_the_job_runs(client, world, group):
    login_as(client, world.worker)
    job = ExportJob.create(
        token="t" * 32,
        user=world.worker,
        scope="program",
        target_id=group.program.id,
        kind="all",
        status="running",
        total=10,
        done=4,
        filename="x.zip",
    )
    fragment = client.get(f"/exports/{job.token}", headers=HTMX).get_data(as_text=True)
    assert POLL in fragment and f'hx-get="/exports/{job.token}"' in fragment
    assert "正在生成：4 / 10" in fragment and 'id="zip-download"' not in fragment
    assert client.get(f"/exports/{job.token}/download").status_code == 404  # not done yet


def test_another_users_token_is_not_found(client, world, group):
    login_as(client, world.worker)
    token = _token(client.post(f"/programs/{group.program.id}/documents/zip", data={"kind": "all"}))
    jobs.wait_all()
    # the supervisor may export this group too, but not fetch the worker's zip
    for user in (
        world.supervisor,
        factories.user("worker", agency=world.agency, schools=[world.school]),
    ):
        login_as(client, user)
        assert client.get(f"/exports/{token}").status_code == 404
        assert client.get(f"/exports/{token}/download").status_code == 404


def test_a_failed_build_ends_as_a_failed_job(app, client, world, group, monkeypatch, caplog):
    def broken(ctx, agency_id):
        raise RuntimeError(f"cannot draw {records.CANARY}")

    monkeypatch.setattr(jobs, "render", broken)
    login_as(client, world.worker)
    token = _token(
        client.post(
            f"/programs/{group.program.id}/documents/zip", data={"kind": "all"}, headers=HTMX
        )
    )
    done = _finished(client, token)
    job = ExportJob.get(ExportJob.token == token)
    assert (job.status, job.done) == ("failed", 0) and job.finished_at is not None
    assert "生成失败，请稍后重试或联系管理员。" in done and 'role="alert"' in done
    assert POLL not in done and records.CANARY not in done
    assert client.get(f"/exports/{token}/download").status_code == 404
    # nothing half-written stays on disk, and the log names the error, not its message
    folder = jobs.export_dir(app)
    assert not [n for n in os.listdir(folder) if n.startswith(token)]
    assert f"export job {job.id} failed: RuntimeError" in caplog.text
    assert records.CANARY not in caplog.text
    # the app carries on: the next request is answered
    assert client.get(f"/programs/{group.program.id}/documents").status_code == 200


def test_a_term_zip_adds_the_term_statistics(client, world, group):
    series = rf.program(world, kind="classroom", sessions=2, title="青春期教育")
    rf.headcount(rf.sessions_of(series)[0], 40)
    empty = rf.program(world, title="空小组")
    Session.delete().where(Session.program == empty.id).execute()  # skipped, not an error
    login_as(client, world.worker)
    response = client.post(f"/terms/{world.term.id}/documents/zip", headers=HTMX)
    assert response.status_code == 202
    token = _token(response)
    _finished(client, token)
    download = client.get(f"/exports/{token}/download")
    assert records.download_name(download) == f"JX_{world.term.name}_文档.zip"
    names = records.zip_names(download.data)
    stats = f"JX-TJ-2026_学期工作统计_甲校_{world.term.name}.docx"
    assert stats in names
    # the group's 10 documents, the series' plan and 2 session plans, and the statistics
    assert len(names) == 14 and ExportJob.get(ExportJob.token == token).total == 14
    assert sum(n.startswith("JX-KT-2026-0001_") for n in names) == 3
    doc = records.zip_entry(download.data, stats)
    assert "学期工作统计" in body_text(doc)
    per_worker = next(t for t in tables(doc) if t[0][:2] == ["社工", "课堂节数"])
    total = per_worker[-1]  # the total row of the per-worker table
    # 1 lesson of 40; 1 group with 2 meetings (1 and 3) and 2 of 3 marks attended
    assert total[:7] == ["合计", "1", "40", "1", "2", "2", "42"] and total[7] == "66.7%"
