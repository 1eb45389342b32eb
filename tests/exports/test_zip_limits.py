"""Zip jobs (issue 13): a user may have EXPORT_MAX_RUNNING_JOBS zips being built at once,
and a job whose process died (or whose heartbeat stopped) is marked failed when it is read,
when its user starts another and by `flask planner migrate`; the page offers a retry."""

import datetime as dt
import socket
import subprocess
import sys

import pytest

from planner.audit.models import AuditEntry
from planner.db import now
from planner.exports import job_limits, jobs
from planner.exports.models import ExportJob
from tests.conftest import login_as
from tests.exports import records

HTMX = {"HX-Request": "true"}


@pytest.fixture
def group(world):
    return records.recorded_group(world)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _job(user, program, n, runner=None, heartbeat=None, status="running"):
    return ExportJob.create(
        token=f"limit-job-{n:02d}".ljust(32, "x"),
        user=user,
        scope="program",
        target_id=program.id,
        kind="all",
        status=status,
        total=10,
        done=1,
        filename="x.zip",
        runner=job_limits.runner_id() if runner is None else runner,
        heartbeat_at=heartbeat or now(),
    )


def test_a_third_running_zip_is_refused(client, world, group):
    _job(world.worker, group.program, 1)
    _job(world.worker, group.program, 2, status="queued")
    _job(world.worker, group.program, 3, status="done")  # a finished one doesn't count
    audit = AuditEntry.select().count()
    login_as(client, world.worker)
    url = f"/programs/{group.program.id}/documents/zip"
    for headers in ({}, HTMX):
        response = client.post(url, data={"kind": "all"}, headers=headers)
        assert response.status_code == 409
        assert "你已有 2 个压缩包正在生成" in response.get_data(as_text=True)
    assert ExportJob.select().count() == 3 and AuditEntry.select().count() == audit
    # the term's zip counts against the same limit
    term_zip = client.post(f"/terms/{world.term.id}/documents/zip")
    assert term_zip.status_code == 409
    assert "你已有 2 个压缩包正在生成" in term_zip.get_data(as_text=True)
    # another user is not held up by them
    login_as(client, world.supervisor)
    assert client.post(url, data={"kind": "all"}).status_code == 303
    jobs.wait_all()


def test_the_limit_is_configurable(app, client, world, group):
    app.config["EXPORT_MAX_RUNNING_JOBS"] = 1
    _job(world.worker, group.program, 1)
    login_as(client, world.worker)
    response = client.post(f"/programs/{group.program.id}/documents/zip", data={"kind": "all"})
    assert response.status_code == 409


def test_a_job_whose_process_died_is_failed_when_polled(client, world, group):
    job = _job(world.worker, group.program, 1, runner=f"{socket.gethostname()}:{_dead_pid()}")
    alive = _job(world.worker, group.program, 2)
    login_as(client, world.worker)
    page = client.get(f"/exports/{job.token}", headers=HTMX).get_data(as_text=True)
    assert "生成中断（处理进程已停止），请重新生成。" in page
    assert 'hx-trigger="every 1s"' not in page and 'id="zip-retry"' in page
    found = ExportJob.get_by_id(job.id)
    assert found.status == "failed" and found.finished_at is not None
    # a job whose process lives on keeps running
    assert "正在生成" in client.get(f"/exports/{alive.token}").get_data(as_text=True)
    assert ExportJob.get_by_id(alive.id).status == "running"


def test_a_job_without_a_heartbeat_for_too_long_is_failed(client, world, group):
    old = now() - dt.timedelta(seconds=job_limits.STALE_SECONDS + 60)
    job = _job(world.worker, group.program, 1, runner="elsewhere:1", heartbeat=old)
    login_as(client, world.worker)
    assert "生成中断" in client.get(f"/exports/{job.token}").get_data(as_text=True)
    assert ExportJob.get_by_id(job.id).status == "failed"


def test_dead_jobs_do_not_count_against_the_limit(client, world, group):
    for n in (1, 2):
        _job(world.worker, group.program, n, runner=f"{socket.gethostname()}:{_dead_pid()}")
    login_as(client, world.worker)
    response = client.post(f"/programs/{group.program.id}/documents/zip", data={"kind": "all"})
    assert response.status_code == 303
    jobs.wait_all()
    assert [j.status for j in ExportJob.select().order_by(ExportJob.id)] == [
        "failed",
        "failed",
        "done",
    ]


def test_the_retry_button_starts_the_same_zip_again(client, world, group):
    job = _job(world.worker, group.program, 1, runner=f"{socket.gethostname()}:{_dead_pid()}")
    login_as(client, world.worker)
    assert 'id="zip-retry"' in client.get(f"/exports/{job.token}").get_data(as_text=True)
    again = client.post(f"/programs/{group.program.id}/documents/zip", data={"kind": job.kind})
    assert again.status_code == 303
    jobs.wait_all()
    assert ExportJob.select().where(ExportJob.status == "done").count() == 1


def test_a_new_job_records_its_runner_and_heartbeat(client, world, group):
    login_as(client, world.worker)
    client.post(f"/programs/{group.program.id}/documents/zip", data={"kind": "all"})
    jobs.wait_all()
    job = ExportJob.get()
    assert job.runner == job_limits.runner_id() and job.heartbeat_at is not None
    assert job.status == "done"


def test_migrate_fails_the_jobs_of_dead_processes(app, world, group):
    dead = _job(world.worker, group.program, 1, runner=f"{socket.gethostname()}:{_dead_pid()}")
    alive = _job(world.worker, group.program, 2)
    result = app.test_cli_runner().invoke(args=["planner", "migrate"])
    assert result.exit_code == 0, result.output
    assert ExportJob.get_by_id(dead.id).status == "failed"
    assert ExportJob.get_by_id(alive.id).status == "running"


def test_a_builder_whose_job_was_failed_meanwhile_stops_and_stores_nothing(
    app, client, world, group, tmp_path
):
    """A job marked failed while it is being built (reaped as stale, say, and then retried
    by another worker) is no longer its builder's: the builder stops at its next document,
    stores no zip and leaves the row as it is; the retry builds the zip afresh."""
    from planner.exports import storage

    pause = tmp_path / "hold"
    pause.write_text("")
    app.config["EXPORT_PAUSE_FILE"] = str(pause)
    login_as(client, world.worker)
    client.post(f"/programs/{group.program.id}/documents/zip", data={"kind": "all"})
    job = ExportJob.get()
    assert job.total > 1
    for _ in range(400):  # held after its first document
        if ExportJob.get_by_id(job.id).done >= 1:
            break
        jobs.time.sleep(0.05)
    ExportJob.update(status="failed", error="reaped").where(ExportJob.id == job.id).execute()
    pause.unlink()
    jobs.wait_all()
    held = ExportJob.get_by_id(job.id)
    assert (held.status, held.error, held.done) == ("failed", "reaped", 1)
    assert not storage.exists(job.token, app)

    response = client.post(f"/exports/{job.token}/retry")
    assert response.status_code in (200, 303)
    jobs.wait_all()
    again = ExportJob.get_by_id(job.id)
    assert again.status == "done" and again.done == again.total
    assert storage.exists(job.token, app)
