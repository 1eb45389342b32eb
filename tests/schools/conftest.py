"""Fixtures for the admin-screen tests."""

import pytest

from tests.conftest import login_as


@pytest.fixture
def admin(client, world):
    return login_as(client, world.admin)
