"""Program routes: workers of the school and admins plan and change; supervisors read;
teachers read the programs of their own classes."""

from tests.access import only
from tests.curricula.factories import curriculum
from tests.sessions.factories import periods, program, spec, statutory

PLANNERS_POST = only({"admin", "worker"}, ok=303, worker_other=404)


def setup(world):
    """A saved six-lesson program for the world's class in the world's school."""
    statutory()
    world.periods = periods(world.school)
    world.program = program(
        world, curriculum(sessions=6, slug="matrix-program"), spec(world, world.periods[7])
    )
    world.psessions = list(world.program.sessions.order_by("seq"))


RULES = {
    "programs.new": (
        "GET",
        lambda w: f"/schools/{w.school.id}/programs/new",
        None,
        only({"admin", "worker"}, worker_other=404, supervisor=403, teacher=403),
    ),
    "programs.show": (
        "GET",
        lambda w: f"/programs/{w.program.id}",
        None,
        only({"admin", "supervisor", "worker", "teacher"}, worker_other=404),
    ),
    "programs.move": (
        "GET",
        lambda w: f"/programs/{w.program.id}/sessions/{w.psessions[0].id}/move",
        None,
        only({"admin", "worker"}, worker_other=404),
    ),
    "programs.bump": (
        "POST",
        lambda w: f"/programs/{w.program.id}/sessions/{w.psessions[4].id}/bump",
        {},
        PLANNERS_POST,
    ),
    "programs.cancel_page": (
        "GET",
        lambda w: f"/programs/{w.program.id}/sessions/{w.psessions[1].id}/cancel",
        None,
        only({"admin", "worker"}, worker_other=404),
    ),
    "programs.cancel": (
        "POST",
        lambda w: f"/programs/{w.program.id}/sessions/{w.psessions[1].id}/cancel",
        {"reason": "测试"},
        PLANNERS_POST,
    ),
    "programs.notified": (
        "POST",
        lambda w: f"/programs/{w.program.id}/notified",
        {},
        PLANNERS_POST,
    ),
    # nothing to undo yet: allowed users get the plain-words refusal (422)
    "programs.undo": (
        "POST",
        lambda w: f"/programs/{w.program.id}/undo",
        {},
        only({"admin", "worker"}, ok=422, worker_other=404),
    ),
    # the world's series has nothing displaced: allowed users get the page with the
    # plain-words "nothing to re-plan" (tests/sessions/test_replan_views.py saves one)
    "programs.replan_page": (
        "GET",
        lambda w: f"/programs/{w.program.id}/replan",
        None,
        only({"admin", "worker"}, worker_other=404),
    ),
}

EVERYONE = only({"admin", "supervisor", "worker", "teacher"})
RULES.update(
    {
        "agenda.today": ("GET", lambda w: "/today", None, EVERYONE),
        "agenda.week": ("GET", lambda w: "/calendar/week?date=2026-09-15", None, EVERYONE),
        "agenda.month": ("GET", lambda w: "/calendar/month?date=2026-10-01", None, EVERYONE),
        # 我的班级: the teacher's own class; staff of its school; worker_other serves another
        "agenda.class_page": (
            "GET",
            lambda w: f"/classes/{w.cls.id}",
            None,
            only({"admin", "supervisor", "worker", "teacher"}, worker_other=404),
        ),
        "agenda.term_overview": (
            "GET",
            lambda w: f"/terms/{w.term.id}/overview",
            None,
            only({"admin", "supervisor", "worker"}, worker_other=404),
        ),
        # no next school year in the shared world: the page says so, the save refuses (422)
        "copy.term_copy": (
            "GET",
            lambda w: f"/terms/{w.term.id}/copy-plan",
            None,
            only({"admin", "worker"}, worker_other=404),
        ),
        "copy.term_copy_save": (
            "POST",
            lambda w: f"/terms/{w.term.id}/copy-plan",
            {},
            only({"admin", "worker"}, ok=422, worker_other=404),
        ),
    }
)
