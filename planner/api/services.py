"""API tokens (which scopes a user may grant; the lifecycle is planner.tokens, the same as
for calendar-feed links) and the API's scoped queries. No request here.

Every query goes through the token user's own scoping (programs_query, schools_query …),
so a token sees what its user sees.
"""

from planner import tokens
from planner.access import programs_joined, programs_query
from planner.api.models import SCOPES, ApiToken
from planner.curricula import services as curricula
from planner.curricula.models import Curriculum
from planner.db import now, write_tx
from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Room
from planner.sessions.models import Program, Session

MAX_TOKENS = 20  # per user: a list someone can still review and revoke


def allowed_scopes(user) -> list[str]:
    """The scopes this user may grant a token: writing only for roles that edit drafts."""
    return [s for s in SCOPES if s != "curricula:write" or user.is_editor]


def create_token(user, label: str, scopes: list[str]) -> tuple:
    """(ApiToken, raw token). The raw token is returned once and never stored."""
    allowed = allowed_scopes(user)
    if not user.is_staff or not scopes or set(scopes) - set(allowed):
        raise PlannerError(_l("请选择至少一项可用的权限。"))
    if len(active_tokens(user)) >= MAX_TOKENS:
        raise PlannerError(_l("令牌已达上限，请先停用不用的令牌。"))
    return tokens.create(ApiToken, user, label=label, scopes=[s for s in allowed if s in scopes])


def revoke_token(user, token_id) -> bool:
    """Revoke one of the user's own active tokens; False when there is no such token."""
    return tokens.revoke(ApiToken, user, token_id)


def active_tokens(user) -> list:
    return tokens.active(ApiToken, user)


def resolve(raw: str):
    """The active token (with its user) for a raw token of an active staff user, or None.
    The role is checked on every request: a user moved to another role loses the API."""
    token = tokens.find(ApiToken, raw)
    if token is None or not token.user.active or not token.user.is_staff:
        return None
    at = now()
    if tokens.use_is_stale(token, at):
        with write_tx():
            ApiToken.update(last_used_at=at).where(ApiToken.id == token.id).execute()
        token.last_used_at = at
    return token


# ---- scoped queries: each list is one count and one page query ------------------------


def page_of(query, page: int, per_page: int) -> dict:
    return {
        "items": list(query.paginate(page, per_page)),
        "page": page,
        "per_page": per_page,
        "total": query.count(),
    }


def curricula_query(user):
    """Published curricula of the library this user sees (shared + own agency)."""
    return (
        curricula.visible(user)
        .where(Curriculum.status == "published")
        .order_by(Curriculum.slug, Curriculum.version.desc(), Curriculum.id)
    )


def curriculum(user, curriculum_id):
    """One curriculum the user may read (own agency drafts too), sessions loaded; or None."""
    found = curricula.visible(user).where(Curriculum.id == curriculum_id)
    rows = curricula.with_sessions(found)
    return rows[0] if rows else None


def programs(user):
    """Programs in the user's scope with school, term, room and curriculum joined."""
    return programs_joined(user).order_by(Program.id)


def program(user, program_id):
    return programs_query(user).where(Program.id == program_id).first()


def sessions(program_id):
    """A program's sessions with the room joined (no attendance, no records)."""
    return (
        Session.select(Session, Room)
        .join(Room, on=(Session.room == Room.id))
        .where(Session.program == program_id)
        .order_by(Session.seq)
    )


def import_curriculum(user, data: dict):
    """A validated curriculum as a new draft of the user's agency (version 1, a fresh slug
    when the slug is taken), through the same create service as fork."""
    slug, n = data["slug"], 1
    base = slug[:70].rstrip("-")
    while Curriculum.select().where(Curriculum.slug == slug).exists():
        n += 1
        slug = f"{base}-{n}"
    data = dict(data, slug=slug, version=1, status="draft")
    with write_tx():
        return curricula.create_from_data(data, agency_id=user.agency_id, user_id=user.id)
