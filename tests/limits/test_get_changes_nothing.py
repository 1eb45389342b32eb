"""No state change on GET (PRIVACY_SECURITY.md §7): downloading every kind of document, as a
teacher and as a worker, appends audit rows and changes no other row. Archive codes come
with the program; the "changed after export" marks go only by a POST."""

from planner.audit.models import AuditEntry
from planner.db import database
from planner.models import MODELS
from planner.sessions.models import Program, Session
from tests.conftest import login_as
from tests.exports import records
from tests.reflections import factories as rf


def snapshot() -> dict:
    """Every row of every table but the audit log."""
    with database.connection_context():
        return {
            model._meta.table_name: sorted(map(repr, model.select().tuples()))
            for model in MODELS
            if model is not AuditEntry
        }


def test_downloads_change_no_row_but_the_audit_log(app, world):
    group = records.recorded_group(world)
    lessons = rf.program(world, kind="classroom", sessions=3, title="青春期教育")
    bare = rf.program(world, kind="classroom", sessions=2, title="无编码")
    Program.update(archive_code=None).where(Program.id == bare.id).execute()  # made by hand
    Session.update(changed_after_export=True).execute()
    program_urls = [
        f"/programs/{group.program.id}/documents/group_plan.docx",
        f"/programs/{group.program.id}/documents/evaluation_report.docx",
        f"/sessions/{group.sessions[0].id}/documents/session_plan.docx",
        f"/sessions/{group.sessions[0].id}/documents/meeting_record.docx",
        f"/programs/{lessons.id}/documents/lesson_plan.docx",
        f"/programs/{bare.id}/documents/lesson_plan.docx",
        f"/programs/{lessons.id}/documents",
        f"/programs/{lessons.id}",
        "/stats/document.docx",
    ]
    teacher_urls = [url for url in program_urls if "lesson_plan" in url]
    before = snapshot()
    audit_rows = AuditEntry.select().count()
    worker = login_as(app.test_client(), world.worker)
    for url in program_urls:
        assert worker.get(url).status_code == 200, url
    teacher = login_as(app.test_client(), world.teacher)
    for url in teacher_urls:
        assert teacher.get(url).status_code == 200, url
    after = snapshot()
    changed = [table for table in before if before[table] != after[table]]
    assert changed == []
    assert AuditEntry.select().count() >= audit_rows + 6 + len(teacher_urls)


def test_the_teachers_copy_is_the_one_kind_teachers_may_have():
    """sessions/archive.py names the teachers' document without importing the exports."""
    from planner.exports.kinds import KINDS
    from planner.roles import TEACHER
    from planner.sessions.archive import TEACHER_COPY

    assert [key for key, kind in KINDS.items() if TEACHER in kind.roles] == [TEACHER_COPY]


def test_a_new_program_has_its_archive_code(world):
    """Issued in create_program's transaction (the sessions factory goes through it)."""
    from tests.curricula.factories import curriculum
    from tests.sessions import factories as sf

    sf.statutory()
    period = sf.periods(world.school)[7]
    made = sf.program(world, curriculum(kind="classroom", sessions=6), sf.spec(world, period))
    assert Program.get_by_id(made.id).archive_code == "JX-KT-2026-0001"
