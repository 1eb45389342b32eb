"""Least privilege for supervisors (PRIVACY §2): a supervisor sees student-level data only
for the groups of the workers they supervise, not for every group of the schools where one
of their workers works. Two workers share the world's school; the world's supervisor
oversees the world's worker (A) only."""

import pytest

from planner.audit.models import AuditEntry
from tests import factories
from tests.conftest import login_as
from tests.reflections import factories as rf
from tests.runs.factories import members, run_session
from tests.students.factories import consenting, group


@pytest.fixture
def two_groups(world):
    """Group A run by the supervised worker, group B by a colleague in the same school;
    one member each, with names the pages would show."""
    world.colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    world.group_a = group(world, title="甲组")
    world.group_b = group(world, workers=[world.colleague], title="乙组")
    world.pupil_a = consenting(world.school, world.cls, name="督导可见生")
    world.pupil_b = consenting(world.school, world.cls, name="督导不可见生")
    rf.members(world.group_a, world.pupil_a)
    rf.members(world.group_b, world.pupil_b)
    return world


def test_supervisor_reads_their_workers_group_roster_and_members(client, two_groups):
    w = two_groups
    login_as(client, w.supervisor)
    roster = client.get(f"/programs/{w.group_a.id}/roster")
    assert roster.status_code == 200
    assert "督导可见生" in roster.get_data(as_text=True)
    assert client.get(f"/students/{w.pupil_a.id}").status_code == 200


def test_supervisor_cannot_open_another_workers_roster_or_student(client, two_groups):
    """Regression: before, any roster and student of the school was open to them."""
    w = two_groups
    login_as(client, w.supervisor)
    before = AuditEntry.select().where(AuditEntry.action == "view_roster").count()
    assert client.get(f"/programs/{w.group_b.id}/roster").status_code == 404
    assert client.get(f"/students/{w.pupil_b.id}").status_code == 404
    # nothing was read, so nothing is recorded as read
    assert AuditEntry.select().where(AuditEntry.action == "view_roster").count() == before


def test_student_list_shows_only_their_workers_members(client, two_groups):
    w = two_groups
    unrelated = consenting(w.school, w.cls, name="无组学生")
    login_as(client, w.supervisor)
    html = client.get(f"/schools/{w.school.id}/students").get_data(as_text=True)
    assert "督导可见生" in html
    assert "督导不可见生" not in html
    assert "无组学生" not in html
    # the audit row lists the ids shown, and only those
    row = (
        AuditEntry.select()
        .where(AuditEntry.action == "view_student_list")
        .order_by(AuditEntry.id.desc())
        .first()
    )
    assert row.detail.endswith(f"students={w.pupil_a.id}")
    # the worker of the school still sees every student of it
    login_as(client, w.worker)
    html = client.get(f"/schools/{w.school.id}/students").get_data(as_text=True)
    assert all(name in html for name in ("督导可见生", "督导不可见生", unrelated.name))


def test_supervisor_of_the_colleague_sees_group_b_not_a(client, two_groups):
    w = two_groups
    other = factories.user("supervisor", agency=w.agency, workers=[w.colleague])
    login_as(client, other)
    assert client.get(f"/programs/{w.group_b.id}/roster").status_code == 200
    assert client.get(f"/programs/{w.group_a.id}/roster").status_code == 404
    assert client.get(f"/students/{w.pupil_a.id}").status_code == 404


def test_run_page_of_another_workers_group_is_hidden_from_supervisor(client, world):
    mine = run_session(world, kind="group")
    members(mine, 1)
    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    theirs = run_session(world, kind="group", workers=[colleague])
    members(theirs, 1)
    login_as(client, world.supervisor)
    assert client.get(f"/sessions/{mine.id}/run").status_code == 200
    assert client.get(f"/sessions/{theirs.id}/run").status_code == 404
    # the JSON the tablets poll is refused the same way
    headers = {"Accept": "application/json"}
    assert client.get(f"/sessions/{theirs.id}/run", headers=headers).status_code == 404


def test_todays_list_offers_a_supervisor_only_their_workers_sessions(client, world):
    mine = run_session(world, kind="group", title="督导今日甲")
    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    run_session(world, kind="group", workers=[colleague], title="督导今日乙")
    login_as(client, world.supervisor)
    html = client.get("/run/today").get_data(as_text=True)
    assert "督导今日甲" in html and f"/sessions/{mine.id}/run" in html
    assert "督导今日乙" not in html
