"""The rest of a worker's service on record (T/JHSX 001—2026): 社工信箱 letters (8.2.2),
consultations with students, teachers and parents (7.2, 7.4), supervision sessions
(6.2.2.2, 9.1 c), training hours (9.1 a–b), feedback and complaints (9.2 c, 10.1.2).

Each is a short record with a list and a count; none holds more than the standard asks."""

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateField, DateTimeField, VersionedModel, now
from planner.i18n import lazy_gettext as _l
from planner.schools.models import School
from planner.students.models import Student

CHANNELS = {"mailbox": _l("信箱"), "online": _l("线上表单"), "hotline": _l("热线")}
CATEGORIES = {
    "study": _l("学业"),
    "peers": _l("人际"),
    "family": _l("家庭"),
    "emotion": _l("情绪"),
    "safety": _l("安全"),
    "other": _l("其他"),
}
# 8.2.2: a letter is answered within a few days; the due date defaults to received + this
REPLY_DAYS = 3

CONSULT_KINDS = {"student": _l("学生"), "teacher": _l("教师"), "parent": _l("家长")}

SUPERVISION_MODES = {"individual": _l("个体督导"), "group": _l("团体督导")}
SUPERVISION_TYPES = {
    "administrative": _l("行政督导"),
    "educational": _l("教育督导"),
    "supportive": _l("支持督导"),
}

TRAINING_KINDS = {"pre_service": _l("岗前培训"), "continuing": _l("继续教育")}
# 9.1 b: at least 36 hours of continuing education a year (a calendar year)
YEARLY_HOURS = 36

FEEDBACK_KINDS = {"feedback": _l("意见建议"), "complaint": _l("投诉")}
FEEDBACK_FROM = {
    "": _l("不说明"),
    "student": _l("学生"),
    "parent": _l("家长"),
    "teacher": _l("教师"),
    "other": _l("其他"),
}


class Letter(VersionedModel):
    """One 社工信箱 letter (8.2.2). Its text is read only by the school's workers and their
    supervisors, each read audited. An urgent letter is a safeguarding flag from the moment
    it is saved (flagged_at): its worker's supervisors (or the agency's safeguarding lead)
    must acknowledge it, and planner/reflections/escalation.py escalates it when left.

    A letter can open a case (planner/cases/): the case points at the letter, not the
    other way round, so nothing here changes when cases come."""

    school = ForeignKeyField(School, backref="letters", on_delete="RESTRICT")
    worker = ForeignKeyField(User, backref="letters", on_delete="RESTRICT")
    received_on = DateField()
    channel = CharField(max_length=10)
    student = ForeignKeyField(Student, null=True, on_delete="RESTRICT")  # None: anonymous
    category = CharField(max_length=10)
    urgent = BooleanField(default=False)
    text = TextField(default="")
    reply_due = DateField()
    replied_on = DateField(null=True)
    created_at = DateTimeField(default=now)
    flagged_at = DateTimeField(null=True)
    acknowledged_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    acknowledged_at = DateTimeField(null=True)
    escalated_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("school", "received_on"), False),)

    @property
    def anonymous(self) -> bool:
        return self.student_id is None


class Consultation(BaseModel):
    """咨询/会谈 (7.2, 7.4): with a student (by archive code), or with teachers or parents
    (by role, no name). `people` counts the 人次: always 1 for a student."""

    school = ForeignKeyField(School, backref="consultations", on_delete="RESTRICT")
    worker = ForeignKeyField(User, backref="consultations", on_delete="RESTRICT")
    held_on = DateField()
    kind = CharField(max_length=10)
    student = ForeignKeyField(Student, null=True, on_delete="RESTRICT")
    people = IntegerField(default=1)
    purpose = CharField(max_length=100)
    minutes = IntegerField()
    note = TextField(default="")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("school", "held_on"), False),)


class SupervisionSession(BaseModel):
    """A supervision session (MZ/T 166; 6.2.2.2, 9.1 c) recorded by its supervisor."""

    supervisor = ForeignKeyField(User, backref="supervision_sessions", on_delete="RESTRICT")
    held_on = DateField()
    mode = CharField(max_length=12)
    kind = CharField(max_length=16)
    minutes = IntegerField()
    topics = TextField(default="")
    discussed = CharField(max_length=300, default="")  # reflection or case codes, no names
    actions = TextField(default="")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "supervision_session"


class SupervisionAttendee(BaseModel):
    session = ForeignKeyField(SupervisionSession, backref="attendees", on_delete="CASCADE")
    worker = ForeignKeyField(User, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "supervision_attendee"
        indexes = ((("session", "worker"), True),)


class Training(BaseModel):
    """A training record of a worker (9.1 a–b): hours in tenths (1.5 hours is 15)."""

    worker = ForeignKeyField(User, backref="trainings", on_delete="CASCADE")
    kind = CharField(max_length=12)
    course = CharField(max_length=100)
    held_on = DateField()
    tenths = IntegerField()
    certificate = CharField(max_length=200, default="")
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=now)

    @property
    def hours(self) -> str:
        return f"{self.tenths / 10:g}"


class FeedbackLink(BaseModel):
    """The per-school public link of the feedback form: a random token, made once, so a
    printed QR code keeps working."""

    school = ForeignKeyField(School, unique=True, on_delete="CASCADE")
    token = CharField(max_length=40, unique=True)

    class Meta:
        table_name = "feedback_link"


class Feedback(VersionedModel):
    """Feedback or a complaint sent through a school's public form (9.2 c, 10.1.2), with
    the response a worker or admin records. No personal data is asked; `contact` is what
    the sender chose to leave."""

    school = ForeignKeyField(School, backref="feedback", on_delete="RESTRICT")
    kind = CharField(max_length=10)
    sender = CharField(max_length=10, default="")
    text = TextField()
    contact = CharField(max_length=100, default="")
    created_at = DateTimeField(default=now)
    response = TextField(default="")
    responded_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    responded_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("school", "created_at"), False),)
