"""Service-record fixtures: clients logged in as the world's personas."""

import pytest

from tests.conftest import login_as


@pytest.fixture
def worker(app, world):
    return login_as(app.test_client(), world.worker)


@pytest.fixture
def supervisor(app, world):
    return login_as(app.test_client(), world.supervisor)


@pytest.fixture
def admin(app, world):
    return login_as(app.test_client(), world.admin)


@pytest.fixture
def teacher(app, world):
    return login_as(app.test_client(), world.teacher)
