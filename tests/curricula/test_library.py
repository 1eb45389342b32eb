"""Library page and curriculum page: filters, htmx fragments, constant query counts."""

import re

from playhouse.test_utils import count_queries

from tests.conftest import login_as
from tests.curricula.factories import PLAN, curriculum


def _library(world, n_classroom=2, n_group=1):
    made = [curriculum(slug=f"lesson-{i}", title=f"青春期课{i}") for i in range(n_classroom)]
    made += [
        curriculum(
            kind="group", slug=f"group-{i}", title=f"情绪小组{i}", theme="情绪管理", sessions=6
        )
        for i in range(n_group)
    ]
    return made


def test_filters_by_kind_theme_grade_and_text(client, world):
    _library(world)
    login_as(client, world.worker)
    page = client.get("/curricula/").get_data(as_text=True)
    assert page.count("curriculum-card") == 3
    assert client.get("/curricula/?kind=group").get_data(as_text=True).count("curriculum-card") == 1
    assert (
        client.get("/curricula/?theme=情绪管理").get_data(as_text=True).count("curriculum-card")
        == 1
    )
    assert client.get("/curricula/?grade=8").get_data(as_text=True).count("curriculum-card") == 3
    assert client.get("/curricula/?grade=5").get_data(as_text=True).count("curriculum-card") == 0
    text = client.get("/curricula/?q=情绪").get_data(as_text=True)
    assert text.count("curriculum-card") == 1 and "情绪小组0" in text


def test_htmx_gets_only_the_results_fragment(client, world):
    _library(world)
    login_as(client, world.worker)
    response = client.get("/curricula/?q=青春期", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith('<section id="results"')
    assert body.count("curriculum-card") == 2
    assert "HX-Request" in response.headers.get("Vary", "")


def test_cards_show_sessions_minutes_and_stage_bar(client, world):
    _library(world, 0, 1)
    login_as(client, world.worker)
    body = client.get("/curricula/").get_data(as_text=True)
    assert "6 节" in body and "每节 60 分钟" in body and "共 360 分钟活动" in body
    assert body.count('class="seg stage-') == 6


def test_only_the_newest_published_version_and_own_drafts_are_listed(client, world):
    curriculum(slug="versioned", title="旧版")
    curriculum(slug="versioned", version=2, title="新版")
    curriculum(slug="versioned", version=3, title="未发布", status="draft", agency=world.agency)
    from tests import factories

    curriculum(slug="elsewhere", title="别的机构的草稿", status="draft", agency=factories.agency())
    login_as(client, world.worker)
    body = client.get("/curricula/").get_data(as_text=True)
    assert "新版" in body and "未发布" in body
    assert "旧版" not in body and "别的机构的草稿" not in body


def test_library_query_count_is_constant(client, world):
    login_as(client, world.worker)
    _library(world, 1, 1)
    client.get("/curricula/")  # warm up: the login user load etc.
    with count_queries() as small:
        client.get("/curricula/")
    for i in range(8):
        curriculum(slug=f"more-{i}", title=f"更多{i}", sessions=6)
    with count_queries() as large:
        assert client.get("/curricula/").get_data(as_text=True).count("curriculum-card") == 10
    assert small.count == large.count == 4  # the user, my drafts, the cards, their sessions


def test_curriculum_page_query_count_is_constant(client, world):
    login_as(client, world.worker)
    few = curriculum(slug="few", sessions=4)
    many = curriculum(slug="many", sessions=8)
    with count_queries() as a:
        assert client.get(f"/curricula/{few.id}").status_code == 200
    with count_queries() as b:
        assert client.get(f"/curricula/{many.id}").status_code == 200
    assert a.count == b.count == 6  # with the schools of 安排到学校


def test_compliance_panel_lists_missing_833_fields(client, world):
    login_as(client, world.worker)
    draft = curriculum(
        agency=world.agency, status="draft", plan=dict(PLAN, schedule="", evaluators="")
    )
    body = client.get(f"/curricula/{draft.id}").get_data(as_text=True)
    assert "缺少必填的计划内容：进度安排" in body and "缺少必填的计划内容：评估参与者" in body
    complete = curriculum(slug="complete")
    assert "计划内容完整" in client.get(f"/curricula/{complete.id}").get_data(as_text=True)


def test_sensitivity_flags_carry_a_reminder(client, world):
    login_as(client, world.worker)
    c = curriculum(slug="sensitive")
    from planner.curricula.models import SessionTemplate

    SessionTemplate.update(sensitivity=["disclosure"]).where(
        SessionTemplate.id == c.sessions[0].id
    ).execute()
    body = client.get(f"/curricula/{c.id}").get_data(as_text=True)
    assert "可能出现披露" in body and "保护流程" in body


def test_another_agencys_curriculum_is_404(client, world):
    from tests import factories

    other = curriculum(agency=factories.agency(), status="draft", slug="theirs")
    login_as(client, world.worker)
    assert client.get(f"/curricula/{other.id}").status_code == 404
    assert client.post(f"/curricula/{other.id}/fork").status_code == 404


def test_the_curriculum_page_lists_its_sessions_to_jump_to_and_numbers_the_steps(client, world):
    """The plan page is long (issue 14): a list of its sessions links to each one, and an
    activity's steps are a numbered list, not the stepper's grey pills."""
    c = curriculum(slug="long", sessions=4)
    login_as(client, world.worker)
    body = client.get(f"/curricula/{c.id}").get_data(as_text=True)
    index = body.split('class="card session-index"')[1].split("</nav>")[0]
    for session in c.sessions:
        assert f'href="#session-{session.seq}"' in index and session.title in index
        assert f'id="session-{session.seq}"' in body
    steps = [s for session in c.sessions for a in session.activities for s in a.steps]
    assert steps and '<ol class="activity-steps">' in body and 'class="steps"' not in body


def test_plan_at_a_school_from_the_curriculum_page(client, world):
    """安排到学校 (issue 14): the curriculum page offers the schools where the user may plan,
    and the planning form opens with that curriculum chosen."""
    c = curriculum(slug="to-plan", title="要安排的方案")
    login_as(client, world.worker)
    body = client.get(f"/curricula/{c.id}").get_data(as_text=True)
    link = f"/schools/{world.school.id}/programs/new?curriculum={c.id}"
    assert f'href="{link}"' in body and f"/schools/{world.other_school.id}/" not in body

    def chosen(page):
        select = re.search(r'<select[^>]*name="curriculum_id".*?</select>', page, re.S)
        return re.findall(r'<option value="(\d+)" selected', select.group(0))

    assert chosen(client.get(link).get_data(as_text=True)) == [str(c.id)]
    # a curriculum the form doesn't offer (or junk) just opens the empty form
    for junk in ("999999", "abc", "99999999999999999999"):
        page = client.get(f"/schools/{world.school.id}/programs/new?curriculum={junk}")
        assert page.status_code == 200 and chosen(page.get_data(as_text=True)) == []


def test_readers_who_cannot_plan_get_no_plan_button(client, world):
    c = curriculum(slug="to-read")
    login_as(client, world.supervisor)
    assert 'id="plan-at"' not in client.get(f"/curricula/{c.id}").get_data(as_text=True)
