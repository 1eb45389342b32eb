"""A round is made on one of the worker's classroom programs (its schedule) with a screening
instrument; results are entered per student under the screening consent; tiers follow the
rule, a worker overrides one with a reason. Bad input is refused with a message and nothing
saved; a stale form answers 409."""

import pytest

from planner.audit.models import AuditEntry
from planner.screening.models import ScreeningResult, ScreeningRound
from planner.students.models import Consent, Student
from tests import factories
from tests.conftest import login_as
from tests.reflections import factories as rf
from tests.screening import factories as sf


def _new(client, world, **data):
    return client.post(f"/schools/{world.school.id}/screening", data=data)


def test_a_worker_makes_a_round_on_her_classroom_program(worker, world):
    inst = sf.instrument()
    program = rf.program(world, kind="classroom", sessions=1, title="心理筛查课")
    page = worker.get(f"/schools/{world.school.id}/screening").get_data(as_text=True)
    assert "心理筛查课" in page and inst.name in page
    response = _new(
        worker, world, title="秋季筛查", program_id=str(program.id), instrument_id=str(inst.id)
    )
    assert response.status_code == 303
    rnd = ScreeningRound.get()
    assert (rnd.program_id, rnd.instrument_id, rnd.title) == (program.id, inst.id, "秋季筛查")
    assert response.location.endswith(f"/screening/{rnd.id}")
    # the school page links to the screening of the school
    school_page = worker.get(f"/schools/{world.school.id}").get_data(as_text=True)
    assert f"/schools/{world.school.id}/screening" in school_page


def _bad_cases(world, inst):
    mine = rf.program(world, kind="classroom", sessions=1)
    group = rf.program(world, kind="group", sessions=1)
    another = factories.user("worker", agency=world.agency, schools=[world.school])
    theirs = rf.program(world, kind="classroom", sessions=1, workers=[another])
    used = sf.screening_round(world, inst).program
    foreign_inst = sf.instrument()  # the shipped one, then an agency's of another agency
    from planner.evaluation.models import Instrument

    other = Instrument.create(
        **{
            **{
                k: getattr(foreign_inst, k)
                for k in ("name", "kind", "scale_min", "scale_max", "labels", "items")
            },
            "slug": "other-agency-screening",
            "agency": factories.agency(name="别的机构", code="BJ"),
            "applies_at": [],
            "open_questions": [],
            "extra": foreign_inst.extra,
        }
    )
    ok = {"title": "筛查", "program_id": str(mine.id), "instrument_id": str(inst.id)}
    return [
        (dict(ok, title=""), "title"),
        (dict(ok, title="长" * 81), "title"),
        (dict(ok, program_id="abc"), "program_id"),
        (dict(ok, program_id="99999999999999999999"), "program_id"),
        (dict(ok, program_id=str(group.id)), "program_id"),
        (dict(ok, program_id=str(theirs.id)), "program_id"),
        (dict(ok, program_id=str(used.id)), "program_id"),
        (dict(ok, instrument_id=str(other.id)), "instrument_id"),
        (dict(ok, instrument_id="-1"), "instrument_id"),
    ]


def test_bad_rounds_are_refused_and_nothing_is_saved(worker, world):
    inst = sf.instrument()
    cases = _bad_cases(world, inst)
    before = ScreeningRound.select().count()
    for data, field in cases:
        response = _new(worker, world, **data)
        assert response.status_code == 422, (data, field)
        html = response.get_data(as_text=True)
        assert 'role="alert"' in html, (data, field)
    assert ScreeningRound.select().count() == before


def test_a_student_name_in_the_title_is_refused(worker, world):
    inst = sf.instrument()
    program = rf.program(world, kind="classroom", sessions=1)
    sf.student(world, name="林小雨")
    response = _new(
        worker, world, title="林小雨复查", program_id=str(program.id), instrument_id=str(inst.id)
    )
    assert response.status_code == 422
    assert not ScreeningRound.select().exists()


def _post(client, rnd, data):
    return client.post(f"/screening/{rnd.id}/results", data=data)


def test_a_result_is_entered_scored_and_audited(worker, world, rnd):
    s = sf.student(world)
    response = _post(worker, rnd, sf.form(rnd.instrument, s.id, 1, q1=3, q12=0))
    assert response.status_code == 303
    res = ScreeningResult.get()
    assert (res.total, res.tier, res.critical) == (13, "concern", False)
    audit = AuditEntry.get(AuditEntry.action == "screening_result")
    assert s.archive_code in audit.detail and s.name not in audit.detail


def test_the_safety_item_makes_a_low_total_high(worker, world, rnd):
    s = sf.student(world)
    assert _post(worker, rnd, sf.form(rnd.instrument, s.id, 0, q12=1)).status_code == 303
    assert ScreeningResult.get().tier == "high"


@pytest.mark.parametrize(
    "change",
    [
        {"a_q1": "4"},
        {"a_q1": "-1"},
        {"a_q1": "99999999999999999999999"},
        {"a_q1": "三"},
        {"a_q1": ""},
        {"student": ""},
        {"student": "abc"},
        {"version": "x"},
    ],
)
def test_bad_answers_are_refused(worker, world, rnd, change):
    s = sf.student(world)
    response = _post(worker, rnd, dict(sf.form(rnd.instrument, s.id, 1), **change))
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    assert not ScreeningResult.select().exists()


def test_no_result_without_the_screening_consent(worker, world, rnd):
    without = sf.student(world, consent=False, name="无同意")
    withdrawn = sf.student(world, name="已撤回")
    Consent.update(withdrawn_on=Consent.given_on).where(Consent.student == withdrawn.id).execute()
    other_purpose = rf.student(world, name="只同意观察")  # observation consent only
    page = worker.get(f"/screening/{rnd.id}").get_data(as_text=True)
    assert "没有有效的“心理筛查”同意" in page
    for s in (without, withdrawn, other_purpose):
        assert s.archive_code in page  # listed as lacking it
        response = _post(worker, rnd, sf.form(rnd.instrument, s.id, 1))
        assert response.status_code == 422
        assert "心理筛查”同意" in response.get_data(as_text=True)
    assert not ScreeningResult.select().exists()


def test_students_outside_the_rounds_classes_are_refused(worker, world, rnd):
    other_class = factories.school_class(school=world.school, name="8(2)班")
    elsewhere = sf.student(world)
    Student.update(school_class=other_class).where(Student.id == elsewhere.id).execute()

    other_school = Student.create(
        school=world.other_school,
        archive_code="YX-9",
        student_no="YX9",
        name="乙校学生",
        school_class=world.other_cls,
    )
    for s in (elsewhere, other_school):
        response = _post(worker, rnd, sf.form(rnd.instrument, s.id, 1))
        assert response.status_code == 422
    assert not ScreeningResult.select().exists()


def test_a_stale_entry_answers_409(worker, world, rnd):
    s = sf.student(world)
    sf.result(rnd, s, 1)
    # a second "new" entry for the same student (another tablet's form, opened before)
    assert _post(worker, rnd, sf.form(rnd.instrument, s.id, 2, version=0)).status_code == 409
    assert _post(worker, rnd, sf.form(rnd.instrument, s.id, 2, version=7)).status_code == 409
    assert ScreeningResult.get().total == 12  # unchanged
    assert _post(worker, rnd, sf.form(rnd.instrument, s.id, 2, version=1)).status_code == 303
    assert ScreeningResult.get().total == 24


def _override(client, rnd, res, **data):
    return client.post(f"/screening/{rnd.id}/results/{res.id}/tier", data=data)


def test_a_worker_overrides_a_tier_with_a_reason(worker, world, rnd):
    res = sf.result(rnd, sf.student(world), 1, q1=2, q12=0)  # 12: 关注
    assert _override(worker, rnd, res, tier="high", reason="", version="1").status_code == 422
    assert (
        _override(worker, rnd, res, tier="high", reason="长" * 201, version="1").status_code == 422
    )
    assert _override(worker, rnd, res, tier="x", reason="r", version="1").status_code == 422
    response = _override(worker, rnd, res, tier="high", reason="面谈中提到失眠加重", version="1")
    assert response.status_code == 303
    res = ScreeningResult.get_by_id(res.id)
    assert (res.tier, res.shown_tier, res.override_reason) == (
        "concern",
        "high",
        "面谈中提到失眠加重",
    )
    page = worker.get(f"/screening/{rnd.id}").get_data(as_text=True)
    assert "面谈中提到失眠加重" in page and "按规则为“关注”" in page
    assert AuditEntry.select().where(AuditEntry.action == "screening_override").count() == 1
    # stale version
    assert _override(worker, rnd, res, tier="", reason="", version="1").status_code == 409
    # back to the rule's tier
    assert _override(worker, rnd, res, tier="", reason="", version="2").status_code == 303
    assert ScreeningResult.get_by_id(res.id).shown_tier == "concern"


def test_an_override_of_another_rounds_result_is_404(worker, world, rnd):
    other = sf.screening_round(world, title="另一轮")
    res = sf.result(other, sf.student(world), 1)
    assert _override(worker, rnd, res, tier="high", reason="r", version="1").status_code == 404


def test_who_reads_and_who_writes(app, world, rnd):
    res = sf.result(rnd, sf.student(world, name="读者测试"), 1)
    supervisor = login_as(app.test_client(), world.supervisor)
    page = supervisor.get(f"/screening/{rnd.id}")
    assert page.status_code == 200
    # the supervisor reads codes and tiers, not names (as on the evaluation page)
    assert res.student.archive_code in page.get_data(as_text=True)
    assert "读者测试" not in page.get_data(as_text=True)
    assert 'action="/screening/' not in page.get_data(as_text=True)  # no forms to post
    audit = AuditEntry.select().where(AuditEntry.action == "screening_read")
    assert [a.user_id for a in audit] == [world.supervisor.id]
    assert _override(supervisor, rnd, res, tier="high", reason="r", version="1").status_code == 403
    for persona in ("admin", "teacher"):
        client = login_as(app.test_client(), getattr(world, persona))
        assert client.get(f"/screening/{rnd.id}").status_code == 403
        assert client.get(f"/schools/{world.school.id}/screening").status_code == 403
    assert AuditEntry.select().where(AuditEntry.action == "screening_read").count() == 1


def test_the_program_of_a_round_is_not_deleted_only_ended(worker, world, rnd):
    """A round's program holds its schedule: deleting it would orphan the round (and the
    database refuses), so it is refused with the reason like any program with records."""
    response = worker.post(f"/programs/{rnd.program_id}/delete")
    assert response.status_code == 409 and "筛查" in response.get_data(as_text=True)
    assert ScreeningRound.select().where(ScreeningRound.id == rnd.id).exists()
