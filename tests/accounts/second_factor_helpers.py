"""Helpers for the second-factor tests: codes computed with pyotp, as a phone would."""

import re
import time

import pyotp

from planner.accounts import second_factor
from planner.accounts.models import User
from tests import factories

SETUP = "/account/second-factor"
STEP = "/login/second-factor"


def code_now(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def wrong_code(secret: str) -> str:
    """Six digits that no step near now gives."""
    near = {code_now(secret, n) for n in (-2, -1, 0, 1, 2)}
    candidate = int(code_now(secret))
    while f"{candidate:06d}" in near:
        candidate = (candidate + 1) % 10**6
    return f"{candidate:06d}"


def enrolled_user(role="supervisor", **kw):
    """A user with a second factor and recovery codes, enrolled through the service (the
    code it used is for a step before now, so a login now needs a fresh code)."""
    user = factories.user(role, **kw)
    secret = pyotp.random_base32()
    codes = second_factor.enrol(user, secret, code_now(secret, -1), at=time.time() - 30)
    return User.get_by_id(user.id), secret, codes


def post_password(client, user, next=None):
    url = "/login" if next is None else f"/login?next={next}"
    return client.post(url, data={"username": user.username, "password": factories.PASSWORD})


def logged_in_user_id(client):
    with client.session_transaction() as sess:
        return sess.get("_user_id")


def form_token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "no enrolment token on the page"
    return match.group(1)


def page_secret(html: str) -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert match, "no secret on the page"
    return match.group(1).replace(" ", "")


def page_codes(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9-]{14})</code></li>", html)
