"""What follows a right password (issue 13): the second step for a user with a second
factor, and the compulsory enrolment for admins and supervisors of an agency that requires
one. Web layer: it reads and writes the session; the checks are in
planner.accounts.second_factor.

Half logged in, the session holds only the pending user's id, session version and a short
expiry: Flask-Login sees nobody, so no protected page opens."""

import time
from urllib.parse import urlparse

from flask import redirect, request, session, url_for
from flask_login import current_user, login_user

from planner.accounts import second_factor
from planner.accounts.models import User
from planner.web import go

PENDING = "second_factor_pending"
MUST_ENROL = "second_factor_required"
PENDING_SECONDS = 5 * 60
# What a user who must enrol may still reach: the enrolment itself, and the way out.
OPEN_WHILE_ENROLLING = {
    "second_factor.setup",
    "second_factor.enrol",
    "accounts.logout",
    "accounts.set_locale",
    "accounts.login",
    "static",
}


def _fresh_session() -> None:
    """Rotation: nothing from the earlier session survives but the chosen language."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def after_password(user: User, next_url: str | None):
    """Called by the login view once the password is right: a response that asks for the
    second factor (or, compulsory and missing, starts the session on the enrolment page),
    or None for an ordinary login."""
    if user.has_second_factor:
        _fresh_session()
        session[PENDING] = {
            "user": user.id,
            "version": user.session_version,
            "until": time.time() + PENDING_SECONDS,
            "next": same_site(next_url),
        }
        return redirect(url_for("second_factor.verify"), 303)
    if second_factor.enrolment_required(user):
        start_session(user)
        session[MUST_ENROL] = True
        return redirect(url_for("second_factor.setup"), 303)
    return None


def same_site(target):
    """Only a same-site relative path survives as the page to go to after the login."""
    if target and target.startswith("/") and not target.startswith("//"):
        if not urlparse(target).netloc:
            return target
    return None


def pending_user_id():
    """The id of the user half logged in, or None (never was, or too late: then the
    pending state is dropped)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if not isinstance(pending.get("until"), int | float) or pending["until"] < time.time():
        session.pop(PENDING, None)
        return None
    return pending.get("user")


def pending_matches(user: User) -> bool:
    """The password was checked for this very session version (no password change since)."""
    return session.get(PENDING, {}).get("version") == user.session_version


def finish_second_step(user: User) -> str | None:
    """Log the user in after a right code; returns the `next` the login page was given."""
    next_url = session.get(PENDING, {}).get("next")
    start_session(user)
    return next_url


def drop_pending() -> None:
    session.pop(PENDING, None)


def start_session(user: User) -> None:
    """The same as a password-only login: a rotated session, stamped for the timeouts."""
    _fresh_session()
    login_user(user)
    session.update(login_at=time.time(), last_seen=time.time())


def require_enrolment(user: User) -> None:
    """Keep a user on the enrolment page (a compulsory second factor was just turned off)."""
    session[MUST_ENROL] = True


def enrolled() -> None:
    session.pop(MUST_ENROL, None)


def enforce_enrolment():
    """A user who must enrol reaches nothing else until they have. Only a session marked
    at login is checked, so other requests cost no query."""
    if not session.get(MUST_ENROL) or request.endpoint in OPEN_WHILE_ENROLLING:
        return None
    if not current_user.is_authenticated or current_user.has_second_factor:
        session.pop(MUST_ENROL, None)
        return None
    return go(url_for("second_factor.setup"))


def init_app(app) -> None:
    app.before_request(enforce_enrolment)
