"""Admin screens: edits, concurrent edits (version column), archive and restore."""

import re

from planner.schools.models import Agency, Room, School, SchoolClass
from tests import factories
from tests.conftest import login_as
from tests.schools.forms import DUPLICATE, GOOD, HTMX, REQUIRED, hx_location, inline_error

# ---- editing and concurrent edits ---------------------------------------------------


def form_version(html):
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_edit_a_class(admin, world):
    html = admin.get(f"/admin/classes/{world.cls.id}/edit").get_data(as_text=True)
    assert f'value="{world.cls.name}"' in html
    data = {"grade": "8", "name": "8(1)班", "headteacher": "吴老师", "version": form_version(html)}
    response = admin.post(f"/admin/classes/{world.cls.id}/edit", data=data, headers=HTMX)
    assert response.status_code == 204
    assert hx_location(response)[0] == f"/schools/{world.school.id}"
    stored = SchoolClass.get_by_id(world.cls.id)
    assert (stored.grade, stored.name, stored.headteacher, stored.version) == (
        8,
        "8(1)班",
        "吴老师",
        2,
    )


def test_an_optional_field_can_be_cleared(admin, world):
    """Blank means 'empty', not 'leave as it was'."""
    School.update(address="旧地址").where(School.id == world.school.id).execute()
    Room.update(capacity=12).where(Room.id == world.room.id).execute()
    SchoolClass.update(headteacher="旧班主任").where(SchoolClass.id == world.cls.id).execute()
    school = admin.post(
        f"/admin/schools/{world.school.id}/edit",
        data={
            "name": world.school.name,
            "code": world.school.code,
            "stage": "junior",
            "address": "",
            "version": "1",
        },
    )
    room = admin.post(
        f"/admin/rooms/{world.room.id}/edit",
        data={"name": world.room.name, "kind": "group_room", "capacity": "", "version": "1"},
    )
    cls = admin.post(
        f"/admin/classes/{world.cls.id}/edit",
        data={"name": world.cls.name, "grade": "7", "headteacher": " ", "version": "1"},
    )
    assert (school.status_code, room.status_code, cls.status_code) == (303, 303, 303)
    assert School.get_by_id(world.school.id).address == ""
    assert Room.get_by_id(world.room.id).capacity is None
    assert SchoolClass.get_by_id(world.cls.id).headteacher == ""


def test_bad_edit_changes_nothing(admin, world):
    response = admin.post(
        f"/admin/classes/{world.cls.id}/edit", data={"grade": "3", "name": "3(1)班", "version": "1"}
    )
    assert response.status_code == 422
    assert inline_error(response.get_data(as_text=True), "grade") == "该年级不属于本校学段。"
    stored = SchoolClass.get_by_id(world.cls.id)
    assert (stored.grade, stored.name, stored.version) == (7, world.cls.name, 1)


def test_edit_to_a_duplicate_name_changes_nothing(admin, world):
    response = admin.post(
        f"/admin/schools/{world.school.id}/edit",
        data={
            "name": world.other_school.name,
            "code": world.school.code,
            "stage": "junior",
            "version": "1",
        },
    )
    assert response.status_code == 422
    assert DUPLICATE in response.get_data(as_text=True)
    stored = School.get_by_id(world.school.id)
    assert (stored.name, stored.version) == (world.school.name, 1)


def test_edit_without_a_version_is_refused(admin, world):
    data = dict(GOOD["schools"])
    response = admin.post(f"/admin/schools/{world.school.id}/edit", data=data)
    assert response.status_code == 422
    assert School.get_by_id(world.school.id).name == world.school.name


def test_two_admins_editing_one_school(app, world):
    second_admin = factories.user("admin", agency=world.agency, username="admin2")
    first, second = app.test_client(), app.test_client()
    login_as(first, world.admin)
    login_as(second, second_admin)
    url = f"/admin/schools/{world.school.id}/edit"
    v1 = form_version(first.get(url).get_data(as_text=True))
    v2 = form_version(second.get(url).get_data(as_text=True))
    assert v1 == v2

    saved = first.post(
        url, data={"name": "甲校（第一位）", "code": "JX", "stage": "junior", "version": v1}
    )
    assert saved.status_code == 303
    clash = second.post(
        url, data={"name": "甲校（第二位）", "code": "JX2", "stage": "senior", "version": v2}
    )
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "保存冲突" in html
    assert '<html lang="zh-CN">' in html  # a full page for a full-page request
    assert f'href="{url}"' in html  # reopen the latest version
    stored = School.get_by_id(world.school.id)
    assert (stored.name, stored.code, stored.stage, stored.version) == (
        "甲校（第一位）",
        "JX",
        "junior",
        2,
    )
    # Reopening shows the first admin's data and the new version; saving then works.
    reopened = second.get(url).get_data(as_text=True)
    assert "甲校（第一位）" in reopened and form_version(reopened) == "2"


def test_conflict_over_htmx_is_a_fragment(admin, world):
    School.update(version=5).where(School.id == world.school.id).execute()
    response = admin.post(
        f"/admin/schools/{world.school.id}/edit",
        data=dict(GOOD["schools"], version="4"),
        headers=HTMX,
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "保存冲突" in html and "<html" not in html
    assert html.lstrip().startswith('<section class="card narrow conflict"')
    assert School.get_by_id(world.school.id).name == world.school.name


def test_edit_the_agency(admin, world):
    html = admin.get("/admin/agency").get_data(as_text=True)
    response = admin.post(
        "/admin/agency",
        data={
            "name": "新机构名",
            "code": "NEW",
            "escalation_hours": "24",
            "version": form_version(html),
        },
    )
    assert response.status_code == 303
    assert Agency.get_by_id(world.agency.id).name == "新机构名"
    stale = admin.post(
        "/admin/agency",
        data={"name": "过期", "code": "OLD", "escalation_hours": "24", "version": "1"},
    )
    assert stale.status_code == 409
    bad = admin.post(
        "/admin/agency", data={"name": "", "code": "NEW", "escalation_hours": "24", "version": "2"}
    )
    assert inline_error(bad.get_data(as_text=True), "name") == REQUIRED
    assert Agency.get_by_id(world.agency.id).name == "新机构名"


# ---- archive and restore ----------------------------------------------------------


def test_archive_and_restore_a_room(admin, world):
    url = f"/admin/rooms/{world.room.id}/archive"
    response = admin.post(url)
    assert response.status_code == 303
    assert response.location == f"/schools/{world.school.id}"
    stored = Room.get_by_id(world.room.id)
    assert stored.archived and stored.version == 2
    assert "恢复" in admin.get(f"/schools/{world.school.id}").get_data(as_text=True)

    response = admin.post(url, data={"restore": "1"}, headers=HTMX)
    assert response.status_code == 204
    assert not Room.get_by_id(world.room.id).archived
    assert Room.select().count() == 2  # nothing was ever deleted


def test_archived_school_leaves_the_dashboards(app, world):
    admin = login_as(app.test_client(), world.admin)
    response = admin.post(f"/admin/schools/{world.school.id}/archive")
    assert response.status_code == 303
    assert response.location == "/admin/"
    assert "已归档" in admin.get("/admin/").get_data(as_text=True)
    worker = login_as(app.test_client(), world.worker)
    assert world.school.name not in worker.get("/dashboard").get_data(as_text=True)

    admin.post(f"/admin/schools/{world.school.id}/archive", data={"restore": "1"})
    assert world.school.name in worker.get("/dashboard").get_data(as_text=True)


def test_archive_is_post_only(admin, world):
    assert admin.get(f"/admin/rooms/{world.room.id}/archive").status_code == 405
    assert not Room.get_by_id(world.room.id).archived
