"""Views of planner.reports (blueprint "reports"): the term statistics page and document,
the term's attendance report (page and xlsx), and a whole term's documents as one zip. Admins see the agency, supervisors their workers'
programs, workers their own; teachers have no statistics (403)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    get_template_attribute,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from planner.access import allow, get_or_404, schools_query, workers_query
from planner.errors import PlannerError
from planner.exports import jobs
from planner.i18n import gettext as _
from planner.i18n import local_today, locale_code
from planner.reports.attendance import attendance_export, attendance_report
from planner.reports.cache import cached_page
from planner.reports.docs import stats_document
from planner.reports.pyramid import pyramid_for
from planner.reports.stats import service_counts, term_names, term_statistics, zip_terms
from planner.reports.work_report import work_report_document
from planner.reports.zips import term_items
from planner.roles import STAFF
from planner.schools.models import School, Term
from planner.web import error_status, go, int_arg, is_htmx, render, send_docx, send_xlsx

bp = Blueprint("reports", __name__)


def _term_name():
    names = term_names(current_user)
    chosen = request.args.get("term") or (names[0] if names else None)
    if chosen is not None and chosen not in names:
        abort(404)
    return chosen, names


CSRF_MARK = "<!--csrf-field-->"  # the cached page holds this in place of the form token


@bp.get("/stats")
@allow(*STAFF)
def stats():
    """学期工作统计: totals, per school and per worker, with the counting rules. The body is
    kept once computed (reports/cache.py) until a write changes a figure; the forms'
    token is this session's, put in on every view."""
    who = ("agency", current_user.agency_id) if current_user.is_admin else ("user", current_user.id)
    today = local_today()
    scope = (who, current_user.role, request.args.get("term"), today, locale_code())

    def make():
        term, names = _term_name()
        result = term_statistics(current_user, term, today) if term else None
        return render_template(
            "reports/_stats_body.html",
            term=term,
            names=names,
            result=result,
            # the pyramid (reports/pyramid.py) and letters, consultations, supervision and
            # training (planner/service/)
            pyramid=pyramid_for(
                current_user, term, school_ids=[r["id"] for r in result.schools], day=today
            )
            if term
            else None,
            service=service_counts(current_user, term) if term else None,
            terms=zip_terms(current_user, term) if term else [],
            message=None,
            csrf_mark=Markup(CSRF_MARK),
        )

    body = cached_page(scope, make)
    body = Markup(body.replace(CSRF_MARK, str(get_template_attribute("macros.html", "csrf")())))
    if is_htmx():
        return body
    return render_template("reports/stats.html", body=body)


@bp.get("/stats/document.docx")
@allow(*STAFF)
def stats_doc():
    """The statistics as a Word document: the agency, one school or one worker."""
    term, _names = _term_name()
    scope = request.args.get("scope", "agency")
    if term is None or scope not in ("agency", "school", "worker"):
        abort(404)
    target = None
    if scope == "school":
        target = get_or_404(schools_query(current_user), int_arg("id", 0))
    elif scope == "worker":
        target = get_or_404(workers_query(current_user), int_arg("id", 0))
    ctx = stats_document(current_user, term, scope, target)
    return send_docx(jobs.render(ctx, current_user.agency_id), jobs.file_name(ctx))


@bp.get("/stats/work-report.docx")
@allow(*STAFF)
def work_report_doc():
    """学期工作总结 of one school or one worker in the user's statistics (issue 18)."""
    term, _names = _term_name()
    scope = request.args.get("scope")
    if term is None or scope not in ("school", "worker"):
        abort(404)
    query = schools_query(current_user) if scope == "school" else workers_query(current_user)
    target = get_or_404(query, int_arg("id", 0))
    ctx = work_report_document(current_user, term, scope, target)
    return send_docx(jobs.render(ctx, current_user.agency_id), jobs.file_name(ctx))


def _attendance_page(term, names, status=200, message=None):
    report = attendance_report(current_user, term, local_today()) if term else None
    return render(
        "reports/attendance.html",
        "reports/_attendance_body.html",
        status,
        term=term,
        names=names,
        report=report,
        message=message,
    )


@bp.get("/stats/attendance")
@allow(*STAFF)
def attendance():
    """出勤报表: per class (headcount against class size) and per student (archive codes)."""
    term, names = _term_name()
    return _attendance_page(term, names)


@bp.get("/stats/attendance.xlsx")
@allow(*STAFF)
def attendance_xlsx():
    """The attendance report as xlsx; names=1 only in a worker's export of her own groups."""
    term, names = _term_name()
    if term is None:
        abort(404)
    choice = request.args.get("names", "0")
    if choice not in ("0", "1"):
        return _attendance_page(term, names, 422, _("请选择是否含姓名。"))
    try:
        data, name = attendance_export(current_user, term, local_today(), names=choice == "1")
    except PlannerError as err:
        return _attendance_page(term, names, error_status(err), err.message)
    return send_xlsx(data, name)


def _no_zip(term, message, status):
    return render(
        "reports/stats.html",
        "reports/_stats_body.html",
        status,
        term=term.name,
        names=term_names(current_user),
        result=None,
        terms=[term],
        message=message,
    )


@bp.post("/terms/<int:term_id>/documents/zip")
@allow(*STAFF)
def term_zip(term_id):
    """Every document of one school's term that this user may export, and its statistics."""
    term = get_or_404(
        Term.select(Term, School)
        .join(School)
        .where(Term.school.in_(schools_query(current_user).select(School.id))),
        term_id,
    )
    items = term_items(current_user, term)
    if not items:
        return _no_zip(term, jobs.NO_SESSIONS, 422)
    name = jobs.UNSAFE.sub("_", f"{term.school.code}_{term.name}_文档") + ".zip"
    try:
        job = jobs.start(
            current_app._get_current_object(),
            current_user,
            "term",
            term.id,
            "all",
            items,
            name,
            detail=f"zip {term.school.code} {term.name}",
        )
    except PlannerError as err:  # too many zips being built already
        return _no_zip(term, err.message, error_status(err))
    if is_htmx():
        return render("exports/job.html", "exports/_progress.html", 202, job=job)
    return go(url_for("exports.job", token=job.token))
