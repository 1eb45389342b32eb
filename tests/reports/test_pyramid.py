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


def test_case_figures_count_the_cases_of_the_term_in_view(world):
    import datetime as dt

    from tests.cases import factories as cf

    start = world.term.start
    day = start + dt.timedelta(days=40)
    inside = start + dt.timedelta(days=10)
    cf.case(world, opened_on=inside, risk="high", next_review=day - dt.timedelta(days=1))  # overdue
    cf.case(world, opened_on=inside, risk="high", next_review=day + dt.timedelta(days=3))
    cf.case(world, opened_on=inside, step="intervention")
    closed = cf.case(
        world, opened_on=inside, step="closed", closed_on=inside + dt.timedelta(days=20)
    )
    cf.referral(closed, referred_on=inside + dt.timedelta(days=5))
    cf.case(
        world,
        opened_on=start - dt.timedelta(days=100),
        step="closed",
        closed_on=start - dt.timedelta(days=50),
    )
    cf.case(world, opened_on=inside, worker=world.worker_other, school=world.other_school)
    p = pyramid_for(world.worker, world.term.name, school_ids=[world.school.id], day=day)
    fig = p.schools[world.school.id]
    assert fig["cases_opened"] == 4  # the one of an earlier term and another school's left out
    assert fig["cases_open"] == 3 and fig["cases_closed"] == 1 and fig["referrals"] == 1
    assert (fig["crisis"], fig["overdue"]) == (2, 1)
    # the admin counts them too (numbers only); another worker's view holds none of them
    admin = pyramid_for(world.admin, world.term.name, school_ids=[world.school.id], day=day)
    assert admin.schools[world.school.id]["cases_opened"] == 4
    other = pyramid_for(world.worker_other, world.term.name, school_ids=[world.school.id], day=day)
    assert other.schools[world.school.id]["cases_opened"] == 0


def test_the_statistics_document_and_the_api_carry_the_pyramid(app, world):
    from tests.api.helpers import bearer, token_for
    from tests.exports.helpers import tables

    _world(world)
    admin = login_as(app.test_client(), world.admin)
    data = admin.get(f"/stats/document.docx?term={world.term.name}&scope=agency").data
    found = tables(data)
    totals = next(t for t in found if t and t[0][0] == "筛查人数")
    assert totals[0][1] == "5" and dict((r[0], r[1]) for r in totals)["招募入组"] == "1"
    per_school = next(t for t in found if t[0][:2] == ["学校", "筛查人数"])
    assert {r[0]: r[1] for r in per_school[1:]}[world.school.name] == "5"
    body = app.test_client().get(
        f"/api/stats?term={world.term.name}", headers=bearer(token_for(world.admin))
    )
    pyramid = body.get_json()["pyramid"]
    assert pyramid["totals"]["screened"] == 5 and pyramid["totals"]["concern"] == 2


def test_the_schools_page_draws_its_pyramid_for_the_current_term(app, world):
    """The school's own page draws the same figures for its current term, numbers only,
    with a link to the statistics; a school without a current term draws none."""
    kids = _world(world)
    for user in (world.worker, world.admin):
        html = login_as(app.test_client(), user).get(f"/schools/{world.school.id}")
        body = html.get_data(as_text=True)
        section = body.split('id="school-pyramid"', 1)[1].split("</section>", 1)[0]
        assert world.term.name in section and section.count("<svg") == 1
        assert "筛查 5 人" in section and "关注 2 · 入组 1" in section and "高危 1" in section
        assert 'href="/stats?term=' in section and '#pyramid"' in section
        for kid in kids:
            assert kid.name not in body and kid.archive_code not in body
    teacher = login_as(app.test_client(), world.teacher)
    assert teacher.get(f"/schools/{world.school.id}").status_code == 403
    from planner.schools.models import Term

    Term.delete().where(Term.school == world.other_school.id).execute()
    empty = login_as(app.test_client(), world.admin).get(f"/schools/{world.other_school.id}")
    assert empty.status_code == 200 and 'id="school-pyramid"' not in empty.get_data(as_text=True)
