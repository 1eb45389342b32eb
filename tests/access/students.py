"""Student, consent, import and group-roster routes.

Names are student-level data: the school's workers and admins change them, supervisors read
those in the groups of the workers they supervise (the list shows only those; a record or a
roster of another worker's group answers 404), teachers never see them (403), and a worker of another
school gets 404 (existence doesn't leak). Archive-code settings are the admin's.
"""

import datetime as dt

from planner.students.models import Consent, GroupMember, Student
from tests.access import ADMIN, only
from tests.curricula.factories import curriculum
from tests.sessions.factories import periods, program, spec, statutory

READ = only({"admin", "supervisor", "worker"}, worker_other=404)
# A student's record and a group's roster: a supervisor only for the groups of the workers
# they supervise; a supervisor of another worker of the same school gets 404.
READ_RECORDS = only({"admin", "supervisor", "worker"}, worker_other=404, supervisor_other=404)
CHANGE = only({"admin", "worker"}, worker_other=404)
CHANGE_POST = only({"admin", "worker"}, ok=303, worker_other=404)
# Consent and import posts with nothing in them: allowed users get the form back (422).
CHANGE_422 = only({"admin", "worker"}, ok=422, worker_other=404)


def setup(world):
    """A student with consent, and a growth group of the world's school with them in it."""
    if not hasattr(world, "periods"):  # the programs setup (run first, by name) makes them
        statutory()
        world.periods = periods(world.school)
    world.student = Student.create(
        school=world.school,
        archive_code="JX-ST-2026-9001",
        student_no="M9001",
        name="矩阵学生",
        gender="女",
        birth_date=dt.date(2013, 3, 1),
        school_class=world.cls,
    )
    for purpose in ("participation", "attendance"):
        Consent.create(
            student=world.student,
            purpose=purpose,
            given_by="guardian",
            giver_name="矩阵家长",
            notice_version="v1",
            given_on=dt.date(2026, 9, 1),
            method="paper",
        )
    world.withdrawable = Consent.create(
        student=world.student,
        purpose="observation",
        given_by="guardian",
        giver_name="矩阵家长",
        notice_version="v1",
        given_on=dt.date(2026, 9, 1),
        method="paper",
    )
    group = curriculum(kind="group", sessions=6, slug="matrix-group")
    world.group = program(
        world, group, spec(world, world.periods[3], weekday=4), title="矩阵成长小组"
    )
    world.member = GroupMember.create(program=world.group, student=world.student)


def _student(w):
    return f"/students/{w.student.id}"


def _school(w, rest=""):
    return f"/schools/{w.school.id}/students{rest}"


RULES = {
    "students.index": ("GET", lambda w: _school(w), None, READ),
    "students.new": ("GET", lambda w: _school(w, "/new"), None, CHANGE),
    "students.show": ("GET", _student, None, READ_RECORDS),
    "students.edit": ("GET", lambda w: f"{_student(w)}/edit", None, CHANGE),
    # archiving twice is harmless: each allowed persona archives, then the next one again
    "students.archive": ("POST", lambda w: f"{_student(w)}/archive", {}, CHANGE_POST),
    "students.consent_add": ("POST", lambda w: f"{_student(w)}/consents", {}, CHANGE_422),
    # the first allowed persona withdraws (303); for the next it is already withdrawn (422)
    "students.consent_withdraw": (
        "POST",
        lambda w: f"{_student(w)}/consents/{w.withdrawable.id}/withdraw",
        {},
        only({"admin", "worker"}, ok=303, worker_other=404, worker=422),
    ),
    # the turning-14 list reads like the student list: supervisors of the school's workers too
    "students.consent_review": ("GET", lambda w: _school(w, "/consent-review"), None, READ),
    "students.archive_setting": ("GET", lambda w: "/admin/archive-code", None, ADMIN),
    "students.import_upload": ("GET", lambda w: _school(w, "/import"), None, CHANGE),
    "students.import_preview": ("POST", lambda w: _school(w, "/import/preview"), {}, CHANGE_422),
    "students.import_commit": ("POST", lambda w: _school(w, "/import/commit"), {}, CHANGE_422),
    "students.import_cancel": ("POST", lambda w: _school(w, "/import/cancel"), {}, CHANGE_POST),
    "students.roster": ("GET", lambda w: f"/programs/{w.group.id}/roster", None, READ_RECORDS),
    # an empty details form lacks its version: the form comes back (422)
    "students.roster_save": ("POST", lambda w: f"/programs/{w.group.id}/roster", {}, CHANGE_422),
    "students.member_add": (
        "POST",
        lambda w: f"/programs/{w.group.id}/roster/members",
        {},
        CHANGE_422,
    ),
    "students.roster_bulk_page": (
        "GET",
        lambda w: f"/programs/{w.group.id}/roster/bulk",
        None,
        CHANGE,
    ),
    "students.member_recruit": (
        "POST",
        lambda w: f"/programs/{w.group.id}/roster/candidates",
        {},
        CHANGE_422,
    ),
    "students.member_remove": (
        "POST",
        lambda w: f"/programs/{w.group.id}/roster/members/{w.member.id}/remove",
        {},
        CHANGE_POST,
    ),
}
