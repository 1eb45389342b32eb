"""Casework fixtures: the world's worker and supervisor logged in."""

import pytest

from tests.conftest import login_as


@pytest.fixture
def worker(app, world):
    return login_as(app.test_client(), world.worker)


@pytest.fixture
def supervisor(app, world):
    return login_as(app.test_client(), world.supervisor)
