"""User administration: roles and links, validation, agency scope, password and deactivation."""

import json
import re

import pytest

from planner.accounts.models import Supervision, TeacherClass, User, WorkerSchool
from tests import factories
from tests.conftest import login_as

HTMX = {"HX-Request": "true"}
BAD_LINK = "请选择本机构的有效选项。"
NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def admin(client, world):
    return login_as(client, world.admin)


def inline_error(html, field):
    match = re.search(rf'<p class="error" id="e-{field}" role="alert">([^<]*)</p>', html)
    return match.group(1) if match else None


def new_user(**kw):
    data = {"username": "new_user", "display_name": "新同事", "password": "long-enough-pw"}
    data.update(kw)
    return data


def hx_location(response):
    """Where htmx goes next: HX-Location is a path, or JSON with a path and request headers."""
    value = response.headers["HX-Location"]
    if value.startswith("{"):
        spec = json.loads(value)
        return spec["path"], spec.get("headers", {})
    return value, {}


def link_rows():
    return (
        User.select().count(),
        WorkerSchool.select().count(),
        Supervision.select().count(),
        TeacherClass.select().count(),
    )


def edit_data(user, **kw):
    """The edit form as it was opened, plus changes."""
    data = {
        "display_name": user.display_name,
        "role": user.role,
        "active": "1",
        "version": str(User.get_by_id(user.id).version),
    }
    if user.role == "worker":
        data["school_ids"] = [str(link.school_id) for link in user.school_links]
    if user.role == "teacher":
        data["class_ids"] = [str(link.school_class_id) for link in user.class_links]
    if user.role == "supervisor":
        data["worker_ids"] = [str(link.worker_id) for link in user.supervisee_links]
    data.update(kw)
    return data


def can_log_in(app, username, password):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    return response.status_code == 303


# ---- creating each role with its links ----------------------------------------------


def test_create_a_worker_with_schools(app, admin, world):
    data = new_user(role="worker", school_ids=[str(world.school.id), str(world.other_school.id)])
    response = admin.post("/admin/users/new", data=data)
    assert response.status_code == 303
    assert response.location == "/admin/users"
    user = User.get(User.username == "new_user")
    assert (user.role, user.agency_id, user.active) == ("worker", world.agency.id, True)
    assert {link.school_id for link in user.school_links} == {
        world.school.id,
        world.other_school.id,
    }
    assert user.password_hash.startswith("$argon2")
    assert "long-enough-pw" not in user.password_hash
    assert can_log_in(app, "new_user", "long-enough-pw")


def test_create_a_supervisor_with_workers(admin, world):
    data = new_user(
        role="supervisor", worker_ids=[str(world.worker.id), str(world.worker_other.id)]
    )
    response = admin.post("/admin/users/new", data=data, headers=HTMX)
    assert response.status_code == 204
    assert hx_location(response)[0] == "/admin/users"
    user = User.get(User.username == "new_user")
    assert {link.worker_id for link in user.supervisee_links} == {
        world.worker.id,
        world.worker_other.id,
    }


def test_create_a_teacher_with_classes(admin, world):
    data = new_user(role="teacher", class_ids=[str(world.cls.id)])
    assert admin.post("/admin/users/new", data=data).status_code == 303
    user = User.get(User.username == "new_user")
    assert [link.school_class_id for link in user.class_links] == [world.cls.id]


def test_create_an_admin_ignores_links(admin, world):
    data = new_user(role="admin", school_ids=[str(world.school.id)])
    assert admin.post("/admin/users/new", data=data).status_code == 303
    user = User.get(User.username == "new_user")
    assert (user.role, user.agency_id) == ("admin", world.agency.id)
    assert list(user.school_links) == []


def test_new_user_form_offers_only_this_agencys_choices(admin, world):
    html = admin.get("/admin/users/new").get_data(as_text=True)
    assert world.school.name in html and world.other_school.name in html
    assert world.foreign_school.name not in html
    assert "驻校社工" in html and "督导" in html


def test_user_list_shows_only_this_agency(admin, world):
    stranger = factories.user("worker", username="stranger1")
    html = admin.get("/admin/users").get_data(as_text=True)
    assert world.worker.username in html
    assert stranger.username not in html


# ---- bad input ----------------------------------------------------------------------

BAD = [
    ({"username": ""}, "username", "此项为必填项。"),
    ({"username": "ab"}, "username", "用户名为 3–40 位小写字母、数字、点、下划线或连字符。"),
    ({"username": "Zhang San"}, "username", "用户名为 3–40 位小写字母、数字、点、下划线或连字符。"),
    ({"username": "张三"}, "username", "用户名为 3–40 位小写字母、数字、点、下划线或连字符。"),
    ({"username": "a" * 41}, "username", None),  # too long: a message, whichever
    ({"display_name": ""}, "display_name", "此项为必填项。"),
    ({"display_name": "名" * 41}, "display_name", "最多 40 个字。"),
    ({"role": ""}, "role", "此项为必填项。"),
    ({"role": "superuser"}, "role", "请选择有效的选项。"),
    ({"password": ""}, "password", "此项为必填项。"),
    ({"password": "short-pw"}, "password", "密码至少 10 位。"),
    ({"role": "worker"}, "school_ids", "请为社工选择至少一所学校。"),
    ({"role": "teacher"}, "class_ids", "请为教师选择至少一个班级。"),
    ({"role": "worker", "school_ids": ["abc"]}, "school_ids", "请选择有效的选项。"),
]


@pytest.mark.parametrize("change,field,message", BAD)
def test_bad_input_is_shown_inline_and_nothing_is_saved(admin, world, change, field, message):
    before = link_rows()
    data = new_user(role="admin")
    data.update(change)
    response = admin.post("/admin/users/new", data=data)
    assert response.status_code == 422
    shown = inline_error(response.get_data(as_text=True), field)
    assert shown if message is None else message in shown
    assert link_rows() == before


def test_duplicate_username(admin, world):
    before = link_rows()
    data = new_user(
        username=world.worker.username, role="worker", school_ids=[str(world.school.id)]
    )
    response = admin.post("/admin/users/new", data=data, headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert inline_error(html, "username") == "该用户名已被使用。"
    assert "<html" not in html
    assert link_rows() == before


def test_usernames_are_unique_across_agencies(admin, world):
    stranger = factories.user("worker", username="taken_elsewhere")
    response = admin.post(
        "/admin/users/new", data=new_user(username=stranger.username, role="admin")
    )
    assert response.status_code == 422
    assert User.select().where(User.username == "taken_elsewhere").count() == 1


@pytest.mark.parametrize("link", ["school_ids", "worker_ids", "class_ids"])
def test_another_agencys_records_cannot_be_linked(admin, world, link):
    foreign_worker = factories.user(
        "worker", agency=world.foreign_school.agency, schools=[world.foreign_school]
    )
    foreign_class = factories.school_class(school=world.foreign_school)
    role, foreign_id, own_id = {
        "school_ids": ("worker", world.foreign_school.id, world.school.id),
        "worker_ids": ("supervisor", foreign_worker.id, world.worker.id),
        "class_ids": ("teacher", foreign_class.id, world.cls.id),
    }[link]
    before = link_rows()
    data = new_user(role=role, **{link: [str(own_id), str(foreign_id)]})
    response = admin.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert inline_error(response.get_data(as_text=True), link) == BAD_LINK
    assert link_rows() == before


def test_a_teacher_is_not_a_supervisable_worker(admin, world):
    data = new_user(role="supervisor", worker_ids=[str(world.teacher.id)])
    response = admin.post("/admin/users/new", data=data)
    assert inline_error(response.get_data(as_text=True), "worker_ids") == BAD_LINK


# ---- editing ------------------------------------------------------------------------


def test_edit_form_shows_the_current_links(admin, world):
    html = admin.get(f"/admin/users/{world.worker.id}/edit").get_data(as_text=True)
    assert re.search(rf'name="school_ids" value="{world.school.id}"\s+checked', html)
    assert not re.search(rf'name="school_ids" value="{world.other_school.id}"\s+checked', html)
    assert "password_hash" not in html and "$argon2" not in html


def test_edit_links_replaces_them(admin, world):
    data = edit_data(world.worker, school_ids=[str(world.other_school.id)], display_name="改名")
    response = admin.post(f"/admin/users/{world.worker.id}/edit", data=data)
    assert response.status_code == 303
    stored = User.get_by_id(world.worker.id)
    assert stored.display_name == "改名" and stored.version == 2
    assert [link.school_id for link in stored.school_links] == [world.other_school.id]


def test_role_change_drops_the_old_links(admin, world):
    data = edit_data(world.worker, role="teacher", class_ids=[str(world.cls.id)])
    data.pop("school_ids")
    assert admin.post(f"/admin/users/{world.worker.id}/edit", data=data).status_code == 303
    stored = User.get_by_id(world.worker.id)
    assert stored.role == "teacher"
    assert list(stored.school_links) == []
    assert [link.school_class_id for link in stored.class_links] == [world.cls.id]


def test_new_password_ends_the_users_sessions(app, admin, world):
    worker = login_as(app.test_client(), world.worker)
    assert worker.get("/dashboard").status_code == 200
    old_session_version = User.get_by_id(world.worker.id).session_version

    response = admin.post(
        f"/admin/users/{world.worker.id}/edit", data=edit_data(world.worker, password=NEW_PASSWORD)
    )
    assert response.status_code == 303
    assert User.get_by_id(world.worker.id).session_version == old_session_version + 1

    response = worker.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location
    assert not can_log_in(app, world.worker.username, factories.PASSWORD)
    assert can_log_in(app, world.worker.username, NEW_PASSWORD)


def test_edit_without_a_password_keeps_sessions_and_password(app, admin, world):
    worker = login_as(app.test_client(), world.worker)
    response = admin.post(
        f"/admin/users/{world.worker.id}/edit",
        data=edit_data(world.worker, password="", display_name="新名字"),
    )
    assert response.status_code == 303
    assert worker.get("/dashboard").status_code == 200
    assert User.get_by_id(world.worker.id).password_hash == world.worker.password_hash


def test_edit_with_a_short_password_changes_nothing(admin, world):
    response = admin.post(
        f"/admin/users/{world.worker.id}/edit",
        data=edit_data(world.worker, password="short", display_name="x改"),
    )
    assert response.status_code == 422
    assert inline_error(response.get_data(as_text=True), "password") == "密码至少 10 位。"
    stored = User.get_by_id(world.worker.id)
    assert (stored.display_name, stored.version) == (world.worker.display_name, 1)


def test_deactivating_a_user_stops_their_login(app, admin, world):
    worker = login_as(app.test_client(), world.worker)
    data = edit_data(world.worker)
    data.pop("active")  # the box is unticked
    response = admin.post(f"/admin/users/{world.worker.id}/edit", data=data)
    assert response.status_code == 303
    assert User.get_by_id(world.worker.id).active is False
    response = worker.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location
    assert not can_log_in(app, world.worker.username, factories.PASSWORD)
    assert "已停用" in admin.get("/admin/users").get_data(as_text=True)

    assert (
        admin.post(
            f"/admin/users/{world.worker.id}/edit", data=edit_data(world.worker, active="1")
        ).status_code
        == 303
    )
    assert can_log_in(app, world.worker.username, factories.PASSWORD)


def test_stale_version_is_a_conflict(admin, world):
    data = edit_data(world.worker, display_name="第一次")
    assert admin.post(f"/admin/users/{world.worker.id}/edit", data=data).status_code == 303
    stale = dict(data, display_name="第二次")  # still the version the form was opened with
    response = admin.post(f"/admin/users/{world.worker.id}/edit", data=stale)
    assert response.status_code == 409
    assert "保存冲突" in response.get_data(as_text=True)
    assert User.get_by_id(world.worker.id).display_name == "第一次"


def test_a_failed_edit_leaves_the_links_alone(admin, world):
    """The version check and the links are one transaction: a conflict changes no links."""
    data = edit_data(world.worker, school_ids=[str(world.other_school.id)], version="99")
    assert admin.post(f"/admin/users/{world.worker.id}/edit", data=data).status_code == 409
    assert [link.school_id for link in User.get_by_id(world.worker.id).school_links] == [
        world.school.id
    ]


def test_another_agencys_user_is_not_found(admin, world):
    stranger = factories.user("worker", username="stranger2")
    assert admin.get(f"/admin/users/{stranger.id}/edit").status_code == 404
    data = edit_data(stranger, display_name="被改", school_ids=[str(world.school.id)])
    assert admin.post(f"/admin/users/{stranger.id}/edit", data=data).status_code == 404
    assert User.get_by_id(stranger.id).display_name == stranger.display_name


@pytest.mark.parametrize("persona", ["worker", "supervisor", "teacher"])
def test_only_admins_manage_users(client, world, persona):
    login_as(client, getattr(world, persona))
    before = link_rows()
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/new", data=new_user(role="admin")).status_code == 403
    assert (
        client.post(
            f"/admin/users/{world.worker.id}/edit",
            data=edit_data(world.worker, password=NEW_PASSWORD),
        ).status_code
        == 403
    )
    assert link_rows() == before
    assert User.get_by_id(world.worker.id).session_version == 1


def test_a_refused_form_keeps_what_was_typed_but_never_the_password(admin, world):
    data = new_user(role="worker", display_name="新同事", password="secret-typed-pw", school_ids=[])
    html = admin.post("/admin/users/new", data=data).get_data(as_text=True)
    assert inline_error(html, "school_ids") == "请为社工选择至少一所学校。"
    assert 'value="新同事"' in html and 'value="worker" selected' in html
    assert "secret-typed-pw" not in html
    edit = admin.get(f"/admin/users/{world.worker.id}/edit").get_data(as_text=True)
    username = edit.split('id="f-username"')[1].split(">")[0]
    assert "disabled" in username and f'value="{world.worker.username}"' in username
    assert f'value="{world.school.id}" checked' in edit  # the worker's school is ticked
