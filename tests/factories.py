"""Factory functions, one per model; defaults via setdefault."""

import datetime as dt
import itertools
from functools import lru_cache

from planner.accounts.models import Supervision, TeacherClass, User, WorkerSchool
from planner.accounts.services import hash_password
from planner.schools import years
from planner.schools.models import Agency, Room, School, SchoolClass, Term

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash():
    """argon2 is slow on purpose; hash the test password once."""
    return hash_password(PASSWORD)


def agency(**kw):
    n = next(_seq)
    kw.setdefault("name", f"测试机构{n}")
    kw.setdefault("code", f"AG{n}")
    return Agency.create(**kw)


def school(**kw):
    n = next(_seq)
    kw.setdefault("agency", kw.get("agency") or agency())
    kw.setdefault("name", f"测试学校{n}")
    kw.setdefault("code", f"SC{n}")
    kw.setdefault("stage", "junior")
    return School.create(**kw)


def term(**kw):
    kw.setdefault("school", kw.get("school") or school())
    kw.setdefault("name", f"2026—2027学年第一学期-{next(_seq)}")
    kw.setdefault("start", dt.date(2026, 9, 1))
    kw.setdefault("end", dt.date(2027, 1, 23))
    school_id = getattr(kw["school"], "id", kw["school"])
    kw.setdefault("school_year", years.year_for(school_id, kw["start"]))
    return Term.create(**kw)


def school_class(**kw):
    kw.setdefault("school", kw.get("school") or school())
    kw.setdefault("grade", 7)
    kw.setdefault("name", f"7({next(_seq)})班")
    owner = kw["school"] if isinstance(kw["school"], School) else School.get_by_id(kw["school"])
    for key, value in years.class_defaults(owner, kw["grade"]).items():
        kw.setdefault(key, value)
    return SchoolClass.create(**kw)


def room(**kw):
    kw.setdefault("school", kw.get("school") or school())
    kw.setdefault("name", f"小组工作室{next(_seq)}")
    kw.setdefault("kind", "group_room")
    return Room.create(**kw)


def user(role="worker", schools=(), workers=(), classes=(), **kw):
    n = next(_seq)
    kw.setdefault("agency", kw.get("agency") or agency())
    kw.setdefault("username", f"{role}{n}")
    kw.setdefault("display_name", f"{role}{n}")
    kw.setdefault("password_hash", password_hash())
    created = User.create(role=role, **kw)
    for s in schools:
        WorkerSchool.create(worker=created, school=s)
    for w in workers:
        Supervision.create(supervisor=created, worker=w)
    for c in classes:
        TeacherClass.create(teacher=created, school_class=c)
    return created
