"""Supervision: the queue, safeguarding first until acknowledged, comment and sign-off,
return for changes, and who may do what."""

import datetime as dt

from playhouse.test_utils import count_queries

from planner.reflections.models import FollowUp, Reflection
from planner.schools.models import Agency
from tests import factories
from tests.conftest import login_as
from tests.reflections import factories as rf


def _submitted(session, author, when, **kw):
    return rf.reflection(session, author, status="submitted", submitted_at=when, **kw)


def test_queue_lists_submitted_reflections_of_my_workers_only(client, world, group):
    s = group.sessions
    old = _submitted(s[0], world.worker, dt.datetime(2026, 9, 11, 2))
    new = _submitted(s[1], world.worker, dt.datetime(2026, 9, 18, 2))
    rf.reflection(s[2], world.worker)  # a draft: not in the queue
    stranger = factories.user("worker", agency=world.agency, schools=[world.school])
    theirs = rf.program(world, workers=[stranger])
    hidden = _submitted(rf.sessions_of(theirs)[0], stranger, dt.datetime(2026, 9, 1))
    login_as(client, world.supervisor)
    body = client.get("/supervision").get_data(as_text=True)
    assert f'id="queue-{old.id}"' in body and f'id="queue-{new.id}"' in body
    assert body.index(f'id="queue-{old.id}"') < body.index(f'id="queue-{new.id}"')  # oldest first
    assert f'id="queue-{hidden.id}"' not in body
    assert "没有待确认的安全关注" in body


def test_safeguarding_goes_on_top_until_acknowledged(client, world, group):
    s = group.sessions
    plain = _submitted(s[0], world.worker, dt.datetime(2026, 9, 11, 2))
    flagged = _submitted(s[1], world.worker, dt.datetime(2026, 9, 18, 2))
    concern = rf.follow_up(flagged, group.ok, safeguarding=True, note="提到被高年级同学勒索")
    rf.follow_up(plain, group.ok2, note="学习压力大")  # not safeguarding: no top entry
    draft = rf.reflection(s[2], world.worker)
    urgent_draft = rf.follow_up(draft, group.ok2, safeguarding=True, note="手臂有伤痕")
    login_as(client, world.supervisor)
    body = client.get("/supervision").get_data(as_text=True)
    top, queue = body.split("待督导的反思")
    assert "提到被高年级同学勒索" in top and "手臂有伤痕" in top and "学习压力大" not in top
    assert "张小明" not in body and group.ok.archive_code in top  # codes, not names
    # the reflection with an open safeguarding flag comes before the older plain one
    assert queue.index(f'id="queue-{flagged.id}"') < queue.index(f'id="queue-{plain.id}"')
    assert "安全关注 1 项" in queue

    response = client.post(f"/supervision/follow-ups/{concern.id}/acknowledge")
    assert response.status_code == 303 and response.location.endswith("/supervision")
    item = FollowUp.get_by_id(concern.id)
    assert item.acknowledged_by_id == world.supervisor.id and item.acknowledged_at is not None
    body = client.get("/supervision").get_data(as_text=True)
    top, queue = body.split("待督导的反思")
    assert "提到被高年级同学勒索" not in top and "手臂有伤痕" in top
    assert queue.index(f'id="queue-{plain.id}"') < queue.index(f'id="queue-{flagged.id}"')
    # acknowledging from the reflection page comes back to it; a second time changes nothing
    back = client.post(
        f"/supervision/follow-ups/{urgent_draft.id}/acknowledge", data={"back": "reflection"}
    )
    assert back.location.endswith(f"/sessions/{s[2].id}/reflection")
    first_at = FollowUp.get_by_id(urgent_draft.id).acknowledged_at
    client.post(f"/supervision/follow-ups/{urgent_draft.id}/acknowledge")
    assert FollowUp.get_by_id(urgent_draft.id).acknowledged_at == first_at


def test_the_worker_sees_the_acknowledgement(client, world, group):
    refl = _submitted(group.sessions[0], world.worker, dt.datetime(2026, 9, 11, 2))
    concern = rf.follow_up(refl, group.ok, safeguarding=True)
    login_as(client, world.supervisor)
    client.post(f"/supervision/follow-ups/{concern.id}/acknowledge")
    login_as(client, world.worker)
    page = client.get(f"/sessions/{group.sessions[0].id}/reflection").get_data(as_text=True)
    assert "督导已知悉" in page and "张小明" in page  # the worker sees the name


def test_sign_off_and_the_worker_sees_the_comment(client, world, group):
    session = group.sessions[0]
    refl = _submitted(session, world.worker, dt.datetime(2026, 9, 11, 2))
    login_as(client, world.supervisor)
    page = client.get(f"/sessions/{session.id}/reflection").get_data(as_text=True)
    assert 'id="review-form"' in page
    response = client.post(
        f"/supervision/reflections/{refl.id}/review",
        data={
            "action": "sign_off",
            "comment": "对冲突的处理很及时。",
            "version": str(refl.version),
        },
    )
    assert response.status_code == 303
    saved = Reflection.get_by_id(refl.id)
    assert saved.status == "signed_off" and saved.signed_off_by_id == world.supervisor.id
    assert saved.signed_off_at is not None and saved.supervisor_comment == "对冲突的处理很及时。"
    assert f'id="queue-{refl.id}"' not in client.get("/supervision").get_data(as_text=True)
    again = client.post(
        f"/supervision/reflections/{refl.id}/review",
        data={"action": "return", "comment": "再改", "version": str(saved.version)},
    )
    assert again.status_code == 409  # signed off is final
    login_as(client, world.worker)
    page = client.get(f"/sessions/{session.id}/reflection").get_data(as_text=True)
    assert "对冲突的处理很及时。" in page and "督导已签阅" in page and "已签阅" in page
    mine = client.get("/reflections").get_data(as_text=True)
    assert "对冲突的处理很及时。" in mine and "已签阅" in mine


def test_return_for_changes_lets_the_worker_edit_again(client, world, group):
    session = group.sessions[0]
    refl = _submitted(session, world.worker, dt.datetime(2026, 9, 11, 2))
    login_as(client, world.supervisor)
    refused = client.post(
        f"/supervision/reflections/{refl.id}/review",
        data={"action": "return", "comment": "", "version": str(refl.version)},
    )
    assert refused.status_code == 422 and "退回修改时，请写明需要修改的地方" in refused.get_data(
        as_text=True
    )
    assert Reflection.get_by_id(refl.id).status == "submitted"
    client.post(
        f"/supervision/reflections/{refl.id}/review",
        data={"action": "return", "comment": "请补充关键事件。", "version": str(refl.version)},
    )
    assert Reflection.get_by_id(refl.id).status == "draft"
    login_as(client, world.worker)
    page = client.get(f"/sessions/{session.id}/reflection").get_data(as_text=True)
    assert 'id="reflection-form"' in page and "请补充关键事件。" in page and "督导已退回" in page
    assert "已退回" in client.get("/reflections").get_data(as_text=True)


def test_a_stale_review_is_a_conflict(client, world, group):
    refl = _submitted(group.sessions[0], world.worker, dt.datetime(2026, 9, 11, 2))
    login_as(client, world.supervisor)
    response = client.post(
        f"/supervision/reflections/{refl.id}/review",
        data={"action": "sign_off", "comment": "", "version": "7"},
    )
    assert response.status_code == 409
    assert Reflection.get_by_id(refl.id).status == "submitted"


def test_another_supervisor_sees_nothing(client, world, group):
    refl = _submitted(group.sessions[0], world.worker, dt.datetime(2026, 9, 11, 2))
    concern = rf.follow_up(refl, group.ok, safeguarding=True)
    other_worker = factories.user("worker", agency=world.agency, schools=[world.school])
    other = factories.user("supervisor", agency=world.agency, workers=[other_worker])
    login_as(client, other)
    body = client.get("/supervision").get_data(as_text=True)
    assert f'id="queue-{refl.id}"' not in body and f'id="flag-{concern.id}"' not in body
    # same school, so the session is in scope, but not this supervisor's worker: refused
    assert client.get(f"/sessions/{group.sessions[0].id}/reflection").status_code == 403
    assert client.get(f"/programs/{group.program.id}/stages").status_code == 403
    assert (
        client.post(
            f"/supervision/reflections/{refl.id}/review",
            data={"action": "sign_off", "version": "1"},
        ).status_code
        == 404
    )
    assert client.post(f"/supervision/follow-ups/{concern.id}/acknowledge").status_code == 404
    assert Reflection.get_by_id(refl.id).status == "submitted"
    assert FollowUp.get_by_id(concern.id).acknowledged_at is None


def test_admin_and_teacher_never_read_reflections(client, world, group):
    """An admin reads no reflection; the safeguarding queue opens to an admin only as the
    agency's safeguarding lead or when there is none (tests/reflections/test_safeguarding.py)."""
    Agency.update(safeguarding_lead=world.supervisor.id).where(
        Agency.id == world.agency.id
    ).execute()
    session = group.sessions[0]
    refl = _submitted(
        session, world.worker, dt.datetime(2026, 9, 11, 2), answers={"问题": "保密的内容"}
    )
    for user in (world.admin, world.teacher):
        login_as(client, user)
        for path in (
            f"/sessions/{session.id}/reflection",
            "/supervision",
            "/reflections",
            f"/programs/{group.program.id}/stages",
            "/records/missing",
        ):
            response = client.get(path)
            assert response.status_code == 403, (user.role, path)
            assert "保密的内容" not in response.get_data(as_text=True)
        assert (
            client.post(
                f"/supervision/reflections/{refl.id}/review",
                data={"action": "sign_off", "version": "1"},
            ).status_code
            == 403
        )


def test_a_worker_of_the_school_not_on_the_program_cannot_read(client, world, group):
    colleague = factories.user("worker", agency=world.agency, schools=[world.school])
    refl = rf.reflection(group.sessions[0], world.worker)
    login_as(client, colleague)
    assert client.get(f"/sessions/{group.sessions[0].id}/reflection").status_code == 403
    assert client.get(f"/programs/{group.program.id}/stages").status_code == 403
    mine = client.get("/reflections").get_data(as_text=True)
    assert f'id="mine-{refl.id}"' not in mine and "还没有反思记录" in mine


def test_supervisor_queue_query_count_is_constant(client, world, group):
    login_as(client, world.supervisor)

    def fill(sessions):
        for i, session in enumerate(sessions):
            refl = _submitted(session, world.worker, dt.datetime(2026, 9, 11 + i, 2))
            rf.follow_up(refl, group.ok, safeguarding=True, note=f"关注{i}")
            rf.follow_up(refl, None, safeguarding=True, note=f"课堂关注{i}")

    fill(group.sessions[:1])
    with count_queries() as few:
        body = client.get("/supervision").get_data(as_text=True)
    assert body.count('class="follow-up safeguarding"') == 2
    more = rf.program(world)
    fill(group.sessions[1:] + rf.sessions_of(more))
    with count_queries() as many:
        body = client.get("/supervision").get_data(as_text=True)
    assert body.count('class="follow-up safeguarding"') == 24 and body.count('id="queue-') == 12
    # the user, the agency's safeguarding lead, the open safeguarding follow-ups, the audit
    # row of the notes shown, the queue
    assert few.count == many.count == 5
