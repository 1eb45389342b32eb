"""The second factor's pages (issue 13): enrolment, turning it off, new recovery codes, the
login's second step, and an admin's reset of another user's second factor."""

import segno
from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from planner import login_steps
from planner.access import allow, get_or_404, public
from planner.accounts import second_factor
from planner.accounts.models import User
from planner.accounts.schemas import DisableSchema, EnrolSchema, SecondStepSchema, TotpCodeSchema
from planner.accounts.services import device_mark
from planner.errors import PlannerError
from planner.forms import STALE_FORM, FieldSpec
from planner.i18n import lazy_gettext as _l
from planner.roles import ADMIN, STAFF
from planner.security import limiter, remember_device
from planner.web import error_status, go, load_form, render

bp = Blueprint("second_factor", __name__)

# A secret waits in the enrolment form, signed for this user, until a code confirms it.
ENROL_SECONDS = 15 * 60
CODE_ATTRS = {"autocomplete": "one-time-code", "inputmode": "numeric"}
CODE_FIELD = FieldSpec("code", _l("验证码"), maxlength=40, required=True, attrs=CODE_ATTRS)
STEP_FIELDS = [
    FieldSpec(
        "code",
        _l("验证码或恢复码"),
        maxlength=40,
        required=True,
        help=_l("打开手机上的验证器，输入当前显示的 6 位数字；手机不在身边时，输入一个恢复码。"),
        attrs={"autocomplete": "one-time-code", "autofocus": "autofocus"},
    )
]
DISABLE_FIELDS = [
    FieldSpec("code", _l("当前验证码"), maxlength=40, attrs={"autocomplete": "one-time-code"}),
    FieldSpec(
        "password",
        _l("或登录密码"),
        "password",
        maxlength=200,
        attrs={"autocomplete": "current-password"},
    ),
]


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="second-factor-enrol")


def _enrol_context(secret=None):
    """A new secret (or the one the form was drawn with), as text, QR code and signed token."""
    secret = secret or second_factor.new_secret()
    uri = second_factor.provisioning_uri(current_user.username, secret)
    return {
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr": segno.make(uri, error="m").svg_data_uri(scale=4, border=2, dark="#1d2733"),
        "token": _serializer().dumps({"user": current_user.id, "secret": secret}),
    }


def _setup_page(status=200, errors=None, **context):
    user = current_user._get_current_object()
    if user.has_second_factor:
        context.setdefault("unused", second_factor.unused_codes(user))
    elif "enrol" not in context:
        context["enrol"] = _enrol_context()
    return render(
        "accounts/second_factor.html",
        "accounts/_second_factor.html",
        status,
        user=user,
        errors=errors or {},
        values={},
        code_field=CODE_FIELD,
        disable_fields=DISABLE_FIELDS,
        required=bool(session.get(login_steps.MUST_ENROL)),
        **context,
    )


def _codes_page(codes):
    return render(
        "accounts/second_factor.html", "accounts/_recovery_codes.html", codes=codes, user=None
    )


@bp.get("/account/second-factor")
@allow(*STAFF)
def setup():
    """Enrol (QR code, secret as text, a code to confirm), or manage an enrolled factor."""
    return _setup_page()


@bp.post("/account/second-factor/enrol")
@allow(*STAFF)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def enrol():
    """Confirm the new secret with a current code; the recovery codes are shown once."""
    values, errors = load_form(EnrolSchema())
    secret = None
    if values:
        try:
            signed = _serializer().loads(values["token"], max_age=ENROL_SECONDS)
        except BadSignature:
            signed = {}
        if not isinstance(signed, dict) or signed.get("user") != current_user.id:
            errors = {"form": STALE_FORM}
        else:
            secret = signed["secret"]
    if "token" in errors:
        errors["form"] = errors.pop("token")
    if errors:
        return _setup_page(422, errors, enrol=_enrol_context(secret))
    try:
        codes = second_factor.enrol(current_user, secret, values["code"])
    except PlannerError as err:
        return _setup_page(error_status(err), err.errors, enrol=_enrol_context(secret))
    login_steps.enrolled()
    return _codes_page(codes)


@bp.post("/account/second-factor/disable")
@allow(*STAFF)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def disable():
    """Turn the second factor off with a current code or the password."""
    values, errors = load_form(DisableSchema())
    if errors:
        return _setup_page(422, errors)
    try:
        second_factor.disable(current_user, values.get("code"), values.get("password"))
    except PlannerError as err:
        return _setup_page(error_status(err), err.errors)
    if second_factor.enrolment_required(current_user):
        login_steps.require_enrolment(current_user)
    return go(url_for("second_factor.setup"))


@bp.post("/account/second-factor/recovery-codes")
@allow(*STAFF)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def regenerate():
    """Ten new recovery codes for a current code; the old ones stop working."""
    values, errors = load_form(TotpCodeSchema())
    if errors:
        return _setup_page(422, {"regenerate": errors["code"]})
    try:
        codes = second_factor.regenerate_codes(current_user, values["code"])
    except PlannerError as err:
        return _setup_page(error_status(err), {"regenerate": err.message})
    return _codes_page(codes)


def _step_form(status=200, errors=None):
    return render(
        "accounts/second_step.html",
        "accounts/_second_step_form.html",
        status,
        errors=errors or {},
        values={},
        fields=STEP_FIELDS,
    )


@bp.route("/login/second-factor", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def verify():
    """The login's second step: a code from the authenticator or a recovery code."""
    user_id = login_steps.pending_user_id()
    if user_id is None:
        return redirect(url_for("accounts.login"), 303)
    if request.method == "GET":
        return _step_form()
    values, errors = load_form(SecondStepSchema())
    if errors:
        return _step_form(422, errors)
    config = current_app.config
    try:
        user = second_factor.verify_login(
            user_id,
            values["kind"],
            values["code"],
            config["LOGIN_LOCK_AFTER"],
            config["LOGIN_LOCK_SECONDS"],
        )
    except PlannerError as err:
        if error_status(err) == 404:
            login_steps.drop_pending()
            return redirect(url_for("accounts.login"), 303)
        return _step_form(401, err.errors)
    if not login_steps.pending_matches(user):  # the password changed meanwhile
        login_steps.drop_pending()
        return redirect(url_for("accounts.login"), 303)
    response = redirect(login_steps.finish_second_step(user) or url_for("dashboard.index"), 303)
    # the browser that passed both steps is the owner's: the lock won't hold it back
    return remember_device(response, device_mark(user))


@bp.post("/admin/users/<int:user_id>/second-factor/reset")
@allow(ADMIN)
def reset(user_id):
    """Clear another user's second factor (a lost phone); they enrol again."""
    target = get_or_404(User.select().where(User.agency == current_user.agency_id), user_id)
    try:
        second_factor.reset(current_user, target)
    except PlannerError as err:
        abort(error_status(err))
    return go(url_for("accounts.user_edit", user_id=target.id))
