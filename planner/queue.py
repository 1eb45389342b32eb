"""Background jobs (issue 19): `enqueue("planner.module.function", args, retries)`.

With the setting QUEUE (PLANNER_QUEUE, a redis:// URL) the job goes to an RQ queue named
QUEUE_NAME on that Redis, and `flask planner worker` runs it, in any host's worker. Without
it (development, `make run`, most tests) the job runs in a thread of this process, as zips
always did, so nothing more needs to be running.

Either way the function runs through `run_job`, with the app context and a database
connection of its own, and is retried up to `retries` more times when it raises. A job
function that wants to know whether it will be tried again asks `retries_left()`."""

import importlib
import logging
import threading

from flask import current_app

from planner.db import database

log = logging.getLogger(__name__)
JOB_TIMEOUT = 60 * 60  # seconds one run may take (a term's zip) before RQ stops it
_threads: list[threading.Thread] = []
_local = threading.local()


def configured(app=None) -> str:
    """The Redis URL of the queue, or "" for the in-process runner."""
    return ((app or current_app).config.get("QUEUE") or "").strip()


def _function(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def retries_left() -> int:
    """How many more times the running job will be tried if it raises now (0: last try)."""
    if hasattr(_local, "retries_left"):
        return _local.retries_left
    from rq import get_current_job

    job = get_current_job()
    return (job.retries_left or 0) if job is not None else 0


def run_job(path: str, *args):
    """Call the job function with a database connection (RQ's entry point and the
    thread's); the connection is closed whatever happens."""
    database.connect(reuse_if_open=True)
    try:
        return _function(path)(*args)
    finally:
        if not database.is_closed():
            database.close()


def connection(app=None):
    from redis import Redis

    return Redis.from_url(configured(app))


def rq_queue(app=None):
    from rq import Queue

    app = app or current_app
    return Queue(app.config["QUEUE_NAME"], connection=connection(app))


def enqueue(path: str, args: tuple = (), retries: int = 2, app=None) -> str:
    """Queue `path(*args)`; returns the queue's job id (a thread name in process)."""
    app = app or current_app._get_current_object()
    _function(path)  # a wrong path fails here, in the request, not later in a worker
    if configured(app):
        from rq import Retry

        job = rq_queue(app).enqueue(
            run_job,
            path,
            *args,
            retry=Retry(max=retries) if retries else None,
            job_timeout=JOB_TIMEOUT,
            result_ttl=24 * 3600,
            failure_ttl=7 * 24 * 3600,
        )
        return job.id
    thread = threading.Thread(
        target=_in_process, args=(app, path, args, retries), daemon=True, name=f"job-{path}"
    )
    _threads[:] = [t for t in _threads if t.is_alive()]
    _threads.append(thread)
    thread.start()
    return thread.name


def _in_process(app, path, args, retries):
    with app.app_context():
        for attempt in range(retries + 1):
            _local.retries_left = retries - attempt
            try:
                run_job(path, *args)
                return
            except Exception as exc:  # the class only: a message can quote a record
                log.error("job %s failed (try %s): %s", path, attempt + 1, type(exc).__name__)


def wait_all(timeout: float = 120) -> None:
    """Wait for the in-process jobs of this process (tests, and a clean shutdown)."""
    while _threads:
        _threads.pop().join(timeout)


def work(app, burst: bool = False) -> None:
    """Run an RQ worker on the queue in this process, with the app context held
    (`flask planner worker`). A SimpleWorker runs each job in the worker's own process, so
    the app and its database settings are loaded once, and a worker killed mid-job takes
    its job with it: the job's heartbeat stops and the job is marked failed
    (exports/job_limits.py), to be retried from the page."""
    from rq import SimpleWorker

    with app.app_context():
        worker = SimpleWorker([rq_queue(app)], connection=connection(app))
        worker.work(burst=burst, with_scheduler=False, logging_level="INFO")
