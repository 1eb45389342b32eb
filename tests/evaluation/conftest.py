import pytest

from tests.evaluation import factories as ef
from tests.reflections import factories as rf


@pytest.fixture
def inst(world):
    """The shipped instruments, by slug."""
    return ef.instruments()


@pytest.fixture
def egroup(world, inst):
    """A six-meeting group of the world's worker with three members: two with observation
    consent, one without (namespace: program, sessions, ok, ok2, no)."""
    prog = rf.program(world)
    ok, ok2 = rf.student(world, name="张小明"), rf.student(world, name="李小红")
    no = rf.student(world, name="王小刚", consent=False)
    rf.members(prog, ok, ok2, no)

    class G:
        pass

    g = G()
    g.program, g.sessions, g.ok, g.ok2, g.no = prog, rf.sessions_of(prog), ok, ok2, no
    return g
