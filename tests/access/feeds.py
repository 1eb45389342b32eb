"""Calendar feed routes: the public feed, the 日历订阅 page and a program's .ics download."""

from planner.feeds import services
from tests.access import EVERYONE, LOGIN, PERSONAS, only
from tests.feeds.factories import world_program

# The create form names a target by id, which only exists once the world is built:
# setup() fills this dict in place, and RULES holds the same object.
CREATE_FORM = {}


def setup(world):
    """A program of the world's class and worker, and one feed token of the worker."""
    world.feed_program = world_program(world)
    world.feed_token, world.feed_raw = services.create_token(
        world.worker, "worker", world.worker.id
    )
    CREATE_FORM.clear()
    CREATE_FORM.update(target=f"class:{world.cls.id}", label="矩阵", days="1")


def _own_token(ok):
    """Only the owner (the worker) may rotate or revoke; for everyone else it doesn't exist."""
    return {
        "anonymous": LOGIN,
        "admin": 404,
        "supervisor": 404,
        "supervisor_other": 404,
        "worker": ok,
        "worker_other": 404,
        "teacher": 404,
    }


RULES = {
    "feeds.feed": ("GET", lambda w: f"/feeds/{w.feed_raw}.ics", None, {p: 200 for p in PERSONAS}),
    "feeds.subscriptions": ("GET", lambda w: "/calendar/subscriptions", None, EVERYONE),
    # a class feed of 甲校 7(1)班: its teacher, the school's worker and the admin may;
    # the supervisor (worker feeds only) and the other school's worker get the form back
    "feeds.create": (
        "POST",
        lambda w: "/calendar/subscriptions",
        CREATE_FORM,
        only({"admin", "worker", "teacher"}, ok=201, denied=422, worker_other=422),
    ),
    "feeds.rotate": (
        "POST",
        lambda w: f"/calendar/subscriptions/{w.feed_token.id}/rotate",
        {},
        _own_token(200),
    ),
    "feeds.revoke": (
        "POST",
        lambda w: f"/calendar/subscriptions/{w.feed_token.id}/revoke",
        {},
        _own_token(303),
    ),
    "feeds.program_calendar": (
        "GET",
        lambda w: f"/programs/{w.feed_program.id}/calendar.ics",
        None,
        only({"admin", "supervisor", "worker", "teacher"}, worker_other=404),
    ),
}
