"""Run mode on a dead network (issue 14), server side: notes resent by a tablet are stored
once and never lost, 全部出席 never overwrites a status already set, a session that has
not started refuses attendance and notes, and only today's run page, for those who run
it, is marked for the tablet's cache."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.db import ConflictError
from planner.errors import PlannerError
from planner.i18n import local_today
from planner.reflections.models import Reflection
from planner.runs import services
from planner.runs.models import Attendance, SessionRecord
from tests.conftest import login_as
from tests.reflections.test_form import group_form
from tests.runs.conftest import JSON, T0, rows, tap
from tests.runs.factories import members, run_session

HEADER = "X-Planner-Offline"


def note(client, session, notes, version=0, save_id="", unanswered="", headers=JSON):
    data = {"notes": notes, "version": str(version)}
    if save_id:
        data["save_id"] = save_id
    if unanswered:
        data["unanswered"] = unanswered
    return client.post(f"/sessions/{session.id}/record", data=data, headers=headers)


# --- notes: a resend is recognised -----------------------------------------------------


def test_a_resent_note_is_stored_once(worker, group):
    first = note(worker, group, "开场热身顺利", save_id="s-1")
    assert first.status_code == 200
    assert first.get_json() == {"version": 1, "save_id": "s-1"}
    # the answer was lost on the way: the tablet sends the very same save again
    again = note(worker, group, "开场热身顺利", save_id="s-1")
    assert again.status_code == 200
    assert again.get_json() == {"version": 1, "save_id": "s-1"}
    record = SessionRecord.get()
    assert (record.notes, record.version, record.save_id) == ("开场热身顺利", 1, "s-1")
    assert SessionRecord.select().count() == 1


def test_a_save_on_top_of_the_tablets_own_unanswered_save_goes_through(worker, group):
    note(worker, group, "开场", save_id="s-1")  # stored, but the tablet never heard
    # typed on offline: still on version 0 as far as the tablet knows
    response = note(worker, group, "开场，讨论", save_id="s-2", unanswered="s-1")
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    record = SessionRecord.get()
    assert (record.notes, record.version, record.save_id) == ("开场，讨论", 2, "s-2")


def test_another_devices_newer_save_is_a_conflict_and_keeps_both_texts(client, world, group):
    login_as(client, world.admin)
    note(client, group, "管理员的笔记", save_id="a-1")
    login_as(client, world.worker)
    response = note(client, group, "社工离线写的笔记", save_id="w-1", unanswered="w-0")
    assert response.status_code == 409
    body = response.get_json()
    assert body["conflict"] is True
    assert "管理员的笔记" in body["html"] and "社工离线写的笔记" in body["html"]
    assert SessionRecord.get().notes == "管理员的笔记"


def test_the_service_is_idempotent_for_a_resend(group):
    values = {"notes": "一", "version": 0, "save_id": "x-1", "unanswered": ""}
    services.save_record(group, values, with_headcount=False)
    services.save_record(group, values, with_headcount=False)  # the same save again
    record = SessionRecord.get()
    assert (record.notes, record.version) == ("一", 1)
    with pytest.raises(ConflictError):  # a different save on the old version, not ours
        services.save_record(group, dict(values, notes="二", save_id="x-2"), False)
    assert SessionRecord.get().notes == "一"


@pytest.mark.parametrize(
    "field, value",
    [
        ("save_id", "a b"),
        ("save_id", "x" * 65),
        ("unanswered", "ok,not ok"),
        ("unanswered", ",".join(f"s{i}" for i in range(21))),
    ],
)
def test_bad_save_ids_are_refused_in_json_and_nothing_is_saved(worker, group, field, value):
    data = {"notes": "笔记", "version": "0", field: value}
    response = worker.post(f"/sessions/{group.id}/record", data=data, headers=JSON)
    assert response.status_code == 422
    assert response.get_json()["error"] == "保存编号格式不正确。"
    assert SessionRecord.select().count() == 0


# --- 全部出席: fills the unmarked only -----------------------------------------------------


def test_all_present_never_overwrites_a_status_already_set(worker, group):
    excused, late, unmarked = group.members
    tap(worker, group, excused, "excused", T0)
    tap(worker, group, late, "late", T0)
    later = T0 + dt.timedelta(minutes=5)  # newer than both, and still it must not win
    answers = [tap(worker, group, m, "present", later, if_unset="1") for m in group.members]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.get_json()["status"] for a in answers] == ["excused", "late", "present"]
    assert [a.get_json()["applied"] for a in answers] == [False, False, True]
    assert rows(group) == {excused.id: "excused", late.id: "late", unmarked.id: "present"}


def test_an_exception_after_all_present_wins(worker, group):
    a = group.members[0]
    tap(worker, group, a, "present", T0, if_unset="1")
    tap(worker, group, a, "absent", T0 + dt.timedelta(seconds=1))
    # the all-present tap resent late (a tablet back online) changes nothing
    tap(worker, group, a, "present", T0, if_unset="1")
    assert rows(group) == {a.id: "absent"}
    assert Attendance.select().count() == 1


def test_the_run_page_offers_all_present(worker, group):
    html = worker.get(f"/sessions/{group.id}/run").get_data(as_text=True)
    assert 'id="all-present"' in html and "全部出席" in html


# --- a session that has not started --------------------------------------------------------


@pytest.fixture
def tomorrow(world):
    session = run_session(world, kind="group", day=local_today() + dt.timedelta(days=1))
    session.members = members(session, 2)
    return session


def test_attendance_before_the_start_is_refused_with_the_reason(worker, tomorrow):
    response = tap(worker, tomorrow, tomorrow.members[0], "present")
    assert response.status_code == 409
    assert "还没有开始" in response.get_json()["error"]
    assert "开始前不能点名" in response.get_json()["error"]
    assert rows(tomorrow) == {}


def test_notes_before_the_start_are_refused_with_the_reason(worker, tomorrow):
    response = note(worker, tomorrow, "提前写的笔记", save_id="f-1")
    assert response.status_code == 409
    assert "还没有开始" in response.get_json()["error"]
    html = note(worker, tomorrow, "提前写的笔记", headers={"HX-Request": "true"})
    assert html.status_code == 409 and "还没有开始" in html.get_data(as_text=True)
    assert SessionRecord.select().count() == 0


def test_a_session_later_today_is_refused_until_its_start(world, monkeypatch):
    session = run_session(world, kind="group", start=dt.time(15, 0), end=dt.time(16, 0))
    member = members(session, 1)[0]
    early = dt.datetime.combine(local_today(), dt.time(14, 59))
    monkeypatch.setattr(services, "local_now", lambda: early)
    with pytest.raises(PlannerError) as err:
        services.record_tap(session, member.id, "present", None, world.worker)
    assert "15:00" in err.value.message
    monkeypatch.setattr(services, "local_now", lambda: early + dt.timedelta(minutes=1))
    assert services.record_tap(session, member.id, "present", None, world.worker).applied


def test_the_run_page_says_why_and_disables_the_tiles(worker, tomorrow):
    html = worker.get(f"/sessions/{tomorrow.id}/run").get_data(as_text=True)
    assert "本次活动还没有开始" in html
    assert 'id="all-present"' not in html
    assert html.count("disabled>") >= 2  # both tiles
    assert "轻点卡片切换" not in html


# --- what the tablet may keep --------------------------------------------------------------


def test_todays_run_page_is_marked_for_the_tablet_of_its_worker(worker, group):
    response = worker.get(f"/sessions/{group.id}/run")
    assert response.headers[HEADER] == local_today().isoformat()
    html = response.get_data(as_text=True)
    assert 'data-sw="/sw.js?k=' in html
    # the JSON state the page polls is never kept
    state = worker.get(f"/sessions/{group.id}/run", headers=JSON)
    assert HEADER not in state.headers


def test_the_cache_key_names_nobody_and_changes_at_logout(client, world, group):
    login_as(client, world.worker)
    html = client.get(f"/sessions/{group.id}/run").get_data(as_text=True)
    key = html.split('data-sw="/sw.js?k=', 1)[1].split('"', 1)[0]
    assert len(key) == 20 and key.isalnum()
    assert str(world.worker.id) != key and world.worker.username not in key
    response = client.post("/logout")
    assert response.headers["Clear-Site-Data"] == '"storage"'
    login_as(client, world.worker)
    again = client.get(f"/sessions/{group.id}/run").get_data(as_text=True)
    assert key not in again


def test_other_days_and_read_only_viewers_get_nothing_to_keep(client, world, group, tomorrow):
    login_as(client, world.worker)
    other = client.get(f"/sessions/{tomorrow.id}/run")
    assert HEADER not in other.headers and "data-sw" not in other.get_data(as_text=True)
    login_as(client, world.supervisor)
    seen = client.get(f"/sessions/{group.id}/run")
    assert seen.status_code == 200
    assert HEADER not in seen.headers and "data-sw" not in seen.get_data(as_text=True)


def test_the_service_worker_is_served_for_the_root_scope(worker):
    response = worker.get("/sw.js?k=abc")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "X-Planner-Offline" in response.get_data(as_text=True)


def test_a_reflection_before_the_start_is_refused_and_the_page_says_why(worker, tomorrow):
    page = worker.get(f"/sessions/{tomorrow.id}/reflection")
    assert page.status_code == 200
    assert "本次活动还没有开始" in page.get_data(as_text=True)
    response = worker.post(f"/sessions/{tomorrow.id}/reflection", data=group_form())
    assert response.status_code == 409
    assert "本次活动还没有开始" in response.get_data(as_text=True)
    assert Reflection.select().count() == 0


def test_all_present_taps_notes_and_the_worker_take_few_queries(worker, group):
    """An if_unset tap costs what a tap costs (user, session, membership, consent, the
    insert, the read-back); a notes save in JSON: user, session, record, update; the
    service worker: the user only."""
    a = group.members[0]
    tap(worker, group, a, "present", T0)  # warm up (first request of the client)
    with count_queries() as filled:
        tap(worker, group, group.members[1], "present", T0, if_unset="1")
    with count_queries() as kept:
        tap(worker, group, a, "present", T0, if_unset="1")
    assert filled.count == kept.count == 7  # + whether the reflection is signed off (the lock)
    note(worker, group, "一", save_id="q-1")
    with count_queries() as saved:
        note(worker, group, "二", version=1, save_id="q-2")
    with count_queries() as resent:
        note(worker, group, "二", version=1, save_id="q-2")
    assert SessionRecord.get().version == 2
    assert saved.count == 4 and resent.count == 3
    with count_queries() as script:
        worker.get("/sw.js")
    assert script.count == 1
