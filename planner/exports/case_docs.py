"""A case's Word documents (level CASE in planner.exports.kinds): who may have them, their
file names and the audit row of each download.

Only the case's team has them (PRIVACY_SECURITY.md §2; cases.services.case_for): its worker
and co-worker, and the supervisors of either. Admins and teachers never do, a worker of
another school doesn't learn the case exists. The file name is the case's GA archive code
and the document's title, never the student's name; every download appends one audit row
naming the kind and the code (§5)."""

from planner.audit.models import record
from planner.cases.services import case_for
from planner.db import write_tx
from planner.errors import FORBIDDEN, NOT_FOUND, PlannerError
from planner.exports import jobs
from planner.exports.kinds import CASE, KINDS, of_case
from planner.i18n import lazy_gettext as _l

NO_SUCH = _l("没有这种个案文书。")


def kinds_for(user) -> list:
    """The case documents this user's role may have (the team is checked by case_for)."""
    return [kind for kind in of_case() if user.role in kind.roles]


def download(user, case_id, kind: str) -> tuple[bytes, str]:
    """One document of a case: its bytes and file name, and the audit row for it."""
    doc = KINDS.get(kind)
    if doc is None or doc.level != CASE:
        raise PlannerError(NO_SUCH, kind=NOT_FOUND)
    case = case_for(user, case_id)
    if user.role not in doc.roles:
        raise PlannerError(NO_SUCH, kind=FORBIDDEN)
    ctx = doc.gather(case)
    data = jobs.render(ctx, user.agency_id)
    with write_tx():
        record(user, "export", "case", case.id, f"{kind} {case.archive_code}")
    return data, jobs.file_name(ctx)
