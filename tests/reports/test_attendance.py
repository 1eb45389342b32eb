"""出勤报表 (planner.reports.attendance): the counts of a small hand-built term worked out in
the comments, the scope of each role, the page (audit, no names, constant query count) and
the xlsx export (counts read back with openpyxl, names only on the worker's own choice,
never in the file name)."""

import datetime as dt
import io
import types

import pytest
from openpyxl import load_workbook
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.errors import FORBIDDEN, PlannerError
from planner.evaluation.compute import fmt_pct
from planner.i18n import local_today
from planner.reports.attendance import attendance_export, attendance_report
from planner.runs.models import SessionRecord
from planner.schools.models import Term
from planner.sessions.models import Session
from planner.students.models import Student
from tests import factories
from tests.conftest import login_as
from tests.exports.records import download_name
from tests.reflections import factories as rf

WEEK = dt.timedelta(weeks=1)
CANARY = "金丝雀同学"


def _cancel(session):
    Session.update(status="cancelled").where(Session.id == session.id).execute()


def _marks(session, students, statuses):
    for student, status in zip(students, statuses):
        if status:
            rf.attendance(session, student, status)


@pytest.fixture
def term(world):
    """The world's worker runs a classroom series for 7(1)班 and a group of five; a
    colleague of 甲校 (not supervised by the world's supervisor) runs another group; the
    other school's worker a third."""
    today = local_today()
    name = Term.get_by_id(world.term.id).name
    Term.update(name=name).where(Term.id == world.other_term.id).execute()
    # 7(1)班: the five members, five more students and one archived (not counted) → 10
    kids = [rf.student(world, name=CANARY if i == 0 else f"组员{i}") for i in range(5)]
    for _ in range(5):
        rf.student(world)
    rf.student(world, archived=True)
    # lessons: 9 and 8 delivered; the cancelled one's 35 doesn't count; today's has no
    # record; next week's 7 is in the future → 2 lessons, 17 of 2 × 10 = 85%
    lessons = rf.program(world, kind="classroom", sessions=5, first=today - 3 * WEEK)
    s = rf.sessions_of(lessons)
    for session, n in zip(s, (9, 8, 35, None, 7)):
        if n is not None:
            rf.headcount(session, n)
    _cancel(s[2])
    SessionRecord.create(session=s[3], notes="只有备注")
    # the group: meetings 3 weeks and 2 weeks ago held; last week's cancelled (its mark
    # doesn't count); today's without marks; next week's not yet → 2 held
    group = rf.program(world, sessions=5, first=today - 3 * WEEK)
    rf.members(group, *kids)
    s = rf.sessions_of(group)
    _marks(s[0], kids, ["present", "late", "left_early", "excused", "absent"])
    _marks(s[1], kids, ["present", "absent", "excused", "present", None])
    _marks(s[2], kids, ["absent"])
    _cancel(s[2])
    # a colleague's group in 甲校 and the other school's group, one held meeting each
    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    theirs = rf.program(world, sessions=1, workers=[colleague], first=today - WEEK)
    other_kid = rf.student(world, name="别组学生")
    Student.update(school_class=None).where(Student.id == other_kid.id).execute()
    rf.members(theirs, other_kid)
    rf.attendance(rf.sessions_of(theirs)[0], other_kid, "present")
    far = types.SimpleNamespace(
        school=world.other_school,
        term=world.other_term,
        room=world.other_room,
        cls=world.other_cls,
        worker=world.worker_other,
    )
    yi_group = rf.program(far, sessions=1, first=today - WEEK)
    yi_kid = rf.student(far, name="乙校学生")
    rf.members(yi_group, yi_kid)
    rf.attendance(rf.sessions_of(yi_group)[0], yi_kid, "present")
    return types.SimpleNamespace(
        name=name, kids=kids, lessons=lessons, group=group, theirs=theirs, yi_group=yi_group
    )


def test_counts_follow_the_statistics_rules(world, term):
    report = attendance_report(world.worker, term.name, local_today())
    (row,) = report.classes
    assert (row["lessons"], row["headcount"], row["size"]) == (2, 17, 10)
    assert row["rate"] == pytest.approx(0.85) and row["classes"] == "7(1)班"
    rows = [r for r in report.students if r["program"] == term.group.id]
    assert [r["student"] for r in rows] == sorted(
        (k.id for k in term.kids), key=lambda i: Student.get_by_id(i).archive_code
    )
    got = {
        r["student"]: (r["held"], r["attended"], r["excused"], r["absent"], r["unmarked"])
        for r in rows
    }
    k = term.kids
    assert got == {
        k[0].id: (2, 2, 0, 0, 0),  # present, present (the cancelled meeting's absent ignored)
        k[1].id: (2, 1, 0, 1, 0),  # late counts as attended; absent
        k[2].id: (2, 1, 1, 0, 0),  # left early counts; excused is not absent
        k[3].id: (2, 1, 1, 0, 0),
        k[4].id: (2, 0, 0, 1, 1),  # absent, then no mark at a held meeting
    }
    assert [r["rate"] for r in rows][:2] == [1.0, 0.5]


def test_each_role_sees_its_own_groups(world, term):
    today = local_today()
    worker = {r["program"] for r in attendance_report(world.worker, term.name, today).students}
    assert worker == {term.group.id}  # not the colleague's group of the same school
    sup = {r["program"] for r in attendance_report(world.supervisor, term.name, today).students}
    assert sup == {term.group.id}  # her worker's group only
    admin = {r["program"] for r in attendance_report(world.admin, term.name, today).students}
    assert admin == {term.group.id, term.theirs.id, term.yi_group.id}
    other = attendance_report(world.worker_other, term.name, today)
    assert {r["program"] for r in other.students} == {term.yi_group.id} and other.classes == []
    with pytest.raises(PlannerError) as err:
        attendance_report(world.teacher, term.name, today)
    assert err.value.kind == FORBIDDEN


def test_the_page_shows_codes_and_audits_the_read(client, world, term):
    login_as(client, world.worker)
    before = AuditEntry.select().where(AuditEntry.action == "view_student_list").count()
    response = client.get(f"/stats/attendance?term={term.name}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert term.kids[0].archive_code in html and CANARY not in html
    assert f'id="student-row-{term.group.id}-{term.kids[4].id}"' in html
    row = html.split(f'id="class-row-{term.lessons.id}"', 1)[1].split("</tr>", 1)[0]
    assert (
        '<td data-key="size">10</td>' in row and f'<td data-key="rate">{fmt_pct(0.85)}</td>' in row
    )
    assert "含姓名（仅限本人小组）" in html
    entry = (
        AuditEntry.select()
        .where(AuditEntry.action == "view_student_list")
        .order_by(AuditEntry.id.desc())
        .first()
    )
    assert AuditEntry.select().where(AuditEntry.action == "view_student_list").count() == (
        before + 1
    )
    assert entry.user_id == world.worker.id and str(term.kids[0].id) in entry.detail
    assert CANARY not in entry.detail


def test_the_statistics_page_links_to_it(client, world, term):
    login_as(client, world.worker)
    html = client.get(f"/stats?term={term.name}").get_data(as_text=True)
    assert 'id="attendance-link"' in html and "/stats/attendance?term=" in html


def test_the_program_and_term_pages_link_to_it_for_staff_only(client, world, term):
    login_as(client, world.worker)
    html = client.get(f"/programs/{term.group.id}").get_data(as_text=True)
    assert 'id="attendance-link"' in html and "/stats/attendance?term=" in html
    html = client.get(f"/terms/{world.term.id}/overview").get_data(as_text=True)
    assert 'id="attendance-link"' in html
    login_as(client, world.teacher)
    html = client.get(f"/programs/{term.lessons.id}").get_data(as_text=True)
    assert 'id="attendance-link"' not in html


def test_others_get_no_names_choice_and_teachers_nothing(client, world, term):
    login_as(client, world.supervisor)
    html = client.get(f"/stats/attendance?term={term.name}").get_data(as_text=True)
    assert "含姓名（仅限本人小组）" not in html and CANARY not in html
    login_as(client, world.teacher)
    assert client.get(f"/stats/attendance?term={term.name}").status_code == 403
    assert client.get(f"/stats/attendance.xlsx?term={term.name}").status_code == 403


def test_a_term_out_of_view_answers_404(client, world, term):
    login_as(client, world.worker)
    assert client.get("/stats/attendance?term=不存在的学期").status_code == 404
    assert client.get("/stats/attendance.xlsx?term=不存在的学期").status_code == 404
    foreign_admin = factories.user("admin", agency=world.foreign_school.agency)
    login_as(client, foreign_admin)
    assert client.get(f"/stats/attendance?term={term.name}").status_code == 404
    assert client.get(f"/stats/attendance.xlsx?term={term.name}").status_code == 404


def _sheets(data):
    book = load_workbook(io.BytesIO(data))
    return [list(r) for r in book["班级"].iter_rows(values_only=True)], [
        list(r) for r in book["学生"].iter_rows(values_only=True)
    ]


def test_the_export_holds_the_counts_and_codes_only(client, world, term):
    login_as(client, world.worker)
    response = client.get(f"/stats/attendance.xlsx?term={term.name}&names=0")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    name = download_name(response)
    assert name.endswith(".xlsx") and "出勤报表" in name
    for kid in term.kids:
        assert kid.name not in name and kid.name not in response.headers["Content-Disposition"]
    classes, students = _sheets(response.data)
    assert classes[0] == ["课程编号", "课程", "班级", "已上课节数", "人次", "班级人数", "出勤率"]
    assert classes[1][3:] == [2, 17, 10, 0.85]
    assert "姓名" not in students[0] and students[0][4:9] == [
        "已开展次数",
        "出勤次数",
        "请假",
        "缺席",
        "未记录",
    ]
    by_code = {r[2]: r for r in students[1:]}
    assert by_code[term.kids[4].archive_code][4:9] == [2, 0, 0, 1, 1]
    assert by_code[term.kids[2].archive_code][4:9] == [2, 1, 1, 0, 0]
    flat = [str(c) for row in classes + students for c in row]
    assert not any(CANARY in c for c in flat)
    entry = AuditEntry.select().where(AuditEntry.action == "export").order_by(AuditEntry.id.desc())
    assert entry.first().object_type == "attendance" and "names=0" in entry.first().detail


def test_the_worker_may_ask_for_names_in_her_own_export(client, world, term):
    login_as(client, world.worker)
    response = client.get(f"/stats/attendance.xlsx?term={term.name}&names=1")
    assert response.status_code == 200 and CANARY not in download_name(response)
    _classes, students = _sheets(response.data)
    assert students[0][3] == "姓名"
    assert CANARY in [r[3] for r in students[1:]]
    assert "别组学生" not in [r[3] for r in students[1:]]  # a colleague's group isn't hers
    last = AuditEntry.select().where(AuditEntry.action == "export").order_by(AuditEntry.id.desc())
    assert "names=1" in last.first().detail


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_names_are_refused_for_others_groups(client, world, term, who):
    login_as(client, getattr(world, who))
    before = AuditEntry.select().where(AuditEntry.action == "export").count()
    response = client.get(f"/stats/attendance.xlsx?term={term.name}&names=1")
    assert response.status_code == 403
    assert "只有社工本人小组的导出可以含姓名。" in response.get_data(as_text=True)
    assert AuditEntry.select().where(AuditEntry.action == "export").count() == before
    with pytest.raises(PlannerError):
        attendance_export(getattr(world, who), term.name, local_today(), names=True)
    ok = client.get(f"/stats/attendance.xlsx?term={term.name}")
    assert ok.status_code == 200  # codes only: allowed


@pytest.mark.parametrize("bad", ["2", "yes", "", "1" * 300])
def test_a_bad_names_choice_is_refused_with_a_message(client, world, term, bad):
    login_as(client, world.worker)
    response = client.get(f"/stats/attendance.xlsx?term={term.name}&names={bad}")
    assert response.status_code == 422
    assert "请选择是否含姓名。" in response.get_data(as_text=True)


def test_the_page_queries_do_not_grow_with_the_term(client, world, term):
    login_as(client, world.supervisor)
    url = f"/stats/attendance?term={term.name}"
    with count_queries() as small:
        assert client.get(url).status_code == 200
    today = local_today()
    for _ in range(3):  # three more groups of the worker, with members and marks
        group = rf.program(world, sessions=3, first=today - 2 * WEEK)
        kids = [rf.student(world) for _ in range(4)]
        rf.members(group, *kids)
        for session in rf.sessions_of(group)[:2]:
            _marks(session, kids, ["present", "absent", "excused", "late"])
        rf.headcount(rf.sessions_of(rf.program(world, kind="classroom", sessions=1))[0], 5)
    with count_queries() as large:
        html = client.get(url).get_data(as_text=True)
    assert html.count('id="student-row-') == 5 + 12
    assert small.count == large.count == 11  # user, term names, 8 of the report, audit


def test_a_title_that_looks_like_a_formula_stays_text(client, world, term):
    """A program titled "=HYPERLINK(…)" must not run when the school opens the workbook
    (openpyxl stores a string starting with "=" as a formula unless told otherwise)."""
    from planner.sessions.models import Program

    hostile = '=HYPERLINK("http://example.com","点我")'
    Program.update(title=hostile).where(Program.id == term.lessons.id).execute()
    login_as(client, world.worker)
    response = client.get(f"/stats/attendance.xlsx?term={term.name}&names=0")
    book = load_workbook(io.BytesIO(response.data))
    cells = [c for row in book["班级"].iter_rows() for c in row if c.value == hostile]
    assert cells and all(c.data_type == "s" for c in cells)
