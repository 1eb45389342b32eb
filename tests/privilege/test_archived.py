"""An archived student stops being processed: hidden from the roster, the run page and the
reflection's follow-up choices; a tap or a score for them is refused with a message and
nothing is saved. The membership row stays (history), so each test archives a member."""

from planner.evaluation.models import Score
from planner.evaluation.services import goals_stamp
from planner.reflections.models import FollowUp
from planner.runs.models import Attendance
from planner.students.models import Student
from tests.conftest import login_as
from tests.evaluation import factories as ef
from tests.reflections import factories as rf
from tests.reflections.test_form import group_form
from tests.runs.conftest import tap
from tests.runs.factories import members, run_session


def archive(student):
    Student.update(archived=True).where(Student.id == student.id).execute()


def test_archived_member_is_absent_from_the_roster(client, world):
    group = rf.consenting_group(world)
    archive(group.ok)
    login_as(client, world.worker)
    html = client.get(f"/programs/{group.program.id}/roster").get_data(as_text=True)
    assert "李小红" in html
    assert "张小明" not in html


def test_archived_member_has_no_tile_and_a_tap_is_refused(client, world):
    session = run_session(world, kind="group")
    kept, gone = members(session, 2)
    archive(gone)
    login_as(client, world.worker)
    html = client.get(f"/sessions/{session.id}/run").get_data(as_text=True)
    assert kept.name in html
    assert gone.name not in html
    refused = tap(client, session, gone, "present")
    assert refused.status_code == 422
    assert "该学生档案已归档，不再记录出勤。" in refused.get_json()["error"]
    assert Attendance.select().count() == 0
    # the other member is still recorded
    assert tap(client, session, kept, "present").status_code == 200
    assert Attendance.select().count() == 1


def test_archived_member_is_not_a_follow_up_choice(client, world):
    group = rf.consenting_group(world)
    archive(group.ok)
    login_as(client, world.worker)
    url = f"/sessions/{group.sessions[0].id}/reflection"
    page = client.get(url).get_data(as_text=True)
    assert f'name="fu_note_{group.ok2.id}"' in page
    assert f'name="fu_note_{group.ok.id}"' not in page
    assert "张小明" not in page
    data = group_form(**{f"fu_flag_{group.ok.id}": "on", f"fu_note_{group.ok.id}": "不该保存"})
    assert client.post(url, data=data).status_code == 422
    assert FollowUp.select().count() == 0


def test_a_score_for_an_archived_member_is_refused(client, world):
    inst = ef.instruments()
    group = rf.consenting_group(world)
    archive(group.ok)
    login_as(client, world.worker)
    items = inst["group-goal-self-rating"].items
    data = {f"a_{i['key']}": "4" for i in items} | {"version": "0"}
    url = f"/programs/{group.program.id}/members/{group.ok.id}/scores/group-goal-self-rating/pre"
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "该学生档案已归档，不再处理其信息，不能记录评估。" in response.get_data(as_text=True)
    assert Score.select().count() == 0
    # a member who is not archived is scored as before
    other = url.replace(f"/members/{group.ok.id}/", f"/members/{group.ok2.id}/")
    assert client.post(other, data=data).status_code == 303
    assert Score.select().count() == 1


def test_archived_member_gas_goals_are_refused(client, world):
    ef.instruments()
    group = rf.consenting_group(world)
    archive(group.ok)
    login_as(client, world.worker)
    url = f"/programs/{group.program.id}/members/{group.ok.id}/gas"
    stamp = client.get(url).get_data(as_text=True)
    assert "stamp" in stamp
    data = {"stamp": goals_stamp([]), "g1_text": "能说出三种情绪", "g1_weight": "1"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "该学生档案已归档" in response.get_data(as_text=True)
