"""Safeguarding flags always reach a person who must act (standard 4.1): the worker's
supervisor, else the agency's safeguarding lead, else every admin of the agency (with a
warning on their dashboard). The world's worker has a supervisor; each test adds a worker
with none."""

from planner.audit.models import AuditEntry
from planner.reflections.models import FollowUp
from planner.schools.models import Agency
from tests import factories
from tests.conftest import login_as
from tests.reflections import factories as rf

WARNING = "未指定安全事项负责人"


def set_lead(world, user):
    Agency.update(safeguarding_lead=user.id if user else None).where(
        Agency.id == world.agency.id
    ).execute()


def flag(world, worker, note="说起家里有人打他", student=True):
    """An open safeguarding flag in a submitted reflection of a new group of this worker."""
    prog = rf.program(world, workers=[worker])
    member = rf.student(world) if student else None
    if member:
        rf.members(prog, member)
    refl = rf.reflection(rf.sessions_of(prog)[0], worker, status="submitted")
    return rf.follow_up(refl, member, safeguarding=True, note=note)


def alone(world):
    """A worker of the world's school with no supervisor."""
    return factories.user("worker", agency=world.agency, schools=[world.school])


def page(client, user, path):
    login_as(client, user)
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_a_supervised_workers_flag_reaches_her_supervisor(client, world):
    item = flag(world, world.worker, note="手臂有淤青")
    lead = factories.user("supervisor", agency=world.agency)
    set_lead(world, lead)
    status, body = page(client, world.supervisor, "/supervision")
    assert status == 200 and f'id="flag-{item.id}"' in body and "手臂有淤青" in body
    assert "查看反思" in body and "已升级" not in body
    _, dash = page(client, world.supervisor, "/dashboard")
    assert f'id="dash-flag-{item.id}"' in dash and "手臂有淤青" not in dash  # no notes there
    # routed to the supervisor: not the lead's until it escalates, and no admin's
    _, body = page(client, lead, "/supervision")
    assert f'id="flag-{item.id}"' not in body
    assert page(client, world.admin, "/supervision")[0] == 403
    assert f'id="dash-flag-{item.id}"' not in page(client, world.admin, "/dashboard")[1]


def test_an_unsupervised_workers_flag_reaches_the_lead(client, world):
    """The regression: a worker with no supervisor raised a flag that nobody saw."""
    worker = alone(world)
    lead = factories.user("supervisor", agency=world.agency)  # supervises nobody
    set_lead(world, lead)
    item = flag(world, worker, note="说想离家出走")
    status, body = page(client, lead, "/supervision")
    assert status == 200 and f'id="flag-{item.id}"' in body and "说想离家出走" in body
    assert "该社工没有督导" in body and "安全事项负责人" in body
    assert "查看反思" not in body  # the lead is not the worker's supervisor: no reflection
    assert item.student.archive_code in body and item.student.name not in body
    _, dash = page(client, lead, "/dashboard")
    assert f'id="dash-flag-{item.id}"' in dash
    # not the supervisor of other workers, nor the admins when there is a lead
    assert f'id="flag-{item.id}"' not in page(client, world.supervisor, "/supervision")[1]
    assert page(client, world.admin, "/supervision")[0] == 403
    assert WARNING not in page(client, world.admin, "/dashboard")[1]
    # the lead acknowledges it: it leaves the queue and the dashboards
    login_as(client, lead)
    response = client.post(f"/supervision/follow-ups/{item.id}/acknowledge")
    assert response.status_code == 303 and response.location.endswith("/supervision")
    assert FollowUp.get_by_id(item.id).acknowledged_by_id == lead.id
    assert f'id="flag-{item.id}"' not in page(client, lead, "/supervision")[1]
    assert f'id="dash-flag-{item.id}"' not in page(client, worker, "/dashboard")[1]


def test_an_admin_can_be_the_lead(client, world):
    worker = alone(world)
    other_admin = factories.user("admin", agency=world.agency)
    set_lead(world, world.admin)
    item = flag(world, worker)
    supervised = flag(world, world.worker)
    status, body = page(client, world.admin, "/supervision")
    assert status == 200 and f'id="flag-{item.id}"' in body
    assert "您是本机构的安全事项负责人" in body
    assert f'id="flag-{supervised.id}"' not in body  # her supervisor's, not escalated
    assert "待督导的反思" not in body and "缺少记录的活动" not in body  # no reflections
    assert page(client, other_admin, "/supervision")[0] == 403
    # the lead may acknowledge any open flag of the agency, a supervised worker's too
    login_as(client, world.admin)
    assert client.post(f"/supervision/follow-ups/{supervised.id}/acknowledge").status_code == 303
    assert FollowUp.get_by_id(supervised.id).acknowledged_by_id == world.admin.id


def test_no_lead_and_no_supervisor_every_admin_sees_it_and_is_warned(client, world):
    worker = alone(world)
    other_admin = factories.user("admin", agency=world.agency)
    item = flag(world, worker, note="提到轻生的念头")
    for admin in (world.admin, other_admin):
        status, body = page(client, admin, "/supervision")
        assert status == 200 and f'id="flag-{item.id}"' in body and "提到轻生的念头" in body
        assert "由管理员代为接收" in body
        _, dash = page(client, admin, "/dashboard")
        assert WARNING in dash and f'id="dash-flag-{item.id}"' in dash
    # an admin reading the notes is a read of a child's record: audited, codes only
    row = (
        AuditEntry.select()
        .where(AuditEntry.action == "view_safeguarding")
        .order_by(AuditEntry.id.desc())[0]
    )
    assert row.user_id == other_admin.id and str(item.id) in row.detail
    assert item.student.archive_code in row.detail and item.student.name not in row.detail
    # an admin of another agency sees nothing of it
    foreign = factories.user("admin")
    assert f'id="flag-{item.id}"' not in page(client, foreign, "/supervision")[1]
    # the admin acknowledges it
    login_as(client, other_admin)
    assert client.post(f"/supervision/follow-ups/{item.id}/acknowledge").status_code == 303
    assert FollowUp.get_by_id(item.id).acknowledged_by_id == other_admin.id


def test_the_warning_goes_once_there_is_a_lead_or_every_worker_has_a_supervisor(client, world):
    # the world's worker_other has no supervisor
    assert WARNING in page(client, world.admin, "/dashboard")[1]
    set_lead(world, world.supervisor)
    assert WARNING not in page(client, world.admin, "/dashboard")[1]
    set_lead(world, None)
    factories.user("supervisor", agency=world.agency, workers=[world.worker_other])
    assert WARNING not in page(client, world.admin, "/dashboard")[1]
    assert WARNING not in page(client, world.supervisor, "/dashboard")[1]  # admins only


def test_an_inactive_supervisor_or_lead_counts_as_none(client, world):
    """A deactivated supervisor can't act: the flag goes to the lead; a deactivated lead
    can't either: it goes to the admins."""
    lead = factories.user("supervisor", agency=world.agency)
    set_lead(world, lead)
    item = flag(world, world.worker)
    assert f'id="flag-{item.id}"' not in page(client, lead, "/supervision")[1]
    world.supervisor.active = False
    world.supervisor.save()
    assert f'id="flag-{item.id}"' in page(client, lead, "/supervision")[1]
    lead.active = False
    lead.save()
    status, body = page(client, world.admin, "/supervision")
    assert status == 200 and f'id="flag-{item.id}"' in body


def test_a_supervisor_cannot_acknowledge_another_workers_flag(client, world):
    item = flag(world, alone(world))
    login_as(client, world.supervisor)
    assert client.post(f"/supervision/follow-ups/{item.id}/acknowledge").status_code == 404
    lead = factories.user("supervisor")  # the lead of another agency
    Agency.update(safeguarding_lead=lead.id).where(Agency.id == lead.agency_id).execute()
    login_as(client, lead)
    assert client.post(f"/supervision/follow-ups/{item.id}/acknowledge").status_code == 404
    assert FollowUp.get_by_id(item.id).acknowledged_at is None


def test_the_worker_sees_her_own_open_flags(client, world):
    mine = flag(world, world.worker)
    lesson = flag(world, world.worker, student=False)
    theirs = flag(world, alone(world))
    status, dash = page(client, world.worker, "/dashboard")
    assert status == 200 and "待确认的安全关注" in dash
    assert f'id="dash-flag-{mine.id}"' in dash and f'id="dash-flag-{lesson.id}"' in dash
    assert f'id="dash-flag-{theirs.id}"' not in dash
    session_id = mine.reflection.session_id
    assert f'href="/sessions/{session_id}/reflection"' in dash
    FollowUp.update(acknowledged_at=FollowUp.flagged_at).where(FollowUp.id == mine.id).execute()
    dash = page(client, world.worker, "/dashboard")[1]
    assert f'id="dash-flag-{mine.id}"' not in dash and f'id="dash-flag-{lesson.id}"' in dash
    # a teacher's dashboard has no such card
    assert "待确认的安全关注" not in page(client, world.teacher, "/dashboard")[1]


def test_regression_an_unsupervised_workers_flag_was_seen_by_nobody(client, world):
    """Before: the queue listed only the flags of a supervisor's own workers, so a flag of a
    worker with no supervisor reached no one in the agency. Now someone always gets it."""
    item = flag(world, alone(world))
    seen_by = []
    for user in (world.admin, world.supervisor, world.worker, world.worker_other):
        login_as(client, user)
        for path in ("/supervision", "/dashboard"):
            response = client.get(path)
            if response.status_code == 200 and f'flag-{item.id}"' in response.get_data(
                as_text=True
            ):
                seen_by.append(user.username)
    assert world.admin.username in seen_by
