"""The agency form's safeguarding settings (standard 4.1): the lead is an active admin or
supervisor of this agency, the escalation hours 1–168; anything else is refused with a
message by the field and nothing is saved."""

import pytest

from planner.audit.models import AuditEntry
from planner.errors import PlannerError
from planner.schools.models import Agency
from planner.schools.services import update_agency
from tests import factories
from tests.schools.forms import inline_error

NOT_A_LEAD = "安全事项负责人须是本机构在职的管理员或督导。"


def post(admin, world, **fields):
    data = {
        "name": world.agency.name,
        "code": world.agency.code,
        "escalation_hours": "24",
        "version": str(Agency.get_by_id(world.agency.id).version),
        **fields,
    }
    return admin.post("/admin/agency", data=data)


def test_the_form_offers_the_agencys_admins_and_supervisors(admin, world):
    html = admin.get("/admin/agency").get_data(as_text=True)
    assert 'name="safeguarding_lead"' in html and 'name="escalation_hours"' in html
    assert f'<option value="{world.supervisor.id}"' in html
    assert f'<option value="{world.admin.id}"' in html
    assert f'<option value="{world.worker.id}"' not in html
    assert f'<option value="{world.teacher.id}"' not in html
    assert 'value="24"' in html


def test_choose_a_lead_and_hours_then_clear_the_lead(admin, world):
    response = post(admin, world, safeguarding_lead=str(world.supervisor.id), escalation_hours="8")
    assert response.status_code == 303
    saved = Agency.get_by_id(world.agency.id)
    assert (saved.safeguarding_lead_id, saved.escalation_hours) == (world.supervisor.id, 8)
    row = AuditEntry.select().where(AuditEntry.action == "safeguarding_settings").get()
    assert row.user_id == world.admin.id and f"lead={world.supervisor.id}" in row.detail
    html = admin.get("/admin/agency").get_data(as_text=True)
    assert f'<option value="{world.supervisor.id}" selected' in html
    assert post(admin, world, escalation_hours="8").status_code == 303  # blank: no lead
    assert Agency.get_by_id(world.agency.id).safeguarding_lead_id is None


@pytest.mark.parametrize("who", ["foreign_supervisor", "teacher", "worker", "inactive", "ghost"])
def test_a_lead_who_cannot_be_one_is_refused(admin, world, who):
    lead = {
        "foreign_supervisor": lambda: factories.user("supervisor").id,
        "teacher": lambda: world.teacher.id,
        "worker": lambda: world.worker.id,
        "inactive": lambda: factories.user("admin", agency=world.agency, active=False).id,
        "ghost": lambda: 99999999999999999999,
    }[who]()
    before = Agency.get_by_id(world.agency.id)
    response = post(admin, world, safeguarding_lead=str(lead), name="改了名字")
    assert response.status_code == 422
    error = inline_error(response.get_data(as_text=True), "safeguarding_lead")
    assert error == ("请选择有效的选项。" if who == "ghost" else NOT_A_LEAD)
    after = Agency.get_by_id(world.agency.id)
    assert (after.name, after.safeguarding_lead_id, after.version) == (
        before.name,
        None,
        before.version,
    )


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "应在 1 到 168 之间。"),
        ("169", "应在 1 到 168 之间。"),
        ("abc", "请输入整数。"),
        ("99999999999999999999999", "应在 1 到 168 之间。"),
        ("", "此项为必填项。"),
        ("1.5", "请输入整数。"),
    ],
)
def test_bad_hours_are_refused(admin, world, hours, message):
    response = post(admin, world, escalation_hours=hours, name="改了名字")
    assert response.status_code == 422
    assert inline_error(response.get_data(as_text=True), "escalation_hours") == message
    saved = Agency.get_by_id(world.agency.id)
    assert (saved.name, saved.escalation_hours) == (world.agency.name, 24)


def test_the_service_checks_the_lead_again(world):
    """A lead deactivated between the form's load and its save is refused in the service."""
    agency = Agency.get_by_id(world.agency.id)
    stranger = factories.user("supervisor")
    data = {
        "name": agency.name,
        "code": agency.code,
        "safeguarding_lead": stranger.id,
        "escalation_hours": 24,
        "version": agency.version,
    }
    with pytest.raises(PlannerError) as refused:
        update_agency(world.admin, agency, data)
    assert refused.value.field == "safeguarding_lead"
    assert Agency.get_by_id(agency.id).safeguarding_lead_id is None
