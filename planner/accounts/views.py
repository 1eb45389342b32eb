"""Login, logout, language, and user administration."""

import time
from urllib.parse import urlparse

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from planner.access import allow, get_or_404, public
from planner.accounts import services
from planner.accounts.models import User
from planner.accounts.schemas import LoginSchema, UserEditSchema, UserSchema
from planner.db import ConflictError
from planner.errors import PlannerError
from planner.forms import FieldSpec
from planner.i18n import LOCALES
from planner.i18n import lazy_gettext as _l
from planner.login_steps import after_password
from planner.roles import ADMIN, EVERYONE, LABELS, WORKER
from planner.schools.models import School, SchoolClass
from planner.security import limiter, login_device, remember_device
from planner.web import conflict_response, go, load_form, render

bp = Blueprint("accounts", __name__)

BAD_LOGIN = _l("用户名或密码不正确，或账号已被暂时锁定，请稍后再试。")
BAD_LINK = _l("请选择本机构的有效选项。")


def _safe_next(target):
    """Only same-site relative paths; anything else goes to the dashboard."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlparse(target).netloc
    ):
        return target
    return url_for("dashboard.index")


LOGIN_FIELDS = [
    FieldSpec(
        "username",
        _l("用户名"),
        maxlength=40,
        attrs={"autocomplete": "username", "autofocus": "autofocus"},
    ),
    FieldSpec(
        "password",
        _l("密码"),
        "password",
        maxlength=200,
        attrs={"autocomplete": "current-password"},
    ),
]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign in; the session is rotated and stamped for the idle/absolute timeouts."""
    if request.method == "GET":
        timed_out = session.pop("flash_timeout", False)
        return render(
            "accounts/login.html",
            "accounts/_login_form.html",
            errors={},
            values={},
            fields=LOGIN_FIELDS,
            timed_out=timed_out,
        )
    values, errors = load_form(LoginSchema())
    user = values and services.authenticate(
        values["username"],
        values["password"],
        current_app.config["LOGIN_LOCK_AFTER"],
        current_app.config["LOGIN_LOCK_SECONDS"],
        device=login_device(),
    )
    if not user:
        errors = errors or {"form": BAD_LOGIN}
        return render(
            "accounts/login.html",
            "accounts/_login_form.html",
            401,
            errors=errors,
            values={"username": request.form.get("username", "")},
            fields=LOGIN_FIELDS,
        )
    next_step = after_password(user, request.args.get("next"))  # second factor (issue 13)
    if next_step is not None:
        return next_step
    locale = session.get("locale")
    session.clear()  # rotation: nothing from the anonymous session survives
    login_user(user)
    session.update(login_at=time.time(), last_seen=time.time())
    if locale:
        session["locale"] = locale
    response = redirect(_safe_next(request.args.get("next")), 303)
    return remember_device(response, services.device_mark(user))


@bp.post("/logout")
@allow(*EVERYONE)
def logout():
    """End the session on the server too: older cookies for this user stop working."""
    services.end_all_sessions(current_user)
    logout_user()
    session.clear()
    response = redirect(url_for("accounts.login"), 303)
    # what a tablet kept for run mode offline (cached run pages, queued taps and notes,
    # the service worker) goes too; static/js/app.js clears it first, after a warning
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@bp.post("/locale")
@public
def set_locale():
    """Switch between 中文 and English."""
    if request.form.get("locale") in LOCALES:
        session["locale"] = request.form["locale"]
    return redirect(_safe_next(request.form.get("next")), 303)


def _choices():
    agency = current_user.agency_id
    return {
        "schools": list(School.select().where((School.agency == agency) & ~School.archived)),
        "workers": list(User.select().where((User.agency == agency) & (User.role == WORKER))),
        "classes": list(
            SchoolClass.select(SchoolClass, School)
            .join(School)
            .where((School.agency == agency) & ~SchoolClass.archived)
            .order_by(School.name, SchoolClass.grade, SchoolClass.name)
        ),
    }


def _user_fields(item) -> list:
    """The user form's fields; a username is given once, when the login is made."""
    offered = _choices()
    username = {"autocomplete": "off"} if item is None else {"disabled": "disabled"}
    return [
        FieldSpec(
            "username",
            _l("用户名"),
            maxlength=40,
            attrs=username,
            default=item.username if item else None,
        ),
        FieldSpec("display_name", _l("姓名"), maxlength=40),
        FieldSpec("role", _l("角色"), "select", LABELS),
        FieldSpec(
            "password",
            _l("新密码（留空则不修改）") if item else _l("初始密码"),
            "password",
            maxlength=200,
            help=_l("至少 10 位。修改密码会让该用户在所有设备上退出登录。"),
            attrs={"autocomplete": "new-password"},
        ),
        FieldSpec(
            "school_ids", _l("社工服务的学校"), "checks", {s.id: s.name for s in offered["schools"]}
        ),
        FieldSpec(
            "worker_ids",
            _l("督导负责的社工"),
            "checks",
            {w.id: w.display_name for w in offered["workers"]},
        ),
        FieldSpec(
            "class_ids",
            _l("教师关联的班级"),
            "checks",
            {c.id: f"{c.school.name} {c.name}" for c in offered["classes"]},
        ),
    ] + (
        [FieldSpec("active", _l("启用该账号（取消勾选即停用并归档）"), "checkbox")] if item else []
    )


def _user_form(item, values, errors, status=200):
    return render(
        "accounts/user_form.html",
        "accounts/_user_form.html",
        status,
        item=item,
        values=values,
        errors=errors,
        fields=_user_fields(item),
    )


def _agency_users():
    return User.select().where(User.agency == current_user.agency_id)


@bp.get("/admin/users")
@allow(ADMIN)
def users():
    """Everyone in the agency, by role."""
    return render(
        "accounts/users.html",
        "accounts/_user_list.html",
        users=list(_agency_users().order_by(User.role, User.username)),
        roles=LABELS,
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@allow(ADMIN)
def user_new():
    """Create a login with its role and assignments."""
    if request.method == "GET":
        return _user_form(None, {}, {})
    values, errors = load_form(UserSchema())
    errors = errors or {k: BAD_LINK for k in services.link_errors(current_user.agency_id, values)}
    if errors:
        return _user_form(None, request.form, errors, 422)
    try:
        services.create_user(current_user.agency_id, values, actor=current_user)
    except PlannerError:
        return _user_form(None, request.form, {"username": _l("该用户名已被使用。")}, 422)
    return go(url_for("accounts.users"))


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@allow(ADMIN)
def user_edit(user_id):
    """Edit a user; a new password ends their sessions; untick 'active' to archive."""
    item = get_or_404(_agency_users(), user_id)
    if request.method == "GET":
        return _user_form(item, dict(item.__data__, **_links(item)), {})
    values, errors = load_form(UserEditSchema())
    errors = errors or {k: BAD_LINK for k in services.link_errors(current_user.agency_id, values)}
    if errors:
        return _user_form(item, request.form, errors, 422)
    try:
        services.update_user(item, values, actor=current_user)
    except ConflictError:
        return conflict_response(url_for("accounts.user_edit", user_id=user_id))
    return go(url_for("accounts.users"))


@bp.post("/admin/users/<int:user_id>/unlock")
@allow(ADMIN)
def user_unlock(user_id):
    """Lift a login lock at once (the owner asked, or someone was guessing)."""
    services.unlock_user(get_or_404(_agency_users(), user_id), actor=current_user)
    return go(url_for("accounts.users"))


def _links(user):
    return {
        "school_ids": [link.school_id for link in user.school_links],
        "worker_ids": [link.worker_id for link in user.supervisee_links],
        "class_ids": [link.school_class_id for link in user.class_links],
    }
