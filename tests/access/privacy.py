"""Retention, audit log and data-request routes.

The retention periods and the audit log are the admin's. A data request is recorded by the
school's workers and admins (a worker of another school gets 404); an erasure is decided
by an admin or a supervisor (the decision form with nothing in it comes back 422).
"""

import datetime as dt

from planner.privacy.models import DataRequest
from planner.students.models import Student
from tests.access import ADMIN, only

CHANGE_422 = only({"admin", "worker"}, ok=422, worker_other=404)
DECIDERS = only({"admin", "supervisor"})
DECIDE_422 = only({"admin", "supervisor"}, ok=422)


def setup(world):
    """A student of the world's school with an erasure waiting for approval."""
    world.requested = Student.create(
        school=world.school,
        archive_code="JX-ST-2026-9002",
        student_no="M9002",
        name="请求学生",
        school_class=world.cls,
    )
    world.erasure = DataRequest.create(
        agency=world.agency,
        student=world.requested,
        kind="erase",
        requester="guardian",
        asked_on=dt.date(2026, 11, 1),
        recorded_by=world.worker,
    )


RULES = {
    "privacy.retention_page": ("GET", lambda w: "/admin/retention", None, ADMIN),
    "privacy.audit": ("GET", lambda w: "/admin/audit", None, ADMIN),
    "privacy.audit_csv": ("GET", lambda w: "/admin/audit.csv", None, ADMIN),
    "privacy.audit_summary": ("GET", lambda w: "/admin/audit/summary", None, ADMIN),
    "privacy.request_new": (
        "POST",
        lambda w: f"/students/{w.requested.id}/requests",
        {},
        CHANGE_422,
    ),
    "privacy.queue": ("GET", lambda w: "/requests", None, DECIDERS),
    "privacy.decide": ("POST", lambda w: f"/requests/{w.erasure.id}/decide", {}, DECIDE_422),
}
