"""A growth group's roster (小组名册): recruitment and screening notes, the signed group
contract, and members (6–12 typically). Joining needs every consent to take part that the
student's age asks for (standard 4.2: planner.students.consent)."""

from peewee import JOIN, IntegrityError

from planner.audit.models import record
from planner.db import ConflictError, save_versioned, write_tx
from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.schools.models import SchoolClass, Term
from planner.students.consent import consenting_ids, missing_for, missing_text, standings
from planner.students.models import ClassMember, GroupMember, GroupRoster, Student

TYPICAL = (6, 12)


def roster_of(program) -> GroupRoster:
    """The program's roster row; until something is written, an unsaved one with version 0
    (reading the page changes nothing; the first save creates version 1)."""
    return GroupRoster.get_or_none(GroupRoster.program == program.id) or GroupRoster(
        program=program.id, version=0
    )


def save_details(program, data: dict) -> GroupRoster:
    """Recruitment notes and contract date; ConflictError on a stale version (including a
    first save that another person made first)."""
    data = dict(data)
    version = data.pop("version")
    if data.get("contract_signed_on") and data["contract_signed_on"] > local_today():
        raise PlannerError(_l("签订日期不能晚于今天。"))
    roster = roster_of(program)
    try:
        with write_tx():
            if roster.id is None:
                if version != 0:
                    raise ConflictError("GroupRoster")
                return GroupRoster.create(program=program.id, **data)
            save_versioned(roster, version, data)
    except IntegrityError as exc:  # created by a parallel first save
        raise ConflictError("GroupRoster") from exc
    return roster


def members(program) -> list:
    """Active members with their student and class, and whether consent is still active.
    An archived student is no longer processed and is left out (the membership stays)."""
    rows = list(
        GroupMember.select(GroupMember, Student, SchoolClass)
        .join(Student)
        .join(SchoolClass, on=(Student.school_class == SchoolClass.id), join_type=JOIN.LEFT_OUTER)
        .where((GroupMember.program == program.id) & GroupMember.active & ~Student.archived)
        .order_by(Student.archive_code)
    )
    ok = consenting_ids([m.student_id for m in rows], "participation")
    then = classes_then(program, [m.student_id for m in rows])
    for member in rows:
        member.consent_ok = member.student_id in ok
        if member.student_id in then:
            member.student.school_class = then[member.student_id]
    return rows


def classes_then(program, student_ids: list) -> dict:
    """student id -> the class the student was in during the program's school year, for a
    program of a past year (class_member, written by the rollover); {} for this year's."""
    if not student_ids:
        return {}
    year = Term.select(Term.school_year).where(Term.id == program.term_id)
    return {
        row.student_id: row.school_class
        for row in ClassMember.select(ClassMember, SchoolClass)
        .join(SchoolClass)
        .where((ClassMember.school_year == year) & ClassMember.student.in_(student_ids))
    }


def size_warning(count: int):
    low, high = TYPICAL
    if count < low:
        return _l("目前 %(n)s 名组员，少于通常的 %(low)s 人，小组互动可能不足。", n=count, low=low)
    if count > high:
        return _l("目前 %(n)s 名组员，多于通常的 %(high)s 人，请考虑分组。", n=count, high=high)
    return None


def candidates(program, class_id=None) -> list:
    """Students of the program's school who are not active members (optionally one class),
    each marked with whether they may join now."""
    current = GroupMember.select(GroupMember.student).where(
        (GroupMember.program == program.id) & GroupMember.active
    )
    query = Student.select(
        Student.id, Student.archive_code, Student.name, Student.student_no
    ).where((Student.school == program.school_id) & ~Student.archived & Student.id.not_in(current))
    if class_id:
        query = query.where(Student.school_class == class_id)
    rows = list(query.order_by(Student.archive_code))
    found = standings([s.id for s in rows], purpose="participation")
    for student in rows:
        student.consent_missing = missing_text(found[student.id].missing("participation"))
        student.consent_ok = not student.consent_missing
    return rows


def member_detail(program, student) -> str:
    return f"program={program.id} student={student.id} code={student.archive_code} school={student.school_id}"


def record_roster_view(user, program) -> None:
    """A roster shows names and screening notes: reading it leaves an audit row naming the
    members' archive codes."""
    codes = [
        code
        for (code,) in Student.select(Student.archive_code)
        .join(GroupMember)
        .where(GroupMember.program == program.id)
        .order_by(Student.archive_code)
        .tuples()
    ]
    with write_tx():
        record(
            user,
            "view_roster",
            "program",
            program.id,
            f"program={program.id} school={program.school_id} members={','.join(codes)}",
        )


def add_member(program, student_id: int, note: str = "", user=None) -> GroupMember:
    """Add (or re-add) a student; refused with the reason when not allowed. Audited."""
    student = Student.get_or_none(Student.id == student_id)
    if student is None or student.school_id != program.school_id:
        raise PlannerError(_l("该学生不属于本小组所在的学校，不能加入。"))
    if student.archived:
        raise PlannerError(_l("该学生档案已归档，不能加入小组。"))
    with write_tx():
        missing = missing_for(student.id, "participation")
        if missing:
            raise PlannerError(
                _l(
                    "该学生参加小组的知情同意不完整（%(missing)s），不能加入小组。",
                    missing=missing_text(missing),
                )
            )
        existing = GroupMember.get_or_none(
            (GroupMember.program == program.id) & (GroupMember.student == student.id)
        )
        if existing and existing.active:
            raise PlannerError(_l("该学生已在小组中。"))
        record(user, "member_add", "student", student.id, member_detail(program, student))
        if existing:
            GroupMember.update(active=True, screening_note=note).where(
                GroupMember.id == existing.id
            ).execute()
            return existing
        return GroupMember.create(program=program.id, student=student.id, screening_note=note)


def remove_member(member: GroupMember, user=None) -> None:
    """Take a member out (kept as history: active=False). Audited."""
    student = Student.get_by_id(member.student_id)
    with write_tx():
        GroupMember.update(active=False).where(GroupMember.id == member.id).execute()
        record(user, "member_remove", "student", student.id, member_detail(member.program, student))
