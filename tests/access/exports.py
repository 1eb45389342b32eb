"""Word exports and statistics. Plans and lesson plans: the school's staff, and teachers the
lesson plans of their classes; meeting records and evaluation reports: the group's workers
and their supervisor only (admins 403); templates: admins; statistics: staff, each over
their own programs; another school's records answer 404."""

import io
import zipfile

from planner.exports import storage
from planner.exports.agency_templates import example_template
from planner.exports.models import DocTemplate, ExportJob
from tests.access import ADMIN, only
from tests.reflections import factories as rf

EVERYONE_POST = only({"admin", "supervisor", "worker", "teacher"}, ok=303, worker_other=404)


def setup(world):
    """A classroom series for the world's class and a group with one held meeting; a done
    zip job of the world's worker; an uploaded template."""
    world.lessons = rf.program(world, kind="classroom", sessions=3, title="教案导出")
    world.export_group = rf.program(world, title="记录导出")
    member = rf.student(world, name="导出组员")
    rf.members(world.export_group, member)
    world.export_session = rf.sessions_of(world.export_group)[0]
    rf.attendance(world.export_session, member)
    world.export_job = ExportJob.create(
        token="matrix-job-token-0123456789abcdef0123",
        user=world.worker,
        scope="program",
        target_id=world.lessons.id,
        kind="all",
        status="done",
        total=1,
        done=1,
        filename="x.zip",
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "a")
    with world.app.app_context():
        storage.save(world.export_job.token, buf.getvalue(), world.app)
    data = example_template("group_plan")
    DocTemplate.create(
        agency=world.agency, kind="group_plan", filename="t.docx", data=data, size=len(data)
    )


RULES = {
    "exports.program_docs": (
        "GET",
        lambda w: f"/programs/{w.lessons.id}/documents",
        None,
        only({"admin", "supervisor", "worker", "teacher"}, worker_other=404),
    ),
    "exports.program_doc": (
        "GET",
        lambda w: f"/programs/{w.lessons.id}/documents/lesson_plan.docx",
        None,
        only({"admin", "supervisor", "worker", "teacher"}, worker_other=404),
    ),
    "exports.session_doc": (
        "GET",
        lambda w: f"/sessions/{w.export_session.id}/documents/meeting_record.docx",
        None,
        only({"supervisor", "worker"}, worker_other=404, supervisor_other=403),
    ),
    "exports.session_materials": (
        "GET",
        lambda w: f"/sessions/{w.export_session.id}/materials.docx",
        None,
        only({"admin", "supervisor", "worker"}, worker_other=404),
    ),
    "exports.program_zip": (
        "POST",
        lambda w: f"/programs/{w.lessons.id}/documents/zip",
        {},
        EVERYONE_POST,
    ),
    "exports.job": (
        "GET",
        lambda w: f"/exports/{w.export_job.token}",
        None,
        only({"worker"}, denied=404, worker_other=404),
    ),
    "exports.job_download": (
        "GET",
        lambda w: f"/exports/{w.export_job.token}/download",
        None,
        only({"worker"}, denied=404, worker_other=404),
    ),
    # the world's job is done: nothing to retry (409); another user's is not found
    "exports.job_retry": (
        "POST",
        lambda w: f"/exports/{w.export_job.token}/retry",
        {},
        only({"worker"}, ok=409, denied=404, worker_other=404),
    ),
    "exports.doc_templates": ("GET", lambda w: "/admin/templates", None, ADMIN),
    "exports.template_upload": (
        "POST",
        lambda w: "/admin/templates/group_plan",
        {},
        only({"admin"}, ok=422),
    ),
    "exports.template_example": (
        "GET",
        lambda w: "/admin/templates/group_plan/example.docx",
        None,
        ADMIN,
    ),
    "exports.template_preview": (
        "GET",
        lambda w: "/admin/templates/group_plan/preview.docx",
        None,
        ADMIN,
    ),
    "exports.template_delete": (
        "POST",
        lambda w: "/admin/templates/session_plan/delete",
        {},
        only({"admin"}, ok=303),
    ),
    "reports.stats": ("GET", lambda w: "/stats", None, only({"admin", "supervisor", "worker"})),
    "reports.stats_doc": (
        "GET",
        lambda w: "/stats/document.docx?scope=agency",
        None,
        only({"admin", "supervisor", "worker"}),
    ),
    "reports.work_report_doc": (
        "GET",
        lambda w: f"/stats/work-report.docx?scope=school&id={w.school.id}",
        None,
        only({"admin", "supervisor", "worker"}, worker_other=404),  # not her school
    ),
    "reports.attendance": (
        "GET",
        lambda w: "/stats/attendance",
        None,
        only({"admin", "supervisor", "worker"}),
    ),
    "reports.attendance_xlsx": (
        "GET",
        lambda w: "/stats/attendance.xlsx",
        None,
        only({"admin", "supervisor", "worker"}),
    ),
    "reports.term_zip": (
        "POST",
        lambda w: f"/terms/{w.term.id}/documents/zip",
        {},
        only({"admin", "supervisor", "worker"}, ok=303, worker_other=404),
    ),
}
