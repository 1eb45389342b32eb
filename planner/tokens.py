"""The secret tokens a user holds, written once for every kind (calendar-feed links,
FeedToken; JSON API tokens, ApiToken): create, rotate, revoke, list the active ones, and
find one by its raw value. 256 random bits; only the sha256 is stored, and the raw token
is shown once, when it is made (PRIVACY_SECURITY.md: secrets in URLs and headers).

A token model has the columns user, token_hash, created_at, revoked_at and last_used_at,
and names in KEPT_ON_ROTATE what a rotated token carries over."""

import datetime as dt
import hashlib
import secrets

from planner.accounts.models import User
from planner.db import now, write_tx
from planner.errors import NOT_FOUND, PlannerError
from planner.i18n import lazy_gettext as _l

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 256 random bits; the rule is at least 128
MAX_RAW = 128  # anything longer is not one of ours: no hashing of a megabyte
USE_EVERY = dt.timedelta(minutes=10)  # last_used_at is refreshed at most this often
GONE = _l("找不到该记录，或你无权查看。")


def new_raw_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create(model, user, **fields) -> tuple:
    """(token row, raw token). The raw token is returned once and never stored."""
    raw = new_raw_token()
    with write_tx():
        token = model.create(user=user.id, token_hash=hash_token(raw), **fields)
    return token, raw


def active(model, user) -> list:
    """The user's tokens that still work, newest first."""
    return list(
        model.select()
        .where((model.user == user.id) & model.revoked_at.is_null())
        .order_by(model.created_at.desc(), model.id.desc())
    )


def owned(model, user, token_id):
    """One of the user's own active tokens, or None."""
    return model.get_or_none(
        (model.id == token_id) & (model.user == user.id) & model.revoked_at.is_null()
    )


def _revoke(model, where) -> bool:
    return model.update(revoked_at=now()).where(where & model.revoked_at.is_null()).execute() == 1


def revoke(model, user, token_id) -> bool:
    """Stop one of the user's own active tokens; False when there is no such token."""
    with write_tx():
        return _revoke(model, (model.id == token_id) & (model.user == user.id))


def revoke_all(model, user_id: int) -> int:
    """Stop every active token of a user, for good (a deactivated account): the caller's
    transaction. Returns how many were stopped."""
    return (
        model.update(revoked_at=now())
        .where((model.user == user_id) & model.revoked_at.is_null())
        .execute()
    )


def rotate(model, user, token_id, check=None) -> tuple:
    """Revoke one of the user's tokens and make its successor: (token row, raw). `check`
    may refuse the old token (a PlannerError) before anything changes. A token that is
    not the user's, or was revoked or rotated meanwhile, is NOT_FOUND."""
    old = owned(model, user, token_id)
    if old is None:
        raise PlannerError(GONE, kind=NOT_FOUND)
    if check is not None:
        check(old)
    raw = new_raw_token()
    with write_tx():
        if not _revoke(model, model.id == old.id):  # a concurrent request got there first
            raise PlannerError(GONE, kind=NOT_FOUND)
        kept = {name: getattr(old, name) for name in model.KEPT_ON_ROTATE}
        token = model.create(user=user.id, token_hash=hash_token(raw), **kept)
    return token, raw


def find(model, raw):
    """The active token (its user joined) for a raw token, or None. The caller still asks
    whether the user may use it."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_RAW:
        return None
    return (
        model.select(model, User)
        .join(User)
        .where((model.token_hash == hash_token(raw)) & model.revoked_at.is_null())
        .first()
    )


def use_is_stale(token, at: dt.datetime) -> bool:
    """Is the token's last_used_at old enough to write again (at most every USE_EVERY)?"""
    return token.last_used_at is None or at - token.last_used_at >= USE_EVERY
