"""Students (服务对象): create, edit, archive, and reading a record (which is audited).

The acting user is passed in; nothing here reads the request. Audit details carry ids and
archive codes only, never a name.
"""

from peewee import JOIN, IntegrityError

from planner.access import students_scope
from planner.audit.models import record
from planner.db import now, save_versioned, write_tx
from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l
from planner.schools.models import School, SchoolClass, SchoolYear
from planner.sessions.models import Program, ProgramWorker
from planner.students.codes import issue_codes
from planner.students.models import ClassMember, GroupMember, Student

DUPLICATE_NO = _l("本校已有该学号的学生。")
CODE_CLASH = _l("生成的档案编码与已有编码重复，请管理员检查编码规则（例如加入 {agency}）。")


def students_query(school_id: int, class_id: int | None = None, archived: bool = False, user=None):
    """A school's students with their class joined, by class then student number; for a
    supervisor only the members of their workers' groups (access.students_scope)."""
    query = (
        Student.select(Student, SchoolClass)
        .join(SchoolClass, JOIN.LEFT_OUTER, on=(Student.school_class == SchoolClass.id))
        .where((Student.school == school_id) & (Student.archived == archived))
    )
    if class_id:
        query = query.where(Student.school_class == class_id)
    if user is not None and user.is_supervisor:
        query = query.where(Student.id.in_(students_scope(user).select(Student.id)))
    return query.order_by(SchoolClass.grade, SchoolClass.name, Student.student_no)


def school_classes(school_id: int) -> list:
    return list(
        SchoolClass.select()
        .where((SchoolClass.school == school_id) & ~SchoolClass.archived)
        .order_by(SchoolClass.grade, SchoolClass.name)
    )


def _check_class(school_id: int, class_id) -> None:
    if (
        class_id is not None
        and not SchoolClass.select()
        .where(
            (SchoolClass.id == class_id) & (SchoolClass.school == school_id) & ~SchoolClass.archived
        )
        .exists()
    ):
        raise PlannerError(_l("请选择本校的班级。"), "school_class")


def create_student(user, school: School, data: dict) -> Student:
    """Add one student with a freshly issued archive code."""
    _check_class(school.id, data.get("school_class"))
    try:
        with write_tx():
            code = issue_codes(school, 1)[0]
            if (
                Student.select()
                .where((Student.school == school.id) & (Student.student_no == data["student_no"]))
                .exists()
            ):
                raise PlannerError(DUPLICATE_NO, "student_no")
            student = Student.create(school=school.id, archive_code=code, **data)
            record(user, "student_create", "student", student.id, _detail(student))
            return student
    except PlannerError as err:
        raise PlannerError(err.message, "student_no") from err
    except IntegrityError as exc:
        raise PlannerError(_clash_message(school.id, data["student_no"]), "student_no") from exc


def _clash_message(school_id, student_no):
    taken = (
        Student.select()
        .where((Student.school == school_id) & (Student.student_no == student_no))
        .exists()
    )
    return DUPLICATE_NO if taken else CODE_CLASH


def _detail(student: Student, extra: str = "") -> str:
    """What an audit row says about a student: ids and the archive code, never a name."""
    detail = f"student={student.id} code={student.archive_code} school={student.school_id}"
    return f"{detail} {extra}".strip()


def update_student(user, student: Student, data: dict) -> Student:
    """Save an edit if nobody else saved first (ConflictError otherwise). The audit row
    names the fields that changed, not their values."""
    data = dict(data)
    version = data.pop("version")
    _check_class(student.school_id, data.get("school_class"))
    changed = sorted(k for k, v in data.items() if getattr(student, k, None) != v)
    try:
        with write_tx():
            save_versioned(student, version, data)
            record(
                user,
                "student_edit",
                "student",
                student.id,
                _detail(student, "fields=" + ",".join(changed)),
            )
    except IntegrityError as exc:
        raise PlannerError(DUPLICATE_NO, "student_no") from exc
    return student


def set_archived(user, student: Student, archived: bool) -> None:
    """Archive (hide from lists and groups) or restore; the record and its code stay. The
    students' retention period counts from the archiving (planner.privacy.retention). An
    anonymised student stays archived."""
    if student.anonymised_at and not archived:
        raise PlannerError(_l("该学生已匿名化，不能恢复。"), "archived")
    with write_tx():
        Student.update(
            archived=archived, archived_at=now() if archived else None, version=Student.version + 1
        ).where(Student.id == student.id).execute()
        action = "student_archive" if archived else "student_restore"
        record(user, action, "student", student.id, _detail(student))


def list_students(user, school_id: int, query, page: int, page_size: int) -> tuple[int, list]:
    """One page of a school's student list; listing names is a read of children's records
    and leaves one audit row per page shown (the ids on it)."""
    total = query.count()
    students = list(query.paginate(page, page_size))
    ids = ",".join(str(s.id) for s in students)
    with write_tx():
        record(user, "view_student_list", "school", school_id, f"page={page} students={ids}")
    return total, students


def in_caseload(user, student_id: int) -> bool:
    """True when the student is an active member of a group the worker runs."""
    mine = ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == user.id)
    return (
        GroupMember.select()
        .where(
            (GroupMember.student == student_id) & GroupMember.active & GroupMember.program.in_(mine)
        )
        .exists()
    )


def record_view(user, student: Student) -> None:
    """Reading a record appends "view_student"; a worker reading a student outside their own
    groups appends "outside_caseload" as well."""
    detail = _detail(student)
    with write_tx():
        record(user, "view_student", "student", student.id, detail)
        if user.is_worker and not in_caseload(user, student.id):
            record(user, "outside_caseload", "student", student.id, detail)


def class_history(student_id: int) -> list:
    """The student's classes of past school years, oldest first (ClassMember rows with their
    year and class joined): the cohort's path through the school."""
    return list(
        ClassMember.select(ClassMember, SchoolYear, SchoolClass)
        .join(SchoolYear)
        .join_from(ClassMember, SchoolClass)
        .where(ClassMember.student == student_id)
        .order_by(SchoolYear.start_year)
    )


def memberships(student_id: int) -> list:
    """The groups the student is (or was) in, with the program joined."""
    return list(
        GroupMember.select(GroupMember, Program)
        .join(Program)
        .where(GroupMember.student == student_id)
        .order_by(GroupMember.joined_at.desc())
    )
