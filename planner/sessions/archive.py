"""A program's archive code (standard 9.4, 统一档案编码) and the marks of sessions changed
after the teachers' copy was exported (PRIVACY_SECURITY.md §7: no state change on GET).

The code is issued when the program is created, inside the transaction that saves it, so a
download only reads it. Whether the teachers hold a copy is read from the audit log (a
download appends an export row and changes nothing else); the "导出后有调整" marks are
cleared by a worker's deliberate action, never by a download."""

from peewee import fn

from planner.audit.models import AuditEntry
from planner.curricula.models import Curriculum
from planner.db import write_tx
from planner.schools.models import School, Term
from planner.sessions.models import Program, Session
from planner.students.codes import issue_codes

ARCHIVE_TYPES = {"group": "XZ", "classroom": "KT"}  # 小组 / 课堂 in the archive code
# the document kind the teachers hold (exports/kinds.py: the only kind with the teacher
# role; tests/exports check the two agree)
TEACHER_COPY = "lesson_plan"


def issue_archive_code(program_id: int) -> str:
    """Give a program without one its archive code from the agency's pattern; call it in
    the transaction that creates the program (or a migration's data step)."""
    with write_tx():
        # the columns it needs only: migration m0013 runs this on tables of that time
        program = (
            Program.select(Program.archive_code, Program.curriculum, Program.term, Program.school)
            .where(Program.id == program_id)
            .get()
        )
        if program.archive_code:
            return program.archive_code
        kind = Curriculum.select(Curriculum.kind).where(Curriculum.id == program.curriculum_id)
        year = Term.select(Term.start).where(Term.id == program.term_id).get().start.year
        school = (
            School.select(School.id, School.agency, School.code)
            .where(School.id == program.school_id)
            .get()
        )
        code = issue_codes(school, 1, ARCHIVE_TYPES[kind.get().kind], year=year)[0]
        Program.update(archive_code=code).where(Program.id == program_id).execute()
    return code


def issue_missing_codes() -> int:
    """Codes for every program that has none (programs made before codes were issued at
    creation); returns how many."""
    ids = [p.id for p in Program.select(Program.id).where(Program.archive_code.is_null())]
    for program_id in sorted(ids):
        issue_archive_code(program_id)
    return len(ids)


def teachers_copy_at(program_id: int):
    """When the teachers' copy (the lesson plan) was last downloaded, from the audit log;
    None when it never was."""
    return (
        AuditEntry.select(fn.MAX(AuditEntry.at))
        .where(
            (AuditEntry.action == "export")
            & (AuditEntry.object_type == "program")
            & (AuditEntry.object_id == program_id)
            & AuditEntry.detail.startswith(TEACHER_COPY + " ")
        )
        .scalar()
    )


def mark_notified(program) -> int:
    """A worker has told the teachers about the changes: clear the program's "changed
    after export" marks (a POST, never a download). Returns how many were cleared."""
    with write_tx():
        return (
            Session.update(changed_after_export=False)
            .where((Session.program == program.id) & Session.changed_after_export)
            .execute()
        )
