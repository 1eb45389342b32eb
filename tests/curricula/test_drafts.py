"""Drafts are private (issue 14): a worker's draft or fork stays under 我的课程 and out of
the shared library until it is published; a colleague reads or edits it only when invited."""

from planner.curricula.models import Curriculum, DraftEditor
from tests import factories
from tests.conftest import login_as
from tests.curricula.factories import curriculum


def _draft(world, author, **kw):
    kw.setdefault("slug", "mine")
    kw.setdefault("title", "我的草稿")
    return curriculum(agency=world.agency, status="draft", user=author, **kw)


def _colleague(world, role="worker"):
    return factories.user(role, agency=world.agency, display_name=f"同事{role}")


def test_a_draft_is_under_my_courses_with_its_author_and_not_in_the_shared_list(client, world):
    draft = _draft(world, world.worker)
    login_as(client, world.worker)
    body = client.get("/curricula/").get_data(as_text=True)
    mine, shared = body.split('id="results"')
    assert "我的草稿" in mine and f"作者：{world.worker.display_name}" in mine
    assert "我的草稿" not in shared
    page = client.get(f"/curricula/{draft.id}").get_data(as_text=True)
    assert f"作者：{world.worker.display_name}" in page


def test_a_colleague_not_invited_sees_nothing_of_it(client, world):
    draft = _draft(world, world.worker)
    colleague = _colleague(world)
    login_as(client, colleague)
    assert "我的草稿" not in client.get("/curricula/").get_data(as_text=True)
    for url in (
        f"/curricula/{draft.id}",
        f"/curricula/{draft.id}/edit",
        f"/curricula/{draft.id}/sessions/{draft.sessions[0].id}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/curricula/{draft.id}/publish").status_code == 404
    assert Curriculum.get_by_id(draft.id).status == "draft"


def test_a_fork_is_the_forkers_own_draft(client, world):
    shared = curriculum(agency=None, status="published", slug="shared", title="共享方案")
    login_as(client, world.worker)
    response = client.post(f"/curricula/{shared.id}/fork")
    fork = Curriculum.get(Curriculum.forked_from == shared.id)
    assert response.status_code == 303 and fork.created_by_id == world.worker.id
    login_as(client, _colleague(world))
    assert client.get(f"/curricula/{fork.id}").status_code == 404


def test_the_author_invites_a_colleague_who_may_then_edit_and_is_then_removed(client, world):
    draft = _draft(world, world.worker)
    colleague = _colleague(world)
    login_as(client, world.worker)
    page = client.get(f"/curricula/{draft.id}/edit").get_data(as_text=True)
    assert f'value="{colleague.id}"' in page  # offered in the invite list
    response = client.post(f"/curricula/{draft.id}/editors", data={"colleague": colleague.id})
    assert response.status_code == 303
    login_as(client, colleague)
    assert "我的草稿" in client.get("/curricula/").get_data(as_text=True)
    assert client.get(f"/curricula/{draft.id}/edit").status_code == 200
    # the invited may edit, but not invite others or remove anyone
    third = _colleague(world, "admin")
    refused = client.post(f"/curricula/{draft.id}/editors", data={"colleague": third.id})
    assert refused.status_code == 403
    login_as(client, world.worker)
    removed = client.post(f"/curricula/{draft.id}/editors/{colleague.id}/remove")
    assert removed.status_code == 303
    login_as(client, colleague)
    assert client.get(f"/curricula/{draft.id}/edit").status_code == 404


def test_who_cannot_be_invited_is_refused_in_chinese_and_nothing_saved(client, world):
    draft = _draft(world, world.worker)
    teacher = factories.user("teacher", agency=world.agency)
    stranger = factories.user("worker")  # another agency
    gone = factories.user("worker", agency=world.agency, active=False)
    colleague = _colleague(world)
    DraftEditor.create(curriculum=draft.id, user=colleague.id, invited_by=world.worker.id)
    login_as(client, world.worker)
    cases = {
        "": "请",
        "abc": "整数",
        "99999999999999999999": "",
        str(teacher.id): "请选择本机构可以编辑课程的同事",
        str(stranger.id): "请选择本机构可以编辑课程的同事",
        str(gone.id): "请选择本机构可以编辑课程的同事",
        str(world.worker.id): "作者本人不需要邀请",
        str(colleague.id): "已经邀请过这位同事",
    }
    for value, message in cases.items():
        response = client.post(f"/curricula/{draft.id}/editors", data={"colleague": value})
        assert response.status_code == 422, value
        assert message in response.get_data(as_text=True), value
    assert DraftEditor.select().where(DraftEditor.curriculum == draft.id).count() == 1


def test_removing_someone_not_invited_is_404(client, world):
    draft = _draft(world, world.worker)
    login_as(client, world.worker)
    response = client.post(f"/curricula/{draft.id}/editors/{world.admin.id}/remove")
    assert response.status_code == 404


def test_a_new_version_while_a_colleague_holds_the_draft_names_them(client, world):
    published = curriculum(agency=world.agency, status="published", slug="ours", title="本机构方案")
    author = _colleague(world)
    login_as(client, author)
    assert client.post(f"/curricula/{published.id}/new-version").status_code == 303
    login_as(client, world.worker)
    response = client.post(f"/curricula/{published.id}/new-version")
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and author.display_name in body and "邀请" in body
    assert Curriculum.select().where(Curriculum.slug == "ours").count() == 2


def test_an_agency_draft_without_an_author_stays_the_agencys(client, world):
    """Drafts made before drafts had owners (or whose author's account is gone) stay
    editable by the agency's editors: nothing is locked away by the change."""
    draft = curriculum(agency=world.agency, status="draft", slug="old", title="旧草稿")
    login_as(client, world.worker)
    assert client.get(f"/curricula/{draft.id}/edit").status_code == 200
