"""Turning 14 (standard 4.2; PIPL Art. 31): from their 14th birthday a student's own consent
is needed as well as the guardian's, so every purpose where only the guardian consented is
listed for the worker to confirm with the student. The same list shows consents from old
records where only the student consented before 18: the guardian's is missing (nothing is
invented for them)."""

import datetime as dt

from peewee import JOIN

from planner.audit.models import record
from planner.db import write_tx
from planner.i18n import local_today
from planner.schools.models import SchoolClass
from planner.students.consent import OWN_CONSENT_AGE, standings_where
from planner.students.models import PURPOSES, Student


def years_before(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is `years` old on `day` (age_on's rule: a
    29 February birthday counts from 1 March)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # today is 29 February: born on 28 February, they have had theirs
        return day.replace(year=day.year - years, day=28)


def birthday(birth: dt.date, years: int) -> dt.date:
    """The day someone born on `birth` turns `years` (1 March for a 29 February birth)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


def _turned_14(on: dt.date):
    return (
        ~Student.archived
        & Student.anonymised_at.is_null()
        & Student.birth_date.is_null(False)
        & (Student.birth_date <= years_before(on, OWN_CONSENT_AGE))
    )


def _to_confirm(standing) -> bool:
    return any(standing.given(p) and not standing.ok(p) for p in PURPOSES)


def counts(school_ids, on: dt.date | None = None) -> dict:
    """{school id: how many students to_confirm lists} for these schools, for the home page:
    numbers only, no names read (so no audit row). Two queries, however many schools."""
    on = on or local_today()
    found = standings_where(Student.school.in_(list(school_ids)) & _turned_14(on), on)
    ids = [sid for sid, standing in found.items() if _to_confirm(standing)]
    out = {}
    for (school_id,) in Student.select(Student.school).where(Student.id.in_(ids)).tuples():
        out[school_id] = out.get(school_id, 0) + 1
    return out


def to_confirm(user, school_id: int, on: dt.date | None = None) -> list:
    """Turning 14: the school's students who are 14 or older on `on` (Beijing today) and have
    a purpose with a consent that counts but not every one they need (only the guardian's, or
    from old records only their own before 18). [(student with class, Standing, 14th birthday)] by class and
    student number, in two queries; listing names is a read and appends one audit row."""
    on = on or local_today()
    where = (Student.school == school_id) & _turned_14(on)
    found = {
        sid: standing
        for sid, standing in standings_where(where, on).items()
        if _to_confirm(standing)
    }
    students = []
    if found:
        students = list(
            Student.select(Student, SchoolClass)
            .join(SchoolClass, JOIN.LEFT_OUTER, on=(Student.school_class == SchoolClass.id))
            .where(Student.id.in_(list(found)))
            .order_by(SchoolClass.grade, SchoolClass.name, Student.student_no)
        )
    ids = ",".join(str(s.id) for s in students)
    with write_tx():
        record(user, "view_student_list", "school", school_id, f"consent_review students={ids}")
    return [(s, found[s.id], birthday(s.birth_date, OWN_CONSENT_AGE)) for s in students]
