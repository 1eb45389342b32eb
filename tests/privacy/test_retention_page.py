"""The admin's retention periods (standard 9.4 e) and `flask planner purge`."""

import datetime as dt

import pytest

from planner.audit.models import AuditEntry
from planner.privacy.models import RECORD_TYPES, RetentionSetting
from planner.privacy.retention import periods
from planner.runs.models import Attendance
from tests.conftest import login_as
from tests.reflections import factories as rf


def form(**kw):
    data = {key: str(t.default_days) for key, t in RECORD_TYPES.items()}
    data.update(kw)
    return data


def test_the_page_explains_each_default(client, world):
    login_as(client, world.admin)
    body = client.get("/admin/retention").get_data(as_text=True)
    for key, t in RECORD_TYPES.items():
        assert f'name="{key}"' in body and str(t.outcome) in body
    assert "默认 1825 天" in body


def test_saving_sets_the_agencys_periods_and_is_audited(client, world):
    login_as(client, world.admin)
    response = client.post("/admin/retention", data=form(attendance="3650", exports="7"))
    assert response.status_code in (302, 303)
    assert periods(world.agency.id)["attendance"] == 3650
    assert periods(world.agency.id)["exports"] == 7
    [row] = AuditEntry.select().where(AuditEntry.action == "retention_change")
    assert "attendance=3650" in row.detail and row.user_id == world.admin.id
    # saving again updates the same rows, never a duplicate
    client.post("/admin/retention", data=form(attendance="4000"))
    assert RetentionSetting.select().count() == len(RECORD_TYPES)
    assert periods(world.agency.id)["attendance"] == 4000


@pytest.mark.parametrize(
    "value", ["", "abc", "0", "-5", "1.5", "18251", "9223372036854775808", "9" * 40]
)
def test_bad_periods_are_refused_and_nothing_is_saved(client, world, value):
    login_as(client, world.admin)
    response = client.post("/admin/retention", data=form(attendance="3650", reflections=value))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "期限未保存" in body and 'id="e-reflections"' in body
    assert not RetentionSetting.select().exists()


def test_a_missing_field_is_refused(client, world):
    login_as(client, world.admin)
    data = form()
    del data["consents"]
    assert client.post("/admin/retention", data=data).status_code == 422
    assert not RetentionSetting.select().exists()


def run(app, *args):
    return app.test_cli_runner().invoke(args=["planner", "purge", *args])


def test_the_command_counts_then_purges(app, world):
    prog = rf.program(world, first=dt.date(2019, 9, 12))
    learner = rf.student(world)
    rf.members(prog, learner)
    rf.attendance(rf.sessions_of(prog)[0], learner)
    dry = run(app, "--dry-run", "--today", "2026-12-01")
    assert dry.exit_code == 0, dry.output
    assert "TA:" in dry.output and "attendance   would remove 1" in dry.output
    assert Attendance.select().count() == 1
    real = run(app, "--today", "2026-12-01")
    assert real.exit_code == 0 and "attendance   removed 1" in real.output
    assert Attendance.select().count() == 0


def test_the_command_refuses_a_bad_date(app, world):
    result = run(app, "--today", "2026-02-30")
    assert result.exit_code != 0 and "--today" in result.output
