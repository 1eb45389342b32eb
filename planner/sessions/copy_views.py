"""Copy last year's plan: /terms/<id>/copy-plan shows what copying the term's programs into
the same term of the next school year would plan (GET), and saves it (POST). Workers of the
school and admins, as for planning a program (planner.access.can_plan)."""

from flask import Blueprint, abort, url_for
from flask_login import current_user

from planner.access import allow, can_plan, get_or_404, schools_query
from planner.calendars.models import DAY_KINDS
from planner.errors import PlannerError
from planner.roles import EDITORS
from planner.schools.models import School, Term
from planner.sessions import copy_plan
from planner.sessions.placement import KIND_LABELS, WEEKDAYS
from planner.web import go, render

bp = Blueprint("copy", __name__)


def _page(term, plan=None, problem=None, status=200):
    return render(
        "programs/copy.html",
        "programs/_copy_body.html",
        status,
        term=term,
        plan=plan,
        problem=problem,
        conflict_kinds=KIND_LABELS,
        day_kinds=DAY_KINDS,
        weekdays=WEEKDAYS,
    )


def _term(term_id):
    query = Term.select().where(Term.school.in_(schools_query(current_user).select(School.id)))
    term = get_or_404(query, term_id)
    if not can_plan(current_user, term.school_id):
        abort(403)
    return term


@bp.get("/terms/<int:term_id>/copy-plan")
@allow(*EDITORS)
def term_copy(term_id):
    """The preview: each program, its next-year classes and its placement."""
    term = _term(term_id)
    try:
        return _page(term, copy_plan.preview(current_user, term))
    except PlannerError as err:
        return _page(term, problem=err.message)


@bp.post("/terms/<int:term_id>/copy-plan")
@allow(*EDITORS)
def term_copy_save(term_id):
    """Save every copy that places cleanly; all or nothing."""
    term = _term(term_id)
    try:
        copy_plan.commit(current_user, term)
    except PlannerError as err:
        try:
            plan = copy_plan.preview(current_user, term)
        except PlannerError:
            plan = None
        return _page(term, plan, err.message, 422)
    target = copy_plan.target_term(term)
    return go(url_for("agenda.term_overview", term_id=target.id))
