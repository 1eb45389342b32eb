"""The editor: fork, edit every field, bad input, conflicts, reorder, publish, versioning."""

from werkzeug.datastructures import MultiDict

from planner.curricula.editor import full
from planner.curricula.models import Activity, Curriculum, SessionTemplate
from tests.conftest import login_as
from tests.curricula.factories import PLAN, curriculum


def plan_form(c, **changes):
    form = MultiDict(
        {
            "title": c.title,
            "theme": c.theme,
            "grade_band": c.grade_band,
            "period_minutes": str(c.period_minutes),
            "summary": c.summary,
            "edit_version": str(c.edit_version),
        }
    )
    for g in c.grades:
        form.add("grades", str(g))
    for key, value in c.plan.items():
        if key == "risks":
            form[key] = "\n".join(f"{r['risk']}｜{r['response']}" for r in value)
        else:
            form[key] = "\n".join(value) if isinstance(value, list) else value
    for key, value in changes.items():
        if isinstance(value, list):
            form.setlist(key, value)
        else:
            form[key] = value
    return form


def session_form(session, activities=None, **changes):
    form = MultiDict(
        {
            "title": session.title,
            "edit_version": str(session.edit_version),
            "knowledge": "知",
            "skill": "技",
            "attitude": "态",
            "action": "save",
        }
    )
    if session.stage:
        form["stage"] = session.stage
    for i, a in enumerate(activities if activities is not None else session.activities):
        for kind in a.get("collects", []) if isinstance(a, dict) else a.collects or []:
            form.add(f"a_collects_{i}", kind)
        for key in ("phase", "title", "minutes", "purpose"):
            form.add(f"a_{key}", str(a[key] if isinstance(a, dict) else getattr(a, key)))
        for key in ("steps", "materials", "debrief"):
            value = a[key] if isinstance(a, dict) else getattr(a, key)
            form.add(f"a_{key}", "\n".join(value) if isinstance(value, list) else value)
    for key, value in changes.items():
        form[key] = value  # MultiDict.update would add a second value
    return form


def draft(world, **kw):
    return curriculum(agency=world.agency, status="draft", slug=kw.pop("slug", "my-draft"), **kw)


def test_fork_copies_into_my_agency_as_a_draft(client, world):
    shared = curriculum(slug="puberty-junior")
    login_as(client, world.worker)
    response = client.post(f"/curricula/{shared.id}/fork")
    assert response.status_code == 303
    copy = Curriculum.get(Curriculum.forked_from == shared.id)
    assert copy.agency_id == world.agency.id and copy.status == "draft" and copy.version == 1
    assert copy.slug.startswith("puberty-junior-") and "改编" in copy.title
    assert response.location.endswith(f"/curricula/{copy.id}/edit")
    copied = full(copy.id)
    assert [s.title for s in copied.sessions] == [s.title for s in shared.sessions]
    assert sum(len(s.activities) for s in copied.sessions) == sum(
        len(s.activities) for s in shared.sessions
    )


def test_plan_edit_saves_every_field(client, world):
    c = draft(world)
    login_as(client, world.worker)
    form = plan_form(
        c, title="新标题", theory="生态系统理论", specific_goals="目标A\n目标B", grades=["7"]
    )
    response = client.post(f"/curricula/{c.id}/edit", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    saved = Curriculum.get_by_id(c.id)
    assert saved.title == "新标题" and saved.plan["theory"] == "生态系统理论"
    assert saved.plan["specific_goals"] == ["目标A", "目标B"] and saved.grades == [7]
    assert saved.grade_tags == ",7," and saved.edit_version == c.edit_version + 1


def test_plan_bad_input_is_shown_inline_and_nothing_saved(client, world):
    c = draft(world)
    login_as(client, world.worker)
    cases = [
        ({"title": ""}, "此项为必填项"),
        ({"title": "长" * 61}, "最多 60 个字"),
        ({"period_minutes": "abc"}, "请输入整数"),
        ({"period_minutes": "500"}, "应在 20 到 120 之间"),
        ({"period_minutes": "50"}, "初中的课时为 45 分钟"),
        ({"grades": ["11"]}, "年级须在学段范围"),
        ({"theme": "不存在的主题"}, "请选择有效的选项"),
        ({"risks": "没有竖线的一行"}, None),  # classroom: risks are ignored, not an error
    ]
    for changes, message in cases:
        response = client.post(f"/curricula/{c.id}/edit", data=plan_form(c, **changes))
        if message is None:
            continue
        assert response.status_code == 422, changes
        assert message in response.get_data(as_text=True), changes
        assert Curriculum.get_by_id(c.id).title == c.title


def test_group_risks_must_have_a_response(client, world):
    c = draft(world, kind="group", sessions=6)
    login_as(client, world.worker)
    response = client.post(f"/curricula/{c.id}/edit", data=plan_form(c, risks="只有风险没有应对"))
    assert response.status_code == 422 and "用竖线分隔" in response.get_data(as_text=True)


def test_concurrent_plan_edits_get_the_conflict_screen(client, world, app):
    c = draft(world)
    other = login_as(app.test_client(), world.admin)
    login_as(client, world.worker)
    first = other.post(f"/curricula/{c.id}/edit", data=plan_form(c, title="管理员的修改"))
    assert first.status_code == 200
    second = client.post(f"/curricula/{c.id}/edit", data=plan_form(c, title="社工的修改"))
    assert second.status_code == 409 and "保存冲突" in second.get_data(as_text=True)
    assert Curriculum.get_by_id(c.id).title == "管理员的修改"


def test_session_save_replaces_activities(client, world):
    c = draft(world)
    s = c.sessions[0]
    login_as(client, world.worker)
    acts = [
        {
            "phase": "导入",
            "title": "暖身",
            "minutes": 10,
            "purpose": "p",
            "steps": ["一", "二"],
            "materials": ["卡片"],
            "debrief": [],
        },
        {
            "phase": "总结",
            "title": "小结",
            "minutes": 30,
            "purpose": "",
            "steps": ["回顾"],
            "materials": [],
            "debrief": ["学到了什么？"],
        },
    ]
    response = client.post(
        f"/curricula/{c.id}/sessions/{s.id}",
        data=session_form(s, acts, title="改过的一课", sensitivity="puberty"),
    )
    assert response.status_code == 200 and "已保存" in response.get_data(as_text=True)
    saved = full(c.id).sessions[0]
    assert saved.title == "改过的一课" and saved.sensitivity == ["puberty"]
    assert [(a.title, a.minutes, a.steps) for a in saved.activities] == [
        ("暖身", 10, ["一", "二"]),
        ("小结", 30, ["回顾"]),
    ]


def test_overrun_is_an_error_and_nothing_is_saved(client, world):
    c = draft(world)
    s = c.sessions[0]
    login_as(client, world.worker)
    acts = [
        dict(phase="主体", title="太长", minutes=50, purpose="", steps=[], materials=[], debrief=[])
    ]
    response = client.post(f"/curricula/{c.id}/sessions/{s.id}", data=session_form(s, acts))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "活动合计 50 分钟，超过单节时长 45 分钟" in body
    assert Activity.select().where(Activity.session == s.id).count() == 3


def test_activity_row_errors_are_inline(client, world):
    c = draft(world)
    s = c.sessions[0]
    login_as(client, world.worker)
    acts = [
        dict(phase="主体", title="", minutes="x", purpose="", steps=[], materials=[], debrief=[])
    ]
    body = client.post(f"/curricula/{c.id}/sessions/{s.id}", data=session_form(s, acts)).get_data(
        as_text=True
    )
    assert 'id="e-a0_title"' in body and 'id="e-a0_minutes"' in body


def test_add_remove_and_move_activity_rows_before_saving(client, world):
    c = draft(world)
    s = c.sessions[0]
    login_as(client, world.worker)

    def titles(body):
        return [t.split('value="')[1].split('"')[0] for t in body.split('name="a_title"')[1:]]

    body = client.post(
        f"/curricula/{c.id}/sessions/{s.id}", data=session_form(s, action="down:0")
    ).get_data(as_text=True)
    assert titles(body)[:2] == [s.activities[1].title, s.activities[0].title]
    body = client.post(
        f"/curricula/{c.id}/sessions/{s.id}", data=session_form(s, action="add")
    ).get_data(as_text=True)
    assert len(titles(body)) == 4
    body = client.post(
        f"/curricula/{c.id}/sessions/{s.id}", data=session_form(s, action="remove:0")
    ).get_data(as_text=True)
    assert len(titles(body)) == 2
    assert Activity.select().where(Activity.session == s.id).count() == 3  # nothing saved yet


def test_stale_session_edit_is_a_conflict(client, world):
    c = draft(world)
    s = c.sessions[0]
    login_as(client, world.worker)
    assert (
        client.post(
            f"/curricula/{c.id}/sessions/{s.id}", data=session_form(s, title="一")
        ).status_code
        == 200
    )
    response = client.post(f"/curricula/{c.id}/sessions/{s.id}", data=session_form(s, title="二"))
    assert response.status_code == 409
    assert SessionTemplate.get_by_id(s.id).title == "一"


def test_sessions_can_be_added_moved_and_deleted(client, world):
    c = draft(world)
    ids = [s.id for s in c.sessions]
    login_as(client, world.worker)
    assert (
        client.post(
            f"/curricula/{c.id}/sessions/{ids[0]}/move", data={"direction": "down"}
        ).status_code
        == 303
    )

    def order():
        return [s.id for s in full(c.id).sessions]

    assert order()[:2] == [ids[1], ids[0]]
    client.post(f"/curricula/{c.id}/sessions/{ids[2]}/delete")
    assert order() == [ids[1], ids[0], ids[3]]
    assert [s.seq for s in full(c.id).sessions] == [1, 2, 3]
    response = client.post(f"/curricula/{c.id}/sessions/add")
    assert response.status_code == 303 and len(order()) == 4


def test_publish_lists_problems_then_publishes(client, world):
    c = draft(world, plan=dict(PLAN, methods=""))
    login_as(client, world.worker)
    response = client.post(f"/curricula/{c.id}/publish")
    assert response.status_code == 422 and "服务方法" in response.get_data(as_text=True)
    assert Curriculum.get_by_id(c.id).status == "draft"
    client.post(f"/curricula/{c.id}/edit", data=plan_form(c, methods="体验式活动"))
    assert client.post(f"/curricula/{c.id}/publish").status_code == 303
    assert Curriculum.get_by_id(c.id).status == "published"


def test_editing_published_makes_a_new_version_and_keeps_the_old(client, world):
    c = curriculum(agency=world.agency, slug="ours")
    login_as(client, world.worker)
    assert client.get(f"/curricula/{c.id}/edit").status_code == 409  # published: locked
    response = client.post(f"/curricula/{c.id}/new-version")
    new = Curriculum.get((Curriculum.slug == "ours") & (Curriculum.version == 2))
    assert response.status_code == 303 and new.status == "draft"
    client.post(f"/curricula/{new.id}/edit", data=plan_form(new, title="第二版标题"))
    assert Curriculum.get_by_id(c.id).title == c.title  # the version in use never changes
    again = client.post(f"/curricula/{c.id}/new-version")
    assert again.location.endswith(f"/curricula/{new.id}/edit")  # one open draft per slug


def test_workers_cannot_edit_the_shared_library_directly(client, world):
    shared = curriculum(slug="shared-one")
    login_as(client, world.worker)
    assert client.post(f"/curricula/{shared.id}/new-version").status_code == 403
    assert client.post(f"/curricula/{shared.id}/fork").status_code == 303


def test_a_sensitivity_flag_not_on_the_list_is_refused_in_chinese(client, world):
    c = draft(world)
    s = c.sessions[0]
    login_as(client, world.worker)
    form = session_form(s, sensitivity="bogus")
    response = client.post(f"/curricula/{c.id}/sessions/{s.id}", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "请选择有效的选项。" in body and "Must be one of" not in body
    ok = session_form(s, sensitivity="grief")
    assert client.post(f"/curricula/{c.id}/sessions/{s.id}", data=ok).status_code in (200, 303)
    assert 'value="grief" checked' in client.get(f"/curricula/{c.id}/sessions/{s.id}").get_data(
        as_text=True
    )


def test_an_old_edit_url_after_publishing_says_published_and_links_to_it(client, world):
    """Reopening a draft's edit URL once it is published names the real reason (issue 14)."""
    c = curriculum(agency=world.agency, slug="ours")
    login_as(client, world.worker)
    for url in (f"/curricula/{c.id}/edit", f"/curricula/{c.id}/sessions/{c.sessions[0].id}"):
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "已发布" in body and "已被他人修改" not in body
        assert f'href="/curricula/{c.id}"' in body


def test_an_activitys_collections_survive_an_edit_and_follow_a_move(client, world):
    """The editor used to drop `collects`: saving a lesson lost its post-test mark, and
    quality rule 2 then had nothing to check."""
    c = draft(world)
    s = c.sessions[0]
    last = s.activities[-1]
    Activity.update(collects=["posttest", "satisfaction"]).where(Activity.id == last.id).execute()
    s = full(c.id).sessions[0]
    login_as(client, world.worker)
    page = client.get(f"/curricula/{c.id}/sessions/{s.id}").get_data(as_text=True)
    n = len(s.activities) - 1
    for kind in ("posttest", "satisfaction"):
        box = page.split(f'id="a{n}-collects-{kind}"')[1].split(">")[0]
        assert "checked" in box
    assert "checked" not in page.split(f'id="a{n}-collects-questionnaire"')[1].split(">")[0]
    response = client.post(f"/curricula/{c.id}/sessions/{s.id}", data=session_form(s))
    assert response.status_code == 200
    assert full(c.id).sessions[0].activities[-1].collects == ["posttest", "satisfaction"]
    # moved up one row before saving, the ticks move with it
    body = client.post(
        f"/curricula/{c.id}/sessions/{s.id}", data=session_form(s, action=f"up:{n}")
    ).get_data(as_text=True)
    assert "checked" in body.split(f'id="a{n - 1}-collects-posttest"')[1].split(">")[0]
    assert "checked" not in body.split(f'id="a{n}-collects-posttest"')[1].split(">")[0]


def test_a_collection_not_on_the_list_is_refused_and_nothing_saved(client, world):
    c = draft(world)
    s = c.sessions[0]
    login_as(client, world.worker)
    form = session_form(s)
    form.add("a_collects_0", "grades")
    response = client.post(f"/curricula/{c.id}/sessions/{s.id}", data=form)
    body = response.get_data(as_text=True)
    assert (
        response.status_code == 422 and 'id="e-a0_collects"' in body and "请选择有效的选项" in body
    )
    assert full(c.id).sessions[0].activities[0].collects == []
