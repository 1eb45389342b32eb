"""Students of a school: the list, the add/edit/archive forms, scoping and conflicts."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.i18n import local_today
from planner.students.models import GroupMember, Student
from tests import factories as base
from tests.conftest import login_as
from tests.students import factories as f
from tests.students.conftest import HTMX, inline_error, text

GOOD = {
    "name": "张小明",
    "gender": "男",
    "student_no": "20240101",
    "birth_date": "2013-04-02",
    "guardian_name": "张伟",
    "guardian_phone": "13800001111",
}


def good(world, **kw):
    return dict(GOOD, school_class=str(world.cls.id), **kw)


# ---- the list ------------------------------------------------------------------------


def test_list_shows_code_name_class_grade_and_consent_per_purpose(worker, world):
    s = f.student(world.school, world.cls, name="李四", archive_code="JX-ST-2026-0007")
    f.consent(s, "participation")
    f.consent(s, "observation", withdrawn_on=local_today())
    html = text(worker.get(f"/schools/{world.school.id}/students"))
    assert "JX-ST-2026-0007" in html and "李四" in html and "7(1)班" in html
    row = html[html.index(f'href="/students/{s.id}"') :].split("</tr>")[0]
    # attendance, observation (withdrawn today: not active), screening and casework
    assert row.count("已同意") == 1 and row.count("未同意") == 4


@pytest.mark.parametrize("persona", ["admin", "supervisor", "worker"])
def test_names_are_visible_to_the_schools_staff(client, world, persona):
    """The school's worker and the admin see every student; the supervisor those in the
    groups of the worker they supervise (tests/privilege/test_supervisor_scope.py)."""
    s = f.student(world.school, world.cls, name="王五")
    GroupMember.create(program=f.group(world), student=s)
    login_as(client, getattr(world, persona))
    assert "王五" in text(client.get(f"/schools/{world.school.id}/students"))


def test_teachers_get_403_and_other_schools_404(client, world):
    f.student(world.school, world.cls, name="王五")
    login_as(client, world.teacher)
    assert client.get(f"/schools/{world.school.id}/students").status_code == 403
    login_as(client, world.worker_other)
    assert client.get(f"/schools/{world.school.id}/students").status_code == 404
    login_as(client, world.worker)
    assert client.get(f"/schools/{world.foreign_school.id}/students").status_code == 404


def test_list_filters_by_class_and_archived(worker, world):
    other_cls = base.school_class(school=world.school, name="8(2)班", grade=8)
    f.student(world.school, world.cls, name="甲同学")
    f.student(world.school, other_cls, name="乙同学")
    f.student(world.school, world.cls, name="丙同学", archived=True)
    html = text(worker.get(f"/schools/{world.school.id}/students?class={other_cls.id}"))
    assert "乙同学" in html and "甲同学" not in html and "丙同学" not in html
    html = text(worker.get(f"/schools/{world.school.id}/students?archived=1"))
    assert "丙同学" in html and "甲同学" not in html


def test_list_pages_by_one_hundred(worker, world):
    for _ in range(105):
        f.student(world.school, world.cls)
    html = text(worker.get(f"/schools/{world.school.id}/students"))
    assert "共 105 人" in html and html.count('href="/students/') == 100
    html = text(worker.get(f"/schools/{world.school.id}/students?page=2"))
    assert html.count('href="/students/') == 5


def test_list_query_count_is_constant(worker, world):
    f.consenting(world.school, world.cls)
    worker.get(f"/schools/{world.school.id}/students")
    with count_queries() as small:
        worker.get(f"/schools/{world.school.id}/students")
    for _ in range(30):
        f.consenting(world.school, world.cls, purposes=("participation", "attendance"))
    with count_queries() as large:
        assert text(worker.get(f"/schools/{world.school.id}/students")).count("已同意") == 61
    assert small.count == large.count


# ---- adding --------------------------------------------------------------------------


def test_add_a_student_issues_an_archive_code(worker, world):
    assert worker.get(f"/schools/{world.school.id}/students/new").status_code == 200
    response = worker.post(f"/schools/{world.school.id}/students/new", data=good(world))
    assert response.status_code == 303
    created = Student.get(Student.student_no == "20240101")
    assert response.location == f"/students/{created.id}"
    year = local_today().year
    assert created.archive_code == f"JX-ST-{year}-0001"
    assert (created.name, created.gender, created.birth_date, created.school_class_id) == (
        "张小明",
        "男",
        dt.date(2013, 4, 2),
        world.cls.id,
    )
    assert "张小明" not in response.location


def test_add_with_htmx_goes_to_the_record(worker, world):
    response = worker.post(
        f"/schools/{world.school.id}/students/new", data=good(world), headers=HTMX
    )
    assert response.status_code == 204 and "/students/" in response.headers["HX-Location"]


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": ""}, "name", "此项为必填项。"),
        ({"student_no": "   "}, "student_no", "此项为必填项。"),
        ({"name": "名" * 41}, "name", "最多 40 个字。"),
        ({"student_no": "1" * 31}, "student_no", "最多 30 个字。"),
        ({"school_class": "七年级"}, "school_class", "请输入整数。"),
        ({"school_class": ""}, "school_class", "此项为必填项。"),
        ({"gender": "未知"}, "gender", "请选择有效的选项。"),
        ({"birth_date": "2013-02-30"}, "birth_date", "请输入有效日期（年-月-日）。"),
        ({"birth_date": "2099-01-01"}, "birth_date", "日期不能晚于今天。"),
        ({"birth_date": "1900-01-01"}, "birth_date", "请检查出生日期。"),
        ({"guardian_phone": "call me"}, "guardian_phone", "请输入有效的电话号码。"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    worker, world, change, field, message
):
    response = worker.post(
        f"/schools/{world.school.id}/students/new", data=dict(good(world), **change)
    )
    assert response.status_code == 422
    assert inline_error(text(response), field) == message
    assert Student.select().count() == 0


def test_a_class_of_another_school_is_refused(worker, world):
    data = dict(good(world), school_class=str(world.other_cls.id))
    response = worker.post(f"/schools/{world.school.id}/students/new", data=data)
    assert response.status_code == 422
    assert inline_error(text(response), "school_class") == "请选择本校的班级。"


def test_a_duplicate_student_number_is_refused(worker, world):
    f.student(world.school, world.cls, student_no="20240101")
    response = worker.post(f"/schools/{world.school.id}/students/new", data=good(world))
    assert response.status_code == 422
    assert inline_error(text(response), "student_no") == "本校已有该学号的学生。"
    assert Student.select().count() == 1


def test_the_same_number_in_another_school_is_fine(client, world):
    f.student(world.other_school, world.other_cls, student_no="20240101")
    login_as(client, world.worker)
    assert (
        client.post(f"/schools/{world.school.id}/students/new", data=good(world)).status_code == 303
    )


@pytest.mark.parametrize(
    "persona, status", [("supervisor", 403), ("teacher", 403), ("worker_other", 404)]
)
def test_only_the_schools_workers_and_admins_add(client, world, persona, status):
    login_as(client, getattr(world, persona))
    assert (
        client.post(f"/schools/{world.school.id}/students/new", data=good(world)).status_code
        == status
    )
    assert Student.select().count() == 0


# ---- editing and archiving -------------------------------------------------------------


def test_edit_a_student(worker, world):
    s = f.student(world.school, world.cls)
    page = text(worker.get(f"/students/{s.id}/edit"))
    assert f'name="version" value="{s.version}"' in page
    response = worker.post(f"/students/{s.id}/edit", data=good(world, version=str(s.version)))
    assert response.status_code == 303
    saved = Student.get_by_id(s.id)
    assert (saved.name, saved.version, saved.archive_code) == (
        "张小明",
        s.version + 1,
        s.archive_code,
    )


def test_an_edit_can_clear_optional_fields(worker, world):
    s = f.student(world.school, world.cls, guardian_phone="13800001111")
    data = dict(good(world, version=str(s.version)), guardian_phone="", birth_date="")
    assert worker.post(f"/students/{s.id}/edit", data=data).status_code == 303
    saved = Student.get_by_id(s.id)
    assert (saved.guardian_phone, saved.birth_date) == ("", None)


def test_concurrent_edit_gets_the_conflict_screen(client, world):
    s = f.student(world.school, world.cls)
    first, second = client, client.application.test_client()
    login_as(first, world.worker)
    login_as(second, world.admin)
    opened = str(s.version)
    assert (
        first.post(
            f"/students/{s.id}/edit", data=good(world, version=opened, name="第一人")
        ).status_code
        == 303
    )
    late = second.post(f"/students/{s.id}/edit", data=good(world, version=opened, name="第二人"))
    assert late.status_code == 409
    assert "保存冲突" in text(late)
    assert Student.get_by_id(s.id).name == "第一人"


def test_edit_refuses_a_duplicate_number(worker, world):
    f.student(world.school, world.cls, student_no="20240101")
    s = f.student(world.school, world.cls)
    response = worker.post(f"/students/{s.id}/edit", data=good(world, version=str(s.version)))
    assert response.status_code == 422
    assert inline_error(text(response), "student_no") == "本校已有该学号的学生。"


def test_edit_without_a_version_is_refused(worker, world):
    s = f.student(world.school, world.cls)
    response = worker.post(f"/students/{s.id}/edit", data=good(world))
    assert response.status_code == 422 and Student.get_by_id(s.id).name == s.name


def test_another_schools_student_is_404(client, world):
    s = f.student(world.other_school, world.other_cls)
    login_as(client, world.worker)
    for url in (f"/students/{s.id}", f"/students/{s.id}/edit"):
        assert client.get(url).status_code == 404
    assert client.post(f"/students/{s.id}/archive").status_code == 404
    assert client.get("/students/999999").status_code == 404


def test_archive_and_restore(worker, world):
    s = f.student(world.school, world.cls, name="归档生")
    assert worker.post(f"/students/{s.id}/archive").status_code == 303
    assert Student.get_by_id(s.id).archived
    assert "归档生" not in text(worker.get(f"/schools/{world.school.id}/students"))
    assert worker.post(f"/students/{s.id}/archive", data={"restore": "1"}).status_code == 303
    assert not Student.get_by_id(s.id).archived


def test_supervisor_reads_a_record_but_cannot_change_it(client, world):
    s = f.student(world.school, world.cls, name="督导看")
    GroupMember.create(program=f.group(world), student=s)  # in the supervised worker's group
    login_as(client, world.supervisor)
    html = text(client.get(f"/students/{s.id}"))
    assert "督导看" in html and "登记同意" not in html and "/edit" not in html
    assert client.get(f"/students/{s.id}/edit").status_code == 403
    assert client.post(f"/students/{s.id}/archive").status_code == 403


def test_the_record_page_title_is_the_code_not_the_name(worker, world):
    s = f.student(world.school, world.cls, name=f.CANARY)
    html = text(worker.get(f"/students/{s.id}"))
    title = html[html.index("<title>") : html.index("</title>")]
    assert s.archive_code in title and f.CANARY not in title


def test_record_page_query_count_is_constant(worker, world):
    few = f.consenting(world.school, world.cls)
    many = f.consenting(
        world.school, world.cls, purposes=("participation", "attendance", "observation")
    )
    f.member(f.group(world), few)  # both in the worker's caseload: the same audit rows
    for _ in range(3):
        f.member(f.group(world), many)
    worker.get(f"/students/{few.id}")
    with count_queries() as a:
        assert worker.get(f"/students/{few.id}").status_code == 200
    with count_queries() as b:
        assert worker.get(f"/students/{many.id}").status_code == 200
    assert a.count == b.count
