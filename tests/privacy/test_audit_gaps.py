"""The audit gaps an outside review found (issue 13): each of these left no row before.
Every row names ids and archive codes, never a student's name."""

import pytest

from planner.audit.models import AuditEntry
from planner.students.models import GroupMember, Student
from tests.accounts.test_users_admin import edit_data, new_user
from tests.conftest import login_as
from tests.reflections import factories as rf
from tests.students import factories as f
from tests.students.importing import GUESSED, commit, real_rows, token_of, upload, xlsx
from tests.students.test_students import good

NAME = f.CANARY


def rows(action):
    return list(AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id))


def one(action, user):
    [entry] = rows(action)
    assert entry.user_id == user.id
    assert NAME not in entry.detail
    return entry


@pytest.fixture
def group(world):
    prog = f.group(world)
    learner = f.consenting(world.school, world.cls, name=NAME)
    member = f.member(prog, learner)
    return prog, learner, member


def test_reading_a_group_roster(client, world, group):
    prog, learner, _ = group
    login_as(client, world.worker)
    assert client.get(f"/programs/{prog.id}/roster").status_code == 200
    entry = one("view_roster", world.worker)
    assert entry.object_id == prog.id and learner.archive_code in entry.detail


def test_adding_and_removing_a_member(client, world, group):
    prog, _, member = group
    other = f.consenting(world.school, world.cls)
    login_as(client, world.worker)
    client.post(f"/programs/{prog.id}/roster/members", data={"student": str(other.id)})
    assert other.archive_code in one("member_add", world.worker).detail
    client.post(f"/programs/{prog.id}/roster/members/{member.id}/remove")
    assert not GroupMember.get_by_id(member.id).active
    assert group[1].archive_code in one("member_remove", world.worker).detail


def test_a_supervisor_reading_a_reflection_but_not_its_author(client, world):
    prog = rf.program(world)
    session = rf.sessions_of(prog)[0]
    refl = rf.reflection(session, world.worker, status="submitted")
    login_as(client, world.worker)
    client.get(f"/sessions/{session.id}/reflection")
    assert rows("view_reflection") == []  # the author's own work is not a read
    login_as(client, world.supervisor)
    assert client.get(f"/sessions/{session.id}/reflection").status_code == 200
    assert one("view_reflection", world.supervisor).object_id == refl.id


def test_a_supervisor_reading_the_safeguarding_notes(client, world):
    prog = rf.program(world)
    learner = rf.student(world, name=NAME)
    refl = rf.reflection(rf.sessions_of(prog)[0], world.worker, status="submitted")
    flag = rf.follow_up(refl, learner, note=f"{NAME}说起家里的事", safeguarding=True)
    login_as(client, world.supervisor)
    assert NAME in client.get("/supervision").get_data(as_text=True)
    entry = one("view_safeguarding", world.supervisor)
    assert f"follow_ups={flag.id}" in entry.detail and learner.archive_code in entry.detail


def test_creating_editing_archiving_and_restoring_a_student(client, world):
    login_as(client, world.worker)
    client.post(f"/schools/{world.school.id}/students/new", data=good(world, name=NAME))
    student = Student.get(Student.name == NAME)
    assert student.archive_code in one("student_create", world.worker).detail
    data = {
        **good(world, name=NAME, guardian_phone="13900002222"),
        "version": str(student.version),
    }
    assert client.post(f"/students/{student.id}/edit", data=data).status_code == 303
    edited = one("student_edit", world.worker)
    assert "fields=guardian_phone" in edited.detail and "13900002222" not in edited.detail
    client.post(f"/students/{student.id}/archive")
    assert Student.get_by_id(student.id).archived_at is not None
    one("student_archive", world.worker)
    client.post(f"/students/{student.id}/archive", data={"restore": "1"})
    assert Student.get_by_id(student.id).archived_at is None
    one("student_restore", world.worker)


def test_a_roster_import(client, world):
    login_as(client, world.worker)
    token = token_of(upload(client, world, xlsx(real_rows(world))).get_data(as_text=True))
    assert commit(client, world, token, GUESSED).status_code == 303
    entry = one("roster_import", world.worker)
    codes = [s.archive_code for s in Student.select().order_by(Student.archive_code)]
    assert f"count={len(codes)}" in entry.detail and codes[0] in entry.detail
    assert not any(s.name in entry.detail for s in Student.select())


def test_creating_a_user_and_changing_role_assignment_and_password(client, world):
    login_as(client, world.admin)
    data = new_user(username="sup2", role="supervisor", worker_ids=[str(world.worker.id)])
    assert client.post("/admin/users/new", data=data).status_code == 303
    created = one("user_create", world.admin)
    assert "role=supervisor" in created.detail and f"workers={world.worker.id}" in created.detail
    assert "long-enough-pw" not in created.detail
    # an admin making a colleague a supervisor of the world's worker leaves a row
    teacher = world.teacher
    changed = edit_data(teacher, role="supervisor", worker_ids=[str(world.worker.id)])
    changed.pop("class_ids", None)
    assert client.post(f"/admin/users/{teacher.id}/edit", data=changed).status_code == 303
    entry = one("user_change", world.admin)
    assert "fields=role" in entry.detail and f"workers={world.worker.id}" in entry.detail
    pw = edit_data(world.worker, password="another-long-pw")
    assert client.post(f"/admin/users/{world.worker.id}/edit", data=pw).status_code == 303
    assert one("password_change", world.admin).object_id == world.worker.id
    assert all("another-long-pw" not in e.detail for e in AuditEntry.select())


def test_nothing_changed_writes_no_change_row(client, world):
    login_as(client, world.admin)
    same = edit_data(world.worker)
    assert client.post(f"/admin/users/{world.worker.id}/edit", data=same).status_code == 303
    assert rows("user_change") == [] and rows("password_change") == []
