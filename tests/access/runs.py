"""Run-mode routes: the program's workers and admins run a session; supervisors of its
workers view it read-only; teachers never; another school's worker, and a supervisor of
another worker of the same school (the tiles name the members), don't see it exists (404)."""

from tests.access import only
from tests.runs.factories import members, run_session

# The tap names a member by id, which exists only once the world is built: setup()
# fills this dict in place, and RULES holds the same object.
TAP_FORM = {}


def setup(world):
    """A growth-group session today, run by the world's worker, with one consenting member."""
    world.run_session = run_session(world, kind="group")
    member = members(world.run_session, 1)[0]
    TAP_FORM.clear()
    TAP_FORM.update(student_id=str(member.id), status="present")


RUNNERS_POST = only({"admin", "worker"}, ok=303, worker_other=404)

RULES = {
    "runs.run": (
        "GET",
        lambda w: f"/sessions/{w.run_session.id}/run",
        None,
        only({"admin", "supervisor", "worker"}, worker_other=404, supervisor_other=404),
    ),
    # the worker has a session today, so one tap takes them to it
    "runs.today": (
        "GET",
        lambda w: "/run/today",
        None,
        only({"admin", "supervisor", "worker"}, worker=302),
    ),
    # without JavaScript a tap is a plain form post answered with 303 back to the page
    "runs.tap": (
        "POST",
        lambda w: f"/sessions/{w.run_session.id}/attendance",
        TAP_FORM,
        RUNNERS_POST,
    ),
    # the run page's service worker: only those who run sessions register it
    "runs.service_worker": (
        "GET",
        lambda w: "/sw.js",
        None,
        only({"admin", "worker"}),
    ),
    # no version sent: allowed users get the form back with the error (422)
    "runs.record": (
        "POST",
        lambda w: f"/sessions/{w.run_session.id}/record",
        {"notes": "矩阵"},
        only({"admin", "worker"}, ok=422, worker_other=404),
    ),
}
