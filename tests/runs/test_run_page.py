"""GET /sessions/<id>/run: the agenda, the tiles or the headcount, read-only views,
the JSON state runmode.js polls, and the page's query count."""

import json
import re

from playhouse.test_utils import count_queries

from planner.sessions.models import Session
from planner.students.models import Consent
from tests.conftest import login_as
from tests.runs.conftest import JSON, T0, tap
from tests.runs.factories import members, run_session


def page(client, session, **kw):
    response = client.get(f"/sessions/{session.id}/run", **kw)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_agenda_with_timers_materials_and_debrief(worker, group):
    html = page(worker, group)
    assert "情绪管理小组" in html and "彩虹小组" in html and "第 1 节" in html
    # one timer entry per activity, minutes from the plan (5 + 45 + 10 for a group)
    assert re.findall(r'data-minutes="(\d+)"', html) == ["5", "45", "10"]
    for action, label in (("start", "开始"), ("pause", "暂停"), ("next", "下一项")):
        assert f'data-timer-action="{action}">{label}</button>' in html
    assert "名牌、彩笔" in html and "情绪卡片" in html
    assert "刚才你注意到了什么？" in html and "下次想怎么做？" in html
    assert 'src="/static/js/runmode.js"' in html
    assert "no-store" in worker.get(f"/sessions/{group.id}/run").headers["Cache-Control"]


def test_no_inline_script_or_style_and_no_inline_handlers(worker, group):
    html = page(worker, group)
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "<style" not in html and " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None


def test_member_tiles_show_code_name_and_status(worker, group):
    first, second, _ = group.members
    tap(worker, group, first, "late", T0)
    html = page(worker, group)
    tiles = re.findall(r'<button type="submit" class="member-tile[^"]*" data-student="(\d+)"', html)
    assert sorted(int(t) for t in tiles) == sorted(m.id for m in group.members)
    for m in group.members:
        assert m.archive_code in html and m.name in html
    assert 'class="member-tile status-late" data-student="%d"' % first.id in html
    assert "迟到" in html and "未点名" in html
    # the script gets the cycle and its labels from the page, not from code
    statuses = json.loads(re.search(r"data-statuses='([^']*)'", html).group(1))
    assert statuses == [
        ["present", "出席"],
        ["late", "迟到"],
        ["left_early", "早退"],
        ["excused", "请假"],
        ["absent", "缺席"],
    ]
    # without JavaScript, the tile's form posts the next status in the cycle
    assert re.search(
        r'name="student_id" value="%d">\s*<input type="hidden" name="status" '
        r'value="left_early">' % first.id,
        html,
    )


def test_a_member_without_consent_has_a_disabled_tile_with_the_reason(worker, group):
    Consent.update(withdrawn_on=T0.date()).where(Consent.student == group.members[0].id).execute()
    unconsented = members(group, 1, consent=False)[0]
    html = page(worker, group)
    assert html.count('aria-disabled="true"') == 2
    assert html.count("未取得出勤记录同意（未签署或已撤回），不能点名") == 2
    assert 'data-student="%d"' % unconsented.id not in html
    assert 'data-student="%d"' % group.members[0].id not in html
    assert unconsented.name in html  # the worker in the room still needs to know who


def test_a_cancelled_session_says_so_and_disables_the_tiles(worker, group):
    Session.update(status="cancelled", cancel_reason="考试").where(Session.id == group.id).execute()
    html = page(worker, group)
    assert "本次活动已取消，不能点名。" in html and "考试" in html
    assert len(re.findall(r'<button type="submit" class="member-tile[^>]*disabled', html)) == 3


def test_a_classroom_lesson_has_a_headcount_instead_of_tiles(worker, world):
    lesson = run_session(world, kind="classroom")
    html = page(worker, lesson)
    assert 'name="headcount"' in html and 'max="200"' in html and 'min="0"' in html
    assert "member-tiles" not in html and "出勤" not in html
    assert 'name="notes"' in html
    assert re.findall(r'data-minutes="(\d+)"', html) == ["5", "30", "10"]


def test_supervisors_read_only_and_without_names(client, world, group):
    tap(login_as(client, world.worker), group, group.members[0], "present", T0)
    login_as(client, world.supervisor)
    html = page(client, group)
    assert "只读查看" in html
    assert "<form" not in html.split('id="main"')[1].split("</main>")[0].replace(
        'action="/logout"', ""
    )  # no forms in the page body but the header's
    for m in group.members:
        assert m.archive_code in html
        assert m.name not in html
    assert "出席" in html
    assert "data-tap-url" not in html


def test_the_admin_runs_the_session_and_the_view_is_audited(client, world, group):
    from planner.audit.models import AuditEntry

    for user in (world.worker, world.supervisor):  # their own caseload / codes only
        page(login_as(client, user), group)
    assert AuditEntry.select().count() == 0
    login_as(client, world.admin)
    html = page(client, group)
    assert "data-tap-url" in html and group.members[0].name in html
    assert "只读查看" not in html
    entry = AuditEntry.get()
    assert (entry.user_id, entry.action, entry.object_type, entry.object_id) == (
        world.admin.id,
        "outside_caseload",
        "session",
        group.id,
    )
    assert all(m.archive_code in entry.detail and m.name not in entry.detail for m in group.members)


def test_the_json_state_has_ids_and_statuses_only(worker, group):
    first = group.members[0]
    tap(worker, group, first, "excused", T0)
    response = worker.get(f"/sessions/{group.id}/run", headers=JSON)
    assert response.status_code == 200 and response.is_json
    assert response.json == {"attendance": {str(first.id): "excused"}, "cancelled": False}
    assert "Accept" in response.headers["Vary"]
    assert first.name not in response.get_data(as_text=True)
    assert first.archive_code not in response.get_data(as_text=True)


def test_the_page_takes_a_constant_number_of_queries(worker, world):
    """Six queries for 3 members or 15, with or without attendance: the user, the
    session (program, template, curriculum, room, the user's link), the notes record,
    the activities, the members with their attendance, and their consent."""
    session = run_session(world, kind="group")
    members(session, 3)
    page(worker, session)  # warm up
    with count_queries() as small:
        page(worker, session)
    more = members(session, 12)
    for m in more:
        tap(worker, session, m, "present", T0)
    with count_queries() as large:
        page(worker, session)
    assert small.count == large.count == 7  # + whether the reflection is signed off (the lock)
    lesson = run_session(world, kind="classroom")
    with count_queries() as classroom:
        page(worker, lesson)
    assert classroom.count == 5  # no members to load; + the sign-off lock
