"""Which documents a user may export of a program, their file names, and zip files built in
a background thread whose progress the page polls (ExportJob rows, shared by every server
process; the zip is written under instance/exports/)."""

import io
import logging
import os
import re
import secrets
import threading
import time
import traceback
import zipfile
from typing import NamedTuple

from planner.audit.models import record
from planner.config import open_private, private_dir
from planner.db import database, now, write_tx
from planner.errors import PlannerError
from planner.exports import gather, job_limits
from planner.exports.agency_templates import build
from planner.exports.kinds import HELD, KINDS, PLANNED, SESSION, of_program
from planner.exports.models import DocTemplate, ExportJob
from planner.i18n import lazy_gettext as _l
from planner.reflections.models import Reflection
from planner.reflections.services import can_read_records
from planner.runs.models import Attendance
from planner.sessions.models import Session

log = logging.getLogger(__name__)
NO_SESSIONS = _l("这个开展计划还没有任何节次，没有可以导出的内容。请先安排节次。")
UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


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


KEEP_SECONDS = 24 * 3600  # a zip holds children's records: it doesn't stay on disk


def export_dir(app) -> str:
    return private_dir(os.path.join(app.instance_path, "exports"))


def sweep(folder: str, at: float | None = None) -> int:
    """Delete zips older than KEEP_SECONDS; returns how many."""
    at = at or time.time()
    removed = 0
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            if at - os.path.getmtime(path) > KEEP_SECONDS:
                os.remove(path)
                removed += 1
        except FileNotFoundError:
            continue  # another worker swept it first
    return removed


_threads: list[threading.Thread] = []


def wait_all(timeout: float = 120) -> None:
    """Wait for the export threads of this process (tests, and a clean shutdown)."""
    while _threads:
        _threads.pop().join(timeout)


def start(app, user, scope, target_id, kind, items, name, detail="") -> ExportJob:
    """Record the job (and an audit row with `detail`) and build it in a thread; the page
    polls the row. PlannerError (conflict) while the user has EXPORT_MAX_RUNNING_JOBS
    zips being built already."""
    sweep(export_dir(app))
    with write_tx():
        job_limits.check_room(
            user,
            app.config.get("EXPORT_MAX_RUNNING_JOBS", job_limits.MAX_RUNNING),
            app.config.get("EXPORT_JOB_STALE_SECONDS", job_limits.STALE_SECONDS),
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
            runner=job_limits.runner_id(),
            heartbeat_at=now(),
        )
    thread = threading.Thread(
        target=_run, args=(app, job.id, items, user.agency_id), daemon=True, name=f"export-{job.id}"
    )
    _threads[:] = [t for t in _threads if t.is_alive()]
    _threads.append(thread)
    thread.start()
    return job


def _run(app, job_id, items, agency_id):
    with app.app_context():
        database.connect(reuse_if_open=True)
        part = None
        try:
            job = ExportJob.get_by_id(job_id)
            ExportJob.update(status="running", heartbeat_at=now()).where(
                ExportJob.id == job_id
            ).execute()
            path = os.path.join(export_dir(app), f"{job.token}.zip")
            part = path + ".part"

            def progress(n):
                ExportJob.update(done=n, heartbeat_at=now()).where(ExportJob.id == job_id).execute()

            with open_private(part) as fh:  # children's records: the app's user only
                write_zip(fh, items, agency_id, progress)
            os.replace(part, path)
            ExportJob.update(status="done", finished_at=now()).where(
                ExportJob.id == job_id
            ).execute()
        except Exception as exc:  # the job row tells the user
            # the frames and the error class only: a message can quote a record (a name)
            log.error(
                "export job %s failed: %s\n%s",
                job_id,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            if part and os.path.exists(part):  # half a zip of children's records: not kept
                os.remove(part)
            ExportJob.update(
                status="failed",
                finished_at=now(),
                error=str(_l("生成失败，请稍后重试或联系管理员。")),
            ).where(ExportJob.id == job_id).execute()
        finally:
            database.close()


def zip_bytes(items, agency_id) -> bytes:
    """The same zip in memory (the CLI and tests)."""
    buf = io.BytesIO()
    write_zip(buf, items, agency_id)
    return buf.getvalue()
