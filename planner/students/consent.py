"""Informed consent (知情同意, standard 4.2; PIPL Art. 28–31 and 15), per student and purpose.

Under 14 on the consent date, the guardian gives consent; from 14, the student. A consent
is active on a day when it was given on or before that day and not withdrawn on or before
it: a withdrawal recorded today stops processing from the very next request.

Other modules gate on has_consent() (one student) or consenting_ids() (one query for many).
"""

import datetime as dt

from planner.audit.models import record
from planner.db import write_tx
from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l
from planner.students.models import PURPOSES, Consent, GroupMember, Student

ADULT_CONSENT_AGE = 14


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years between birth and day (a 29 February birthday counts from 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def required_giver(birth: dt.date | None, day: dt.date) -> str:
    """Who must give consent on `day`: the guardian under 14 or when the age is unknown."""
    if birth is None or age_on(birth, day) < ADULT_CONSENT_AGE:
        return "guardian"
    return "student"


def _active(on: dt.date):
    return (Consent.given_on <= on) & (Consent.withdrawn_on.is_null() | (Consent.withdrawn_on > on))


def has_consent(student_id: int, purpose: str, on: dt.date | None = None) -> bool:
    """True when the student has an active consent for this purpose on `on` (today)."""
    on = on or dt.date.today()
    return (
        Consent.select()
        .where((Consent.student == student_id) & (Consent.purpose == purpose) & _active(on))
        .exists()
    )


def consenting_ids(student_ids, purpose: str, on: dt.date | None = None) -> set:
    """The ids among student_ids with an active consent for this purpose (one query)."""
    ids = list(student_ids)
    if not ids:
        return set()
    on = on or dt.date.today()
    query = (
        Consent.select(Consent.student)
        .distinct()
        .where(Consent.student.in_(ids) & (Consent.purpose == purpose) & _active(on))
    )
    return {row.student_id for row in query}


def active_purposes(student_ids, on: dt.date | None = None) -> dict:
    """{student id: set of purposes with active consent} (one query), for lists."""
    ids = list(student_ids)
    out = {sid: set() for sid in ids}
    if not ids:
        return out
    on = on or dt.date.today()
    query = (
        Consent.select(Consent.student, Consent.purpose)
        .distinct()
        .where(Consent.student.in_(ids) & _active(on))
        .tuples()
    )
    for sid, purpose in query:
        out[sid].add(purpose)
    return out


def consents_of(student_id: int) -> list:
    """All consents of a student, newest first (withdrawn ones kept as history)."""
    return list(
        Consent.select()
        .where(Consent.student == student_id)
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    )


def check_giver(student: Student, given_by: str, given_on: dt.date) -> None:
    wanted = required_giver(student.birth_date, given_on)
    if given_by == wanted:
        return
    if student.birth_date is None:
        raise PlannerError(
            _l("尚未登记该学生的出生日期，无法确认年龄，须由监护人作出同意。"), "given_by"
        )
    if wanted == "guardian":
        raise PlannerError(_l("该学生在同意日期未满 14 周岁，须由监护人作出同意。"), "given_by")
    raise PlannerError(_l("该学生在同意日期已满 14 周岁，应由学生本人作出同意。"), "given_by")


def give(user, student: Student, data: dict) -> Consent:
    """Record a consent (validated data: purpose, given_by, giver_name, notice_version,
    given_on, method) and append the audit row, in one transaction."""
    if student.archived:
        raise PlannerError(_l("该学生档案已归档，不能登记新的同意。"), "consent")
    if data["given_on"] > dt.date.today():
        raise PlannerError(_l("同意日期不能晚于今天。"), "given_on")
    if student.birth_date and data["given_on"] < student.birth_date:
        raise PlannerError(_l("同意日期早于学生的出生日期。"), "given_on")
    check_giver(student, data["given_by"], data["given_on"])
    with write_tx():
        if has_consent(student.id, data["purpose"], dt.date.today()):
            raise PlannerError(_l("该学生已有此用途的有效同意，无需重复登记。"), "purpose")
        consent = Consent.create(student=student.id, recorded_by=user.id, **data)
        record(
            user,
            "consent_change",
            "consent",
            consent.id,
            f"student={student.id} code={student.archive_code} purpose={data['purpose']} "
            f"give by={data['given_by']} notice={data['notice_version']}",
        )
    return consent


def withdraw(user, consent: Consent, on: dt.date | None = None) -> Consent:
    """Withdraw a consent from `on` (today). Withdrawing consent to take part also takes the
    student out of every group at once: processing stops on the next request."""
    on = on or dt.date.today()
    if consent.withdrawn_on is not None:
        raise PlannerError(_l("这项同意已经撤回。"), "consent")
    student = Student.get_by_id(consent.student_id)
    with write_tx():
        updated = (
            Consent.update(withdrawn_on=max(on, consent.given_on))
            .where((Consent.id == consent.id) & Consent.withdrawn_on.is_null())
            .execute()
        )
        if not updated:
            raise PlannerError(_l("这项同意已经撤回。"), "consent")
        left = 0
        if consent.purpose == "participation" and not has_consent(student.id, "participation", on):
            left = (
                GroupMember.update(active=False)
                .where((GroupMember.student == student.id) & GroupMember.active)
                .execute()
            )
        record(
            user,
            "consent_change",
            "consent",
            consent.id,
            f"student={student.id} code={student.archive_code} purpose={consent.purpose} "
            f"withdraw groups_left={left}",
        )
    consent.withdrawn_on = max(on, consent.given_on)
    return consent


def label(purpose: str):
    return PURPOSES.get(purpose, purpose)
