"""Web security basics (PRIVACY_SECURITY.md §7): login, timeouts, CSRF, headers, route rules."""

import logging
import time
from collections.abc import Mapping

from flask import abort, current_app, redirect, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadSignature, URLSafeTimedSerializer

from planner.access import view_rule
from planner.i18n import lazy_gettext as _l

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)


@login_manager.user_loader
def load_user(token):
    """Load the user only if the cookie's session version is still current."""
    from planner.accounts.models import User

    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = User.get_or_none((User.id == int(user_id)) & (User.active == True))  # noqa: E712
    if user is None or user.session_version != int(version):
        return None
    return user


# A browser that signed in keeps a signed mark of the account (and of its password) in
# this cookie; the per-account login lock does not hold it back (accounts.services).
DEVICE_COOKIE = "planner_device"
DEVICE_SECONDS = 180 * 24 * 3600


def _device_signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="planner-login-device")


def login_device() -> str | None:
    """The mark in this browser's device cookie, if we signed it and it is fresh."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        mark = _device_signer().loads(raw, max_age=DEVICE_SECONDS)
    except BadSignature:
        return None
    return mark if isinstance(mark, str) else None


def remember_device(response, mark: str):
    """Give the browser that just signed in its device cookie (sent to /login only)."""
    response.set_cookie(
        DEVICE_COOKIE,
        _device_signer().dumps(mark),
        max_age=DEVICE_SECONDS,
        path=url_for("accounts.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def enforce_session_timeouts():
    """Idle and absolute timeouts, because tablets are shared."""
    if not current_user.is_authenticated:
        return None
    now = time.time()
    idle = current_app.config["SESSION_IDLE_SECONDS"]
    absolute = current_app.config["SESSION_ABSOLUTE_SECONDS"]
    last_seen = session.get("last_seen", now)
    started = session.get("login_at", now)
    if now - last_seen > idle or now - started > absolute:
        logout_user()
        session.clear()
        session["flash_timeout"] = True
        return redirect(url_for("accounts.login", next=request.path))
    session["last_seen"] = now
    return None


def enforce_route_rules():
    """Default deny: every endpoint must declare who may call it."""
    if request.endpoint in (None, "static"):
        return None
    view = current_app.view_functions.get(request.endpoint)
    is_public, roles = view_rule(view)
    if is_public:
        return None
    if roles is None:
        abort(403)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None


def security_headers(response):
    """CSP, nosniff, referrer policy, framing, no-store on dynamic pages, Vary for htmx."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.add("Vary", "HX-Request")
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        # Pages may carry personal data; the back button after logout must not show them.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    """Wire login, CSRF, rate limits and the request hooks."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    limiter.init_app(app)
    app.before_request(enforce_session_timeouts)
    app.before_request(enforce_route_rules)
    app.after_request(security_headers)
    install_log_filters()


class TokenLogFilter:
    """Redacts feed tokens and API bearer tokens from access-log lines (PRIVACY_SECURITY.md
    §4): a log format that includes the Authorization header must not keep the token."""

    import re as _re

    PATTERN = _re.compile(
        r"(/feeds?/)[^/\s?\"]+|((?:token|key)=)[^&\s\"]+"
        r"|((?i:bearer)\s+)(?!%)[^\s\"]+"
    )

    def redact(self, value):
        if not isinstance(value, str):
            return value
        return self.PATTERN.sub(
            lambda m: (m.group(1) or m.group(2) or m.group(3)) + "[redacted]", value
        )

    def filter(self, record):
        record.msg = self.redact(record.msg)
        if isinstance(record.args, dict):
            # gunicorn logs its access line as format % atoms (a dict subclass that
            # answers '-' for unknown keys): redact the values in place, keep the type.
            for key, value in list(record.args.items()):
                record.args[key] = self.redact(value)
        elif isinstance(record.args, Mapping):
            record.args = {key: self.redact(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(self.redact(a) for a in record.args)
        return True


# The development server logs to "werkzeug", gunicorn (production) to "gunicorn.access".
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def install_log_filters() -> None:
    """Put one TokenLogFilter on each access logger (idempotent: apps are built often)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenLogFilter) for f in logger.filters):
            logger.addFilter(TokenLogFilter())
