"""Making a student anonymous: the erasure a guardian or the student asks for (PIPL Art. 47),
and what the purge does when an archived student's period has passed.

The student's row stays, so every count built on it (attendance, memberships, headcounts,
pre/post scores) survives, and its archive code stays as the pseudonym the audit rows
already use. Everything that names or describes the person goes: name, student number,
birth date, gender, guardian, screening notes, open answers, the signer's name on consents,
and every mention of the name in reflections, follow-ups, session notes and goals, and in
the student's cases (source note, step records, case notes, goals, referrals)."""

from planner.cases.models import Case, CaseGoal, CaseNote, CaseRecord, CaseReferral
from planner.db import now
from planner.evaluation.models import GasGoal, Score
from planner.i18n import lazy_gettext as _l
from planner.reflections.models import FollowUp, Reflection
from planner.runs.models import SessionRecord
from planner.screening.models import ScreeningResult
from planner.sessions.models import Session
from planner.students.models import Consent, GroupMember, Student

ANONYMOUS_NAME = _l("已匿名")


def scrub(value, names, code):
    """Replace every given name in a text, or in the strings of a JSON value, by the code."""
    if isinstance(value, str):
        for name in names:
            value = value.replace(name, code)
        return value
    if isinstance(value, dict):
        return {key: scrub(item, names, code) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, names, code) for item in value]
    return value


def names_of(student: Student) -> list[str]:
    """The strings to remove from free text: the name (at least two characters, longest
    first, so a guardian's full name goes before a shorter one inside it)."""
    found = {n.strip() for n in (student.name, student.guardian_name) if n and len(n.strip()) > 1}
    return sorted(found, key=len, reverse=True)


def anonymise_student(student: Student) -> None:
    """Remove the person from every table; call inside write_tx."""
    names, code = names_of(student), student.archive_code
    programs = GroupMember.select(GroupMember.program).where(GroupMember.student == student.id)
    flagged = FollowUp.select(FollowUp.reflection).where(FollowUp.student == student.id)
    reflections = Reflection.select().where(
        Reflection.session.in_(Session.select(Session.id).where(Session.program.in_(programs)))
        | Reflection.id.in_(flagged)
    )
    if names:
        for reflection in reflections:
            Reflection.update(
                answers=scrub(reflection.answers, names, code),
                details=scrub(reflection.details, names, code),
                supervisor_comment=scrub(reflection.supervisor_comment, names, code),
            ).where(Reflection.id == reflection.id).execute()
        for follow_up in FollowUp.select().where(
            (FollowUp.student == student.id)
            | FollowUp.reflection.in_(reflections.select(Reflection.id))
        ):
            FollowUp.update(note=scrub(follow_up.note, names, code)).where(
                FollowUp.id == follow_up.id
            ).execute()
        for record in SessionRecord.select().where(
            SessionRecord.session.in_(
                Session.select(Session.id).where(Session.program.in_(programs))
            )
        ):
            SessionRecord.update(notes=scrub(record.notes, names, code)).where(
                SessionRecord.id == record.id
            ).execute()
        for goal in GasGoal.select().where(GasGoal.student == student.id):
            GasGoal.update(
                text=scrub(goal.text, names, code), levels=scrub(goal.levels, names, code)
            ).where(GasGoal.id == goal.id).execute()
        _scrub_cases(student, names, code)
    GroupMember.update(screening_note="").where(GroupMember.student == student.id).execute()
    Score.update(open_answers={}).where(Score.student == student.id).execute()
    ScreeningResult.update(override_reason="").where(
        ScreeningResult.student == student.id
    ).execute()
    Consent.update(giver_name="").where(Consent.student == student.id).execute()
    stamp = now()
    Student.update(
        name=str(ANONYMOUS_NAME),
        student_no=f"anon-{student.id}",
        gender="",
        birth_date=None,
        guardian_name="",
        guardian_phone="",
        archived=True,
        archived_at=student.archived_at or stamp,
        anonymised_at=stamp,
        version=Student.version + 1,
    ).where(Student.id == student.id).execute()


def _scrub_cases(student: Student, names: list, code: str) -> None:
    """Every mention of the name in the student's cases, replaced by the archive code."""
    cases = Case.select(Case.id).where(Case.student == student.id)
    for case in Case.select().where(Case.student == student.id):
        Case.update(source_note=scrub(case.source_note, names, code)).where(
            Case.id == case.id
        ).execute()
    for rec in CaseRecord.select().where(CaseRecord.case.in_(cases)):
        CaseRecord.update(fields=scrub(rec.fields, names, code)).where(
            CaseRecord.id == rec.id
        ).execute()
    for note in CaseNote.select().where(CaseNote.case.in_(cases)):
        CaseNote.update(
            note=scrub(note.note, names, code),
            supervisor_comment=scrub(note.supervisor_comment, names, code),
        ).where(CaseNote.id == note.id).execute()
    for goal in CaseGoal.select().where(CaseGoal.case.in_(cases)):
        CaseGoal.update(
            text=scrub(goal.text, names, code), levels=scrub(goal.levels, names, code)
        ).where(CaseGoal.id == goal.id).execute()
    for ref in CaseReferral.select().where(CaseReferral.case.in_(cases)):
        CaseReferral.update(
            reason=scrub(ref.reason, names, code), outcome=scrub(ref.outcome, names, code)
        ).where(CaseReferral.id == ref.id).execute()
