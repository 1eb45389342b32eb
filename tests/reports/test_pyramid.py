"""The pyramid's figures (reports/pyramid.py) against the rows they count: screened once
per student, the share over the school's students, tiers by the last result entered (the
override where there is one), recruited memberships; drawn per school as inline SVG on the
statistics page, numbers only, for the admin too."""

from planner.reports.pyramid import pyramid_for
from planner.screening.models import Recruitment, ScreeningResult
from planner.students.models import GroupMember, Student
from tests.conftest import login_as
from tests.reflections import factories as rf
from tests.screening import factories as sf


def _world(world):
    first = sf.screening_round(world, title="第一次")
    second = sf.screening_round(world, title="第二次")
    kids = [sf.student(world, name=f"金字塔{n}") for n in range(6)]
    sf.result(first, kids[0], 0, q12=0)  # 一般
    sf.result(first, kids[1], 1, q1=3, q12=0)  # 关注
    sf.result(first, kids[2], 0, q12=1)  # 高危 (the safety item)
    sf.result(first, kids[3], 1, q1=3, q12=0)  # 关注 first…
    sf.result(second, kids[3], 0, q12=0)  # …then 一般: counts once, as 一般
    overridden = sf.result(first, kids[4], 0, q12=0)
    ScreeningResult.update(override_tier="concern", override_reason="班主任反映").where(
        ScreeningResult.id == overridden.id
    ).execute()  # 一般 by the rule, 关注 by the worker
    # kids[5] not screened
    group = rf.program(world)
    member = GroupMember.create(program=group, student=kids[1])
    Recruitment.create(
        member=member, result=kids[1].screening_results.get(), recruited_by=world.worker
    )
    return kids


def test_each_figure_counts_the_rows(world):
    kids = _world(world)
    students = Student.select().where((Student.school == world.school) & ~Student.archived).count()
    p = pyramid_for(world.worker, world.term.name, school_ids=[world.school.id])
    fig = p.schools[world.school.id]
    assert fig["screened"] == 5  # kids[3] twice, once
    assert fig["students_total"] == students and fig["share_screened"] == 5 / students
    assert fig["classes_screened"] == 1
    assert (fig["normal"], fig["concern"], fig["high"]) == (2, 2, 1)
    assert fig["recruited"] == 1
    assert p.totals["screened"] == 5 and p.totals["recruited"] == 1
    Student.update(archived=True).where(Student.id == kids[5].id).execute()
    fig = pyramid_for(world.worker, world.term.name, school_ids=[world.school.id]).schools[
        world.school.id
    ]
    assert fig["students_total"] == students - 1


def test_another_workers_rounds_are_not_in_her_view(world):
    _world(world)
    p = pyramid_for(world.worker_other, world.term.name, school_ids=[world.school.id])
    assert p.schools[world.school.id]["screened"] == 0


def test_the_statistics_page_draws_it_with_numbers_only(app, world):
    kids = _world(world)
    admin = login_as(app.test_client(), world.admin)
    html = admin.get(f"/stats?term={world.term.name}").get_data(as_text=True)
    section = html.split('id="pyramid"', 1)[1]
    assert section.count("<svg") >= 2  # the total and each school
    assert "筛查 5 人" in section and "关注 2 · 入组 1" in section and "高危 1" in section
    for kid in kids:
        assert kid.name not in html and kid.archive_code not in html
