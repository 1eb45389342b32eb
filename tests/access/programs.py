"""Program routes: workers of the school and admins plan and change; supervisors read;
teachers read the programs of their own classes."""

from planner.runs.models import SessionRecord
from planner.sessions.models import Program, Session
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
    # a program with a record: deleting it is refused (409), ending it is allowed
    world.recorded = program(
        world,
        curriculum(sessions=2, slug="matrix-recorded"),
        spec(world, world.periods[6], count=2),
        title="已有记录的计划",
    )
    SessionRecord.create(session=world.recorded.sessions.order_by("seq").first(), headcount=1)


def _not_ended(world):
    """Each persona ends the program afresh: undo the previous persona's end."""
    Program.update(ended_at=None).where(Program.id == world.recorded.id).execute()
    Session.update(status="planned").where(Session.program == world.recorded.id).execute()
    return {}


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
        # 开展计划: staff see the programs of their schools (worker_other: their own list)
        "manage.index": (
            "GET",
            lambda w: "/programs",
            None,
            only({"admin", "supervisor", "worker"}),
        ),
        "manage.edit": (
            "GET",
            lambda w: f"/programs/{w.program.id}/edit",
            None,
            only({"admin", "worker"}, worker_other=404),
        ),
        # the program has a record: deleting is refused in words (409), it can only be ended
        "manage.delete": (
            "POST",
            lambda w: f"/programs/{w.recorded.id}/delete",
            {},
            only({"admin", "worker"}, ok=409, worker_other=404),
        ),
        "manage.end": (
            "POST",
            lambda w: f"/programs/{w.recorded.id}/end",
            _not_ended,
            PLANNERS_POST,
        ),
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
