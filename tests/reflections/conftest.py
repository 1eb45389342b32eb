import pytest

from tests.reflections import factories as rf


@pytest.fixture
def group(world):
    """A six-meeting group of the world's worker: two members with observation consent,
    one without (namespace: program, sessions, ok, ok2, no)."""
    return rf.consenting_group(world)


@pytest.fixture
def lesson(world):
    """A four-lesson classroom series of the world's worker and class."""
    prog = rf.program(world, kind="classroom", sessions=4)
    return prog, rf.sessions_of(prog)
