import pytest

from tests.reflections import factories as rf


@pytest.fixture
def group(world):
    """A six-meeting group of the world's worker: two members with observation consent,
    one without (namespace: program, sessions, ok, ok2, no)."""
    prog = rf.program(world)
    ok, ok2 = rf.student(world, name="张小明"), rf.student(world, name="李小红")
    no = rf.student(world, name="王小刚", consent=False)
    rf.members(prog, ok, ok2, no)

    class G:
        pass

    g = G()
    g.program, g.sessions, g.ok, g.ok2, g.no = prog, rf.sessions_of(prog), ok, ok2, no
    return g


@pytest.fixture
def lesson(world):
    """A four-lesson classroom series of the world's worker and class."""
    prog = rf.program(world, kind="classroom", sessions=4)
    return prog, rf.sessions_of(prog)
