"""API tokens: made like feed tokens (random, stored hashed), scoped, revocable, managed on
/api/tokens with CSRF; 401 JSON in both languages for a missing, wrong or revoked token."""

import logging
import re

import pytest

from planner import create_app
from planner.api import services
from planner.api.models import ApiToken
from planner.errors import PlannerError
from planner.schools.models import Agency
from planner.security import TokenLogFilter
from tests.api.helpers import bearer, token_for
from tests.conftest import login_as


def test_a_token_is_random_and_only_its_hash_is_stored(world):
    token, raw = services.create_token(world.worker, "看板", ["programs:read"])
    assert len(raw) >= 22  # ≥128 bits in urlsafe base64 (it is 256)
    stored = ApiToken.get_by_id(token.id)
    assert raw not in stored.token_hash and len(stored.token_hash) == 64
    assert stored.scopes == ["programs:read"]
    assert services.resolve(raw).id == token.id
    assert services.create_token(world.worker, "看板", ["programs:read"])[1] != raw


def test_write_scope_only_for_admins_and_workers(world):
    assert "curricula:write" in services.allowed_scopes(world.worker)
    assert "curricula:write" not in services.allowed_scopes(world.supervisor)
    with pytest.raises(PlannerError):
        services.create_token(world.supervisor, "x", ["curricula:write"])
    with pytest.raises(PlannerError):
        services.create_token(world.teacher, "x", ["curricula:read"])
    with pytest.raises(PlannerError):
        services.create_token(world.worker, "x", [])


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nope", "Basic abc", "bearer  "])
def test_missing_or_wrong_token_is_401_json(client, world, header):
    response = client.get("/api/programs", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "缺少或无效的访问令牌。"
    assert body["error_en"] == "Missing or invalid access token."
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(client, world):
    token, raw = services.create_token(world.worker, "x", ["programs:read"])
    assert client.get("/api/programs", headers=bearer(raw)).status_code == 200
    assert services.revoke_token(world.worker, token.id)
    assert client.get("/api/programs", headers=bearer(raw)).status_code == 401


def test_token_of_a_deactivated_user_or_a_teacher_is_401(client, world):
    raw = token_for(world.worker)
    world.worker.active = False
    world.worker.save()
    assert client.get("/api/programs", headers=bearer(raw)).status_code == 401
    raw = token_for(world.admin)
    world.admin.role = "teacher"
    world.admin.save()
    assert client.get("/api/programs", headers=bearer(raw)).status_code == 401


def test_scope_is_enforced_with_403(client, world):
    raw = token_for(world.worker, ["curricula:read"])
    assert client.get("/api/curricula", headers=bearer(raw)).status_code == 200
    response = client.get("/api/programs", headers=bearer(raw))
    assert response.status_code == 403
    assert response.get_json()["error_en"]
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]


def test_a_token_does_not_bypass_a_compulsory_second_factor(client, world):
    """A supervisor's token made before her agency required a second factor stops reading
    once it does, until she enrols; a worker (not required) reads on."""
    supervisor, worker = token_for(world.supervisor), token_for(world.worker)
    assert client.get("/api/programs", headers=bearer(supervisor)).status_code == 200
    Agency.update(require_second_factor=True).where(Agency.id == world.agency.id).execute()
    response = client.get("/api/programs", headers=bearer(supervisor))
    assert response.status_code == 403
    assert "两步验证" in response.get_json()["error"]
    assert "two-step" in response.get_json()["error_en"]
    assert client.get("/api/programs", headers=bearer(worker)).status_code == 200


def test_a_session_cookie_is_not_a_token(client, world):
    """Logged in, no token: 401, for reading and for the CSRF-exempt import."""
    login_as(client, world.admin)
    assert client.get("/api/curricula").status_code == 401
    assert client.post("/api/curricula/import", json={}).status_code == 401


def test_import_refuses_a_cookie_even_with_csrf_on(db_url, world):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "t", "RATELIMIT_ENABLED": False}
    )
    client = login_as(app.test_client(), world.worker)
    assert client.post("/api/curricula/import", json={}).status_code == 401
    # the token page's form still needs its CSRF token
    assert (
        client.post("/api/tokens", data={"label": "x", "scopes": "programs:read"}).status_code
        == 400
    )


def test_last_used_is_recorded(client, world):
    token, raw = services.create_token(world.worker, "x", ["programs:read"])
    client.get("/api/programs", headers=bearer(raw))
    assert ApiToken.get_by_id(token.id).last_used_at is not None


def test_tokens_page_creates_shows_once_lists_and_revokes(client, world):
    login_as(client, world.worker)
    page = client.get("/api/tokens")
    assert page.status_code == 200 and "curricula:write" in page.text
    made = client.post(
        "/api/tokens", data={"label": "甲号看板", "scopes": ["programs:read", "stats:read"]}
    )
    assert made.status_code == 201
    token = ApiToken.get(ApiToken.label == "甲号看板")
    raw = re.search(r'<input id="token-value"[^>]* value="([^"]+)"', made.text).group(1)
    assert services.resolve(raw).id == token.id
    assert token.scopes == ["programs:read", "stats:read"]
    listed = client.get("/api/tokens")
    assert "甲号看板" in listed.text and raw not in listed.text
    assert client.get("/api/programs", headers=bearer(raw)).status_code == 200
    revoked = client.post(f"/api/tokens/{token.id}/revoke")
    assert revoked.status_code == 303
    assert client.get("/api/programs", headers=bearer(raw)).status_code == 401
    assert "甲号看板" not in client.get("/api/tokens").text


def test_tokens_page_form_errors(client, world):
    login_as(client, world.supervisor)
    assert "curricula:write" not in client.get("/api/tokens").text
    assert client.post("/api/tokens", data={"label": "x"}).status_code == 422
    assert client.post("/api/tokens", data={"scopes": "stats:read"}).status_code == 422
    forged = client.post("/api/tokens", data={"label": "x", "scopes": "curricula:write"})
    assert forged.status_code == 422
    assert ApiToken.select().count() == 0


def test_someone_elses_token_cannot_be_revoked(client, world):
    token, raw = services.create_token(world.worker, "x", ["programs:read"])
    login_as(client, world.admin)
    assert client.post(f"/api/tokens/{token.id}/revoke").status_code == 404
    assert services.resolve(raw) is not None


def test_teachers_have_no_token_page(client, world):
    login_as(client, world.teacher)
    assert client.get("/api/tokens").status_code == 403


def test_bearer_tokens_are_redacted_from_access_logs():
    """A gunicorn access format with the Authorization header still logs no token."""
    atoms = {"r": "GET /api/programs HTTP/1.1", "{authorization}i": "Bearer s3cr3t"}
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, "", 0, '"%(r)s" %({authorization}i)s', (atoms,), None
    )
    TokenLogFilter().filter(record)
    assert "s3cr3t" not in record.getMessage() and "Bearer [redacted]" in record.getMessage()
    plain = logging.LogRecord(
        "werkzeug", logging.INFO, "", 0, "Authorization: Bearer abc", None, None
    )
    TokenLogFilter().filter(plain)
    assert "abc" not in plain.getMessage()
