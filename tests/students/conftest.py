"""Shared fixtures: the upload directory of the class-list import lives under tmp_path."""

import re

import pytest

from tests.conftest import login_as

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def import_dir(request, tmp_path):
    """Uploaded class lists go to a per-test directory, not the real instance folder."""
    path = tmp_path / "imports"
    if "app" in request.fixturenames:  # pure functions' tests need no app or database
        request.getfixturevalue("app").config["STUDENT_IMPORT_DIR"] = str(path)
    return path


@pytest.fixture
def worker(client, world):
    return login_as(client, world.worker)


@pytest.fixture
def admin(client, world):
    return login_as(client, world.admin)


def inline_error(html, field):
    """The message shown next to a field (<p class="error" id="e-FIELD">)."""
    match = re.search(rf'<p class="error[^"]*" id="e-{field}" role="alert">([^<]*)</p>', html)
    return match.group(1) if match else None


def text(response):
    return response.get_data(as_text=True)
