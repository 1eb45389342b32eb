"""Student names kept out of teacher-visible free text (PRIVACY §3): a program's title and
group name, a cancelled session's reason and a curriculum session's title are checked
against the names of the school's (or the agency's) students. A match is refused with a
message naming the field, never a student; a name from another school passes."""

import pytest
from playhouse.test_utils import count_queries

from planner.curricula import editor
from planner.curricula.models import SessionTemplate
from planner.db import now
from planner.errors import PlannerError
from planner.sessions.models import Program, Session
from planner.sessions.services import cancel_session
from planner.students.models import Student
from planner.students.names import name_errors
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.reflections import factories as rf
from tests.sessions.factories import periods, statutory
from tests.sessions.test_program_views import form, url
from tests.students.factories import CANARY, student

OTHER = "林晓风"  # a second student of the school: never echoed in a refusal


@pytest.fixture
def planning(world, client):
    """The calendar and a curriculum to plan with, as the world's worker."""
    statutory()
    cal = periods(world.school)
    login_as(client, world.worker)
    return cal, curriculum(sessions=6, slug="names-plan")


@pytest.fixture
def pupils(world):
    student(world.school, world.cls, name=CANARY)
    student(world.school, world.cls, name=OTHER)
    student(world.other_school, world.other_cls, name="宋外校")


@pytest.mark.parametrize(
    "field, label",
    [("title", "计划名称"), ("group_name", "小组名称")],
)
def test_a_student_name_in_a_program_title_is_refused(
    client, world, planning, pupils, field, label
):
    cal, c = planning
    data = form(world, c, cal, action="save", **{field: f"{CANARY}的成长计划"})
    response = client.post(url(world), data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"“{label}”中含有本校学生的姓名" in body
    assert OTHER not in body
    assert Program.select().count() == 0


def test_a_name_not_in_this_school_passes(client, world, planning, pupils):
    cal, c = planning
    data = form(world, c, cal, action="save", title="宋外校读书会", group_name="")
    assert client.post(url(world), data=data).status_code == 303
    assert Program.get().title == "宋外校读书会"


@pytest.mark.usefixtures("before_term")  # its sessions still to come
def test_a_student_name_in_a_cancel_reason_is_refused(client, world, pupils):
    prog = rf.program(world)
    first = rf.sessions_of(prog)[0]
    login_as(client, world.worker)
    cancel = f"/programs/{prog.id}/sessions/{first.id}/cancel"
    response = client.post(cancel, data={"reason": f"{CANARY}生病请假"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“取消原因”中含有本校学生的姓名" in body
    assert OTHER not in body
    assert Session.get_by_id(first.id).status == "planned"
    # an ordinary reason still cancels
    assert client.post(cancel, data={"reason": "学校运动会"}).status_code == 303
    assert Session.get_by_id(first.id).cancel_reason == "学校运动会"


@pytest.mark.usefixtures("before_term")  # its sessions still to come
def test_cancel_service_refuses_a_name_with_the_field(world, pupils):
    prog = rf.program(world)
    first = rf.sessions_of(prog)[0]
    with pytest.raises(PlannerError) as caught:
        cancel_session(first, prog, world.worker, f"因{CANARY}缺席")
    assert caught.value.field == "reason"
    assert CANARY not in str(caught.value.message)


def test_a_student_name_in_a_curriculum_session_title_is_refused(world, pupils):
    draft = curriculum(agency=world.agency, status="draft", slug="names-draft")
    template = draft.sessions[0]
    values = {"title": f"认识{CANARY}", "edit_version": template.edit_version}
    with pytest.raises(PlannerError) as caught:
        editor.save_session(template, draft, world.worker, values, [])
    assert caught.value.field == "title"
    assert "“本节标题”中含有本校学生的姓名" in str(caught.value.message)
    assert SessionTemplate.get_by_id(template.id).title == template.title


def test_bad_paths_of_the_name_check(world, pupils):
    """Empty text passes without a query; a one-letter name, an anonymised student and
    another agency's student never match; every offending field is reported at once."""
    labels = {"title": "计划名称", "group_name": "小组名称"}
    with count_queries() as counted:
        assert name_errors({"title": "", "group_name": "   "}, labels, [world.school.id]) == {}
    assert counted.count == 0
    student(world.school, world.cls, name="王")
    gone = student(world.school, world.cls, name="匿名已删")
    Student.update(anonymised_at=now()).where(Student.id == gone.id).execute()
    texts = {"title": "王老师的课 匿名已删 宋外校", "group_name": "向日葵组"}
    assert name_errors(texts, labels, [world.school.id]) == {}
    found = name_errors(
        {"title": f"{CANARY}组", "group_name": f"{OTHER}组"}, labels, [world.school.id]
    )
    assert set(found) == {"title", "group_name"}
    assert all(CANARY not in str(m) and OTHER not in str(m) for m in found.values())
    # by agency (a curriculum's session title): every school of the agency, no other agency
    student(world.foreign_school, None, name="外机构生")
    assert set(name_errors({"title": "宋外校"}, labels, agency_id=world.agency.id)) == {"title"}
    assert name_errors({"title": "外机构生"}, labels, agency_id=world.agency.id) == {}
