"""Students carry an archive code (standard 9.4) and the least personal data needed;
consent is per purpose (standard 4.2, PIPL Art. 28–31); a group's roster says who is in it.
Attendance lives in planner.runs.models, reflections in planner.reflections.models."""

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateField, DateTimeField, VersionedModel, now
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Agency, School, SchoolClass, SchoolYear
from planner.sessions.models import Program

PURPOSES = {
    "participation": _l("参加小组"),
    "attendance": _l("出勤记录"),
    "observation": _l("观察记录"),
    "screening": _l("心理筛查"),
    "casework": _l("个案服务"),
}
# Who gave it: the guardian's consent and the student's own count (consent.required_givers);
# the student's assent (赞同) is recorded and shown at any age, never required.
GIVERS = {"guardian": _l("监护人"), "student": _l("学生本人"), "assent": _l("学生本人赞同")}
# What the screen says when a required consent is missing, per giver.
MISSING = {"guardian": _l("缺少监护人同意"), "student": _l("缺少学生本人同意（已满14岁）")}
METHODS = {"paper": _l("纸质签字"), "online": _l("线上确认"), "verbal": _l("口头（已记录）")}


class ArchiveSetting(BaseModel):
    """The agency's archive-code pattern, e.g. {school}-{type}-{year}-{seq:04d}."""

    agency = ForeignKeyField(Agency, unique=True, on_delete="CASCADE")
    pattern = CharField(max_length=80, default="{school}-{type}-{year}-{seq:04d}")

    class Meta:
        table_name = "archive_setting"


class ArchiveCounter(BaseModel):
    """The last sequence number used per school, record type and year."""

    school = ForeignKeyField(School, on_delete="CASCADE")
    kind = CharField(max_length=10)
    year = IntegerField()
    value = IntegerField(default=0)

    class Meta:
        table_name = "archive_counter"
        indexes = ((("school", "kind", "year"), True),)


class Student(VersionedModel):
    """服务对象. The name is shown only where a worker needs it; everywhere else, the code."""

    school = ForeignKeyField(School, backref="students", on_delete="RESTRICT")
    archive_code = CharField(max_length=40, unique=True)
    student_no = CharField(max_length=30)
    name = CharField(max_length=40)
    gender = CharField(max_length=2, default="")
    birth_date = DateField(null=True)
    school_class = ForeignKeyField(SchoolClass, null=True, backref="students", on_delete="SET NULL")
    guardian_name = CharField(max_length=40, default="")
    guardian_phone = CharField(max_length=20, default="")
    archived = BooleanField(default=False)
    archived_at = DateTimeField(null=True)  # the students' retention period counts from here
    # Set when the student was erased or purged: the row stays, so counts and the archive
    # code (now a pseudonym) survive, and nothing in it names a person.
    anonymised_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("school", "student_no"), True),)


class ClassMember(BaseModel):
    """The class a student was in during a past school year. Written by the rollover
    (planner.schools.rollover) for the ending year before the students move up; for the
    current year Student.school_class is the answer. Past rosters read it."""

    student = ForeignKeyField(Student, backref="class_history", on_delete="CASCADE")
    school_year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    school_class = ForeignKeyField(SchoolClass, backref="members_then", on_delete="RESTRICT")

    class Meta:
        table_name = "class_member"
        indexes = ((("student", "school_year"), True),)


class Consent(BaseModel):
    """One consent for one purpose; withdrawing sets withdrawn_on (rows are kept)."""

    student = ForeignKeyField(Student, backref="consents", on_delete="CASCADE")
    purpose = CharField(max_length=15)
    given_by = CharField(max_length=10)
    giver_name = CharField(max_length=40)
    notice_version = CharField(max_length=20)
    given_on = DateField()
    method = CharField(max_length=10)
    withdrawn_on = DateField(null=True)
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("student", "purpose"), False),)


class GroupRoster(VersionedModel):
    """A growth group's recruitment and screening notes and its signed contract."""

    program = ForeignKeyField(Program, unique=True, backref="roster", on_delete="CASCADE")
    recruitment_notes = TextField(default="")
    contract_signed_on = DateField(null=True)

    class Meta:
        table_name = "group_roster"


class GroupMember(BaseModel):
    program = ForeignKeyField(Program, backref="members", on_delete="CASCADE")
    student = ForeignKeyField(Student, backref="memberships", on_delete="RESTRICT")
    screening_note = TextField(default="")
    active = BooleanField(default=True)
    joined_at = DateTimeField(default=now)

    class Meta:
        table_name = "group_member"
        indexes = ((("program", "student"), True),)
