"""Training hours (standard 9.1 a–b): a worker records her 岗前培训 and 继续教育, an admin
records for any worker of the agency; this calendar year's continuing education is shown
against 36 hours, and the admin's home lists the workers below it at a fixed number of
queries however many workers and records there are."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.i18n import local_today
from planner.service.models import Training
from tests import factories
from tests.conftest import login_as
from tests.service import factories as vf


def form(**kw):
    data = {
        "kind": "continuing",
        "course": "儿童保护",
        "held_on": (local_today() - dt.timedelta(days=1)).isoformat(),
        "hours": "1.5",
        "certificate": "结业证书",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_a_worker_records_her_own_hours_and_sees_the_total(worker, world):
    assert worker.post("/training", data=form(hours="30")).status_code == 303
    assert (
        worker.post("/training", data=form(hours="6.5", worker=str(world.admin.id))).status_code
        == 303
    )
    assert {t.worker_id for t in Training.select()} == {world.worker.id}  # her own, always
    assert sorted(t.tenths for t in Training.select()) == [65, 300]
    page = worker.get("/training").get_data(as_text=True)
    assert 'id="training-count">2<' in page
    total = page.split(f'id="total-{world.worker.id}"', 1)[1].split("</li>", 1)[0]
    assert "36.5 / 36" in total and "已达标" in total


def test_last_years_and_pre_service_hours_do_not_count(worker, world):
    today = local_today()
    vf.training(world.worker, hours=30, held_on=dt.date(today.year - 1, 12, 31))
    vf.training(world.worker, hours=30, kind="pre_service", held_on=today)
    vf.training(world.worker, hours=5, held_on=dt.date(today.year, 1, 1))
    total = worker.get("/training").get_data(as_text=True).split(f'id="total-{world.worker.id}"')[1]
    assert "5 / 36" in total.split("</li>")[0] and "未达标" in total.split("</li>")[0]


def test_the_admin_records_for_a_worker_and_the_home_lists_those_below(admin, world):
    response = admin.post("/training", data=form(hours="36", worker=str(world.worker.id)))
    assert response.status_code == 303
    assert Training.get().recorded_by_id == world.admin.id
    home = admin.get("/dashboard").get_data(as_text=True)
    assert f'id="below-{world.worker.id}"' not in home
    assert f'id="below-{world.worker_other.id}"' in home
    # another agency's worker is no choice
    foreign = factories.user("worker")
    refused = admin.post("/training", data=form(worker=str(foreign.id)))
    assert refused.status_code == 422 and 'id="e-worker"' in refused.get_data(as_text=True)
    missing = admin.post("/training", data=form())
    assert missing.status_code == 422 and Training.select().count() == 1


def test_the_supervisor_reads_her_workers_only(app, world):
    vf.training(world.worker, course="本人的课")
    vf.training(world.worker_other, course="别人的课")
    page = login_as(app.test_client(), world.supervisor).get("/training").get_data(as_text=True)
    assert "本人的课" in page and "别人的课" not in page and 'id="new-training"' not in page
    assert (
        login_as(app.test_client(), world.supervisor).post("/training", data=form()).status_code
        == 403
    )
    assert login_as(app.test_client(), world.teacher).get("/training").status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": None}, "kind"),
        ({"course": ""}, "course"),
        ({"course": "课" * 101}, "course"),
        ({"held_on": "yesterday"}, "held_on"),
        ({"held_on": "1900-01-01"}, "held_on"),
        ({"hours": ""}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": "201"}, "hours"),
        ({"hours": "1e400"}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"hours": "两小时"}, "hours"),
        ({"certificate": "证" * 201}, "certificate"),
    ],
)
def test_a_bad_record_is_refused_and_nothing_saved(worker, world, changes, field):
    response = worker.post("/training", data=form(**changes))
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.get_data(as_text=True)
    assert Training.select().count() == 0


def test_the_admin_home_and_the_page_keep_their_query_counts(admin, world):
    def counted(url):
        with count_queries() as counter:
            assert admin.get(url).status_code == 200
        return counter.count

    small = (counted("/dashboard"), counted("/training"))
    for i in range(6):
        w = factories.user("worker", agency=world.agency, schools=[world.school])
        vf.training(w, hours=i * 10)
        vf.training(w, hours=2, kind="pre_service")
    large = (counted("/dashboard"), counted("/training"))
    assert small == large == (13, 4)
    # the world's two workers (no hours) and the four new ones with 0, 10, 20 or 30
    assert admin.get("/dashboard").get_data(as_text=True).count('<li id="below-') == 6
