"""Writing a reflection: stage prompts, lesson prompts, the consent gate, the limits."""

from werkzeug.datastructures import MultiDict

from planner.curricula.stages import default_model, stage_prompts
from planner.reflections.models import FollowUp, Reflection
from tests.conftest import login_as
from tests.reflections import factories as rf

HX = {"HX-Request": "true"}


def url(session):
    return f"/sessions/{session.id}/reflection"


def group_form(stage="形成期", version=0, **extra):
    data = MultiDict(
        {
            "version": str(version),
            "observed_stage": stage,
            "prompts_stage": stage,
            "answer_0": "组员很拘谨。",
            "d_planned_vs_actual": "按计划进行。",
        }
    )
    data.add("skills", "评估")
    data.add("skills", "鼓励支持")
    for key, value in extra.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def test_prompts_follow_the_observed_stage_not_the_meeting_number(client, world, group):
    """Meeting 1 is planned 形成期, but the worker saw 转折期: its prompts are asked."""
    login_as(client, world.worker)
    first = group.sessions[0]
    page = client.get(url(first)).get_data(as_text=True)
    assert stage_prompts("形成期")[0] in page  # pre-filled from the plan
    assert 'value="形成期" selected' in page
    swapped = client.get(f"{url(first)}/prompts?observed_stage=转折期", headers=HX)
    body = swapped.get_data(as_text=True)
    assert swapped.status_code == 200 and 'id="stage-prompts"' in body
    assert stage_prompts("转折期")[0] in body and stage_prompts("形成期")[0] not in body
    assert "<html" not in body  # a fragment for htmx
    saved = client.post(url(first), data=group_form("转折期"), headers=HX)
    assert saved.status_code == 200
    r = Reflection.get()
    assert r.observed_stage == "转折期" and r.answers == {
        stage_prompts("转折期")[0]: "组员很拘谨。"
    }
    page = client.get(url(first)).get_data(as_text=True)
    assert 'value="转折期" selected' in page and stage_prompts("转折期")[1] in page


def test_the_planned_stage_is_the_default_for_a_later_meeting(client, world, group):
    login_as(client, world.worker)
    fourth = group.sessions[3]  # planned 成熟期
    page = client.get(url(fourth)).get_data(as_text=True)
    assert 'value="成熟期" selected' in page and stage_prompts("成熟期")[0] in page


def test_a_stage_outside_the_model_is_refused(client, world, group):
    login_as(client, world.worker)
    response = client.post(url(group.sessions[0]), data=group_form("第三次"))
    assert response.status_code == 422 and "请选择有效的小组阶段" in response.get_data(as_text=True)
    assert client.get(f"{url(group.sessions[0])}/prompts?observed_stage=筹备期").status_code == 400
    assert Reflection.select().count() == 0


def test_a_classroom_lesson_asks_the_lesson_prompts_and_lists_no_members(client, world, lesson):
    prog, sessions = lesson
    login_as(client, world.worker)
    page = client.get(url(sessions[0])).get_data(as_text=True)
    for prompt in default_model()["lesson_prompts"]:
        assert prompt in page
    assert "observed_stage" not in page and "需要跟进或转介的组员" not in page
    assert stage_prompts("形成期")[0] not in page
    data = {
        "version": "0",
        "prompts_stage": "",
        "answer_1": "参与度高。",
        "lesson_safe": "on",
        "lesson_note": "7(1)班一名学生提到在家受到体罚。",
    }
    assert client.post(url(sessions[0]), data=data).status_code == 303
    r = Reflection.get()
    assert r.answers == {default_model()["lesson_prompts"][1]: "参与度高。"}
    item = FollowUp.get()
    assert item.student_id is None and item.safeguarding
    assert client.get(f"{url(sessions[0])}/prompts?observed_stage=形成期").status_code == 404


def test_follow_ups_only_for_members_with_observation_consent(client, world, group):
    login_as(client, world.worker)
    page = client.get(url(group.sessions[0])).get_data(as_text=True)
    assert f'name="fu_note_{group.ok.id}"' in page
    assert f'name="fu_note_{group.no.id}"' not in page
    assert f'name="fu_flag_{group.no.id}"' not in page
    assert "无观察记录同意，不能记录" in page and "王小刚" in page
    data = group_form(**{f"fu_flag_{group.ok.id}": "on", f"fu_note_{group.ok.id}": "情绪低落"})
    assert client.post(url(group.sessions[0]), data=data, headers=HX).status_code == 200
    assert [(f.student_id, f.note) for f in FollowUp.select()] == [(group.ok.id, "情绪低落")]


def test_a_follow_up_about_a_member_without_consent_is_refused(client, world, group):
    login_as(client, world.worker)
    data = group_form(**{f"fu_flag_{group.no.id}": "on", f"fu_note_{group.no.id}": "观察记录"})
    response = client.post(url(group.sessions[0]), data=data)
    assert response.status_code == 422
    assert "只能为有观察记录同意的本组组员记录跟进" in response.get_data(as_text=True)
    assert Reflection.select().count() == 0 and FollowUp.select().count() == 0


def test_a_withdrawal_stops_recording_on_the_next_request(client, world, group):
    login_as(client, world.worker)
    from planner.students.models import Consent

    Consent.update(withdrawn_on=rf.now().date()).where(Consent.student == group.ok.id).execute()
    page = client.get(url(group.sessions[0])).get_data(as_text=True)
    assert f'name="fu_note_{group.ok.id}"' not in page
    data = group_form(**{f"fu_note_{group.ok.id}": "不该保存"})
    assert client.post(url(group.sessions[0]), data=data).status_code == 422
    assert FollowUp.select().count() == 0


def test_an_answer_over_the_limit_is_refused_and_nothing_saved(client, world, group):
    login_as(client, world.worker)
    session = group.sessions[0]
    assert client.post(url(session), data=group_form(), headers=HX).status_code == 200
    before = Reflection.get()
    too_long = "很" * 2001
    data = group_form(
        version=before.version,
        answer_1=too_long,
        d_dynamics="新的内容",
        **{f"fu_note_{group.ok.id}": "新跟进"},
    )
    response = client.post(url(session), data=data, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "最多 2000 字，目前 2001 字，请删减 1 字。" in body
    assert 'id="err-answer_1"' in body and 'hx-swap-oob="true"' in body
    after = Reflection.get()
    assert (after.version, after.answers, after.details) == (
        before.version,
        before.answers,
        before.details,
    )
    assert FollowUp.select().count() == 0
    # without htmx: the whole form again, the text kept, the error next to the field
    page = client.post(url(session), data=data)
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and too_long in text and "新的内容" in text
    assert "有内容需要修改，本次没有保存任何内容。" in text and "2001" in text


def test_crlf_counts_as_one_character(client, world, group):
    """Browsers send textarea newlines as CRLF; the limit counts what the counter shows."""
    login_as(client, world.worker)
    text = "一\r\n" * 1000  # 2000 characters as typed, 3000 as sent
    response = client.post(url(group.sessions[0]), data=group_form(answer_0=text), headers=HX)
    assert response.status_code == 200
    assert len(Reflection.get().answers[stage_prompts("形成期")[0]]) == 1999  # stripped


def test_autosave_answers_with_the_status_and_the_new_version(client, world, group):
    login_as(client, world.worker)
    session = group.sessions[0]
    first = client.post(url(session), data=group_form(), headers=HX)
    body = first.get_data(as_text=True)
    assert "已自动保存" in body and 'id="r-version"' in body and 'value="1"' in body
    second = client.post(url(session), data=group_form(version=1, action="save"), headers=HX)
    assert "草稿已保存" in second.get_data(as_text=True) and 'value="2"' in second.get_data(
        as_text=True
    )
    r = Reflection.get()
    assert r.version == 2 and r.status == "draft"
    assert r.details["skills"] == ["评估", "鼓励支持"] and r.author_id == world.worker.id


def test_concurrent_edit_gets_a_conflict_and_keeps_the_first_writers_text(
    client, app, world, group
):
    """Two workers of the group open the same draft; the second save is refused (409)."""
    from tests import factories

    cofacilitator = factories.user("worker", agency=world.agency, schools=[world.school])
    from planner.sessions.models import ProgramWorker

    ProgramWorker.create(program=group.program, worker=cofacilitator)
    session = group.sessions[0]
    other = login_as(app.test_client(), cofacilitator)
    login_as(client, world.worker)
    assert 'name="version" value="0"' in client.get(url(session)).get_data(as_text=True)
    assert 'name="version" value="0"' in other.get(url(session)).get_data(as_text=True)
    assert (
        client.post(url(session), data=group_form(answer_0="第一位的文字"), headers=HX).status_code
        == 200
    )
    late = other.post(url(session), data=group_form(answer_0="第二位的文字"), headers=HX)
    assert late.status_code == 409
    assert "保存冲突" in late.get_data(as_text=True)
    assert late.headers["HX-Retarget"] == "#reflection-conflict"
    # the same with a stale version on an existing draft, and without htmx
    stale = other.post(url(session), data=group_form(version=0, answer_0="覆盖？"))
    assert stale.status_code == 409 and "重新打开最新版本" in stale.get_data(as_text=True)
    r = Reflection.get()
    assert r.answers[stage_prompts("形成期")[0]] == "第一位的文字" and r.version == 1


def test_switching_stage_keeps_the_draft_answers_and_submit_keeps_this_stages(client, world, group):
    login_as(client, world.worker)
    session = group.sessions[0]
    client.post(url(session), data=group_form("形成期", answer_0="形成期的回答"), headers=HX)
    client.post(
        url(session), data=group_form("转折期", version=1, answer_0="转折期的回答"), headers=HX
    )
    r = Reflection.get()
    assert set(r.answers) == {stage_prompts("形成期")[0], stage_prompts("转折期")[0]}
    swapped = client.get(f"{url(session)}/prompts?observed_stage=形成期", headers=HX)
    assert "形成期的回答" in swapped.get_data(as_text=True)
    done = client.post(
        url(session),
        data=group_form("转折期", version=2, answer_0="转折期的回答", action="submit"),
        headers=HX,
    )
    assert done.status_code == 204 and "HX-Location" in done.headers
    r = Reflection.get()
    assert r.status == "submitted" and r.submitted_at is not None
    assert r.answers == {stage_prompts("转折期")[0]: "转折期的回答"}


def test_submitted_reflection_is_read_only_for_the_worker(client, world, group):
    login_as(client, world.worker)
    session = group.sessions[0]
    assert client.post(url(session), data=group_form(action="submit")).status_code == 303
    page = client.get(url(session)).get_data(as_text=True)
    assert "待督导" in page and 'id="reflection-form"' not in page and "组员很拘谨。" in page
    again = client.post(url(session), data=group_form(version=1, answer_0="改一改"), headers=HX)
    assert again.status_code == 409 and "已提交督导，不能再修改" in again.get_data(as_text=True)
    assert Reflection.get().answers[stage_prompts("形成期")[0]] == "组员很拘谨。"


def test_submit_needs_an_answer_and_a_note_for_a_safeguarding_flag(client, world, group):
    login_as(client, world.worker)
    data = group_form(action="submit", answer_0="", **{f"fu_safe_{group.ok.id}": "on"})
    response = client.post(url(group.sessions[0]), data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请至少回答一个反思提示后再提交督导" in body and "标记为安全关注时，请写明情况" in body
    assert Reflection.select().count() == 0


def test_supervisor_reads_but_cannot_write(client, world, group):
    rf.reflection(group.sessions[0], world.worker, answers={stage_prompts("形成期")[0]: "草稿内容"})
    login_as(client, world.supervisor)
    page = client.get(url(group.sessions[0])).get_data(as_text=True)
    assert "草稿内容" in page and 'id="reflection-form"' not in page
    assert client.post(url(group.sessions[0]), data=group_form(version=1)).status_code == 403
    assert client.get(f"{url(group.sessions[0])}/prompts?observed_stage=转折期").status_code == 403


def test_reflection_page_query_count_does_not_grow_with_members(client, world, group):
    from playhouse.test_utils import count_queries

    login_as(client, world.worker)
    refl = rf.reflection(group.sessions[0], world.worker)
    rf.follow_up(refl, group.ok, safeguarding=True)
    with count_queries() as few:
        assert client.get(url(group.sessions[0])).status_code == 200
    more = [rf.student(world) for _ in range(9)]
    rf.members(group.program, *more)
    for s in more:
        rf.follow_up(refl, s)
    with count_queries() as many:
        body = client.get(url(group.sessions[0])).get_data(as_text=True)
    assert body.count('class="member-row') == 12
    # user, session, access, reflection, follow-ups, members, consents
    assert few.count == many.count == 7


def test_an_unknown_skill_is_refused(client, world, group):
    login_as(client, world.worker)
    data = group_form()
    data.add("skills", "催眠")
    response = client.post(url(group.sessions[0]), data=data)
    assert response.status_code == 422 and "请选择有效的选项" in response.get_data(as_text=True)
    assert Reflection.select().count() == 0
