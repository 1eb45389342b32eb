"""访问令牌 page: staff create (shown once), list and revoke their own API tokens.
An ordinary HTML form page on the "api" blueprint, with CSRF like every form."""

from flask import abort, request, url_for
from flask_login import current_user

from planner.access import allow
from planner.api import services
from planner.api.blueprint import bp
from planner.api.models import SCOPES
from planner.api.schemas import TokenFormSchema
from planner.errors import PlannerError
from planner.forms import FieldSpec
from planner.i18n import lazy_gettext as _l
from planner.roles import STAFF
from planner.web import go, load_form, render


def _page(status=200, errors=None, values=None, new=None):
    return render(
        "api/tokens.html",
        "api/_tokens.html",
        status,
        tokens=services.active_tokens(current_user),
        scopes=SCOPES,
        fields=[
            FieldSpec(
                "label",
                _l("用途"),
                maxlength=60,
                required=True,
                help=_l("例如：机构数据看板。只用于在这里区分不同的令牌。"),
            ),
            FieldSpec(
                "scopes",
                _l("权限"),
                "checks",
                {key: f"{SCOPES[key]}（{key}）" for key in services.allowed_scopes(current_user)},
                required=True,
            ),
        ],
        errors=errors or {},
        values=values or {},
        new=new,
    )


@bp.get("/tokens")
@allow(*STAFF)
def tokens():
    """The user's API tokens and the form for a new one."""
    return _page()


@bp.post("/tokens")
@allow(*STAFF)
def token_create():
    """A new token, shown this once."""
    values, errors = load_form(TokenFormSchema())
    form = {"label": request.form.get("label", ""), "scopes": request.form.getlist("scopes")}
    if errors:
        return _page(422, errors, form)
    try:
        token, raw = services.create_token(current_user, values["label"], values["scopes"])
    except PlannerError as err:
        return _page(422, {"scopes": err.message}, form)
    return _page(201, new={"raw": raw, "token": token})


@bp.post("/tokens/<int:token_id>/revoke")
@allow(*STAFF)
def token_revoke(token_id):
    """Revoke a token for good: the next request with it gets 401."""
    if not services.revoke_token(current_user, token_id):
        abort(404)
    return go(url_for("api.tokens"))
