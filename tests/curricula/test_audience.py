"""Issue 15 in the library's pages: filter by audience and tier, the plan page's local
facts, grade notes, classroom risks and instruments, parents' and teachers' sessions in the
statistics, and the evaluation page offering the curriculum's instruments first."""

from playhouse.test_utils import count_queries

from planner.curricula.models import Curriculum
from planner.i18n import local_today
from planner.reports.stats import term_statistics
from planner.schools.models import Term
from tests.conftest import login_as
from tests.curricula.factories import PLAN, curriculum
from tests.reflections import factories as rf


def test_the_library_filters_by_audience_and_tier(client, world):
    curriculum(slug="lesson", title="学生的课")
    curriculum(slug="parents", title="亲子沟通家长课堂", audience="parents", period_minutes=90)
    curriculum(slug="teachers", title="识别危机教师课", audience="teachers", tier="拓展类")
    curriculum(kind="group", slug="special", title="特需小组", tier="特需类", sessions=6)
    login_as(client, world.worker)

    def titles(query):
        body = client.get(f"/curricula/?{query}").get_data(as_text=True)
        return {
            t for t in ("学生的课", "亲子沟通家长课堂", "识别危机教师课", "特需小组") if t in body
        }

    assert titles("") == {"学生的课", "亲子沟通家长课堂", "识别危机教师课", "特需小组"}
    assert titles("audience=parents") == {"亲子沟通家长课堂"}
    assert titles("audience=teachers") == {"识别危机教师课"}
    assert titles("audience=students") == {"学生的课", "特需小组"}
    assert titles("tier=特需类") == {"特需小组"}
    assert titles("tier=拓展类") == {"识别危机教师课"}
    assert titles("audience=nobody") == set()  # an unknown value filters everything out
    body = client.get("/curricula/?audience=parents").get_data(as_text=True)
    assert 'class="badge audience-parents"' in body
    assert "年级：" not in body  # no grade band on a parents' card
    assert 'id="audience"' in body and 'id="tier"' in body


def test_the_plan_page_shows_local_facts_grade_notes_risks_and_instruments(client, world, app):
    from tests.evaluation import factories as ef

    ef.instruments()
    plan = dict(
        PLAN,
        local_facts=["浙江、上海等 3+3 省份：从 6 科（浙江 7 科）中任选 3 科"],
        grade_notes={7: "七年级多用游戏", 8: "八年级加入讨论", 9: "九年级结合中考"},
        risks=[{"risk": "学生情绪被触动", "response": "课后个别跟进"}],
    )
    made = curriculum(slug="local", grades=[7, 8, 9], plan=plan, instruments=["satisfaction"])
    login_as(client, world.worker)
    body = client.get(f"/curricula/{made.id}").get_data(as_text=True)
    facts = body.split('id="local-facts"')[1].split("</aside>")[0]
    assert "按本地政策核对" in facts and "3+3 省份" in facts
    assert "七年级多用游戏" in body and "九年级结合中考" in body
    assert "学生情绪被触动" in body and "课后个别跟进" in body
    assert "小组/课堂满意度问卷" in body


def test_the_plan_page_query_count_with_instruments_is_constant(client, world):
    from tests.evaluation import factories as ef

    ef.instruments()
    login_as(client, world.worker)
    few = curriculum(slug="few", sessions=4, instruments=["satisfaction"])
    many = curriculum(slug="many", sessions=8, instruments=["satisfaction", "gas"])
    for session in many.sessions:  # a reference in every session: titles loaded once
        session.materials = [{"ref": "x-sheet"}, "彩笔"]
        session.save()
    with count_queries() as a:
        assert client.get(f"/curricula/{few.id}").status_code == 200
    with count_queries() as b:
        assert client.get(f"/curricula/{many.id}").status_code == 200
    assert a.count == 7  # the plain page's 6 and the linked instruments
    assert b.count == 8  # and the material titles, once


def test_parents_and_teachers_sessions_count_as_their_own_kind(world):
    Term.update(name="T").where(Term.id == world.term.id).execute()
    first = local_today() - __import__("datetime").timedelta(weeks=3)
    lessons = rf.program(world, kind="classroom", sessions=2, first=first)
    parents = rf.program(world, kind="classroom", sessions=2, first=first)
    teachers = rf.program(world, kind="classroom", sessions=1, first=first)
    Curriculum.update(audience="parents").where(Curriculum.id == parents.curriculum_id).execute()
    Curriculum.update(audience="teachers").where(Curriculum.id == teachers.curriculum_id).execute()
    for program, counts in ((lessons, (40, 38)), (parents, (25, 30)), (teachers, (12,))):
        for session, n in zip(rf.sessions_of(program), counts):
            rf.headcount(session, n)
    totals = term_statistics(world.admin, "T", local_today()).totals
    assert (totals["lessons"], totals["lesson_participants"]) == (2, 78)
    assert totals["participants"] == 78  # students only
    assert (totals["parent_sessions"], totals["parent_participants"]) == (2, 55)
    assert (totals["teacher_sessions"], totals["teacher_participants"]) == (1, 12)


def test_the_stats_page_shows_parents_and_teachers(client, world):
    Term.update(name="T").where(Term.id == world.term.id).execute()
    first = local_today() - __import__("datetime").timedelta(weeks=2)
    parents = rf.program(world, kind="classroom", sessions=1, first=first)
    Curriculum.update(audience="parents").where(Curriculum.id == parents.curriculum_id).execute()
    rf.headcount(rf.sessions_of(parents)[0], 33)
    login_as(client, world.admin)
    body = client.get("/stats?term=T").get_data(as_text=True)
    line = body.split('id="stats-adults"')[1].split("</p>")[0]
    assert "家长课堂 1 次，33 人次" in line and "教师工作坊 0 次" in line


def test_the_evaluation_page_offers_the_linked_instruments_first(client, world):
    from tests.evaluation import factories as ef

    ef.instruments()
    group = rf.consenting_group(world)
    login_as(client, world.worker)
    url = f"/programs/{group.program.id}/evaluation"

    def order(body):
        scores = body.split('id="scores"')[1]
        return scores.index("小组/课堂满意度问卷") < scores.index("小组目标达成自评")

    assert not order(client.get(url).get_data(as_text=True))  # shipped order: rating first
    Curriculum.update(instruments=["satisfaction"]).where(
        Curriculum.id == group.program.curriculum_id
    ).execute()
    body = client.get(url).get_data(as_text=True)
    assert order(body)
    assert body.count("本课程的评估工具") == 1  # satisfaction applies at one time point


def test_the_editor_keeps_a_parents_curriculum_without_grades_and_sets_the_tier(client, world):
    from tests.curricula.test_editor import plan_form

    draft = curriculum(
        agency=world.agency,
        status="draft",
        slug="parents-draft",
        audience="parents",
        period_minutes=90,
        plan=dict(PLAN, local_facts=["中考政策因地而异"], grade_notes=None),
    )
    login_as(client, world.worker)
    page = client.get(f"/curricula/{draft.id}/edit").get_data(as_text=True)
    assert 'name="grade_band"' not in page and 'name="tier"' in page
    form = plan_form(draft, title="亲子沟通（修订）", tier="拓展类")
    form.pop("grade_band")
    form.pop("grades", None)
    response = client.post(f"/curricula/{draft.id}/edit", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    saved = Curriculum.get_by_id(draft.id)
    assert (saved.title, saved.tier, saved.grade_band, saved.grades) == (
        "亲子沟通（修订）",
        "拓展类",
        "",
        [],
    )
    assert saved.plan["local_facts"] == ["中考政策因地而异"]  # kept through the form
    assert (
        client.post(
            f"/curricula/{draft.id}/edit",
            data=dict(plan_form(saved), period_minutes="30"),
        ).status_code
        == 422
    )


def test_the_word_statistics_and_work_report_count_parents_and_teachers(client, world):
    """家长课堂 and 教师工作坊 have their own section in the 学期工作统计 (sessions and 人次 per
    school and in all) and their own figures in the 学期工作总结; before, only the page
    showed them."""
    from tests.security.helpers import docx_texts

    Term.update(name="T").where(Term.id == world.term.id).execute()
    first = local_today() - __import__("datetime").timedelta(weeks=3)
    parents = rf.program(world, kind="classroom", sessions=2, first=first)
    teachers = rf.program(world, kind="classroom", sessions=1, first=first)
    Curriculum.update(audience="parents").where(Curriculum.id == parents.curriculum_id).execute()
    Curriculum.update(audience="teachers").where(Curriculum.id == teachers.curriculum_id).execute()
    for program, counts in ((parents, (25, 30)), (teachers, (12,))):
        for session, n in zip(rf.sessions_of(program), counts):
            rf.headcount(session, n)
    login_as(client, world.admin)
    response = client.get("/stats/document.docx?term=T&scope=agency")
    assert response.status_code == 200
    texts = docx_texts(response.data)
    # after 一、总体情况 and 二、分学校统计, before the pyramid
    section = texts[texts.index("三、家长课堂与教师工作坊") :]
    assert "四、三级服务金字塔（全面筛查—积极预防—个案干预）" in section
    row = section[section.index(world.school.name) : section.index(world.school.name) + 5]
    assert row == [world.school.name, "2", "55", "1", "12"]
    login_as(client, world.worker)
    report = client.get(f"/stats/work-report.docx?term=T&scope=worker&id={world.worker.id}")
    assert report.status_code == 200, report.get_data(as_text=True)[:300]
    words = docx_texts(report.data)
    assert words[words.index("家长课堂人次") + 1] == "55"
    assert words[words.index("教师工作坊次数") + 1] == "1"
