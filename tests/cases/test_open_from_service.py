"""A case opened from a 社工信箱 letter or a student consultation (issue 18): the button on
the letter page and on the consultation list, the case's source and its reference, and the
refusals: an anonymous letter, a parent consultation, another worker's record, another
school's, a student with an open case already."""

import pytest

from planner.cases import services
from planner.cases.models import Case
from planner.errors import CONFLICT, FORBIDDEN, NOT_FOUND, PlannerError
from tests import factories
from tests.cases import factories as cf
from tests.conftest import login_as
from tests.service import factories as vf


def test_a_letter_opens_a_case_from_its_page(app, world):
    child = vf.student(world, name="写信的学生")
    letter = vf.letter(world, student=child)
    client = login_as(app.test_client(), world.worker)
    page = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert 'id="letter-open-case"' in page
    response = client.post(f"/letters/{letter.id}/case")
    assert response.status_code == 303
    case = Case.get()
    assert (case.source, case.letter_id, case.student_id) == ("letter", letter.id, child.id)
    assert case.consultation_id is None and case.worker_id == world.worker.id
    assert response.location.endswith(f"/cases/{case.id}")


def test_a_student_consultation_opens_a_case_from_the_list(app, world):
    child = vf.student(world, name="咨询的学生")
    talk = vf.consultation(world, kind="student", student=child)
    parents = vf.consultation(world, kind="parent", people=2)
    client = login_as(app.test_client(), world.worker)
    page = client.get(f"/schools/{world.school.id}/consultations").get_data(as_text=True)
    assert f'id="consultation-open-case-{talk.id}"' in page
    assert f'id="consultation-open-case-{parents.id}"' not in page
    assert client.post(f"/consultations/{talk.id}/case").status_code == 303
    case = Case.get()
    assert (case.source, case.consultation_id, case.student_id) == (
        "consultation",
        talk.id,
        child.id,
    )
    assert client.post(f"/consultations/{parents.id}/case").status_code == 422
    assert Case.select().count() == 1


def test_an_anonymous_letter_opens_none(app, world):
    letter = vf.letter(world)
    client = login_as(app.test_client(), world.worker)
    assert 'id="letter-open-case"' not in client.get(f"/letters/{letter.id}").get_data(as_text=True)
    with pytest.raises(PlannerError) as err:
        services.open_from_letter(world.worker, letter.id)
    assert err.value.field == "student_id"
    assert client.post(f"/letters/{letter.id}/case").status_code == 422
    assert Case.select().count() == 0


def test_one_open_case_per_student(app, world):
    child = vf.student(world, name="已有个案")
    cf.case(world, child)
    letter = vf.letter(world, student=child)
    with pytest.raises(PlannerError) as err:
        services.open_from_letter(world.worker, letter.id)
    assert err.value.kind == CONFLICT
    assert Case.select().count() == 1
    client = login_as(app.test_client(), world.worker)
    assert client.post(f"/letters/{letter.id}/case").status_code == 409


def test_only_the_records_own_worker_at_her_school(app, world):
    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    theirs = vf.letter(world, student=vf.student(world), worker=colleague)
    with pytest.raises(PlannerError) as err:
        services.open_from_letter(world.worker, theirs.id)
    assert err.value.kind == FORBIDDEN
    elsewhere = vf.consultation(
        types_world(world), kind="student", student=vf.student(world, school=world.other_school)
    )
    with pytest.raises(PlannerError) as err:
        services.open_from_consultation(world.worker, elsewhere.id)
    assert err.value.kind == NOT_FOUND
    for bad in (0, -1, 10**15):
        with pytest.raises(PlannerError) as err:
            services.open_from_letter(world.worker, bad)
        assert err.value.kind == NOT_FOUND
    assert (
        login_as(app.test_client(), world.supervisor).post(f"/letters/{theirs.id}/case").status_code
        == 403
    )
    assert (
        login_as(app.test_client(), world.teacher)
        .post(f"/consultations/{elsewhere.id}/case")
        .status_code
        == 403
    )
    assert Case.select().count() == 0


def types_world(world):
    import types

    return types.SimpleNamespace(
        school=world.other_school, worker=world.worker_other, cls=world.other_cls
    )
