"""Screening fixtures: uploads under tmp_path; the world with a round of its worker."""

import pytest

from tests.conftest import login_as
from tests.screening import factories as sf


@pytest.fixture(autouse=True)
def import_dir(request, tmp_path):
    path = tmp_path / "imports"
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["STUDENT_IMPORT_DIR"] = str(path)
    return path / "screening"


@pytest.fixture
def rnd(world):
    return sf.screening_round(world)


@pytest.fixture
def worker(app, world):
    return login_as(app.test_client(), world.worker)
