"""Background jobs on a real RQ queue (the Redis at 127.0.0.1:6379, a queue of each test's
own): a zip waits for a worker, is retried with a limit, a zip whose worker died fails and
is built again from its page; zips are stored whole in the database or on disk, refused
over the size limit, and swept after a day; the periodic jobs go through the queue."""

import datetime as dt
import io
import os
import re
import subprocess
import uuid
import zipfile

import pytest
from playhouse.test_utils import count_queries

from planner import i18n, queue
from planner.audit.models import AuditEntry
from planner.errors import PlannerError
from planner.exports import job_limits, jobs, storage
from planner.exports.models import ExportFile, ExportJob
from tests.conftest import PG_URL, login_as
from tests.exports import records
from tests.queue_keys import drop_queue

REDIS = "redis://127.0.0.1:6379/0"
HTMX = {"HX-Request": "true"}
PAGE_QUERIES = 2  # the signed-in user, the job


@pytest.fixture
def group(world):
    return records.recorded_group(world)


@pytest.fixture
def rq_app(app):
    """The app on a queue of this test's own; the queue and its jobs removed after."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    app.config.update(QUEUE=REDIS, QUEUE_NAME=name)
    yield app
    drop_queue(REDIS, name)


def _start(client, program_id) -> str:
    response = client.post(f"/programs/{program_id}/documents/zip", data={"kind": "all"})
    assert response.status_code == 303
    return re.search(r"/exports/([\w-]+)", response.location).group(1)


def _job(token) -> ExportJob:
    return ExportJob.get(ExportJob.token == token)


def _burst(app):
    queue.work(app, burst=True)


def _whole_zip(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return archive.namelist()


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_queued_zip_waits_for_a_worker_then_any_host_can_send_it(rq_app, client, world, group):
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    assert _job(token).status == "queued"  # nothing runs it in the web process
    assert client.get(f"/exports/{token}/download").status_code == 404
    _burst(rq_app)
    job = _job(token)
    assert (job.status, job.done, job.total) == ("done", 10, 10)
    assert job.runner == job_limits.runner_id()  # the worker's process (here, this one)
    download = client.get(f"/exports/{token}/download")
    assert download.status_code == 200 and len(_whole_zip(download.data)) == 10
    # on PostgreSQL the zip is a row every host reads; on SQLite a private file
    with rq_app.app_context():
        kept = ExportFile.select().where(ExportFile.key == token).count()
        on_disk = os.path.exists(os.path.join(storage.folder(), f"{token}.zip"))
    assert (kept, on_disk) == ((1, False) if PG_URL else (0, True))
    assert queue.rq_queue(rq_app).finished_job_registry.count == 1


def test_a_job_that_raises_is_tried_three_times_then_failed(
    rq_app, client, world, group, monkeypatch
):
    tries = []

    def broken(ctx, agency_id):
        tries.append(ctx["kind"])
        raise RuntimeError(records.CANARY)

    monkeypatch.setattr(jobs, "render", broken)
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    _burst(rq_app)
    job = _job(token)
    assert len(tries) == 1 + jobs.RETRIES
    assert (job.status, job.error) == ("failed", str(jobs.FAILED))
    assert records.CANARY not in job.error
    assert queue.rq_queue(rq_app).failed_job_registry.count == 1


def test_a_job_that_fails_once_is_built_on_its_retry(rq_app, client, world, group, monkeypatch):
    real, tries = jobs.render, []

    def flaky(ctx, agency_id):
        tries.append(1)
        if len(tries) == 1:
            raise OSError("disk hiccup")
        return real(ctx, agency_id)

    monkeypatch.setattr(jobs, "render", flaky)
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    _burst(rq_app)
    assert (_job(token).status, _job(token).done) == ("done", 10)
    assert len(_whole_zip(client.get(f"/exports/{token}/download").data)) == 10


def test_a_zip_whose_worker_died_fails_and_its_retry_completes(rq_app, client, world, group):
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    # a worker took it and was killed: the row says running, by a process that is gone
    ExportJob.update(
        status="running", done=3, runner=f"{job_limits.runner_id().rsplit(':', 1)[0]}:{_dead_pid()}"
    ).where(ExportJob.token == token).execute()
    page = client.get(f"/exports/{token}", headers=HTMX).get_data(as_text=True)
    assert _job(token).status == "failed" and str(job_limits.DIED) in page
    assert f'action="/exports/{token}/retry"' in page and 'id="zip-retry"' in page
    response = client.post(f"/exports/{token}/retry")
    assert response.status_code == 303 and response.location.endswith(f"/exports/{token}")
    assert (_job(token).status, _job(token).done, _job(token).error) == ("queued", 0, "")
    _burst(rq_app)  # runs the first queue entry (builds it) and the retry's (finds it done)
    assert (_job(token).status, _job(token).done) == ("done", 10)
    assert len(_whole_zip(client.get(f"/exports/{token}/download").data)) == 10
    details = [a.detail for a in AuditEntry.select().order_by(AuditEntry.id)]
    assert details[-1] == "zip retry all"


def test_the_retry_without_a_queue_runs_in_the_web_process(client, world, group):
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    jobs.wait_all()
    ExportJob.update(status="failed", error="x").where(ExportJob.token == token).execute()
    response = client.post(f"/exports/{token}/retry", headers=HTMX)
    assert response.status_code == 202 and "progress-box" in response.get_data(as_text=True)
    jobs.wait_all()
    assert _job(token).status == "done"


def test_a_retry_is_refused_unless_the_job_failed_and_only_for_its_owner(client, world, group):
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    jobs.wait_all()
    done = client.post(f"/exports/{token}/retry")
    assert done.status_code == 409 and str(jobs.NOT_FAILED) in done.get_data(as_text=True)
    assert client.post(f"/exports/{token}/retry", headers=HTMX).status_code == 409
    assert client.post("/exports/no-such-token-0123456789/retry").status_code == 404
    ExportJob.update(status="failed").where(ExportJob.token == token).execute()
    for other in (world.supervisor, world.admin, world.teacher):
        login_as(client, other)
        assert client.post(f"/exports/{token}/retry").status_code == 404
        assert client.get(f"/exports/{token}").status_code == 404
        assert client.get(f"/exports/{token}/download").status_code == 404
    assert _job(token).status == "failed"  # nothing changed
    login_as(client, world.worker)
    ExportJob.update(status="done").where(ExportJob.token == token).execute()
    with client.application.app_context():
        storage.delete(token)  # swept after a day: the page stays, the file is gone
    assert client.get(f"/exports/{token}/download").status_code == 410


def test_a_retry_counts_against_the_running_limit(rq_app, client, world, group):
    rq_app.config["EXPORT_MAX_RUNNING_JOBS"] = 1
    login_as(client, world.worker)
    failed = _start(client, group.program.id)
    ExportJob.update(status="failed").where(ExportJob.token == failed).execute()
    _start(client, group.program.id)  # queued: the one allowed
    response = client.post(f"/exports/{failed}/retry")
    assert response.status_code == 409
    assert "你已有 1 个压缩包正在生成" in response.get_data(as_text=True)
    assert _job(failed).status == "failed"


def test_a_zip_over_the_size_limit_fails_at_once_with_a_clear_message(rq_app, client, world, group):
    rq_app.config["EXPORT_MAX_BYTES"] = 1024
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    _burst(rq_app)
    job = _job(token)
    assert job.status == "failed"
    assert re.fullmatch(r"压缩包有 \d+ KB，超过了 1 KB 的上限。请按开展计划分别导出。", job.error)
    assert queue.rq_queue(rq_app).failed_job_registry.count == 0  # refused, not retried
    assert client.get(f"/exports/{token}/download").status_code == 404
    with rq_app.app_context():
        assert storage.load(token) is None


@pytest.mark.parametrize("backend", ["db", "disk"])
def test_storage_keeps_a_file_whole_and_refuses_one_too_large(app, backend):
    app.config.update(EXPORT_STORAGE=backend, EXPORT_MAX_BYTES=10)
    with app.app_context():
        assert storage.backend() == backend
        storage.save("tok-a", b"0123456789")
        assert storage.load("tok-a") == b"0123456789"
        storage.save("tok-a", b"abc")  # written again: replaced whole
        assert storage.load("tok-a") == b"abc"
        with pytest.raises(PlannerError) as refused:
            storage.save("tok-b", b"x" * 2 * 1024 * 1024)
        assert str(refused.value.message) == (
            "压缩包有 2 MB，超过了 1 KB 的上限。请按开展计划分别导出。"
        )
        assert storage.load("tok-b") is None
        assert not [n for n in os.listdir(storage.folder()) if n.endswith(".part")]
        storage.delete("tok-a")
        assert storage.load("tok-a") is None


def test_the_default_backend_follows_the_database(app):
    with app.app_context():
        assert storage.backend() == ("db" if PG_URL else "disk")


def test_a_disk_write_that_fails_leaves_no_file(app, monkeypatch):
    app.config["EXPORT_STORAGE"] = "disk"

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with app.app_context():
        with pytest.raises(OSError):
            storage.save("tok-c", b"data")
        assert not [n for n in os.listdir(storage.folder()) if n.startswith("tok-c")]


def test_the_sweep_deletes_files_older_than_a_day_from_both_backends(app, monkeypatch, tmp_path):
    app.instance_path = str(tmp_path)  # this test's files only
    with app.app_context():
        for backend in ("db", "disk"):
            app.config["EXPORT_STORAGE"] = backend
            storage.save(f"old-{backend}", b"x")
        assert storage.sweep() == 0
        start = i18n.utc_clock()
        monkeypatch.setattr(i18n, "utc_clock", lambda: start + dt.timedelta(hours=23))
        app.config["EXPORT_STORAGE"] = "db"
        storage.save("new-db", b"y")
        assert storage.sweep() == 0
        later = start + dt.timedelta(hours=24, minutes=1)
        monkeypatch.setattr(i18n, "utc_clock", lambda: later)
        assert storage.sweep() == 2
        assert [f.key for f in ExportFile.select()] == ["new-db"]
        app.config["EXPORT_STORAGE"] = "disk"
        assert storage.load("old-disk") is None


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["planner", *args])


def test_periodic_jobs_go_through_the_queue(rq_app, monkeypatch):
    with rq_app.app_context():
        rq_app.config["EXPORT_STORAGE"] = "db"
        storage.save("stale", b"x")
    later = i18n.utc_clock() + dt.timedelta(days=2)
    monkeypatch.setattr(i18n, "utc_clock", lambda: later)
    for task in ("sweep-exports", "purge", "escalate"):
        result = _cli(rq_app, "enqueue", task)
        assert result.exit_code == 0 and result.output.startswith(f"queued {task} as ")
    assert queue.rq_queue(rq_app).count == 3
    assert ExportFile.select().count() == 1  # nothing ran yet
    _burst(rq_app)
    assert ExportFile.select().count() == 0
    q = queue.rq_queue(rq_app)
    assert (q.count, q.finished_job_registry.count, q.failed_job_registry.count) == (0, 3, 0)


def test_without_a_queue_enqueue_runs_the_job_at_once(app):
    with app.app_context():
        storage.save("fresh", b"x")
    result = _cli(app, "enqueue", "sweep-exports")
    assert result.exit_code == 0 and "ran sweep-exports (no PLANNER_QUEUE): 0" in result.output
    assert _cli(app, "enqueue", "nothing").exit_code == 2
    worker = _cli(app, "worker", "--burst")
    assert worker.exit_code == 1 and "PLANNER_QUEUE is not set" in worker.output


def test_a_job_that_is_not_queued_is_not_built_twice(rq_app, client, world, group):
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    _burst(rq_app)
    first = _job(token).finished_at
    with rq_app.app_context():
        queue.enqueue(jobs.BUILDERS["program"], (_job(token).id,), 0)
    _burst(rq_app)
    assert (_job(token).status, _job(token).finished_at) == ("done", first)


def test_the_job_page_and_its_download_read_a_fixed_number_of_queries(client, world, group):
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    jobs.wait_all()
    with count_queries() as page:
        assert client.get(f"/exports/{token}", headers=HTMX).status_code == 200
    with count_queries() as download:
        assert client.get(f"/exports/{token}/download").status_code == 200
    # a finished job's page asks whether its zip is still kept, and the download reads the
    # stored zip's row, on PostgreSQL (a file on SQLite)
    kept = 1 if PG_URL else 0
    assert (page.count, download.count) == (PAGE_QUERIES + kept, PAGE_QUERIES + kept)
