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

from planner.db import database, now
from planner.exports import evaluation_context, gather
from planner.exports.agency_templates import build
from planner.exports.documents import TITLES
from planner.exports.models import DocTemplate, ExportJob
from planner.i18n import lazy_gettext as _l
from planner.reflections.models import Reflection
from planner.reflections.services import access
from planner.runs.models import Attendance
from planner.sessions.models import Session

log = logging.getLogger(__name__)
GROUP_KINDS = ("group_plan", "session_plan", "meeting_record", "evaluation_report")
CLASSROOM_KINDS = ("lesson_plan", "session_plan")
SESSION_KINDS = ("session_plan", "meeting_record")
RECORD_KINDS = ("meeting_record", "evaluation_report")  # hold reflections and member data
NO_SESSIONS = _l("这个开展计划还没有任何节次，没有可以导出的内容。请先安排节次。")
UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


class Doc(NamedTuple):
    """One document of a zip: built from a program (and a session), or a ready context."""

    kind: str
    program: object = None
    session: object = None
    ctx: dict | None = None


class ExportError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def kinds_of(program) -> tuple:
    """The documents a program of this kind has."""
    return GROUP_KINDS if program.curriculum.kind == "group" else CLASSROOM_KINDS


def kinds_for(user, program) -> tuple:
    """The document kinds this user may export of this program (PRIVACY_SECURITY.md §2):
    teachers only lesson plans; meeting records and evaluation reports only the program's
    workers and their supervisors."""
    kinds = kinds_of(program)
    if user.is_teacher:
        return tuple(k for k in kinds if k == "lesson_plan")
    if user.is_admin or access(user, program.id) is None:
        return tuple(k for k in kinds if k not in RECORD_KINDS)
    return kinds


def file_name(ctx, session=None) -> str:
    """<archive code>_<document>_<title>[_第N次].docx: never a student's name."""
    parts = [ctx["archive_code"], TITLES[ctx["kind"]], ctx["title"]] + (
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
    if kind == "evaluation_report":
        return evaluation_context.evaluation_report(program)
    if kind in SESSION_KINDS:
        return getattr(gather, kind)(program, session)
    return getattr(gather, kind)(program)


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
        raise ExportError(NO_SESSIONS)
    allowed = kinds_for(user, program)
    wanted = allowed if kind == "all" else tuple(k for k in allowed if k == kind)
    held = held_session_ids(program) if "meeting_record" in wanted else set()
    out = []
    for k in wanted:
        if k == "session_plan":
            out += [Doc(k, program, s) for s in sessions if s.status != "cancelled"]
        elif k == "meeting_record":
            out += [Doc(k, program, s) for s in sessions if s.id in held]
        else:
            out.append(Doc(k, program))
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
    path = os.path.join(app.instance_path, "exports")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


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


def start(app, user, scope, target_id, kind, items, name) -> ExportJob:
    """Record the job and build it in a thread; the page polls the row."""
    sweep(export_dir(app))
    job = ExportJob.create(
        token=secrets.token_urlsafe(24),
        user=user.id,
        scope=scope,
        target_id=target_id,
        kind=kind,
        total=len(items),
        filename=name,
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
            ExportJob.update(status="running").where(ExportJob.id == job_id).execute()
            path = os.path.join(export_dir(app), f"{job.token}.zip")
            part = path + ".part"

            def progress(n):
                ExportJob.update(done=n).where(ExportJob.id == job_id).execute()

            with open(part, "wb") as fh:
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
