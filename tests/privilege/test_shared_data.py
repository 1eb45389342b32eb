"""Shared data: the starter curriculum library and the national holiday calendar are read
by every agency. One agency's admin must not change what another agency sees: only a
maintainer (User.maintainer, granted with `flask planner maintainer`) changes them, while
each admin keeps editing their own agency's drafts and their own schools' days."""

import datetime as dt

import pytest

from planner.audit.models import AuditEntry
from planner.calendars.models import CalendarDay
from planner.curricula.models import Curriculum
from tests import factories
from tests.calendars.factories import calendar_day, holiday
from tests.conftest import login_as
from tests.curricula.factories import curriculum


@pytest.fixture
def shared(world):
    """Two agencies that both see the shared curriculum and a national holiday; agency 1
    has a maintainer, agency 2 an ordinary admin."""
    world.agency2 = factories.agency(name="第二机构", code="EJ")
    world.school2 = factories.school(agency=world.agency2, name="丙校", code="BX")
    factories.term(school=world.school2)
    world.admin2 = factories.user("admin", agency=world.agency2, username="admin2")
    world.keeper = factories.user("admin", agency=world.agency, username="keeper", maintainer=True)
    world.shared = curriculum(agency=None, status="published", slug="shared-one")
    world.holiday = holiday(dt.date(2031, 10, 1), dt.date(2031, 10, 2))[0]
    world.makeup = calendar_day(
        school=None, date=dt.date(2031, 10, 11), kind="makeup", name="调休上课", follows_weekday=3
    )
    return world


def test_another_agencys_admin_cannot_change_the_shared_curriculum(client, shared):
    """Regression: before, any admin could open a new version of the shared library."""
    login_as(client, shared.admin2)
    assert client.get(f"/curricula/{shared.shared.id}").status_code == 200  # still reads it
    assert client.post(f"/curricula/{shared.shared.id}/new-version").status_code == 403
    assert Curriculum.select().where(Curriculum.slug == "shared-one").count() == 1
    # nor may the world's own (non-maintainer) admin
    login_as(client, shared.admin)
    assert client.post(f"/curricula/{shared.shared.id}/new-version").status_code == 403


def test_the_maintainer_changes_the_shared_curriculum(client, shared):
    login_as(client, shared.keeper)
    response = client.post(f"/curricula/{shared.shared.id}/new-version")
    assert response.status_code == 303
    draft = Curriculum.get((Curriculum.slug == "shared-one") & (Curriculum.status == "draft"))
    assert draft.agency_id is None and draft.version == 2
    assert client.get(f"/curricula/{draft.id}/edit").status_code == 200
    # and the other agency's admin can't edit that shared draft either: a draft is its
    # author's until published, so to anyone else it doesn't exist (404)
    login_as(client, shared.admin2)
    assert client.get(f"/curricula/{draft.id}/edit").status_code == 404
    assert client.get(f"/curricula/{draft.id}").status_code == 404


def test_an_admin_still_edits_their_agencys_own_curriculum(client, shared):
    own = curriculum(agency=shared.agency2, status="draft", slug="agency2-own")
    login_as(client, shared.admin2)
    assert client.get(f"/curricula/{own.id}/edit").status_code == 200
    login_as(client, shared.admin)  # agency 1 doesn't even see it
    assert client.get(f"/curricula/{own.id}/edit").status_code == 404


def test_another_agencys_admin_cannot_change_a_national_holiday(client, shared):
    """Regression: before, any admin could edit or delete the national calendar."""
    login_as(client, shared.admin2)
    page = client.get("/admin/calendar/national").get_data(as_text=True)
    assert "调休上课" in page and "只能由平台维护人员修改" in page
    assert "/admin/calendar/national/holiday/new" not in page
    assert client.get("/admin/calendar/national/holiday/new").status_code == 403
    edit = f"/admin/calendar/national/makeup/{shared.makeup.id}/edit"
    assert client.get(edit).status_code == 403
    delete = f"/admin/calendar/national/holiday/{shared.holiday.id}/delete"
    assert client.post(delete).status_code == 403
    assert CalendarDay.select().where(CalendarDay.school.is_null()).count() == 3


def test_the_maintainer_changes_a_national_holiday(client, shared):
    login_as(client, shared.keeper)
    page = client.get("/admin/calendar/national").get_data(as_text=True)
    assert "/admin/calendar/national/holiday/new" in page
    assert client.get(f"/admin/calendar/national/makeup/{shared.makeup.id}/edit").status_code == 200
    delete = f"/admin/calendar/national/holiday/{shared.holiday.id}/delete"
    assert client.post(delete).status_code == 303
    assert CalendarDay.select().where(CalendarDay.school.is_null()).count() == 1


def test_an_admin_still_edits_their_own_schools_days(client, shared):
    day = calendar_day(school=shared.school2, date=dt.date(2026, 11, 10), kind="event")
    login_as(client, shared.admin2)
    assert client.get(f"/admin/calendar/days/{day.id}/edit").status_code == 200
    login_as(client, shared.admin)  # another agency's school day: not found
    assert client.get(f"/admin/calendar/days/{day.id}/edit").status_code == 404


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["planner", *args])


def test_maintainer_is_granted_and_revoked_from_the_command_line(app, world):
    result = cli(app, "maintainer", world.admin.username)
    assert result.exit_code == 0, result.output
    assert type(world.admin).get_by_id(world.admin.id).is_maintainer
    rows = AuditEntry.select().where(AuditEntry.object_id == world.admin.id)
    assert [r.action for r in rows if r.action.startswith("maintainer")] == ["maintainer_grant"]
    assert cli(app, "maintainer", world.admin.username, "--revoke").exit_code == 0
    assert not type(world.admin).get_by_id(world.admin.id).is_maintainer


@pytest.mark.parametrize("username", ["worker_here", "nobody"])
def test_only_an_admin_account_can_be_a_maintainer(app, world, username):
    result = cli(app, "maintainer", username)
    assert result.exit_code != 0
    assert not type(world.worker).get(type(world.worker).username == "worker_here").maintainer
