"""From screening to groups: the group roster lists the 关注 students of the group's grades
(theme matches first), recruiting one records the result it came from and cites the round
in the recruitment note, and only those who read the round see any of it."""

from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.curricula.models import Curriculum
from planner.schools.models import SchoolClass
from planner.screening.models import Recruitment
from planner.students.models import GroupMember, GroupRoster, Student
from tests.conftest import login_as
from tests.reflections import factories as rf
from tests.screening import factories as sf
from tests.students import factories as stf


def _group(world, theme="人际交往"):
    prog = rf.program(world, kind="group")
    Curriculum.update(theme=theme).where(Curriculum.id == prog.curriculum_id).execute()
    return prog


def _screened(world, rnd, value=0, join=True, **by_key):
    """A student of the world's class with a result in the round; with the consent to join
    a group unless told not to."""
    s = sf.student(world)
    if join:
        for giver in ("guardian", "student"):
            stf.consent(s, "participation", given_by=giver)
    by_key.setdefault("q12", 0)  # the safety item: any answer above 从不 is 高危
    sf.result(rnd, s, value, **by_key)
    return s


def _page(client, prog):
    return client.get(f"/programs/{prog.id}/roster").get_data(as_text=True)


def test_concern_students_of_the_grade_are_candidates_theme_matches_first(worker, world, rnd):
    prog = _group(world)
    near = _screened(world, rnd, 1, q6=3)  # total 13: 关注, lonely: matches 人际交往
    far = _screened(world, rnd, 1, q1=3, q2=3, q6=0, q7=0, q10=0)  # 关注 (12), not about peers
    fine = _screened(world, rnd, 0)  # 一般
    high = _screened(world, rnd, 0, q12=1)  # 高危: casework, not a group
    html = _page(worker, prog)
    section = html.split('id="screen-candidates"', 1)[1].split("</section>", 1)[0]
    assert near.archive_code in section and far.archive_code in section
    assert section.index(near.archive_code) < section.index(far.archive_code)
    assert fine.archive_code not in section and high.archive_code not in section
    assert "与小组主题相关" in section and "与小组主题关系不大" in section
    entry = AuditEntry.select().where(AuditEntry.action == "screening_candidates").get()
    assert near.archive_code in entry.detail and fine.archive_code not in entry.detail


def test_only_the_latest_result_counts_and_members_other_grades_and_archived_are_left_out(
    worker, world, rnd
):
    prog = _group(world)
    better = _screened(world, rnd, 1)  # 关注 in the first round…
    member = _screened(world, rnd, 1)
    senior = _screened(world, rnd, 1)
    gone = _screened(world, rnd, 1)
    later = sf.screening_round(world, title="第二次筛查")
    sf.result(later, better, 0, q12=0)  # …一般 in the later one
    rf.members(prog, member)
    grade9 = SchoolClass.create(
        school=world.school, name="9(1)班", grade=9, school_year=world.cls.school_year_id
    )
    Student.update(school_class=grade9).where(Student.id == senior.id).execute()
    Student.update(archived=True).where(Student.id == gone.id).execute()
    Curriculum.update(grades=[7, 8]).where(Curriculum.id == prog.curriculum_id).execute()
    section = _page(worker, prog).split('id="screen-candidates"', 1)[1].split("</section>", 1)[0]
    for left_out in (better, member, senior, gone):
        assert left_out.archive_code not in section
    assert "没有符合条件的筛查候选人" in section


def test_recruiting_records_the_source_and_cites_the_round(worker, world, rnd):
    prog = _group(world)
    s = _screened(world, rnd, 1, q6=3)
    result = s.screening_results[0]
    r = worker.post(
        f"/programs/{prog.id}/roster/candidates",
        data={"result_id": str(result.id), "screening_note": "面谈后同意参加"},
    )
    assert r.status_code == 303
    member = GroupMember.get((GroupMember.program == prog.id) & (GroupMember.student == s.id))
    assert member.active and member.screening_note == "面谈后同意参加"
    assert Recruitment.get(Recruitment.member == member.id).result_id == result.id
    notes = GroupRoster.get(GroupRoster.program == prog.id).recruitment_notes
    assert rnd.title in notes and "关注" in notes
    assert AuditEntry.select().where(AuditEntry.action == "screening_recruit").count() == 1
    html = _page(worker, prog)
    assert f"来自筛查：{rnd.title}" in html
    # a second candidate of the same round does not cite it twice
    other = _screened(world, rnd, 1, q7=3)
    worker.post(
        f"/programs/{prog.id}/roster/candidates",
        data={"result_id": str(other.screening_results[0].id)},
    )
    notes = GroupRoster.get(GroupRoster.program == prog.id).recruitment_notes
    assert notes.count(rnd.title) == 1


def test_refusals_save_nothing(worker, world, rnd, app):
    prog = _group(world)
    fine = _screened(world, rnd, 0)
    high = _screened(world, rnd, 0, q12=2)
    no_consent = _screened(world, rnd, 1, join=False)
    bad = {
        "一般": str(fine.screening_results[0].id),
        "高危": str(high.screening_results[0].id),
        "none": "999999",
        "huge": "9" * 30,
        "word": "abc",
        "empty": "",
    }
    for value in bad.values():
        r = worker.post(f"/programs/{prog.id}/roster/candidates", data={"result_id": value})
        assert r.status_code == 422, value
        assert "候选人" in r.get_data(as_text=True) or "请" in r.get_data(as_text=True)
    r = worker.post(
        f"/programs/{prog.id}/roster/candidates",
        data={"result_id": str(no_consent.screening_results[0].id)},
    )
    assert r.status_code == 422  # listed, but without the consent to join no button, no join
    assert GroupMember.select().where(GroupMember.program == prog.id).count() == 0
    assert Recruitment.select().count() == 0
    too_long = _screened(world, rnd, 1)
    r = worker.post(
        f"/programs/{prog.id}/roster/candidates",
        data={"result_id": str(too_long.screening_results[0].id), "screening_note": "长" * 501},
    )
    assert r.status_code == 422
    assert Recruitment.select().count() == 0


def test_admins_see_the_roster_but_no_tier_and_supervisors_read_without_recruiting(
    app, worker, world, rnd
):
    prog = _group(world)
    s = _screened(world, rnd, 1, q6=3)
    worker.post(
        f"/programs/{prog.id}/roster/candidates",
        data={"result_id": str(s.screening_results[0].id)},
    )
    waiting = _screened(world, rnd, 1, q6=2)
    admin = login_as(app.test_client(), world.admin)
    html = _page(admin, prog)
    assert s.archive_code in html  # the member, as on every roster
    assert 'id="screen-candidates"' not in html and "来自筛查：" not in html
    r = admin.post(
        f"/programs/{prog.id}/roster/candidates",
        data={"result_id": str(waiting.screening_results[0].id)},
    )
    assert r.status_code == 422  # an admin reads no round: nobody is her candidate
    supervisor = login_as(app.test_client(), world.supervisor)
    html = _page(supervisor, prog)
    assert waiting.archive_code in html and "来自筛查" in html
    assert f"recruit-{waiting.screening_results[0].id}" not in html


def test_the_roster_page_query_count_does_not_grow_with_candidates(worker, world, rnd):
    prog = _group(world)
    _screened(world, rnd, 1, q6=3)
    _page(worker, prog)
    with count_queries() as few:
        _page(worker, prog)
    later = sf.screening_round(world, title="第二次筛查")
    for _ in range(6):
        s = _screened(world, rnd, 1, q6=2)
        sf.result(later, s, 1, q7=2, q12=0)
    with count_queries() as many:
        _page(worker, prog)
    assert few.count == many.count
