"""Views of planner.exports (blueprint "exports"): a program's documents page, single Word
downloads, zip exports with a polled progress bar, and the admin's Word templates.

Every download is audited (PRIVACY_SECURITY.md §5) and named by archive code and title."""

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user

from planner.access import allow, get_or_404, programs_query, sessions_query
from planner.curricula.models import Curriculum
from planner.errors import PlannerError
from planner.exports import job_limits, jobs, storage
from planner.exports.blueprint import bp
from planner.exports.kinds import KINDS, PROGRAM, SESSION
from planner.exports.models import ExportJob
from planner.roles import EVERYONE, STAFF
from planner.schools.models import Room, School, Term
from planner.sessions.models import Program
from planner.web import error_status, go, is_htmx, render, send_docx, send_download


def load_program(program_id):
    """The program in scope with school (and agency), term, room and curriculum, or 404."""
    query = (
        programs_query(current_user)
        .select_extend(School, Term, Room, Curriculum)
        .join_from(Program, School)
        .join_from(Program, Term)
        .join_from(Program, Room)
        .join_from(Program, Curriculum)
    )
    return get_or_404(query, program_id)


def _allowed(program, kind):
    """404 for a kind this program has no such document of; 403 for one the user may not
    export (a meeting record for an admin)."""
    if kind not in jobs.kinds_of(program):
        abort(404)
    if kind not in jobs.kinds_for(current_user, program):
        abort(403)


def _docs_page(program, status=200, message=None, job=None):
    sessions = jobs.gather.sessions_of(program)
    return render(
        "exports/program.html",
        "exports/_zip.html",
        status,
        program=program,
        kinds=[KINDS[key] for key in jobs.kinds_for(current_user, program)],
        sessions=sessions,
        held=jobs.held_session_ids(program),
        message=message,
        job=job,
    )


@bp.get("/programs/<int:program_id>/documents")
@allow(*EVERYONE)
def program_docs(program_id):
    """The program's Word documents, one by one or as a zip."""
    return _docs_page(load_program(program_id))


def _download(program, kind, session=None):
    try:
        if not jobs.gather.sessions_of(program):
            raise PlannerError(jobs.NO_SESSIONS)
        ctx = jobs.context(kind, program, session)
    except PlannerError as err:
        return _docs_page(program, 422, err.message)
    data = jobs.render(ctx, current_user.agency_id)
    jobs.downloaded(current_user, program, ctx, session)
    return send_docx(data, jobs.file_name(ctx, session))


@bp.get("/programs/<int:program_id>/documents/<kind>.docx")
@allow(*EVERYONE)
def program_doc(program_id, kind):
    """One program-level document: 小组计划书, 社工课堂教案 or 小组总结评估报告."""
    program = load_program(program_id)
    if kind not in KINDS or KINDS[kind].level != PROGRAM:
        abort(404)
    _allowed(program, kind)
    return _download(program, kind)


@bp.get("/sessions/<int:session_id>/documents/<kind>.docx")
@allow(*STAFF)
def session_doc(session_id, kind):
    """One session-level document: 单节活动计划 or 小组活动记录表."""
    session = get_or_404(sessions_query(current_user), session_id)
    program = load_program(session.program_id)
    if kind not in KINDS or KINDS[kind].level != SESSION:
        abort(404)
    _allowed(program, kind)
    return _download(program, kind, session)


@bp.post("/programs/<int:program_id>/documents/zip")
@allow(*EVERYONE)
def program_zip(program_id):
    """Start building all of the program's documents (or one kind) as a zip."""
    program = load_program(program_id)
    kind = request.form.get("kind", "all")
    if kind != "all" and kind not in KINDS:
        abort(404)
    name = jobs.UNSAFE.sub("_", f"{jobs.gather.archive_code(program)}_{program.title}") + ".zip"
    try:
        items = jobs.plan(current_user, program, kind)
        job = jobs.start(
            current_app._get_current_object(),
            current_user,
            "program",
            program.id,
            kind,
            items,
            name,
            detail=f"zip {kind} {program.archive_code}",
        )
    except PlannerError as err:
        if is_htmx():  # the form swaps into #zip-progress: the message alone
            return render_template("exports/_message.html", message=err.message), error_status(err)
        return _docs_page(program, error_status(err), err.message)
    if is_htmx():
        return render("exports/job.html", "exports/_progress.html", 202, job=job)
    return go(url_for("exports.job", token=job.token))


def _job(token):
    job = ExportJob.get_or_none((ExportJob.token == token) & (ExportJob.user == current_user.id))
    if job is None:
        abort(404)
    return job


@bp.get("/exports/<token>")
@allow(*EVERYONE)
def job(token):
    """The progress of a zip; the fragment polls itself until the job ends."""
    found = job_limits.refreshed(_job(token), current_app.config["EXPORT_JOB_STALE_SECONDS"])
    return render("exports/job.html", "exports/_progress.html", job=found, swept=jobs.swept(found))


@bp.get("/exports/<token>/download")
@allow(*EVERYONE)
def job_download(token):
    """The finished zip, from whichever host built it (exports/storage.py)."""
    found = _job(token)
    if found.status != "done":
        abort(404)
    data = storage.load(found.token)
    if data is None:  # swept after a day: gone, and the page says so and offers a new one
        return render("exports/job.html", "exports/_progress.html", 410, job=found, swept=True)
    return send_download(data, found.filename, "application/zip")


@bp.post("/exports/<token>/retry")
@allow(*EVERYONE)
def job_retry(token):
    """Build a failed zip again (its worker died, or it failed on every try)."""
    try:
        found = jobs.retry(current_app._get_current_object(), current_user, token)
    except PlannerError as err:
        if error_status(err) == 404:
            abort(404)
        found = _job(token)
        if is_htmx():
            return render_template("exports/_message.html", message=err.message), error_status(err)
        return render(
            "exports/job.html",
            "exports/_progress.html",
            error_status(err),
            job=found,
            message=err.message,
        )
    if is_htmx():
        return render("exports/job.html", "exports/_progress.html", 202, job=found)
    return go(url_for("exports.job", token=found.token))


@bp.get("/sessions/<int:session_id>/materials.docx")
@allow(*STAFF)
def session_materials(session_id):
    """打印本节材料 from run mode: the session's referenced materials, headed with the
    program's school and archive code (library content, no student data)."""
    session = get_or_404(sessions_query(current_user), session_id)
    program = load_program(session.program_id)
    template = jobs.gather.session_template(session)
    data, name = jobs.materials_document(template, current_user, program, session)
    return send_docx(data, name)
