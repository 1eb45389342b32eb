"""An admin who makes an account (their own included) a supervisor, to read reflections,
leaves a trace: the assignment is audited, naming the supervisor and each worker, and the
worker sees on her dashboard who supervises her and since when."""

from planner.accounts.models import Supervision, User
from planner.audit.models import AuditEntry
from tests import factories
from tests.accounts.test_users_admin import edit_data, new_user
from tests.conftest import login_as


def rows(action):
    return list(AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id))


def test_creating_a_supervisor_audits_each_link(client, world):
    login_as(client, world.admin)
    data = new_user(role="supervisor", worker_ids=[str(world.worker.id)])
    assert client.post("/admin/users/new", data=data).status_code == 303
    new = User.get(User.username == "new_user")
    created = rows("user_create")[-1]
    assert created.user_id == world.admin.id
    assert f"role=supervisor workers={world.worker.id}" in created.detail
    (added,) = rows("supervision_add")
    assert added.user_id == world.admin.id
    assert (added.object_type, added.object_id) == ("user", world.worker.id)
    assert added.detail == f"supervisor={new.id} worker={world.worker.id}"


def test_an_admin_making_themself_a_supervisor_is_audited(client, world):
    """The admin turns their own account into a supervisor of the worker: both the role
    change and the new link are recorded, by them, about the worker."""
    login_as(client, world.admin)
    data = edit_data(world.admin, role="supervisor", worker_ids=[str(world.worker.id)])
    assert client.post(f"/admin/users/{world.admin.id}/edit", data=data).status_code == 303
    change = rows("user_change")[-1]
    assert change.user_id == world.admin.id
    assert "fields=role,links" in change.detail and f"workers={world.worker.id}" in change.detail
    (added,) = rows("supervision_add")
    assert added.user_id == world.admin.id and added.object_id == world.worker.id


def test_removing_a_link_is_audited_and_a_kept_link_keeps_its_date(client, world):
    second = factories.user("worker", agency=world.agency, schools=[world.school])
    Supervision.create(supervisor=world.supervisor, worker=second)
    kept = Supervision.get(
        (Supervision.supervisor == world.supervisor.id) & (Supervision.worker == world.worker.id)
    )
    login_as(client, world.admin)
    data = edit_data(world.supervisor, worker_ids=[str(world.worker.id)])
    assert client.post(f"/admin/users/{world.supervisor.id}/edit", data=data).status_code == 303
    (removed,) = rows("supervision_remove")
    assert removed.detail == f"supervisor={world.supervisor.id} worker={second.id}"
    assert rows("supervision_add") == []
    again = Supervision.get(
        (Supervision.supervisor == world.supervisor.id) & (Supervision.worker == world.worker.id)
    )
    assert (again.id, again.created_at) == (kept.id, kept.created_at)


def test_the_worker_sees_who_supervises_her(client, world):
    login_as(client, world.worker)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "我的督导" in html
    section = html[html.index('id="my-supervisors"') :]
    assert world.supervisor.display_name in section[: section.index("</section>")]


def test_a_worker_without_a_supervisor_is_told_so(client, world):
    login_as(client, world.worker_other)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "我的督导" in html and "尚未安排督导。" in html
    assert world.supervisor.display_name not in html
