"""Opening a case (8.2.1, 8.3.1): from the referral form, a 高危 screening result or a
follow-up flag; the source is recorded, the archive code is of type GA, one open case per
student, and every bad input answers 422 with nothing saved."""

import datetime as dt

import pytest

from planner.audit.models import AuditEntry
from planner.cases.models import Case
from planner.i18n import local_today
from tests import factories as f
from tests.cases import factories as cf
from tests.reflections import factories as rf
from tests.screening import factories as sf
from tests.students import factories as stf


def form(student, **kw):
    data = {
        "student_id": str(student.id),
        "source": "teacher",
        "source_note": "班主任发现近期情绪低落",
        "risk": "concern",
    }
    data.update(kw)
    return data


def post(client, world, data):
    return client.post(f"/schools/{world.school.id}/cases", data=data)


def test_a_teacher_referral_opens_a_case_with_a_ga_code(worker, world):
    s = cf.student(world, consent_given=False)  # intake comes before the consent
    response = post(worker, world, form(s))
    case = Case.get(Case.student == s.id)
    assert response.status_code == 303 and response.location.endswith(f"/cases/{case.id}")
    assert (case.source, case.step, case.risk, case.worker_id) == (
        "teacher",
        "intake",
        "concern",
        world.worker.id,
    )
    assert case.archive_code == f"JX-GA-{local_today().year}-0001"
    assert case.opened_on == local_today() and case.source_note == "班主任发现近期情绪低落"
    entry = AuditEntry.get(AuditEntry.action == "case_open")
    assert entry.object_id == case.id and s.name not in entry.detail
    # the next case of the school gets the next number
    post(worker, world, form(cf.student(world)))
    assert Case.select().order_by(Case.id.desc()).first().archive_code.endswith("-0002")


def test_a_high_risk_case_needs_a_review_date_within_a_year(worker, world):
    s = cf.student(world)
    response = post(worker, world, form(s, risk="high"))
    assert response.status_code == 422 and "高危个案请设定下次复核日期" in response.text
    far = (local_today() + dt.timedelta(days=400)).isoformat()
    assert post(worker, world, form(s, risk="high", next_review=far)).status_code == 422
    past = (local_today() - dt.timedelta(days=1)).isoformat()
    assert post(worker, world, form(s, risk="high", next_review=past)).status_code == 422
    assert Case.select().count() == 0
    soon = (local_today() + dt.timedelta(days=3)).isoformat()
    assert post(worker, world, form(s, risk="high", next_review=soon)).status_code == 303


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"student_id": ""}, "student_id"),
        ({"student_id": "abc"}, "student_id"),
        ({"student_id": "99999999999999999999"}, "student_id"),
        ({"student_id": "424242"}, "student_id"),
        ({"source": "mailbox"}, "source"),
        ({"source": ""}, "source"),
        ({"risk": "extreme"}, "risk"),
        ({"source_note": "长" * 501}, "source_note"),
        ({"next_review": "2026-13-45"}, "next_review"),
        ({"co_worker_id": "424242"}, "co_worker_id"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(worker, world, change, field):
    s = cf.student(world)
    response = post(worker, world, form(s, **change))
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text or 'role="alert"' in response.text
    assert Case.select().count() == 0


def test_another_schools_student_or_an_archived_one_is_refused(worker, world):
    theirs = stf.student(world.other_school, name="别校学生")
    assert post(worker, world, form(theirs)).status_code == 422
    archived = cf.student(world, archived=True)
    response = post(worker, world, form(archived))
    assert response.status_code == 422 and "已归档" in response.text
    assert Case.select().count() == 0


def test_one_open_case_per_student(worker, world):
    s = cf.student(world)
    assert post(worker, world, form(s)).status_code == 303
    response = post(worker, world, form(s, source="parent"))
    assert response.status_code == 409 and "已有进行中的个案" in response.text
    assert Case.select().count() == 1
    Case.update(step="closed").execute()
    assert post(worker, world, form(s, source="parent")).status_code == 303


def test_a_co_worker_is_another_worker_of_the_school(app, worker, world):
    colleague = f.user("worker", agency=world.agency, username="colleague", schools=[world.school])
    s = cf.student(world)
    assert post(worker, world, form(s, co_worker_id=str(world.worker.id))).status_code == 422
    other = post(worker, world, form(s, co_worker_id=str(world.worker_other.id)))
    assert other.status_code == 422
    assert post(worker, world, form(s, co_worker_id=str(colleague.id))).status_code == 303
    assert Case.get().co_worker_id == colleague.id


def test_a_high_risk_screening_result_opens_a_crisis_case(worker, world):
    rnd = sf.screening_round(world)
    high = sf.result(rnd, sf.student(world), 3)
    normal = sf.result(rnd, sf.student(world), 0, q12=0)
    assert high.shown_tier == "high" and normal.shown_tier != "high"
    page = worker.get(f"/screening/{rnd.id}").text
    assert f"/screening/results/{high.id}/case" in page
    assert f"/screening/results/{normal.id}/case" not in page
    response = worker.post(f"/screening/results/{high.id}/case")
    assert response.status_code == 303
    case = Case.get(Case.screening_result == high.id)
    assert (case.source, case.risk, case.student_id) == ("screening", "high", high.student_id)
    assert case.next_review == local_today() + dt.timedelta(days=7)
    assert worker.post(f"/screening/results/{normal.id}/case").status_code == 422
    assert worker.post("/screening/results/424242/case").status_code == 404
    # a second click finds the case open already
    assert worker.post(f"/screening/results/{high.id}/case").status_code == 409
    assert Case.select().count() == 1


def test_only_the_rounds_worker_opens_from_its_result(app, world):
    colleague = f.user("worker", agency=world.agency, username="colleague", schools=[world.school])
    rnd = sf.screening_round(world)
    high = sf.result(rnd, sf.student(world), 3)
    client = app.test_client()
    from tests.conftest import login_as

    login_as(client, colleague)
    assert client.post(f"/screening/results/{high.id}/case").status_code == 403
    assert Case.select().count() == 0


def test_a_follow_up_flag_opens_a_case(worker, world):
    program = rf.program(world)
    member = rf.student(world)
    rf.members(program, member)
    refl = rf.reflection(rf.sessions_of(program)[0], world.worker, status="submitted")
    flag = rf.follow_up(refl, member, safeguarding=True)
    lesson = rf.follow_up(refl, None)
    page = worker.get(f"/sessions/{refl.session_id}/reflection").text
    assert f"/follow-ups/{flag.id}/case" in page and f"/follow-ups/{lesson.id}/case" not in page
    assert worker.post(f"/follow-ups/{flag.id}/case").status_code == 303
    case = Case.get(Case.follow_up == flag.id)
    assert (case.source, case.risk, case.student_id) == ("follow_up", "high", member.id)
    assert worker.post(f"/follow-ups/{lesson.id}/case").status_code == 404


def test_a_code_already_taken_outside_the_counter_is_a_conflict_not_a_500(worker, world):
    taken = f"JX-GA-{local_today().year}-0001"  # what the counter issues next
    old = cf.case(world)
    Case.update(archive_code=taken).where(Case.id == old.id).execute()
    Case.update(step="closed").where(Case.id == old.id).execute()
    response = post(worker, world, form(cf.student(world)))
    assert response.status_code == 409 and "档案编码" in response.text
    assert Case.select().count() == 1


def test_the_open_case_form_names_each_students_class(worker, world):
    """The student list shows each student's class beside the archive code (the class was
    missing: the query selected the class's name but not the student's class id)."""
    student = cf.student(world, name="选班学生")
    html = worker.get(f"/schools/{world.school.id}/cases").get_data(as_text=True)
    option = next(line for line in html.splitlines() if student.archive_code in line)
    assert world.cls.name in option
