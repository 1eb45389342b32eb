"""The JSON API (blueprint "api", under /api). Bearer-token only: a session cookie is
never looked at here, so a logged-in browser gets 401 like anybody without a token, and
the token-authenticated POST can be exempt from CSRF without opening a hole.

Routes are @public for the route rules; each declares its token scope with @token(...)
instead. Errors are JSON with the message in Chinese (`error`) and English (`error_en`).
"""

import re
from functools import wraps

from flask import current_app, jsonify, request, url_for
from marshmallow import ValidationError
from peewee import IntegrityError

from planner.access import public
from planner.accounts import second_factor
from planner.api import schemas, services
from planner.api.blueprint import bp, error
from planner.curricula.schemas import CurriculumSchema
from planner.curricula.services import to_data
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.reports.cache import cached_page
from planner.reports.pyramid import pyramid_for
from planner.reports.stats import service_counts, term_names, term_statistics
from planner.roles import EDITORS
from planner.security import csrf

NO_SECOND_FACTOR = _l(
    "您的机构要求管理员和督导开通两步验证：请先登录网页完成开通，此令牌才能继续使用。"
)


def token(scope, roles=None):
    """Require `Authorization: Bearer <token>` with this scope (and one of these roles)."""

    def wrap(view):
        @wraps(view)
        def checked(*args, **kwargs):
            kind, _, raw = request.headers.get("Authorization", "").partition(" ")
            found = services.resolve(raw.strip()) if kind.lower() == "bearer" else None
            if found is None:
                return error(401)
            if scope not in found.scopes or (roles and found.user.role not in roles):
                return error(403)
            if second_factor.enrolment_required(found.user):  # no way around the login's step
                return error(403, NO_SECOND_FACTOR)
            return view(found.user, *args, **kwargs)

        checked.api_scope = scope
        return public(checked)

    return wrap


def _load(schema, data):
    """(values, None) or (None, 422 response)."""
    try:
        return schema.load(data), None
    except ValidationError as err:
        return None, error(422, fields=err.messages)


def _page(query, schema):
    args, failed = _load(schemas.PageArgsSchema(), request.args)
    if failed:
        return failed
    page = services.page_of(query, args["page"], args["per_page"])
    return jsonify(schema.dump(page))


@bp.get("/curricula")
@token("curricula:read")
def curricula(user):
    """The published library the token's user may see: shared plus own agency."""
    return _page(services.curricula_query(user), schemas.CurriculumPageSchema())


@bp.get("/curricula/<int:cid>")
@token("curricula:read")
def curriculum(user, cid):
    """One curriculum's whole content (CurriculumSchema data)."""
    found = services.curriculum(user, cid) if cid <= schemas.MAX_ID else None
    if found is None:
        return error(404)
    return jsonify(
        schemas.CurriculumDetailSchema().dump(
            {"id": found.id, "shared": found.agency_id is None, "content": to_data(found)}
        )
    )


MAX_JSON_DEPTH = 32  # a curriculum nests 5 deep; the decoder recurses per level
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _json_body():
    """The request's JSON, or None when it isn't JSON or nests deeper than MAX_JSON_DEPTH
    (checked on the text, before the recursive decoder sees it)."""
    text = request.get_data(as_text=True)
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return None
    return request.get_json(silent=True)


def _has_nul(value) -> bool:
    """A NUL character anywhere in the body (PostgreSQL can't store it in text)."""
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return isinstance(value, str) and "\x00" in value


@bp.post("/curricula/import")
@csrf.exempt  # Bearer only: a browser's cookie never authenticates this request
# Importing makes a draft of the agency's library: only roles that may edit drafts.
@token("curricula:write", roles=EDITORS)
def curriculum_import(user):
    """Import a curriculum (CurriculumSchema JSON) as a new draft of the user's agency."""
    data = _json_body()
    if not isinstance(data, dict) or _has_nul(data):
        return error(422, fields={"_schema": [_l("请求体须为 JSON 对象。")]})
    values, failed = _load(CurriculumSchema(), data)
    if failed:
        return failed
    try:
        made = services.import_curriculum(user, values)
    except IntegrityError:  # a concurrent import took the same slug
        return error(409)
    response = jsonify(schemas.ImportedSchema().dump(made))
    response.status_code = 201
    response.headers["Location"] = url_for("api.curriculum", cid=made.id)
    return response


@bp.get("/programs")
@token("programs:read")
def programs(user):
    """Programs in the user's scope (no student data)."""
    return _page(services.programs(user), schemas.ProgramPageSchema())


@bp.get("/programs/<int:pid>/sessions")
@token("programs:read")
def program_sessions(user, pid):
    """A program's sessions: date, times, status, room, seq (no attendance)."""
    if pid > schemas.MAX_ID or services.program(user, pid) is None:
        return error(404)
    return _page(services.sessions(pid), schemas.SessionPageSchema())


@bp.get("/stats")
@token("stats:read")
def stats(user):
    """学期工作统计 of one term as of today: totals, per school, per worker, the pyramid and
    the service records' counts (letters, consultations, supervision, training)."""
    args, failed = _load(schemas.StatsArgsSchema(), request.args)
    if failed:
        return failed
    if args["term"] not in term_names(user):
        return error(404)
    today = local_today()
    who = ("agency", user.agency_id) if user.is_admin else ("user", user.id)

    def make():
        result = term_statistics(user, args["term"], today)
        pyramid = pyramid_for(
            user, args["term"], school_ids=[r["id"] for r in result.schools], day=today
        )
        out = dict(
            vars(result),
            pyramid={
                "totals": pyramid.totals,
                "schools": [
                    dict(pyramid.schools[r["id"]], id=r["id"], name=r["name"])
                    for r in result.schools
                ],
            },
            service=service_counts(user, args["term"]),
        )
        return current_app.json.dumps(schemas.StatsSchema().dump(out))

    # kept once computed, as the page is, until a write changes a figure (reports/cache.py)
    body = cached_page(("api", who, user.role, args["term"], today), make)
    return current_app.response_class(body + "\n", mimetype=current_app.json.mimetype)
