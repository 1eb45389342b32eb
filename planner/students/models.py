"""Students carry an archive code (standard 9.4) and the least personal data needed;
consent is per purpose (standard 4.2, PIPL Art. 28–31); attendance and reflections hang
off sessions."""

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateField, DateTimeField, JSONText, VersionedModel, now
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Agency, School, SchoolClass
from planner.sessions.models import Program, Session

PURPOSES = {
    "participation": _l("参加小组"),
    "attendance": _l("出勤记录"),
    "observation": _l("观察记录"),
}
GIVERS = {"guardian": _l("监护人"), "student": _l("学生本人")}
METHODS = {"paper": _l("纸质签字"), "online": _l("线上确认"), "verbal": _l("口头（已记录）")}
ATTENDANCE = {
    "present": _l("出席"),
    "late": _l("迟到"),
    "left_early": _l("早退"),
    "excused": _l("请假"),
    "absent": _l("缺席"),
}
REFLECTION_STATUSES = {"draft": _l("草稿"), "submitted": _l("待督导"), "signed_off": _l("已签阅")}


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
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("school", "student_no"), True),)


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


class Attendance(BaseModel):
    """One row per member per session; the latest tap (by the tablet's clock) wins."""

    session = ForeignKeyField(Session, backref="attendance", on_delete="CASCADE")
    student = ForeignKeyField(Student, backref="attendance", on_delete="RESTRICT")
    status = CharField(max_length=12)
    tapped_at = DateTimeField()
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("session", "student"), True),)


class SessionRecord(VersionedModel):
    """What happened in the room: headcount (社工课堂) and quick notes."""

    session = ForeignKeyField(Session, unique=True, backref="record", on_delete="CASCADE")
    headcount = IntegerField(null=True)
    notes = TextField(default="")

    class Meta:
        table_name = "session_record"


class Reflection(VersionedModel):
    """反思记录 after a session; the stage prompts come from the observed stage."""

    session = ForeignKeyField(Session, unique=True, backref="reflection", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="reflections", on_delete="RESTRICT")
    observed_stage = CharField(max_length=10, null=True)
    answers = JSONText(default=dict)  # prompt text → answer
    details = JSONText(default=dict)  # planned_vs_actual, dynamics, skills, incident, redo, adjust
    status = CharField(max_length=12, default="draft")
    submitted_at = DateTimeField(null=True)
    supervisor_comment = TextField(default="")
    signed_off_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    signed_off_at = DateTimeField(null=True)

    class Meta:
        # the supervisor's queue: the submitted reflections of their workers
        indexes = ((("status", "author"), False),)


class FollowUp(BaseModel):
    """A member flagged in a reflection for follow-up or referral; safeguarding goes first."""

    reflection = ForeignKeyField(Reflection, backref="follow_ups", on_delete="CASCADE")
    student = ForeignKeyField(Student, null=True, on_delete="RESTRICT")
    note = TextField(default="")
    safeguarding = BooleanField(default=False)
    acknowledged_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    acknowledged_at = DateTimeField(null=True)

    class Meta:
        table_name = "follow_up"
