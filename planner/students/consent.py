"""Informed consent (知情同意), per student and purpose: standard 4.2, PIPL Art. 28–31 and 15.

The rule (T/JHSX 001—2026 clause 4.2: anyone without full civil capacity takes part only with
the guardian's informed consent; PIPL Art. 31: from 14 a child consents to the handling of
their own personal information):

- a minor (under 18) needs the guardian's consent for the purpose;
- from 14 the student's own consent is needed as well;
- an adult (18 or older) needs only their own;
- the student's assent (赞同) can be recorded at any age: it is shown, never required.

An unknown birth date counts as a child under 14 (the guardian's consent, and the student's
own cannot be recorded until the age is known). The age is counted on the day of the
processing, in Beijing time. A consent is active on a day when it was given on or before that
day and not withdrawn on or before it: a withdrawal recorded today stops processing from the
very next request, whichever of the required consents is withdrawn.

Other modules gate on has_consent() (one student) or consenting_ids() (one query for many);
standings() says, per purpose, what is missing.
"""

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN

from planner.audit.models import record
from planner.db import write_tx
from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.students.models import MISSING, PURPOSES, Consent, GroupMember, Student

GUARDIAN, STUDENT, ASSENT = "guardian", "student", "assent"
OWN_CONSENT_AGE = 14  # PIPL Art. 31: from 14, the student's own consent as well
FULL_AGE = 18  # full civil capacity: the guardian's consent is no longer asked for
COUNTED = (GUARDIAN, STUDENT)  # the givers whose consent counts (assent never does)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years between birth and day (a 29 February birthday counts from 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def required_givers(birth: dt.date | None, day: dt.date) -> tuple:
    """Whose consent processing needs on `day` (clause 4.2): the guardian's for a minor, the
    student's own as well from 14, only the student's own from 18."""
    if birth is None:
        return (GUARDIAN,)
    age = age_on(birth, day)
    if age >= FULL_AGE:
        return (STUDENT,)
    if age >= OWN_CONSENT_AGE:
        return (GUARDIAN, STUDENT)
    return (GUARDIAN,)


def missing_givers(birth: dt.date | None, givers, day: dt.date) -> tuple:
    """The required givers not among `givers` (the active consents' givers)."""
    return tuple(g for g in required_givers(birth, day) if g not in givers)


def missing_text(missing) -> str:
    """ "缺少监护人同意；缺少学生本人同意（已满14岁）" for what missing_givers returned."""
    return "；".join(str(MISSING[g]) for g in missing)


@dataclass
class Standing:
    """One student's consents on a day: the active givers per purpose and what is missing."""

    birth: dt.date | None
    day: dt.date
    givers: dict = field(default_factory=dict)  # purpose → {giver, …} of active consents

    def missing(self, purpose: str) -> tuple:
        return missing_givers(self.birth, self.givers.get(purpose, ()), self.day)

    def ok(self, purpose: str) -> bool:
        return not self.missing(purpose)

    def given(self, purpose: str) -> bool:
        """True when a consent that counts (guardian's or own) is active for the purpose."""
        return any(g in COUNTED for g in self.givers.get(purpose, ()))

    def assent(self, purpose: str) -> bool:
        return ASSENT in self.givers.get(purpose, ())


def standing_of(student: Student, consents, on: dt.date) -> Standing:
    """The Standing built from a student's consents already loaded (no query)."""
    standing = Standing(student.birth_date, on)
    for c in consents:
        if c.given_on <= on and (c.withdrawn_on is None or c.withdrawn_on > on):
            standing.givers.setdefault(c.purpose, set()).add(c.given_by)
    return standing


def _active(on: dt.date):
    return (Consent.given_on <= on) & (Consent.withdrawn_on.is_null() | (Consent.withdrawn_on > on))


def standings_where(where, on: dt.date, purpose: str | None = None) -> dict:
    """{student id: Standing} for the students `where` selects, in one query."""
    joined = (Consent.student == Student.id) & _active(on)
    if purpose is not None:
        joined &= Consent.purpose == purpose
    query = (
        Student.select(Student.id, Student.birth_date, Consent.purpose, Consent.given_by)
        .join(Consent, JOIN.LEFT_OUTER, on=joined)
        .where(where)
        .tuples()
    )
    out = {}
    for sid, birth, purpose_, giver in query:
        standing = out.setdefault(sid, Standing(birth, on))
        if purpose_ is not None:
            standing.givers.setdefault(purpose_, set()).add(giver)
    return out


def standings(student_ids, on: dt.date | None = None, purpose: str | None = None) -> dict:
    """{student id: Standing} for these students on `on` (Beijing today), one query."""
    ids = list(student_ids)
    if not ids:
        return {}
    return standings_where(Student.id.in_(ids), on or local_today(), purpose)


def missing_for(student_id: int, purpose: str, on: dt.date | None = None) -> tuple:
    """What the student lacks for this purpose on `on` (empty when processing may go on)."""
    standing = standings([student_id], on, purpose).get(student_id)
    return standing.missing(purpose) if standing else COUNTED


def has_consent(student_id: int, purpose: str, on: dt.date | None = None) -> bool:
    """True when every consent the student needs for this purpose is active on `on`."""
    return not missing_for(student_id, purpose, on)


def consenting_ids(student_ids, purpose: str, on: dt.date | None = None) -> set:
    """The ids among student_ids whose required consents are all active (one query)."""
    found = standings(student_ids, on, purpose)
    return {sid for sid, standing in found.items() if standing.ok(purpose)}


def active_purposes(student_ids, on: dt.date | None = None) -> dict:
    """{student id: set of purposes processing may go on for} (one query), for lists."""
    found = standings(student_ids, on)
    return {sid: {p for p in PURPOSES if standing.ok(p)} for sid, standing in found.items()}


def consents_of(student_id: int) -> list:
    """All consents of a student, newest first (withdrawn ones kept as history)."""
    return list(
        Consent.select()
        .where(Consent.student == student_id)
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    )


def check_giver(student: Student, given_by: str, given_on: dt.date) -> None:
    """The guardian consents for a minor, the student from 14 (their own consent), anyone
    records assent; refused with what to record instead."""
    if given_by == ASSENT:
        return
    if student.birth_date is None:
        if given_by == GUARDIAN:
            return
        raise PlannerError(
            _l("尚未登记该学生的出生日期，无法确认年龄，须由监护人作出同意。"), "given_by"
        )
    age = age_on(student.birth_date, given_on)
    if given_by == STUDENT and age < OWN_CONSENT_AGE:
        raise PlannerError(
            _l(
                "该学生在同意日期未满 14 周岁，不能由本人作出同意，须由监护人同意；"
                "学生本人的意愿可登记为“学生本人赞同”。"
            ),
            "given_by",
        )
    if given_by == GUARDIAN and age >= FULL_AGE:
        raise PlannerError(_l("该学生在同意日期已满 18 周岁，应由本人作出同意。"), "given_by")


def give(user, student: Student, data: dict) -> Consent:
    """Record a consent (validated data: purpose, given_by, giver_name, notice_version,
    given_on, method) and append the audit row, in one transaction."""
    today = local_today()
    if student.archived:
        raise PlannerError(_l("该学生档案已归档，不能登记新的同意。"), "consent")
    if data["given_on"] > today:
        raise PlannerError(_l("同意日期不能晚于今天。"), "given_on")
    if student.birth_date and data["given_on"] < student.birth_date:
        raise PlannerError(_l("同意日期早于学生的出生日期。"), "given_on")
    check_giver(student, data["given_by"], data["given_on"])
    with write_tx():
        standing = standings([student.id], today, data["purpose"]).get(student.id)
        if data["given_by"] in standing.givers.get(data["purpose"], ()):
            raise PlannerError(
                _l("该学生已有此用途、由同一同意方作出的有效记录，无需重复登记。"), "purpose"
            )
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
    """Withdraw a consent from `on` (today). When consent to take part is no longer complete
    (the guardian's or the student's own withdrawn), the student leaves every group at once:
    processing stops on the next request. Withdrawing an assent changes no gate."""
    on = on or local_today()
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
            f"withdraw by={consent.given_by} groups_left={left}",
        )
    consent.withdrawn_on = max(on, consent.given_on)
    return consent


def label(purpose: str):
    return PURPOSES.get(purpose, purpose)
