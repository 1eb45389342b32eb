"""Single Word downloads: a real .docx with the program's data, named by archive code (never a
student), not cached, audited; lesson plans mark what the teachers hold and carry no student
data; record documents only for the group's workers and their supervisor; nothing to export
when a program has no sessions. Who may call each route is in tests/access/exports.py."""

import pytest

from planner.audit.models import AuditEntry
from planner.curricula.models import Activity
from planner.exports import jobs
from planner.exports.models import ExportJob
from planner.sessions.archive import teachers_copy_at
from planner.sessions.models import Program, ProgramClass, Session
from tests import factories
from tests.conftest import login_as
from tests.exports import records
from tests.exports.helpers import body_text, parts
from tests.reflections import factories as rf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def group(world):
    return records.recorded_group(world)


@pytest.fixture
def lessons(world):
    """A three-lesson series for the teacher's class 7(1)班; lesson 3 is cancelled."""
    prog = rf.program(world, kind="classroom", sessions=3, title="青春期教育")
    third = rf.sessions_of(prog)[2]
    Session.update(status="cancelled").where(Session.id == third.id).execute()
    return prog


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    assert response.headers["Cache-Control"] == "no-store"
    records.opens(response.data)
    return response


# kind → (url of the world's group or lesson series, texts the body must hold)
CASES = {
    "group_plan": (
        lambda g, lessons: f"/programs/{g.program.id}/documents/group_plan.docx",
        ["小组计划书", "新生适应小组", "向日葵组", "第1课", "情绪波动——个别跟进"],
    ),
    "session_plan": (
        lambda g, lessons: f"/sessions/{g.sessions[0].id}/documents/session_plan.docx",
        ["单节活动计划", "向日葵组", records.MARKER_ACTIVITY, "2026年9月10日 周四"],
    ),
    "meeting_record": (
        lambda g, lessons: f"/sessions/{g.sessions[0].id}/documents/meeting_record.docx",
        ["小组活动记录表", "出席 1 人，缺席 1 人（共 2 人）", "课后单独谈一次", records.COMMENT],
    ),
    "evaluation_report": (
        lambda g, lessons: f"/programs/{g.program.id}/documents/evaluation_report.docx",
        ["小组总结评估报告", "小组目标达成自评（n = 2）", "+2.00", "整体出勤率：50.0%"],
    ),
    "lesson_plan": (
        lambda g, lessons: f"/programs/{lessons.id}/documents/lesson_plan.docx",
        ["社工课堂教案", "青春期教育", "7(1)班", "2 课", "第2课"],
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_is_a_word_document_with_the_programs_data(client, world, group, lessons, kind):
    url, expected = CASES[kind]
    login_as(client, world.worker)
    response = _get(client, url(group, lessons))
    text = body_text(response.data)
    for snippet in expected:
        assert snippet in text, snippet
    assert records.CANARY not in text  # a student is an archive code, even for the worker
    name = records.download_name(response)
    code = "JX-KT-2026-0001" if kind == "lesson_plan" else "JX-XZ-2026-0001"
    assert name.startswith(f"{code}_") and name.endswith(".docx")
    assert (
        records.CANARY not in name and records.CANARY not in response.headers["Content-Disposition"]
    )


def test_the_meeting_record_lists_attendance_by_archive_code(client, world, group):
    login_as(client, world.worker)
    text = body_text(
        _get(client, f"/sessions/{group.sessions[0].id}/documents/meeting_record.docx").data
    )
    canary, other = group.canary.archive_code, group.other.archive_code
    assert f"{canary}\n出席" in text and f"{other}\n缺席" in text
    # meeting 3: the canary came late, the other member has no mark
    third = body_text(
        _get(client, f"/sessions/{group.sessions[2].id}/documents/meeting_record.docx").data
    )
    assert f"{canary}\n迟到" in third and other not in third and "迟到 1 人（共 1 人）" in third


def test_the_cancelled_lesson_is_left_out_of_the_lesson_plan(client, world, lessons):
    login_as(client, world.teacher)
    text = body_text(_get(client, f"/programs/{lessons.id}/documents/lesson_plan.docx").data)
    assert "第1课" in text and "第2课" in text and "第3课" not in text


def test_archive_codes_are_issued_with_the_program_and_follow_the_pattern(
    client, world, group, lessons
):
    """Standard 9.4: the code is issued when the program is created (in the order programs
    are made), and a download only reads it."""
    second_group = rf.program(world, title="人际交往小组")
    assert Program.get_by_id(group.program.id).archive_code == "JX-XZ-2026-0001"
    assert Program.get_by_id(lessons.id).archive_code == "JX-KT-2026-0001"
    assert Program.get_by_id(second_group.id).archive_code == "JX-XZ-2026-0002"
    login_as(client, world.worker)
    first = _get(client, f"/programs/{group.program.id}/documents/group_plan.docx")
    assert records.download_name(first) == "JX-XZ-2026-0001_小组计划书_新生适应小组.docx"
    again = _get(client, f"/sessions/{group.sessions[1].id}/documents/session_plan.docx")
    assert records.download_name(again) == "JX-XZ-2026-0001_单节活动计划_新生适应小组_第2次.docx"
    lesson = _get(client, f"/programs/{lessons.id}/documents/lesson_plan.docx")
    assert records.download_name(lesson).startswith("JX-KT-2026-0001_")
    other = _get(client, f"/programs/{second_group.id}/documents/group_plan.docx")
    assert records.download_name(other).startswith("JX-XZ-2026-0002_")


def test_each_download_appends_one_audit_row_without_names(client, world, group, lessons):
    login_as(client, world.worker)
    urls = [
        f"/programs/{group.program.id}/documents/group_plan.docx",
        f"/sessions/{group.sessions[0].id}/documents/meeting_record.docx",
        f"/programs/{group.program.id}/documents/evaluation_report.docx",
        f"/programs/{lessons.id}/documents/lesson_plan.docx",
    ]
    for n, url in enumerate(urls, 1):
        _get(client, url)
        assert AuditEntry.select().count() == n
    rows = list(AuditEntry.select().order_by(AuditEntry.id))
    assert {(r.user_id, r.action, r.object_type) for r in rows} == {
        (world.worker.id, "export", "program")
    }
    assert [r.object_id for r in rows] == [group.program.id] * 3 + [lessons.id]
    assert [r.detail for r in rows] == [
        "group_plan JX-XZ-2026-0001",
        "meeting_record JX-XZ-2026-0001 #1",
        "evaluation_report JX-XZ-2026-0001",
        "lesson_plan JX-KT-2026-0001",
    ]


def test_a_lesson_plan_download_leaves_the_marks_for_a_deliberate_action(
    client, world, group, lessons
):
    """A teacher's download changes nothing but the audit log (PRIVACY_SECURITY.md §7): the
    "changed after export" marks stay until a worker posts 标记为已通知."""
    for prog in (lessons, group.program):
        Session.update(changed_after_export=True).where(Session.program == prog.id).execute()
    login_as(client, world.teacher)
    _get(client, f"/programs/{lessons.id}/documents/lesson_plan.docx")
    marked = Session.select().where((Session.program == lessons.id) & Session.changed_after_export)
    assert marked.count() == 3
    assert teachers_copy_at(lessons.id) is not None
    assert teachers_copy_at(group.program.id) is None
    assert client.post(f"/programs/{lessons.id}/notified").status_code == 403
    login_as(client, world.worker)
    page = client.get(f"/programs/{lessons.id}").get_data(as_text=True)
    assert "标记为已通知" in page and "教案已于" in page
    assert client.post(f"/programs/{lessons.id}/notified").status_code == 303
    assert marked.count() == 0
    # the other program's marks are its own
    assert (
        Session.select()
        .where((Session.program == group.program.id) & Session.changed_after_export)
        .count()
        == 6
    )
    assert "标记为已通知" not in client.get(f"/programs/{lessons.id}").get_data(as_text=True)


def test_the_teachers_lesson_plan_holds_no_student_data(client, world, group, lessons):
    canary = group.canary
    assert canary.school_class_id == world.cls.id  # a student of the teacher's own class
    login_as(client, world.teacher)
    plan = parts(_get(client, f"/programs/{lessons.id}/documents/lesson_plan.docx").data)
    everything = "\n".join(plan.values())
    for secret in (
        records.CANARY,
        canary.archive_code,
        canary.student_no,
        "课后单独谈一次",
        records.COMMENT,
    ):
        assert secret not in everything, secret
    # the check reads the whole package: the worker's meeting record has the canary's code
    login_as(client, world.worker)
    record = parts(
        _get(client, f"/sessions/{group.sessions[0].id}/documents/meeting_record.docx").data
    )
    assert canary.archive_code in "\n".join(record.values())


def test_record_documents_are_for_the_groups_workers_and_their_supervisor(client, world, group):
    meeting = f"/sessions/{group.sessions[0].id}/documents/meeting_record.docx"
    report = f"/programs/{group.program.id}/documents/evaluation_report.docx"
    plan = f"/programs/{group.program.id}/documents/group_plan.docx"
    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    their_supervisor = factories.user("supervisor", agency=world.agency, workers=[colleague])
    far_supervisor = factories.user("supervisor", agency=world.agency, workers=[world.worker_other])
    expected = [
        (world.worker, 200, 200, 200),
        (world.supervisor, 200, 200, 200),
        # the admin and a colleague of the same school see the plans, not the records
        (world.admin, 403, 403, 200),
        (colleague, 403, 403, 200),
        (their_supervisor, 403, 403, 200),
        # a supervisor whose workers are in another school doesn't see the group at all
        (far_supervisor, 404, 404, 404),
        (world.worker_other, 404, 404, 404),
    ]
    for user, *codes in expected:
        login_as(client, user)
        assert [client.get(u).status_code for u in (meeting, report, plan)] == codes, user.username
    login_as(client, world.teacher)  # the group has no class: not the teacher's program
    assert client.get(plan).status_code == 404


def test_a_teacher_gets_only_lesson_plans_of_their_own_classes(client, world):
    mine = rf.program(world, kind="classroom", sessions=2)
    theirs = rf.program(world, kind="classroom", sessions=2)
    ProgramClass.update(school_class=factories.school_class(school=world.school)).where(
        ProgramClass.program == theirs.id
    ).execute()
    login_as(client, world.teacher)
    assert client.get(f"/programs/{mine.id}/documents/lesson_plan.docx").status_code == 200
    assert client.get(f"/programs/{theirs.id}/documents/lesson_plan.docx").status_code == 404


def test_a_program_without_sessions_has_nothing_to_export(client, world):
    prog = rf.program(world, title="还没排期的小组")
    Session.delete().where(Session.program == prog.id).execute()
    message = str(jobs.NO_SESSIONS)
    assert message.startswith("这个开展计划还没有任何节次")
    login_as(client, world.worker)
    for response in (
        client.get(f"/programs/{prog.id}/documents/group_plan.docx"),
        client.post(f"/programs/{prog.id}/documents/zip", data={"kind": "all"}),
        client.post(
            f"/programs/{prog.id}/documents/zip",
            data={"kind": "all"},
            headers={"HX-Request": "true"},
        ),
    ):
        assert response.status_code == 422
        assert response.mimetype == "text/html" and message in response.get_data(as_text=True)
    assert ExportJob.select().count() == 0 and AuditEntry.select().count() == 0


def test_unknown_kinds_are_not_found(client, world, group):
    login_as(client, world.worker)
    prog, session = group.program.id, group.sessions[0].id
    for url in (
        f"/programs/{prog}/documents/minutes.docx",
        f"/programs/{prog}/documents/meeting_record.docx",  # a session's document
        f"/sessions/{session}/documents/group_plan.docx",  # a program's document
        f"/sessions/{session}/documents/minutes.docx",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/programs/{prog}/documents/zip", data={"kind": "minutes"}).status_code == 404
    )
    assert AuditEntry.select().count() == 0 and ExportJob.select().count() == 0


@pytest.mark.parametrize("kind", sorted(CASES))
def test_text_stored_with_control_characters_still_exports(client, world, group, lessons, kind):
    """Rows saved before the forms dropped control characters (a vertical tab pasted from
    Word into a title): python-docx refused them and the download was a 500."""
    for prog in (group.program, lessons):
        Program.update(title=f"{prog.title}\x0b", group_name="向日葵\x1f组").where(
            Program.id == prog.id
        ).execute()
    Activity.update(title=f"{records.MARKER_ACTIVITY}\x0c").where(
        Activity.title == records.MARKER_ACTIVITY
    ).execute()
    url, expected = CASES[kind]
    login_as(client, world.worker)
    text = body_text(_get(client, url(group, lessons)).data)
    for snippet in expected:
        assert snippet in text, snippet
    assert not any(char in text for char in "\x0b\x0c\x1f")
