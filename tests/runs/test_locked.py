"""After sign-off (issue 14): once a session's reflection is signed off its attendance is
locked; a correction needs a reason, is audited and is shown to the supervisor."""

import pytest

from planner.audit.models import AuditEntry
from planner.runs.models import Attendance
from tests.conftest import login_as
from tests.reflections.factories import reflection
from tests.runs.conftest import tap


@pytest.fixture
def signed(world, group):
    Attendance.create(
        session=group, student=group.members[0], status="present", tapped_at="2026-09-01 08:00:00"
    )
    reflection(group, world.worker, status="signed_off", signed_off_by=world.supervisor)
    return group


def fixes():
    return list(AuditEntry.select().where(AuditEntry.action == "attendance_fix"))


def status_of(session, kid):
    return Attendance.get(session=session, student=kid).status


def test_a_tap_without_a_reason_is_refused(client, worker, signed):
    kid = signed.members[0]
    response = tap(client, signed, kid, "absent")
    assert response.status_code == 409
    assert "更正原因" in response.get_json()["error"]
    assert status_of(signed, kid) == "present" and fixes() == []
    blank = tap(client, signed, kid, "absent", reason="   ")
    assert blank.status_code == 409 and status_of(signed, kid) == "present"


def test_a_correction_with_a_reason_is_applied_audited_and_shown(client, world, worker, signed):
    kid = signed.members[0]
    response = client.post(
        f"/sessions/{signed.id}/attendance",
        data={"student_id": kid.id, "status": "excused", "reason": "核对请假条后更正"},
    )
    assert response.status_code == 303
    assert status_of(signed, kid) == "excused"
    [fix] = fixes()
    assert fix.user_id == world.worker.id and fix.object_id == signed.id
    assert "核对请假条后更正" in fix.detail and kid.archive_code in fix.detail
    assert kid.name not in fix.detail
    login_as(client, world.supervisor)
    body = client.get(f"/sessions/{signed.id}/reflection").get_data(as_text=True)
    assert "签署后更正" in body and "核对请假条后更正" in body and "请假" in body


def test_the_run_page_locks_the_tiles_and_offers_a_correction(client, worker, signed):
    body = client.get(f"/sessions/{signed.id}/run").get_data(as_text=True)
    assert 'id="attendance-locked"' in body and 'id="correct-attendance"' in body
    assert 'id="all-present"' not in body
    assert body.count("disabled>") >= len(signed.members)


def test_before_sign_off_taps_need_no_reason(client, worker, world, group):
    reflection(group, world.worker, status="submitted")
    kid = group.members[1]
    assert tap(client, group, kid, "late").status_code == 200
    assert status_of(group, kid) == "late" and fixes() == []


def test_a_reason_naming_a_student_is_refused(client, worker, signed):
    kid = signed.members[0]
    response = tap(client, signed, kid, "absent", reason=f"{kid.name}其实没来")
    assert response.status_code == 422 and status_of(signed, kid) == "present"
    assert fixes() == []


def test_a_too_long_reason_is_refused(client, worker, signed):
    kid = signed.members[0]
    response = tap(client, signed, kid, "absent", reason="原" * 201)
    assert response.status_code == 422 and status_of(signed, kid) == "present"


def test_wrong_roles_cannot_correct(client, world, signed):
    kid = signed.members[0]
    for user in (world.supervisor, world.teacher, world.worker_other):
        login_as(client, user)
        response = tap(client, signed, kid, "absent", reason="更正")
        assert response.status_code in (403, 404), user.role
    assert status_of(signed, kid) == "present" and fixes() == []
