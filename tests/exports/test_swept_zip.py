"""A finished zip whose file the day's sweep removed: its page says so and offers to build it
again, its download answers 410 with that page (not a bare 404), and the rebuilt zip
downloads whole. Only its owner may rebuild it."""

import pytest

from planner.exports import jobs, storage
from planner.exports.models import ExportJob
from tests.conftest import login_as
from tests.exports import records
from tests.exports.test_job_queue import HTMX, _start, _whole_zip

SWEPT = "已按规定清理"


@pytest.fixture
def swept(client, world):
    group = records.recorded_group(world)
    login_as(client, world.worker)
    token = _start(client, group.program.id)
    jobs.wait_all()
    assert client.get(f"/exports/{token}/download").status_code == 200
    with client.application.app_context():
        storage.delete(token)  # what the sweep does after 24 hours
    return token


def test_the_page_of_a_swept_zip_says_so_and_offers_a_new_one(client, world, swept):
    page = client.get(f"/exports/{swept}").get_data(as_text=True)
    assert SWEPT in page and 'id="zip-retry"' in page and 'id="zip-download"' not in page
    gone = client.get(f"/exports/{swept}/download")
    assert gone.status_code == 410 and SWEPT in gone.get_data(as_text=True)


def test_a_swept_zip_is_built_again_and_downloads_whole(client, world, swept):
    response = client.post(f"/exports/{swept}/retry", headers=HTMX)
    assert response.status_code == 202
    jobs.wait_all()
    assert ExportJob.get(ExportJob.token == swept).status == "done"
    download = client.get(f"/exports/{swept}/download")
    assert download.status_code == 200 and _whole_zip(download.data)
    page = client.get(f"/exports/{swept}").get_data(as_text=True)
    assert SWEPT not in page and 'id="zip-download"' in page
    # kept again: a second retry is refused as for any finished zip
    assert client.post(f"/exports/{swept}/retry").status_code == 409


def test_only_the_owner_rebuilds_a_swept_zip(client, world, swept):
    for other in (world.supervisor, world.admin, world.teacher, world.worker_other):
        login_as(client, other)
        assert client.post(f"/exports/{swept}/retry").status_code == 404
    assert not storage.exists(swept, client.application)
