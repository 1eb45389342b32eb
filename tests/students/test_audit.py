"""The audit log: reading a record, consent changes and access outside the caseload each
append one row; rows can't be changed through the model or with raw SQL."""

import pytest
from peewee import DatabaseError

from planner.audit.models import AppendOnly, AuditEntry, record
from planner.db import database
from planner.students.models import Consent, GroupMember
from tests.conftest import login_as
from tests.students import factories as f
from tests.students.factories import consent_form as form


def rows(action=None):
    query = AuditEntry.select().order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(query)


def test_reading_a_record_appends_view_student(client, world):
    s = f.student(world.school, world.cls)
    login_as(client, world.admin)
    assert client.get(f"/students/{s.id}").status_code == 200
    [entry] = rows()
    assert (entry.user_id, entry.action, entry.object_type, entry.object_id) == (
        world.admin.id,
        "view_student",
        "student",
        s.id,
    )
    assert s.archive_code in entry.detail and entry.at is not None
    client.get(f"/students/{s.id}")
    assert len(rows("view_student")) == 2  # every reading, not only the first


def test_the_list_is_read_as_a_list_with_the_ids_shown(client, world):
    """Lists of students show names: each page shown is one row naming the ids on it (not
    a read of each record)."""
    shown = [f.student(world.school, world.cls) for _ in range(2)]
    login_as(client, world.worker)
    client.get(f"/schools/{world.school.id}/students")
    [entry] = rows()
    assert (entry.user_id, entry.action, entry.object_id) == (
        world.worker.id,
        "view_student_list",
        world.school.id,
    )
    assert entry.detail.endswith("students=" + ",".join(str(s.id) for s in shown))
    assert shown[0].name not in entry.detail


def test_a_worker_outside_their_groups_appends_outside_caseload(client, world):
    s = f.student(world.school, world.cls)
    login_as(client, world.worker)
    client.get(f"/students/{s.id}")
    assert [e.action for e in rows()] == ["view_student", "outside_caseload"]
    assert rows("outside_caseload")[0].object_id == s.id


def test_a_worker_reading_a_member_of_their_group_is_in_caseload(client, world):
    s = f.student(world.school, world.cls)
    f.member(f.group(world), s)
    login_as(client, world.worker)
    client.get(f"/students/{s.id}")
    assert [e.action for e in rows()] == ["view_student"]


def test_a_group_someone_else_runs_is_outside_the_caseload(client, world):
    colleague = f.student(world.school, world.cls)
    f.member(f.group(world, workers=[]), colleague)  # no worker of ours on it
    removed = f.student(world.school, world.cls)
    f.member(f.group(world), removed, active=False)  # left our group
    login_as(client, world.worker)
    client.get(f"/students/{colleague.id}")
    client.get(f"/students/{removed.id}")
    assert [e.object_id for e in rows("outside_caseload")] == [colleague.id, removed.id]


def test_supervisors_and_admins_append_only_view_student(client, world):
    s = f.student(world.school, world.cls)
    GroupMember.create(program=f.group(world), student=s)  # in the supervised worker's group
    for user in (world.supervisor, world.admin):
        login_as(client, user)
        client.get(f"/students/{s.id}")
    assert [(e.user_id, e.action) for e in rows()] == [
        (world.supervisor.id, "view_student"),
        (world.admin.id, "view_student"),
    ]


def test_refused_reads_append_nothing(client, world):
    s = f.student(world.school, world.cls)
    for user in (world.teacher, world.worker_other):
        login_as(client, user)
        assert client.get(f"/students/{s.id}").status_code in (403, 404)
    assert rows() == []


def test_consent_changes_append_consent_change_without_names(client, world):
    s = f.student(world.school, world.cls, name=f.CANARY, guardian_name="欧阳大伟")
    login_as(client, world.worker)
    client.post(f"/students/{s.id}/consents", data=form(giver_name="欧阳大伟"))
    given = Consent.get(Consent.student == s.id)
    client.post(f"/students/{s.id}/consents/{given.id}/withdraw")
    changes = rows("consent_change")
    assert [(e.user_id, e.object_type, e.object_id) for e in changes] == [
        (world.worker.id, "consent", given.id)
    ] * 2
    assert "give" in changes[0].detail and "withdraw" in changes[1].detail
    client.get(f"/students/{s.id}")
    for entry in rows():
        assert f.CANARY not in entry.detail and "欧阳" not in entry.detail


def test_a_refused_consent_appends_nothing(client, world):
    s = f.student(world.school, world.cls)
    login_as(client, world.worker)
    client.post(f"/students/{s.id}/consents", data=form(given_by="student"))
    assert rows("consent_change") == []


# ---- append-only ---------------------------------------------------------------------------


@pytest.fixture
def entry(world):
    record(world.admin, "view_student", "student", 1, "student=1")
    return AuditEntry.get()


def test_the_model_refuses_update_and_delete(entry):
    entry.detail = "changed"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete_instance()
    with pytest.raises(AppendOnly):
        AuditEntry.update(detail="x")
    with pytest.raises(AppendOnly):
        AuditEntry.delete()
    assert AuditEntry.get_by_id(entry.id).detail == "student=1"


@pytest.mark.parametrize(
    "sql",
    [
        'UPDATE "audit_entry" SET "detail" = \'changed\'',
        'UPDATE "audit_entry" SET "user_id" = NULL',
        'DELETE FROM "audit_entry"',
    ],
)
def test_the_database_refuses_update_and_delete(entry, sql):
    """Triggers: even code that goes around the model can't change the log."""
    with pytest.raises(DatabaseError, match="append-only"):
        with database.atomic():
            database.execute_sql(sql)
    assert AuditEntry.select().count() == 1
    assert AuditEntry.get_by_id(entry.id).detail == "student=1"
    assert AuditEntry.get_by_id(entry.id).user_id is not None


def test_inserting_still_works_after_a_refused_change(entry, world):
    with pytest.raises(DatabaseError):
        with database.atomic():
            database.execute_sql('DELETE FROM "audit_entry"')
    record(world.worker, "consent_change", "consent", 2)
    assert AuditEntry.select().count() == 2


def test_opening_the_edit_form_is_a_read_too(client, world):
    s = f.student(world.school, world.cls)
    login_as(client, world.admin)
    client.get(f"/students/{s.id}/edit")
    assert [(e.action, e.object_id) for e in rows()] == [("view_student", s.id)]
