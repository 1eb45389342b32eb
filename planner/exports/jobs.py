"""Which documents a user may export of a program, their file names, and zip files built by
a background job (planner/queue.py: an RQ worker, or a thread of the web process) whose
progress the page polls (ExportJob rows, shared by every host); the finished zip is kept by
exports/storage.py, where every host can send it."""

import io
import logging
import os
import re
import secrets
import time
import traceback
import zipfile
from typing import NamedTuple

from flask import current_app

from planner import queue
from planner.access import programs_joined
from planner.accounts.models import User
from planner.audit.models import record
from planner.db import now, write_tx
from planner.errors import CONFLICT, NOT_FOUND, PlannerError
from planner.exports import gather, job_limits, storage
from planner.exports.agency_templates import build
from planner.exports.kinds import HELD, KINDS, PLANNED, SESSION, of_program
from planner.exports.models import DocTemplate, ExportJob
from planner.i18n import lazy_gettext as _l
from planner.reflections.models import Reflection
from planner.reflections.services import can_read_records
from planner.runs.models import Attendance
from planner.sessions.models import Program, Session

log = logging.getLogger(__name__)
NO_SESSIONS = _l("这个开展计划还没有任何节次，没有可以导出的内容。请先安排节次。")
UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


class Superseded(Exception):
    """The job row is no longer this builder's (reaped as stale, or retried elsewhere)."""


class Doc(NamedTuple):
    """One document of a zip: built from a program (and a session), or a ready context."""

    kind: str
    program: object = None
    session: object = None
    ctx: dict | None = None


def kinds_of(program) -> tuple:
    """The keys of the documents a program of its kind has."""
    return tuple(kind.key for kind in of_program(program))


def kinds_for(user, program) -> tuple:
    """The keys of the documents this user may export of this program (PRIVACY_SECURITY.md
    §2): each kind's roles, and for those holding students' records, only the program's own
    workers and their supervisors."""
    allowed = [kind for kind in of_program(program) if user.role in kind.roles]
    if any(kind.holds_student_records for kind in allowed) and not can_read_records(
        user, program.id
    ):
        allowed = [kind for kind in allowed if not kind.holds_student_records]
    return tuple(kind.key for kind in allowed)


def file_name(ctx, session=None) -> str:
    """<archive code>_<document>_<title>[_第N次].docx: never a student's name."""
    parts = [ctx["archive_code"], KINDS[ctx["kind"]].title, ctx["title"]] + (
        [f"第{session.seq}次"] if session is not None else []
    )
    return UNSAFE.sub("_", "_".join(p for p in parts if p))[:150] + ".docx"


def held_session_ids(program) -> set:
    """Sessions with attendance or a reflection: the ones with a meeting record to print."""
    ids = Session.select(Session.id).where(Session.program == program.id)
    return {
        a.session_id
        for a in Attendance.select(Attendance.session).distinct().where(Attendance.session.in_(ids))
    } | {
        r.session_id
        for r in Reflection.select(Reflection.session).where(Reflection.session.in_(ids))
    }


def context(kind, program, session=None) -> dict:
    """The context of a program's or a session's document (a term's comes from reports)."""
    doc = KINDS[kind]
    return doc.gather(program, session) if doc.level == SESSION else doc.gather(program)


def downloaded(user, program, ctx, session=None) -> None:
    """Note that a user downloaded one document: an audit row and nothing else (a GET
    changes no state, PRIVACY_SECURITY.md §7). The audit row of the teachers' copy is what
    later schedule changes are marked against (sessions/archive.py)."""
    kind = ctx["kind"]
    with write_tx():
        detail = f"{kind} {ctx['archive_code']}" + (f" #{session.seq}" if session else "")
        record(user, "export", "program", program.id, detail)


def template_for(agency_id, kind):
    row = DocTemplate.get_or_none((DocTemplate.agency == agency_id) & (DocTemplate.kind == kind))
    return row.data if row else None


def render(ctx, agency_id) -> bytes:
    data, _used = build(ctx["kind"], ctx, template_for(agency_id, ctx["kind"]))
    return data


def plan(user, program, kind="all") -> list[Doc]:
    """The documents to build for a program; ExportError when there is nothing to build."""
    sessions = gather.sessions_of(program)
    if not sessions:
        raise PlannerError(NO_SESSIONS)
    allowed = kinds_for(user, program)
    wanted = allowed if kind == "all" else tuple(k for k in allowed if k == kind)
    held = held_session_ids(program) if any(KINDS[k].sessions == HELD for k in wanted) else set()
    out = []
    for key in wanted:
        doc = KINDS[key]
        if doc.sessions == PLANNED:
            out += [Doc(key, program, s) for s in sessions if s.status != "cancelled"]
        elif doc.sessions == HELD:
            out += [Doc(key, program, s) for s in sessions if s.id in held]
        else:
            out.append(Doc(key, program))
    return out


def write_zip(out, items, agency_id, progress=None) -> int:
    """Build each Doc into the zip file object; returns the count."""
    names = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, (kind, program, session, ready) in enumerate(items, 1):
            ctx = ready or context(kind, program, session)
            name = file_name(ctx, session)
            while name in names:
                name = name[:-5] + "_1.docx"
            names.add(name)
            zf.writestr(name, render(ctx, agency_id))
            if progress:
                progress(n)
    return len(items)


KEEP_SECONDS = storage.KEEP_SECONDS  # a zip holds children's records: swept after a day
FAILED = _l("生成失败，请稍后重试或联系管理员。")
NOT_FAILED = _l("这个压缩包没有生成失败，不需要重新生成。")
GONE = _l("找不到这个导出任务，它可能已被清理。")
RETRIES = 2  # a zip that raises is tried this many more times before it counts as failed
# The job function of each scope: a term's zip is gathered by planner/reports (a layer up).
BUILDERS = {
    "program": "planner.exports.jobs.build_program",
    "term": "planner.reports.zips.build_term",
}


def export_dir(app) -> str:
    """instance/exports/ (the disk backend of exports/storage.py)."""
    return storage.folder(app)


def wait_all(timeout: float = 120) -> None:
    """Wait for the in-process jobs of this process (tests, and a clean shutdown)."""
    queue.wait_all(timeout)


def _stale_seconds(app) -> int:
    return app.config.get("EXPORT_JOB_STALE_SECONDS", job_limits.STALE_SECONDS)


def start(app, user, scope, target_id, kind, items, name, detail="") -> ExportJob:
    """Record the job (and an audit row with `detail`) and queue its building
    (planner/queue.py); the page polls the row. `items` are the documents the user is
    given now: their count is the progress bar's end, and the job gathers them again as
    the user (their access then). PlannerError (conflict) while the user has
    EXPORT_MAX_RUNNING_JOBS zips being built already."""
    with write_tx():
        job_limits.check_room(
            user,
            app.config.get("EXPORT_MAX_RUNNING_JOBS", job_limits.MAX_RUNNING),
            _stale_seconds(app),
        )
        record(user, "export", scope, target_id, detail)
        job = ExportJob.create(
            token=secrets.token_urlsafe(24),
            user=user.id,
            scope=scope,
            target_id=target_id,
            kind=kind,
            total=len(items),
            filename=name,
            heartbeat_at=now(),
        )
    queue.enqueue(BUILDERS[scope], (job.id,), RETRIES, app=app)
    return job


def swept(job) -> bool:
    """A finished zip whose file the day's sweep removed: its page offers to build it again."""
    return job.status == "done" and not storage.exists(job.token)


def retry(app, user, token) -> ExportJob:
    """Queue a failed zip of the user's again (its worker died, or it raised on every
    try), or a finished one whose file was swept: the same row and token, built from the
    start. NOT_FOUND for another user's job; CONFLICT unless it failed or was swept, or
    while the user has too many being built."""
    job = ExportJob.get_or_none((ExportJob.token == token) & (ExportJob.user == user.id))
    if job is None:
        raise PlannerError(GONE, kind=NOT_FOUND)
    job = job_limits.refreshed(job, _stale_seconds(app))
    if job.status != "failed" and not swept(job):
        raise PlannerError(NOT_FAILED, kind=CONFLICT)
    with write_tx():
        job_limits.check_room(
            user,
            app.config.get("EXPORT_MAX_RUNNING_JOBS", job_limits.MAX_RUNNING),
            _stale_seconds(app),
        )
        reset = (
            ExportJob.update(
                status="queued", done=0, error="", finished_at=None, runner="", heartbeat_at=now()
            )
            .where((ExportJob.id == job.id) & (ExportJob.status == job.status))
            .execute()
        )
        if not reset:  # another tab retried it first
            raise PlannerError(NOT_FAILED, kind=CONFLICT)
        record(user, "export", job.scope, job.target_id, f"zip retry {job.kind}")
    queue.enqueue(BUILDERS[job.scope], (job.id,), RETRIES, app=app)
    return ExportJob.get_by_id(job.id)


def program_in_scope(user, program_id):
    """The program as the user may see it now (with what its documents read), or None."""
    return programs_joined(user).where(Program.id == program_id).first()


def _program_items(user, job) -> list:
    program = program_in_scope(user, job.target_id)
    if program is None:
        raise PlannerError(GONE, kind=NOT_FOUND)
    return plan(user, program, job.kind)


def build_program(job_id: int) -> None:
    """The queue's job: a program's zip."""
    build_zip(job_id, _program_items)


def _hold(app, job_id) -> None:
    """Tests only: wait while EXPORT_PAUSE_FILE exists (a worker held mid-zip), beating."""
    pause = app.config.get("EXPORT_PAUSE_FILE")
    while pause and os.path.exists(pause):
        if not ExportJob.update(heartbeat_at=now()).where(_mine(job_id)).execute():
            return  # no longer this builder's: the next document stops it
        time.sleep(0.05)


def _claim(job_id) -> bool:
    """Mark a queued job running by this process; False when it is not queued (done,
    failed, or taken by another worker: a job RQ runs twice is built once)."""
    with write_tx():
        return bool(
            ExportJob.update(
                status="running", runner=job_limits.runner_id(), heartbeat_at=now(), done=0
            )
            .where((ExportJob.id == job_id) & (ExportJob.status == "queued"))
            .execute()
        )


def _mine(job_id):
    """The job's row while this process is building it (not reaped, nor retried since)."""
    return (
        (ExportJob.id == job_id)
        & (ExportJob.status == "running")
        & (ExportJob.runner == job_limits.runner_id())
    )


def _end(job_id, **values) -> None:
    """Set the end of a job this process is running (not one reaped and retried since)."""
    with write_tx():
        ExportJob.update(**values).where(_mine(job_id)).execute()


def build_zip(job_id: int, items_of) -> None:
    """Build a queued zip: items_of(user, job) lists its documents, gathered as the job's
    user; the zip is stored whole (exports/storage.py) and the row marked done. When it
    raises, the row goes back to queued if the queue will try again, else failed (with a
    message that names no record); a zip over the size limit fails at once. A builder
    whose row was marked failed meanwhile (reaped as stale, then perhaps retried by another)
    stops at its next document and stores nothing."""
    app = current_app._get_current_object()
    if not _claim(job_id):
        return
    job = ExportJob.select(ExportJob, User).join(User).where(ExportJob.id == job_id).get()
    try:
        if not job.user.active:
            raise PlannerError(GONE, kind=NOT_FOUND)
        items = items_of(job.user, job)
        ExportJob.update(total=len(items)).where(ExportJob.id == job_id).execute()

        def progress(n):
            beat = ExportJob.update(done=n, heartbeat_at=now()).where(_mine(job_id)).execute()
            if not beat:  # marked failed meanwhile (and perhaps retried): stop building
                raise Superseded
            if n < len(items):
                _hold(app, job_id)

        buf = io.BytesIO()
        write_zip(buf, items, job.user.agency_id, progress)
        storage.save(job.token, buf.getvalue(), app)
        _end(job_id, status="done", finished_at=now())
    except Superseded:  # the row tells the user already; a retry builds afresh
        log.info("export job %s is no longer this builder's: stopped", job_id)
    except PlannerError as err:  # too large, the program gone or out of the user's reach:
        # trying again gives the same
        _end(job_id, status="failed", finished_at=now(), error=str(err.message))
    except Exception as exc:  # the job row tells the user
        # the frames and the error class only: a message can quote a record (a name)
        log.error(
            "export job %s failed: %s\n%s",
            job_id,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        if queue.retries_left() > 0:
            _end(job_id, status="queued", runner="")
        else:
            _end(job_id, status="failed", finished_at=now(), error=str(FAILED))
        raise


def zip_bytes(items, agency_id) -> bytes:
    """The same zip in memory (the CLI and tests)."""
    buf = io.BytesIO()
    write_zip(buf, items, agency_id)
    return buf.getvalue()


def materials_document(template, user, program=None, session=None) -> tuple[bytes, str]:
    """本节材料 of a curriculum session (template: a SessionTemplate with .activities and
    .curriculum loaded): (docx bytes, file name). From run mode (program and session given)
    the download is audited like any program document; from the library it is library
    content and names no one. The agency's own template for the kind is used if it has one."""
    agency_name = ""
    if program is None and user.agency_id:
        from planner.schools.models import Agency

        agency = Agency.get_or_none(Agency.id == user.agency_id)
        agency_name = agency.name if agency else ""
    ctx = gather.session_materials(template, program, agency_name)
    data = render(ctx, user.agency_id)
    if program is not None:
        downloaded(user, program, ctx, session)
    parts = [ctx["archive_code"], KINDS[ctx["kind"]].title, ctx["curriculum_title"]]
    name = UNSAFE.sub("_", "_".join(p for p in parts if p))[:140] + f"_第{template.seq}节.docx"
    return data, name
