"""The home page: what this user needs today, by role."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from planner.access import allow, classes_query, public, schools_query, workers_query
from planner.accounts.services import supervisors_of
from planner.i18n import local_today
from planner.reflections import safeguarding
from planner.roles import EVERYONE
from planner.schools.models import School
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


@bp.get("/dashboard")
@allow(*EVERYONE)
def index():
    """Role-specific overview; staff see the open safeguarding flags that are theirs to
    know about or act on (standard 4.1, planner/reflections/safeguarding.py)."""
    context = {"today": local_today()}
    if current_user.is_teacher:
        context["classes"] = list(classes_query(current_user))
    else:
        context["schools"] = list(
            schools_query(current_user).where(~School.archived).order_by(School.name)
        )
    if current_user.is_admin or current_user.is_supervisor:
        context["workers"] = list(workers_query(current_user))
    if current_user.is_staff:
        context["safeguarding"] = safeguarding.dashboard(current_user)
    if current_user.is_worker:  # who may read her reflections and her groups' records
        context["supervisions"] = supervisors_of(current_user)
        # due: her sessions a calendar or bell change displaced (planner/sessions/replan.py)
        context["displaced"] = replan.worker_due(current_user, context["today"])
    return render("dashboard.html", "_dashboard_body.html", **context)
