"""Two web hosts and one job worker on one PostgreSQL and one Redis (issue 19), as a
district runs them behind a proxy: two gunicorns on two ports, sharing the migrated test
schema, the secret key, the rate-limit store and the job queue (a queue name and key prefix
of this run's own), and a `flask planner worker` process.

- a zip started through host A is built by the worker and downloaded through host B;
- login attempts counted through A hold on B (the limit lives in Redis, not in a host);
- a worker killed (-9) in the middle of a zip leaves a failed job, and the retry through
  the page completes it on a new worker;
- a download is never half a file: until the job is done it is refused, and what is sent
  is a whole zip (zipfile.testzip, the size sent is the size stored).

The worker is held in the middle of a zip by PLANNER_EXPORT_PAUSE_FILE (the job waits
before its next document while the file exists), never by a sleep. Runs in the PostgreSQL
leg of the suite only (tests/conftest.py deselects it on SQLite: SQLite is one host)."""

import io
import os
import re
import signal
import subprocess
import time
import uuid
import zipfile

import pytest
import redis
import requests

from planner.db import database
from planner.exports.models import ExportFile, ExportJob
from tests.exports import records
from tests.factories import PASSWORD
from tests.load.server import ROOT, TIMEOUT, Server, Tablet
from tests.queue_keys import drop_queue

pytestmark = [pytest.mark.postgres, pytest.mark.two_hosts]

REDIS = "redis://127.0.0.1:6379/0"
FLASK = os.path.join(ROOT, ".venv", "bin", "flask")
WAIT = 120  # seconds a step may take on a busy machine before the test gives up
HTMX = {"HX-Request": "true"}


def wait_for(what, check, proc=None, log=None):
    """Poll `check` until it returns something true; fail (with the worker's log) if the
    worker exits or WAIT passes. A bound on waiting, not an assertion about speed."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        database.close()  # read each time on a fresh connection, then let it go
        found = check()
        database.close()
        if found:
            return found
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the worker exited ({proc.returncode}) while {what}:\n{log()}")
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting: {what}\n{log() if log else ''}")


class Worker:
    """`flask planner worker` on the run's queue, in a process group of its own."""

    def __init__(self, env, log_path):
        self.env, self.log_path, self.proc = env, log_path, None

    def start(self):
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(
                [FLASK, "--app", "app", "planner", "worker"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    def kill(self):
        """kill -9, and wait for it."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            return fh.read()[-4000:]


@pytest.fixture
def hosts(app, db_url, world, tmp_path):
    """Host A, host B and the worker (started), all on the test schema; everything is
    killed and the run's Redis keys deleted afterwards, before `app` empties the tables."""
    group = records.recorded_group(world)
    database.close()  # the servers and the worker are the only connections now
    run = uuid.uuid4().hex[:10]
    pause = tmp_path / "pause"
    shared = {
        "PLANNER_SECRET_KEY": uuid.uuid4().hex * 2,  # one key: a login holds on every host
        "PLANNER_QUEUE": REDIS,
        "PLANNER_QUEUE_NAME": f"two-hosts-{run}",
        "PLANNER_RATELIMIT_STORAGE": REDIS,
        "PLANNER_RATELIMIT_PREFIX": f"two-hosts-{run}",
        # fixed windows of a day: the count cannot roll over between A and B
        "PLANNER_LOGIN_RATE_LIMIT": "5 per day",
        "PLANNER_EXPORT_STORAGE": "",  # the default on PostgreSQL: the database
        "PLANNER_EXPORT_PAUSE_FILE": str(pause),
    }
    a = Server(db_url, str(tmp_path / "a.log"), workers=1)
    b = Server(db_url, str(tmp_path / "b.log"), workers=1)
    for server in (a, b):
        server.env.update(shared)
    worker_env = dict(a.env)
    workers = []

    def new_worker():
        made = Worker(worker_env, str(tmp_path / "worker.log")).start()
        workers.append(made)
        return made

    try:
        a.start()
        b.start()
        yield a, b, new_worker, pause, group, world.worker.username
    finally:
        for made in workers:
            made.kill()
        a.kill()
        b.kill()
        drop_queue(REDIS, shared["PLANNER_QUEUE_NAME"])
        store = redis.Redis.from_url(REDIS)
        for key in store.scan_iter(f"*two-hosts-{run}*"):  # the rate limits' counts
            store.delete(key)


def _start_zip(tablet, program_id) -> str:
    response = tablet.post(f"/programs/{program_id}/documents/zip", {"kind": "all"})
    assert response.status_code == 303, response.text[:500]
    return re.search(r"/exports/([\w-]+)", response.headers["Location"]).group(1)


def _job(token):
    return ExportJob.get_or_none(ExportJob.token == token)


def _whole(response) -> list[str]:
    """The zip as sent: its size is the size stored, and every entry reads back."""
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert int(response.headers["Content-Length"]) == len(response.content)
    database.close()
    stored = ExportFile.get(ExportFile.key == response.url.split("/")[-2])
    assert stored.size == len(response.content) == len(bytes(stored.data))
    database.close()
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        return archive.namelist()


def test_two_hosts_share_exports_limits_and_a_worker(hosts):
    a, b, new_worker, pause, group, username = hosts
    worker = new_worker()
    on_a = Tablet.login(a.url, username, PASSWORD)
    on_b = Tablet(b.url, requests.Session(), on_a.token)
    on_b.http.cookies.update(on_a.http.cookies)  # the same browser, sent to another host

    # a zip started through A, built by the worker, downloaded through B
    token = _start_zip(on_a, group.program.id)
    wait_for(
        "the first zip is built", lambda: _job(token).status == "done", worker.proc, worker.log
    )
    page = on_b.get(f"/exports/{token}", headers=HTMX)
    assert page.status_code == 200 and 'id="zip-download"' in page.text
    assert len(_whole(on_b.get(f"/exports/{token}/download"))) == 10

    # the worker held in the middle of the next zip, then killed
    pause.touch()
    token = _start_zip(on_a, group.program.id)
    wait_for(
        "the worker is in the middle of the zip",
        lambda: (job := _job(token)).status == "running" and 0 < job.done < job.total,
        worker.proc,
        worker.log,
    )
    assert on_b.get(f"/exports/{token}/download").status_code == 404  # not half a file
    worker.kill()
    page = on_b.get(f"/exports/{token}", headers=HTMX)
    assert page.status_code == 200 and "生成中断（处理进程已停止），请重新生成。" in page.text
    assert f'action="/exports/{token}/retry"' in page.text
    database.close()
    assert _job(token).status == "failed"
    assert on_b.get(f"/exports/{token}/download").status_code == 404

    # a new worker; the retry through the page (host A) completes it, B sends it
    pause.unlink()
    worker = new_worker()
    retried = on_a.post(f"/exports/{token}/retry", {})
    assert retried.status_code == 303 and retried.headers["Location"].endswith(f"/exports/{token}")
    wait_for(
        "the retried zip is built", lambda: _job(token).status == "done", worker.proc, worker.log
    )
    assert len(_whole(on_b.get(f"/exports/{token}/download"))) == 10

    # login attempts: one to sign in and three wrong ones through A, one through B is
    # the fifth of five, the next through B is refused (a host counting alone would allow it)
    anonymous = {}
    for server in (a, b):
        http = requests.Session()
        token_page = http.get(server.url + "/login", timeout=TIMEOUT).text
        anonymous[server.url] = (http, re.search(r'name="csrf_token" value="([^"]+)"', token_page))

    def wrong(server):
        http, csrf = anonymous[server.url]
        return http.post(
            server.url + "/login",
            data={"username": "nobody", "password": "wrong", "csrf_token": csrf.group(1)},
            timeout=TIMEOUT,
            allow_redirects=False,
        ).status_code

    assert [wrong(a) for _ in range(3)] == [401, 401, 401]
    assert wrong(b) == 401
    assert wrong(b) == 429
    assert wrong(a) == 429
    assert not a.log_problems() and not b.log_problems()
