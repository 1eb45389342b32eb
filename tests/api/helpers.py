"""API test helpers: tokens for the world's personas, a bearer client, a seeded world with a
canary student who has attendance (so a leak of student data would show)."""

import json

from planner.api import services
from planner.api.models import SCOPES
from tests.feeds import factories as feeds
from tests.reflections import factories as rf
from tests.students.factories import CANARY

ALL = list(SCOPES)


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def token_for(user, scopes=None):
    """The raw token of a new token of this user with these scopes (all it may grant)."""
    allowed = services.allowed_scopes(user)
    return services.create_token(user, "测试", scopes or allowed)[1]


def text_of(response) -> str:
    """The response as text with Chinese unescaped, to search for names in it."""
    data = response.get_json()
    return json.dumps(data, ensure_ascii=False) if data is not None else response.text


def seed(world):
    """A group of the world's school with a canary student who attended, a classroom series
    with a headcount, and a program of the other school."""
    world.group = rf.program(world, kind="group", sessions=3)
    world.kid = rf.student(world, name=CANARY)
    rf.members(world.group, world.kid)
    for session in rf.sessions_of(world.group):
        rf.attendance(session, world.kid)
    world.series = rf.program(world, kind="classroom", sessions=2)
    rf.headcount(rf.sessions_of(world.series)[0], 35)
    world.other_program = feeds.program(
        world.other_school,
        world.other_term,
        world.other_room,
        workers=[world.worker_other],
        classes=[world.other_cls],
        lessons=2,
        title="乙校课程",
    )
    return world
