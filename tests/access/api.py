"""JSON API routes. The matrix logs in with a session cookie, which the API never accepts:
Bearer-only endpoints answer 401 to every persona (tests/api/ covers the tokens). The
token page is an ordinary staff page; the OpenAPI document and its docs page are public."""

from planner.api import services
from tests.access import LOGIN, PERSONAS, only

BEARER_ONLY = {p: 401 for p in PERSONAS}
STAFF_PAGE = only({"admin", "supervisor", "worker"})


def setup(world):
    """One API token of the world's worker (only its owner may revoke it)."""
    world.api_token, world.api_raw = services.create_token(world.worker, "矩阵", ["curricula:read"])


RULES = {
    "api.curricula": ("GET", lambda w: "/api/curricula", None, BEARER_ONLY),
    "api.curriculum": ("GET", lambda w: f"/api/curricula/{w.shared.id}", None, BEARER_ONLY),
    # a cookie without a token is refused, so the CSRF exemption opens nothing
    "api.curriculum_import": ("POST", lambda w: "/api/curricula/import", {}, BEARER_ONLY),
    "api.programs": ("GET", lambda w: "/api/programs", None, BEARER_ONLY),
    "api.program_sessions": (
        "GET",
        lambda w: f"/api/programs/{w.program.id}/sessions",
        None,
        BEARER_ONLY,
    ),
    "api.stats": ("GET", lambda w: "/api/stats?term=2026", None, BEARER_ONLY),
    "api.openapi_json": ("GET", lambda w: "/api/openapi.json", None, {p: 200 for p in PERSONAS}),
    "api.docs": ("GET", lambda w: "/api/docs", None, {p: 200 for p in PERSONAS}),
    "api.tokens": ("GET", lambda w: "/api/tokens", None, STAFF_PAGE),
    "api.token_create": (
        "POST",
        lambda w: "/api/tokens",
        {"label": "矩阵", "scopes": "programs:read"},
        only({"admin", "supervisor", "worker"}, ok=201),
    ),
    "api.token_revoke": (
        "POST",
        lambda w: f"/api/tokens/{w.api_token.id}/revoke",
        {},
        {
            "anonymous": LOGIN,
            "admin": 404,
            "supervisor": 404,
            "supervisor_other": 404,
            "worker": 303,
            "worker_other": 404,
            "teacher": 403,
        },
    ),
}
