"""Views of a case's Word documents (blueprint "exports"): one route per download, and the
list of the kinds that templates/cases/_documents.html links to on the case page.

Only the case's team reaches them (planner.exports.case_docs): admins and teachers 403 on
the route itself, a worker outside the team 403, a case of a school the user doesn't serve
404. The URL carries the case's id and the kind, never a name."""

from flask import abort
from flask_login import current_user

from planner.access import allow
from planner.errors import PlannerError
from planner.exports import case_docs
from planner.exports.blueprint import bp
from planner.roles import SUPERVISOR, WORKER
from planner.web import error_status, send_docx


@bp.app_context_processor
def case_doc_kinds():
    """The case documents the signed-in user's role may have, for the case page's links."""
    user = current_user
    kinds = case_docs.kinds_for(user) if getattr(user, "is_authenticated", False) else []
    return {"case_doc_kinds": kinds}


@bp.get("/cases/<int:case_id>/documents/<kind>.docx")
@allow(WORKER, SUPERVISOR)
def case_doc(case_id, kind):
    """One document of a case: 个案接案登记表, 个案服务计划书, 个案服务记录 or 结案报告."""
    try:
        data, name = case_docs.download(current_user, case_id, kind)
    except PlannerError as err:
        abort(error_status(err))
    return send_docx(data, name)
