"""Limits on zip jobs (issues 13 and 19): how many one user may have running at once, and
jobs whose builder is gone. A job records the host and pid of the process building it and a heartbeat
on every document; a job still "queued" or "running" whose process has died (on this host)
or whose heartbeat is older than the stale limit is marked failed when it is read (the
status poll), when the user starts another, and by `flask planner migrate`. The builder is
a queue worker (planner/queue.py) or a thread of the web process; a failed job is built
again from its page (jobs.retry)."""

import datetime as dt
import os
import socket

from planner.db import now, write_tx
from planner.errors import CONFLICT, PlannerError
from planner.exports.models import ExportJob
from planner.i18n import lazy_gettext as _l

MAX_RUNNING = 2  # config EXPORT_MAX_RUNNING_JOBS
STALE_SECONDS = 10 * 60  # config EXPORT_JOB_STALE_SECONDS: no heartbeat for this long
ACTIVE = ("queued", "running")
DIED = _l("生成中断（处理进程已停止），请重新生成。")


def runner_id() -> str:
    """host:pid of this process (read at call time: gunicorn forks its workers)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def _alive(runner: str) -> bool:
    """False only when the runner is a process of this host that no longer exists."""
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname()[:60] or not pid.isdigit():
        return True  # another host's process: its heartbeat tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def is_stale(job, stale_seconds: int = STALE_SECONDS, at: dt.datetime | None = None) -> bool:
    if job.status not in ACTIVE:
        return False
    if job.runner and not _alive(job.runner):
        return True
    last = job.heartbeat_at or job.created_at
    return (at or now()) - last > dt.timedelta(seconds=stale_seconds)


def reap(query, stale_seconds: int = STALE_SECONDS) -> int:
    """Mark the stale active jobs of the query failed; returns how many. The UPDATE is
    conditional, so a job that finished meanwhile keeps its result."""
    stale = [
        job.id for job in query.where(ExportJob.status.in_(ACTIVE)) if is_stale(job, stale_seconds)
    ]
    if not stale:
        return 0
    with write_tx():
        return (
            ExportJob.update(status="failed", finished_at=now(), error=str(DIED))
            .where(ExportJob.id.in_(stale) & ExportJob.status.in_(ACTIVE))
            .execute()
        )


def refreshed(job, stale_seconds: int = STALE_SECONDS):
    """The job as the poll should show it: failed when its builder is gone."""
    if is_stale(job, stale_seconds) and reap(
        ExportJob.select().where(ExportJob.id == job.id), stale_seconds
    ):
        return ExportJob.get_by_id(job.id)
    return job


def check_room(user, max_running: int = MAX_RUNNING, stale_seconds: int = STALE_SECONDS):
    """Refuse a new zip while the user already has max_running being built (dead ones are
    marked failed first and don't count)."""
    mine = ExportJob.select().where(ExportJob.user == user.id)
    reap(mine, stale_seconds)
    running = mine.where(ExportJob.status.in_(ACTIVE)).count()
    if running >= max_running:
        raise PlannerError(
            _l(
                "你已有 %(n)s 个压缩包正在生成，请等它们完成后再开始新的导出。",
                n=running,
            ),
            kind=CONFLICT,
        )
