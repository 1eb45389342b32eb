"""A second factor for logins (issue 13): TOTP codes (RFC 6238) from an authenticator app,
and ten one-time recovery codes for a lost phone. Admins and supervisors read the most, so
an agency can make it compulsory for them (T/JHSX 001—2026 4.5 隐私保密原则; PIPL Art. 51
security measures). No request objects here: the views pass typed values in.

The secret and the codes never reach a log line or an audit row: audit details name the
user's id and counts only."""

import datetime as dt
import hmac
import secrets
import time

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from planner.accounts.models import RecoveryCode, User
from planner.accounts.schemas import RECOVERY_ALPHABET
from planner.accounts.services import hasher as password_hasher
from planner.audit.models import record
from planner.db import now, write_tx
from planner.errors import CONFLICT, FORBIDDEN, NOT_FOUND, PlannerError
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Agency

ISSUER = "驻校社工计划系统"
RECOVERY_COUNT = 10
# 12 characters from 31 that can't be mistaken for each other (no 0/o, 1/l/i): 59 bits.
RECOVERY_LENGTH = 12
# A recovery code is random with 59 bits, not a password a person chose: a light argon2id
# already makes guessing it from a stolen hash hopeless, and checking ten of them at a
# login stays fast (the password hasher would take seconds).
code_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)

BAD_CODE = _l("验证码不正确或已使用，请输入验证器上当前显示的 6 位数字，或一个未用过的恢复码。")
BAD_ENROL_CODE = _l("验证码不正确，请输入验证器上当前显示的 6 位数字。")
BAD_PASSWORD_OR_CODE = _l("验证码或密码不正确。")
GONE = _l("登录已失效，请重新输入用户名和密码。")


def new_secret() -> str:
    """A fresh random secret (160 bits, base32), not yet saved anywhere."""
    return pyotp.random_base32()


def provisioning_uri(username: str, secret: str) -> str:
    """The otpauth:// link the QR code carries."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def enrolment_required(user: User) -> bool:
    """True for an admin or supervisor without a second factor whose agency requires one."""
    if user.has_second_factor or not (user.is_admin or user.is_supervisor):
        return False
    return (
        Agency.select()
        .where((Agency.id == user.agency_id) & (Agency.require_second_factor == True))  # noqa: E712
        .exists()
    )


def unused_codes(user: User) -> int:
    return (
        RecoveryCode.select()
        .where((RecoveryCode.user == user.id) & RecoveryCode.used_at.is_null())
        .count()
    )


def _matching_step(secret: str, code: str, last_step, at=None):
    """The time step this code belongs to (the current one or either neighbour, for a
    phone's clock a little off), if it is later than the last one accepted."""
    totp = pyotp.TOTP(secret)
    current = int((at if at is not None else time.time()) // totp.interval)
    for step in (current + 1, current, current - 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(user: User, secret: str, code: str, at=None) -> bool:
    """Accept a code once: the step is stored with a conditional update, so the same code
    (or an older one) sent again, even at the same moment, is refused."""
    step = _matching_step(secret, code, user.totp_last_step, at)
    if step is None:
        return False
    claimed = (
        User.update(totp_last_step=step, totp_failures=0)
        .where(
            (User.id == user.id) & (User.totp_last_step.is_null() | (User.totp_last_step < step))
        )
        .execute()
    )
    user.totp_last_step = step
    return claimed == 1


def _new_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; returns them in plain text,
    the only time they exist so."""
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_COUNT)
    ]
    RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()
    RecoveryCode.insert_many(
        [(user.id, code_hasher.hash(code)) for code in codes],
        fields=[RecoveryCode.user, RecoveryCode.code_hash],
    ).execute()
    return [format_code(code) for code in codes]


def format_code(code: str) -> str:
    """abcdefghjkmn → abcd-efgh-jkmn, as shown to the user."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _spend_recovery_code(user: User, code: str) -> bool:
    for row in RecoveryCode.select().where(
        (RecoveryCode.user == user.id) & RecoveryCode.used_at.is_null()
    ):
        try:
            code_hasher.verify(row.code_hash, code)
        except (VerificationError, InvalidHashError):
            continue
        # Conditional, so two logins racing with one code can't both spend it.
        return (
            RecoveryCode.update(used_at=now())
            .where((RecoveryCode.id == row.id) & RecoveryCode.used_at.is_null())
            .execute()
            == 1
        )
    return False


def enrol(user: User, secret: str, code: str, at=None) -> list[str]:
    """Turn the second factor on once the user shows a current code from the new secret.
    Returns the ten recovery codes, to be shown once."""
    if user.has_second_factor:
        raise PlannerError(_l("两步验证已经启用。"), kind=CONFLICT)
    step = _matching_step(secret, code, None, at)
    if step is None:
        raise PlannerError(BAD_ENROL_CODE, "code")
    with write_tx():
        claimed = (
            User.update(
                totp_secret=secret,
                totp_last_step=step,
                totp_failures=0,
                totp_enabled_at=now(),
            )
            .where((User.id == user.id) & User.totp_secret.is_null())
            .execute()
        )
        if not claimed:
            raise PlannerError(_l("两步验证已经启用。"), kind=CONFLICT)
        codes = _new_codes(user)
        record(user, "second_factor_enrol", "user", user.id, f"user={user.id}")
    user.totp_secret = secret
    return codes


def verify_login(user_id: int, kind: str, code: str, lock_after: int, lock_seconds: int):
    """The second step of a login: the user if the TOTP code (kind "totp") or an unused
    recovery code (kind "recovery") is right. Wrong codes in a row lock the account like
    wrong passwords do, so knowing the password doesn't buy unlimited guesses."""
    user = User.get_or_none((User.id == user_id) & (User.active == True))  # noqa: E712
    if user is None or not user.has_second_factor:
        raise PlannerError(GONE, kind=NOT_FOUND)
    if user.locked_until and user.locked_until > now():
        raise PlannerError(BAD_CODE, "code")
    if kind == "totp":
        accepted = _accept_totp(user, user.totp_secret, code)
    else:
        with write_tx():
            accepted = _spend_recovery_code(user, code)
            if accepted:
                User.update(totp_failures=0).where(User.id == user.id).execute()
                record(
                    user,
                    "second_factor_recovery_used",
                    "user",
                    user.id,
                    f"user={user.id} remaining={unused_codes(user)}",
                )
    if not accepted:
        _count_failure(user, lock_after, lock_seconds)
        raise PlannerError(BAD_CODE, "code")
    return user


def _count_failure(user: User, lock_after: int, lock_seconds: int) -> None:
    failures = user.totp_failures + 1
    if failures >= lock_after:
        locked = now() + dt.timedelta(seconds=lock_seconds)
        User.update(totp_failures=0, locked_until=locked).where(User.id == user.id).execute()
    else:
        User.update(totp_failures=User.totp_failures + 1).where(User.id == user.id).execute()


def _check_owner(user: User, code: str | None, password: str | None) -> None:
    """The holder proves it is them: a current code, or the account's password."""
    if code and _accept_totp(user, user.totp_secret, code):
        return
    if password:
        try:
            password_hasher.verify(user.password_hash, password)
            return
        except (VerificationError, InvalidHashError):
            pass
    raise PlannerError(BAD_PASSWORD_OR_CODE, "code" if code else "password")


def _clear(user: User) -> None:
    User.update(totp_secret=None, totp_last_step=None, totp_failures=0, totp_enabled_at=None).where(
        User.id == user.id
    ).execute()
    RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()
    user.totp_secret = None


def disable(user: User, code: str | None = None, password: str | None = None) -> None:
    """Turn the user's own second factor off (a current code or the password)."""
    if not user.has_second_factor:
        raise PlannerError(_l("两步验证尚未启用。"), kind=CONFLICT)
    _check_owner(user, code, password)
    with write_tx():
        _clear(user)
        record(user, "second_factor_disable", "user", user.id, f"user={user.id}")


def regenerate_codes(user: User, code: str) -> list[str]:
    """Ten new recovery codes for a current code; the old ones stop working."""
    if not user.has_second_factor:
        raise PlannerError(_l("两步验证尚未启用。"), kind=CONFLICT)
    if not _accept_totp(user, user.totp_secret, code):
        raise PlannerError(BAD_ENROL_CODE, "code")
    with write_tx():
        codes = _new_codes(user)
        record(user, "recovery_codes_regenerate", "user", user.id, f"user={user.id}")
    return codes


def reset(actor: User | None, target: User) -> None:
    """An admin clears another user's second factor (a lost phone); the user enrols again.
    Their sessions end, so a compulsory enrolment catches them at the next login. Without
    an actor it is the command line's reset (the audit row names no user)."""
    if actor is not None and target.id == actor.id:
        raise PlannerError(
            _l("不能重置自己的两步验证，请在“两步验证”页面停用后重新设置。"), kind=FORBIDDEN
        )
    if not target.has_second_factor:
        raise PlannerError(_l("该用户未启用两步验证。"), kind=CONFLICT)
    with write_tx():
        _clear(target)
        User.update(session_version=User.session_version + 1).where(User.id == target.id).execute()
        detail = f"user={target.id}"
        if actor is None:  # the agency's audit page finds system rows by this
            detail += f" agency={target.agency_id} by=command"
        record(actor, "second_factor_reset", "user", target.id, detail)
