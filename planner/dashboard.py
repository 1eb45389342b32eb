"""The home page: what this user needs today, by role (the lists are in planner/home/)."""

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from planner.access import allow, classes_query, public, schools_query, workers_query
from planner.accounts.services import supervisors_of
from planner.home import appointments, case_flags, crisis, setup, supervisor, worker
from planner.i18n import local_today
from planner.reflections import queries, safeguarding
from planner.roles import EVERYONE
from planner.schools.models import School
from planner.service import services as service
from planner.sessions import replan
from planner.web import render

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@public
def home():
    """Anonymous users go to the login page; everyone else to their dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("accounts.login"))


def _choice(name: str, choices: dict, default=None):
    """A query-string filter: its value when it is one of `choices` (text → value), else
    `default`. An unknown id, another agency's worker or garbage is ignored."""
    return choices.get(request.args.get(name, ""), default)


def _worker_home(today, schools) -> dict:
    """Today and this week, what is due, my programs (planner/home/worker.py)."""
    return {
        "week": worker.week(current_user, today),
        "appointments": appointments.today(current_user, today),  # 个案会谈 of today
        "supervisions": supervisors_of(current_user),
        # due: records missing past 48 hours (the oldest five and how many), returned
        # reflections, open follow-ups, displaced sessions (planner/sessions/replan.py),
        # consents to confirm
        "missing": queries.due(current_user),
        "returned": worker.returned(current_user),
        "follow_ups": worker.open_follow_ups(current_user, today),
        "displaced": replan.worker_due(current_user, today),
        "consents": worker.consents_to_confirm(schools, today),
        "programs": worker.programs(current_user, today),
        # 社工信箱 letters past their reply date (planner/service/)
        "overdue_letters": service.overdue_letters(current_user, today),
    }


def _supervisor_home(workers) -> dict:
    """The review queue by worker and state, and the counts per worker."""
    worker_id = _choice("worker", {str(w.id): w.id for w in workers})
    state = _choice("state", {key: key for key in supervisor.STATES}, "submitted")
    return {
        "reviews": supervisor.reviews(workers, worker_id, state),
        "counts": supervisor.counts(workers),
        "states": supervisor.STATES,
        "chosen": {"worker": worker_id, "state": state},
    }


@bp.get("/dashboard")
@allow(*EVERYONE)
def index():
    """Role-specific overview; staff see the open safeguarding flags that are theirs to
    know about or act on (standard 4.1, planner/reflections/safeguarding.py)."""
    today = local_today()
    context = {"today": today}
    if current_user.is_teacher:
        context["classes"] = list(classes_query(current_user))
    else:
        context["schools"] = list(
            schools_query(current_user).where(~School.archived).order_by(School.name)
        )
    if current_user.is_admin or current_user.is_supervisor:
        context["workers"] = list(workers_query(current_user))
    if current_user.is_staff:
        sg = context["safeguarding"] = safeguarding.dashboard(current_user)
        # concerns raised in case notes: codes only for the lead (planner/home/case_flags.py)
        sg.cases = case_flags.case_flags(current_user, sg.lead)
    if current_user.is_worker or current_user.is_supervisor:
        context["crisis_overdue"] = crisis.overdue(current_user, today)
    if current_user.is_worker:
        context.update(_worker_home(today, context["schools"]))
    if current_user.is_supervisor:
        context.update(_supervisor_home(context["workers"]))
    if current_user.is_admin:
        context["gaps"] = setup.gaps(current_user, today)
        # workers short of 36 hours of continuing education this year (9.1 b), and the
        # complaints not answered yet (10.1.2): planner/service/
        context["below_training"] = service.below_yearly(current_user, today)
        context["open_complaints"] = service.open_complaints(current_user)
    return render("dashboard.html", "_dashboard_body.html", **context)
