import pytest

from tests.evaluation import factories as ef
from tests.reflections import factories as rf


@pytest.fixture
def inst(world):
    """The shipped instruments, by slug."""
    return ef.instruments()


@pytest.fixture
def egroup(world, inst):
    """The reflections' consenting group, with the instruments loaded."""
    return rf.consenting_group(world)
