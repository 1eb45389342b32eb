"""Enrolment, turning it off, new recovery codes, an admin's reset, and the agency setting
that makes a second factor compulsory for admins and supervisors."""

import pyotp
import pytest
from playhouse.test_utils import count_queries

from planner.accounts.models import RecoveryCode, User
from planner.audit.models import AuditEntry
from planner.schools.models import Agency
from tests import factories
from tests.accounts.second_factor_helpers import (
    SETUP,
    STEP,
    code_now,
    enrolled_user,
    form_token,
    logged_in_user_id,
    page_codes,
    page_secret,
    post_password,
    wrong_code,
)
from tests.conftest import login_as


def _details():
    return " ".join(row.detail for row in AuditEntry.select())


def test_enrolment_needs_the_right_code(client, world):
    login_as(client, world.supervisor)
    html = client.get(SETUP).get_data(as_text=True)
    secret, token = page_secret(html), form_token(html)
    assert 'src="data:image/svg+xml' in html  # the QR code is inline: no outside request

    refused = client.post(SETUP + "/enrol", data={"token": token, "code": wrong_code(secret)})
    assert refused.status_code == 422
    assert "验证码不正确" in refused.get_data(as_text=True)
    assert User.get_by_id(world.supervisor.id).totp_secret is None
    assert RecoveryCode.select().count() == 0

    done = client.post(SETUP + "/enrol", data={"token": token, "code": code_now(secret)})
    assert done.status_code == 200
    codes = page_codes(done.get_data(as_text=True))
    assert len(codes) == len(set(codes)) == 10
    user = User.get_by_id(world.supervisor.id)
    assert user.totp_secret == secret and user.totp_enabled_at is not None
    hashes = [row.code_hash for row in RecoveryCode.select()]
    assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    row = AuditEntry.get(AuditEntry.action == "second_factor_enrol")
    assert (row.user_id, row.object_id) == (user.id, user.id)
    assert secret not in _details() and not any(c in _details() for c in codes)
    # The codes are shown once: the page now shows the status, not the codes.
    again = client.get(SETUP).get_data(as_text=True)
    assert "未使用的恢复码：10 个" in again and not page_codes(again)


def test_an_enrolment_form_of_another_user_or_tampered_is_stale(client, world):
    login_as(client, world.worker)
    token = form_token(client.get(SETUP).get_data(as_text=True))
    login_as(client, world.supervisor)
    secret = page_secret(client.get(SETUP).get_data(as_text=True))
    for bad in (token, token[:-2] + "xx", "", "x" * 2000):
        response = client.post(SETUP + "/enrol", data={"token": bad, "code": code_now(secret)})
        assert response.status_code == 422
        assert "表单已失效" in response.get_data(as_text=True)
    assert User.get_by_id(world.supervisor.id).totp_secret is None


@pytest.mark.parametrize("code", ["", "abcdef", "1234567", "9" * 5000])
def test_enrolment_bad_input(client, world, code):
    login_as(client, world.admin)
    token = form_token(client.get(SETUP).get_data(as_text=True))
    response = client.post(SETUP + "/enrol", data={"token": token, "code": code})
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert User.get_by_id(world.admin.id).totp_secret is None


def test_a_teacher_cannot_enrol(client, world):
    login_as(client, world.teacher)
    assert client.get(SETUP).status_code == 403


def test_disable_needs_a_current_code_or_the_password(client, world):
    user, secret, _ = enrolled_user("admin", agency=world.agency)
    login_as(client, user)
    wrong = client.post(SETUP + "/disable", data={"code": wrong_code(secret)})
    assert wrong.status_code == 422
    wrong = client.post(SETUP + "/disable", data={"password": "not-the-password"})
    assert wrong.status_code == 422
    assert "验证码或密码不正确" in wrong.get_data(as_text=True)
    assert client.post(SETUP + "/disable", data={}).status_code == 422
    assert User.get_by_id(user.id).has_second_factor

    done = client.post(SETUP + "/disable", data={"password": factories.PASSWORD})
    assert done.status_code == 303
    assert not User.get_by_id(user.id).has_second_factor
    assert RecoveryCode.select().count() == 0
    assert AuditEntry.get(AuditEntry.action == "second_factor_disable").object_id == user.id
    # The next login needs the password only.
    client.post("/logout")
    assert post_password(client, user).location.endswith("/dashboard")


def test_new_recovery_codes_replace_the_old(app, client, world):
    user, secret, old = enrolled_user("supervisor", agency=world.agency)
    login_as(client, user)
    assert client.post(SETUP + "/recovery-codes", data={"code": "12"}).status_code == 422
    refused = client.post(SETUP + "/recovery-codes", data={"code": wrong_code(secret)})
    assert refused.status_code == 422
    response = client.post(SETUP + "/recovery-codes", data={"code": code_now(secret)})
    assert response.status_code == 200
    new = page_codes(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEntry.select().where(AuditEntry.action == "recovery_codes_regenerate").count() == 1

    other = app.test_client()
    post_password(other, user)
    assert other.post(STEP, data={"code": old[0]}).status_code == 401
    assert other.post(STEP, data={"code": new[0]}).status_code == 303


def test_an_admin_resets_a_lost_phone(app, client, world):
    user, secret, _ = enrolled_user("supervisor", agency=world.agency)
    phone_lost = app.test_client()
    login_as(phone_lost, user)
    login_as(client, world.admin)
    assert "重置两步验证" in client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)

    response = client.post(f"/admin/users/{user.id}/second-factor/reset")
    assert response.status_code == 303
    fresh = User.get_by_id(user.id)
    assert fresh.totp_secret is None and fresh.totp_last_step is None
    assert RecoveryCode.select().count() == 0
    row = AuditEntry.get(AuditEntry.action == "second_factor_reset")
    assert (row.user_id, row.object_id, row.detail) == (world.admin.id, user.id, f"user={user.id}")
    assert secret not in _details()
    assert phone_lost.get("/dashboard").status_code == 302  # their sessions ended
    assert client.post(f"/admin/users/{user.id}/second-factor/reset").status_code == 409


def test_reset_is_for_other_users_of_the_agency(client, world):
    admin, _, _ = enrolled_user("admin", agency=world.agency)
    foreign, _, _ = enrolled_user("supervisor")  # another agency
    login_as(client, admin)
    assert client.post(f"/admin/users/{admin.id}/second-factor/reset").status_code == 403
    assert client.post(f"/admin/users/{foreign.id}/second-factor/reset").status_code == 404
    assert User.get_by_id(admin.id).has_second_factor
    assert User.get_by_id(foreign.id).has_second_factor


def _require(world):
    Agency.update(require_second_factor=True).where(Agency.id == world.agency.id).execute()


@pytest.mark.parametrize("persona", ["supervisor", "admin"])
def test_the_agency_setting_forces_enrolment(client, world, persona):
    _require(world)
    user = getattr(world, persona)
    response = post_password(client, user)
    assert response.status_code == 303 and response.location.endswith(SETUP)
    for url in ("/dashboard", "/curricula/", "/calendar/subscriptions"):
        blocked = client.get(url)
        assert blocked.status_code == 303 and blocked.location.endswith(SETUP), url
    assert client.get(url, headers={"HX-Request": "true"}).headers["HX-Location"]
    html = client.get(SETUP).get_data(as_text=True)
    assert "完成设置后才能继续使用系统" in html
    secret = page_secret(html)
    client.post(SETUP + "/enrol", data={"token": form_token(html), "code": code_now(secret)})
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("persona", ["worker", "teacher"])
def test_the_agency_setting_spares_workers_and_teachers(client, world, persona):
    _require(world)
    response = post_password(client, getattr(world, persona))
    assert response.location.endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200


def test_turning_a_compulsory_factor_off_sends_back_to_enrolment(client, world):
    _require(world)
    user, secret, _ = enrolled_user("supervisor", agency=world.agency)
    post_password(client, user)
    client.post(STEP, data={"code": code_now(secret)})
    assert client.get("/dashboard").status_code == 200
    client.post(SETUP + "/disable", data={"password": factories.PASSWORD})
    assert client.get("/dashboard").location.endswith(SETUP)
    assert logged_in_user_id(client)  # still logged in, on the enrolment page


def test_the_admin_turns_the_setting_on_in_the_agency_form(client, world):
    login_as(client, world.admin)
    assert "两步验证" in client.get("/admin/agency").get_data(as_text=True)
    data = {
        "name": world.agency.name,
        "code": world.agency.code,
        "version": 1,
        "escalation_hours": "24",
    }
    response = client.post("/admin/agency", data=dict(data, require_second_factor="1"))
    assert response.status_code == 303
    assert Agency.get_by_id(world.agency.id).require_second_factor
    row = AuditEntry.get(AuditEntry.action == "second_factor_setting")
    assert row.detail == f"agency={world.agency.id} required=1"
    client.post("/admin/agency", data=dict(data, version=2))  # unticked: off again
    assert not Agency.get_by_id(world.agency.id).require_second_factor


def test_setup_page_query_counts(client, world):
    login_as(client, world.worker)
    client.get(SETUP)
    with count_queries() as new:
        assert client.get(SETUP).status_code == 200
    user, _, _ = enrolled_user("worker", agency=world.agency)
    login_as(client, user)
    with count_queries() as enrolled:
        assert client.get(SETUP).status_code == 200
    assert (new.count, enrolled.count) == (1, 2)  # the user; the user and the unused codes


def test_the_secret_works_in_an_authenticator(client, world):
    """The QR code's link is what pyotp (as any authenticator) reads."""
    from planner.accounts.second_factor import provisioning_uri

    uri = provisioning_uri("super1", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" and parsed.name == "super1"


def test_the_command_line_resets_the_only_admin(app, world):
    admin, _, _ = enrolled_user("admin", agency=world.agency, username="only_admin")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["planner", "reset-second-factor", "only_admin"])
    assert result.exit_code == 0, result.output
    assert not User.get_by_id(admin.id).has_second_factor
    row = AuditEntry.get(AuditEntry.action == "second_factor_reset")
    assert row.user_id is None and f"agency={world.agency.id} " in row.detail
    again = runner.invoke(args=["planner", "reset-second-factor", "only_admin"])
    assert again.exit_code != 0 and "未启用两步验证" in again.output
    assert runner.invoke(args=["planner", "reset-second-factor", "nobody"]).exit_code != 0
