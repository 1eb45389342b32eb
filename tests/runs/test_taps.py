"""POST /sessions/<id>/attendance: the upsert rules and every refusal."""

import datetime as dt

from playhouse.test_utils import count_queries

from planner.db import now
from planner.i18n import local_today
from planner.runs.models import Attendance
from planner.sessions.models import Session
from planner.students.models import GroupMember
from tests.conftest import login_as
from tests.runs.conftest import JSON, T0, rows, tap
from tests.runs.factories import give_consent, members, run_session, student

SECOND = dt.timedelta(seconds=1)


def test_a_tap_is_saved_and_answered_with_the_status(worker, group):
    first = group.members[0]
    response = tap(worker, group, first, "present", T0, tap_id="abc-123")
    assert response.status_code == 200
    assert response.json == {
        "tap_id": "abc-123",
        "student_id": first.id,
        "status": "present",
        "label": "出席",
        "applied": True,
    }
    assert "no-store" in response.headers["Cache-Control"]
    row = Attendance.get()
    assert (row.status, row.tapped_at, row.recorded_by_id) == ("present", T0, worker_id(group))


def worker_id(group):
    from planner.sessions.models import ProgramWorker

    return ProgramWorker.get(ProgramWorker.program == group.program_id).worker_id


def test_a_newer_tap_wins(worker, group):
    first = group.members[0]
    tap(worker, group, first, "present", T0)
    assert tap(worker, group, first, "late", T0 + SECOND).json["status"] == "late"
    assert rows(group) == {first.id: "late"}
    assert Attendance.get().tapped_at == T0 + SECOND


def test_an_older_tap_arriving_later_changes_nothing(worker, group):
    """A tablet back online sends a tap made before the one already saved."""
    first = group.members[0]
    tap(worker, group, first, "absent", T0 + 10 * SECOND)
    response = tap(worker, group, first, "present", T0)
    assert response.status_code == 200  # accepted (so the tablet clears it), not applied
    assert response.json["status"] == "absent" and response.json["applied"] is False
    assert rows(group) == {first.id: "absent"}
    assert Attendance.get().tapped_at == T0 + 10 * SECOND


def test_the_same_tap_sent_twice_is_harmless(worker, group):
    """A resend after a lost answer: same time, same status; one row, nothing changes."""
    first = group.members[0]
    tap(worker, group, first, "late", T0, tap_id="same")
    tap(worker, group, first, "late", T0, tap_id="same")
    assert Attendance.select().count() == 1
    assert rows(group) == {first.id: "late"}


def test_many_taps_leave_one_row_per_member(worker, group):
    a, b, c = group.members
    for i, status in enumerate(["present", "late", "left_early", "excused", "absent"]):
        for m in (a, b):
            tap(worker, group, m, status, T0 + i * SECOND)
    tap(worker, group, c, "excused", T0)
    assert Attendance.select().count() == 3
    assert rows(group) == {a.id: "absent", b.id: "absent", c.id: "excused"}


def test_milliseconds_decide(worker, group):
    first = group.members[0]
    tap(worker, group, first, "present", "2026-11-20T09:00:00.001Z")
    tap(worker, group, first, "late", "2026-11-20T09:00:00.002Z")
    tap(worker, group, first, "absent", "2026-11-20T09:00:00Z")  # older: no effect
    assert rows(group) == {first.id: "late"}


def test_time_zones_are_normalised_to_utc(worker, group):
    first = group.members[0]
    tap(worker, group, first, "present", "2026-11-20T17:00:00+08:00")  # 09:00 UTC
    tap(worker, group, first, "late", "2026-11-20T08:59:59Z")  # a second earlier
    assert rows(group) == {first.id: "present"}
    assert Attendance.get().tapped_at == T0


def test_a_clock_running_ahead_is_pulled_back_to_now(worker, group):
    """Otherwise a tablet set to next year would win every later tap for good."""
    first = group.members[0]
    tap(worker, group, first, "absent", now() + dt.timedelta(days=300))
    assert Attendance.get().tapped_at <= now()
    tap(worker, group, first, "present", now() + SECOND)
    assert rows(group) == {first.id: "present"}


def test_without_a_time_the_server_clock_is_used(worker, group):
    before = now()
    assert tap(worker, group, group.members[0], "present").status_code == 200
    assert before <= Attendance.get().tapped_at <= now()


def test_without_javascript_the_tap_redirects_back_to_the_page(worker, group):
    response = tap(worker, group, group.members[0], "present", headers={})
    assert response.status_code == 303
    assert response.location.endswith(f"/sessions/{group.id}/run")
    assert rows(group) == {group.members[0].id: "present"}


def test_taps_of_two_sessions_are_separate(worker, world, group):
    other = run_session(world, kind="group")
    first = group.members[0]
    GroupMember.create(program=other.program_id, student=first)
    tap(worker, group, first, "present", T0)
    tap(worker, other, first, "absent", T0)
    assert rows(group) == {first.id: "present"} and rows(other) == {first.id: "absent"}


# ---- refusals ----


def refused(response, status, text):
    assert response.status_code == status, response.data
    assert text in response.json["error"]
    return response


def test_a_student_not_in_the_group_is_refused(worker, world, group):
    outsider = student(world.school)
    refused(tap(worker, group, outsider, "present", T0), 422, "不是本小组的在册成员")
    refused(tap(worker, group, 999999, "present", T0), 422, "不是本小组的在册成员")
    assert Attendance.select().count() == 0


def test_a_member_who_left_is_refused(worker, group):
    first = group.members[0]
    GroupMember.update(active=False).where(GroupMember.student == first.id).execute()
    refused(tap(worker, group, first, "present", T0), 422, "不是本小组的在册成员")


def test_a_student_of_another_group_is_refused(worker, world, group):
    other = run_session(world, kind="group")
    stranger = members(other, 1)[0]
    refused(tap(worker, group, stranger, "present", T0), 422, "不是本小组的在册成员")


def test_a_member_without_attendance_consent_is_refused_with_the_reason(worker, group):
    unconsented = members(group, 1, consent=False)[0]
    give_consent(unconsented, purpose="participation")  # another purpose doesn't count
    response = refused(
        tap(worker, group, unconsented, "present", T0), 422, "没有有效的出勤记录知情同意"
    )
    assert "撤回" in response.json["error"]
    assert Attendance.select().count() == 0


def test_a_withdrawn_consent_stops_taps_on_the_next_request(worker, group):
    first = group.members[0]
    assert tap(worker, group, first, "present", T0).status_code == 200
    from planner.students.models import Consent

    Consent.update(withdrawn_on=local_today()).where(Consent.student == first.id).execute()
    refused(tap(worker, group, first, "late", T0 + SECOND), 422, "知情同意")
    assert rows(group) == {first.id: "present"}


def test_a_consent_dated_in_the_future_is_not_active(worker, group):
    late = members(group, 1, consent=False)[0]
    give_consent(late, given_on=local_today() + dt.timedelta(days=1))
    refused(tap(worker, group, late, "present", T0), 422, "知情同意")


def test_a_cancelled_session_is_refused_with_409(worker, group):
    Session.update(status="cancelled").where(Session.id == group.id).execute()
    refused(tap(worker, group, group.members[0], "present", T0), 409, "已取消")
    assert Attendance.select().count() == 0


def test_a_bad_status_is_refused(worker, group):
    response = refused(tap(worker, group, group.members[0], "sleeping", T0), 422, "出勤状态无效")
    assert response.json["errors"] == {"status": "出勤状态无效。"}
    refused(tap(worker, group, group.members[0], "", T0), 422, "必填")
    assert Attendance.select().count() == 0


def test_bad_ids_times_and_tap_ids_are_refused(worker, group):
    first = group.members[0]
    refused(tap(worker, group, "abc", "present", T0), 422, "学生编号无效")
    refused(tap(worker, group, first, "present", "yesterday"), 422, "点名时间格式不正确")
    refused(tap(worker, group, first, "present", T0, tap_id="<script>"), 422, "点名编号")
    response = worker.post(f"/sessions/{group.id}/attendance", data={}, headers=JSON)
    refused(response, 422, "必填")
    assert Attendance.select().count() == 0


def test_without_javascript_a_refusal_shows_the_page_with_the_reason(worker, world, group):
    response = tap(worker, group, student(world.school), "present", T0, headers={})
    assert response.status_code == 422
    assert "不是本小组的在册成员" in response.get_data(as_text=True)


def test_a_classroom_lesson_has_no_roster_to_tap(worker, world, group):
    lesson = run_session(world, kind="classroom")
    refused(tap(worker, lesson, group.members[0], "present", T0), 422, "不是本小组的在册成员")


def test_who_may_tap(client, world, group):
    first = group.members[0]
    for user, status in (
        (world.supervisor, 403),
        (world.teacher, 403),
        (world.worker_other, 404),
        (world.admin, 200),
    ):
        login_as(client, user)
        assert tap(client, group, first, "present", T0).status_code == status, user.username
    assert rows(group) == {first.id: "present"}  # only the admin's tap


def test_a_worker_of_the_school_not_on_the_program_may_not_tap(client, world, group):
    from tests import factories

    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    login_as(client, colleague)
    assert tap(client, group, group.members[0], "present", T0).status_code == 403
    assert client.get(f"/sessions/{group.id}/run").status_code == 403


def test_another_agencys_admin_gets_404(client, world, group):
    from tests import factories

    login_as(client, factories.user("admin"))
    assert tap(client, group, group.members[0], "present", T0).status_code == 404


# ---- speed ----


def test_a_tap_takes_a_constant_number_of_queries(worker, world, group):
    """Six queries, whatever the group size or history: the user, the session with its
    program and the user's link, membership, consent, the upsert, and the read-back."""
    first = group.members[0]
    tap(worker, group, first, "present", T0)  # warm up (first request of the client)
    with count_queries() as small:
        tap(worker, group, first, "late", T0 + SECOND)
    members(group, 9)
    for m in group.members[1:]:
        tap(worker, group, m, "present", T0)
    with count_queries() as large:
        tap(worker, group, first, "absent", T0 + 2 * SECOND)
    with count_queries() as older:
        tap(worker, group, first, "present", T0)
    assert (
        small.count == large.count == older.count == 7
    )  # + whether the reflection is signed off (the lock)
