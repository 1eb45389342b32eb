"""Account operations: authenticate, create, update, end sessions. No request objects here."""

import datetime as dt
import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from peewee import IntegrityError

from planner import tokens
from planner.accounts.models import Supervision, TeacherClass, User, WorkerSchool
from planner.api.models import ApiToken
from planner.audit.models import record
from planner.db import now, save_versioned, write_tx
from planner.errors import NOT_FOUND, PlannerError
from planner.feeds.models import FeedToken
from planner.i18n import lazy_gettext as _l
from planner.roles import WORKER

hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """argon2id hash."""
    return hasher.hash(password)


def device_mark(user: User) -> str:
    """A fingerprint of the user's current password hash, carried in the device cookie of a
    browser that signed in with it: a new password makes every such browser a stranger."""
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:32]


def authenticate(
    username: str, password: str, lock_after: int, lock_seconds: int, device: str | None = None
):
    """The user if the password is right and the account is not locked, else None.

    Failed attempts are counted per account, atomically (parallel guesses all count); after
    `lock_after` failures the account is locked for `lock_seconds`, whatever address the
    attempts come from, and the per-address rate limit slows guessing across accounts.
    The lock is not a weapon against the owner: a browser that signed in to this account
    with its current password (`device`, from its device cookie, see device_mark) is not
    held back by it, an admin can unlock (unlock_user), and a new password clears it.
    """
    user = User.get_or_none(User.username == username)
    if user is None or not user.active:
        hasher.hash(password)  # same cost whether or not the user exists
        return None
    known_device = device is not None and hmac.compare_digest(device, device_mark(user))
    if user.locked_until and user.locked_until > now() and not known_device:
        # Same cost as any other failure: a fast answer would reveal that the account exists.
        hasher.hash(password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        _count_failure(user.id, lock_after, lock_seconds)
        return None
    if user.failed_logins or user.locked_until:
        with write_tx():
            _clear_lock(user.id)
    return user


def _count_failure(user_id: int, lock_after: int, lock_seconds: int) -> None:
    """failed_logins + 1 in the database (not read-then-write, which loses counts when
    guesses arrive together), then the lock once the count reaches `lock_after`."""
    with write_tx():
        User.update(failed_logins=User.failed_logins + 1).where(User.id == user_id).execute()
        failures = User.select(User.failed_logins).where(User.id == user_id).scalar()
        if failures >= lock_after:
            locked = now() + dt.timedelta(seconds=lock_seconds)
            User.update(failed_logins=0, locked_until=locked).where(User.id == user_id).execute()


def _clear_lock(user_id: int) -> None:
    User.update(failed_logins=0, locked_until=None).where(User.id == user_id).execute()


def unlock_user(user: User, actor=None) -> None:
    """An admin lifts a login lock and forgets the failed attempts (audit row)."""
    with write_tx():
        _clear_lock(user.id)
        record(actor, "user_unlock", "user", user.id, f"user={user.id}")


def end_all_sessions(user: User) -> None:
    """Invalidate every cookie issued to this user (logout, password change)."""
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()


def _end_access(user: User) -> None:
    """A deactivated user's cookies and tokens stop for good: reactivating the account
    brings none of them back (a new login, new tokens)."""
    end_all_sessions(user)
    tokens.revoke_all(FeedToken, user.id)
    tokens.revoke_all(ApiToken, user.id)


def _set_supervision(user: User, worker_ids, actor) -> None:
    """Keep the links that stay (and their date), remove and add the others; each change
    is one audit row naming the supervisor and the worker, so an admin who makes someone
    (themself included) a supervisor to read reflections leaves a trace."""
    wanted = set(worker_ids) if user.is_supervisor else set()
    current = {s.worker_id for s in Supervision.select().where(Supervision.supervisor == user.id)}
    gone, added = sorted(current - wanted), sorted(wanted - current)
    if gone:
        Supervision.delete().where(
            (Supervision.supervisor == user.id) & Supervision.worker.in_(gone)
        ).execute()
    if added:
        Supervision.insert_many(
            [(user.id, w) for w in added], fields=[Supervision.supervisor, Supervision.worker]
        ).execute()
    for action, ids in (("supervision_remove", gone), ("supervision_add", added)):
        for worker_id in ids:
            record(actor, action, "user", worker_id, f"supervisor={user.id} worker={worker_id}")


def _set_links(user: User, school_ids, worker_ids, class_ids, actor=None) -> None:
    WorkerSchool.delete().where(WorkerSchool.worker == user.id).execute()
    TeacherClass.delete().where(TeacherClass.teacher == user.id).execute()
    _set_supervision(user, worker_ids, actor)
    if user.is_worker:
        WorkerSchool.insert_many(
            [(user.id, s) for s in school_ids], fields=[WorkerSchool.worker, WorkerSchool.school]
        ).execute()
    if user.is_teacher:
        TeacherClass.insert_many(
            [(user.id, c) for c in class_ids],
            fields=[TeacherClass.teacher, TeacherClass.school_class],
        ).execute()


def _links_of(user: User) -> dict:
    return {
        "schools": sorted(
            w.school_id for w in WorkerSchool.select().where(WorkerSchool.worker == user.id)
        ),
        "workers": sorted(
            s.worker_id for s in Supervision.select().where(Supervision.supervisor == user.id)
        ),
        "classes": sorted(
            t.school_class_id for t in TeacherClass.select().where(TeacherClass.teacher == user.id)
        ),
    }


def _links_detail(links: dict) -> str:
    return " ".join(f"{k}={','.join(map(str, v))}" for k, v in links.items() if v)


def create_user(agency_id: int, data: dict, actor=None) -> User:
    """Create a user with role links; all or nothing. The audit row names the role and
    the assignments (who may now read which records), never the password."""
    try:
        with write_tx():
            user = User.create(
                agency=agency_id,
                username=data["username"],
                display_name=data["display_name"],
                role=data["role"],
                password_hash=hash_password(data["password"]),
            )
            _set_links(
                user,
                data.get("school_ids", []),
                data.get("worker_ids", []),
                data.get("class_ids", []),
                actor,
            )
            detail = f"user={user.id} role={user.role} {_links_detail(_links_of(user))}"
            record(actor, "user_create", "user", user.id, detail.strip())
    except IntegrityError as exc:
        raise PlannerError("duplicate", "username") from exc
    return user


def update_user(user: User, data: dict, actor=None) -> User:
    """Update a user; a new password ends their sessions. Raises ConflictError on stale edit.
    A change of role, assignments or password, or an archiving, leaves an audit row."""
    changes = {k: data[k] for k in ("display_name", "role", "active") if k in data}
    changed = [k for k, v in changes.items() if getattr(user, k) != v]
    if data.get("password"):
        # a new password ends every session and lifts a login lock (a reset clears it)
        changes["password_hash"] = hash_password(data["password"])
        changes["session_version"] = user.session_version + 1
        changes.update(failed_logins=0, locked_until=None)
    deactivating = user.active and changes.get("active") is False
    with write_tx():
        before = _links_of(user)
        save_versioned(user, data["version"], changes)
        if deactivating:
            _end_access(user)
        _set_links(
            user,
            data.get("school_ids", []),
            data.get("worker_ids", []),
            data.get("class_ids", []),
            actor,
        )
        after = _links_of(user)
        if after != before:
            changed.append("links")
        if changed:
            detail = (
                f"user={user.id} role={user.role} fields={','.join(changed)} {_links_detail(after)}"
            )
            record(actor, "user_change", "user", user.id, detail.strip())
        if data.get("password"):
            record(actor, "password_change", "user", user.id, f"user={user.id}")
    return user


def set_maintainer(username: str, on: bool = True) -> User:
    """Grant (or revoke) the upkeep of the data every agency shares, the starter curriculum
    library and the national holiday calendar. Only from the command line, by whoever runs
    the server: an agency's admin can't grant it, so no agency changes what the others see.
    Audited (the actor is the system)."""
    user = User.get_or_none(User.username == username)
    if user is None:
        raise PlannerError(_l("没有这个用户名。"), "username", kind=NOT_FOUND)
    if on and not user.is_admin:
        raise PlannerError(_l("只有机构管理员账号可以成为共享数据维护人员。"), "username")
    with write_tx():
        User.update(maintainer=on).where(User.id == user.id).execute()
        action = "maintainer_grant" if on else "maintainer_revoke"
        record(None, action, "user", user.id, f"user={user.id}")
    user.maintainer = on
    return user


def supervisors_of(worker: User) -> list:
    """Who supervises this worker, with since when (Supervision rows, supervisor joined):
    a worker sees who may read her reflections and her groups' records."""
    return list(
        Supervision.select(Supervision, User)
        .join(User, on=(Supervision.supervisor == User.id))
        .where((Supervision.worker == worker.id) & User.active)
        .order_by(User.display_name)
    )


def link_errors(agency_id: int, data: dict) -> dict:
    """Chosen schools, workers and classes must belong to the admin's own agency."""
    from planner.schools.models import School, SchoolClass

    checks = {
        "school_ids": School.select(School.id).where(School.agency == agency_id),
        "worker_ids": User.select(User.id).where(
            (User.agency == agency_id) & (User.role == WORKER)
        ),
        "class_ids": SchoolClass.select(SchoolClass.id)
        .join(School)
        .where(School.agency == agency_id),
    }
    errors = {}
    for key, query in checks.items():
        chosen = set(data.get(key) or [])
        if chosen and not chosen <= {
            row.id for row in query.where(query.model.id.in_(list(chosen)))
        }:
            errors[key] = "invalid"
    return errors
