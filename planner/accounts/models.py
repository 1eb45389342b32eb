"""Users and who they are assigned to."""

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField

from planner.db import BaseModel, DateTimeField, VersionedModel, now
from planner.roles import ADMIN, EDITORS, LABELS, STAFF, SUPERVISOR, TEACHER, WORKER
from planner.schools.models import Agency, School, SchoolClass


class User(VersionedModel):
    """A login. Role decides the screens; assignments decide the records."""

    agency = ForeignKeyField(Agency, backref="users", on_delete="RESTRICT")
    username = CharField(max_length=40, unique=True)
    display_name = CharField(max_length=40)
    role = CharField(max_length=20)
    password_hash = CharField(max_length=255)
    # Bumped at logout, password change and deactivation: every older cookie stops working.
    session_version = IntegerField(default=1)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    # May change the data every agency shares (the starter curriculum library, the national
    # holiday calendar). Granted only from the command line by whoever runs the server, never
    # by an agency's admin, and effective only on an admin account.
    maintainer = BooleanField(default=False)
    created_at = DateTimeField(default=now)
    # Second factor (issue 13): the TOTP secret once enrolment is confirmed, the last
    # time step a code was accepted for (a code is good once), and wrong codes in a row.
    totp_secret = CharField(max_length=64, null=True)
    totp_last_step = IntegerField(null=True)
    totp_failures = IntegerField(default=0)
    totp_enabled_at = DateTimeField(null=True)

    # Flask-Login protocol
    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return self.active

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_locked(self):
        """Held back from signing in by too many wrong passwords (until locked_until)."""
        return self.locked_until is not None and self.locked_until > now()

    @property
    def has_second_factor(self):
        return self.totp_secret is not None

    @property
    def role_label(self):
        return LABELS.get(self.role, self.role)

    # Role tests for templates and services, so neither compares role strings.
    @property
    def is_admin(self):
        return self.role == ADMIN

    @property
    def is_supervisor(self):
        return self.role == SUPERVISOR

    @property
    def is_worker(self):
        return self.role == WORKER

    @property
    def is_teacher(self):
        return self.role == TEACHER

    @property
    def is_maintainer(self):
        """Maintains the shared library and the national calendar (see `maintainer`)."""
        return self.role == ADMIN and self.maintainer

    @property
    def is_staff(self):
        return self.role in STAFF

    @property
    def is_editor(self):
        return self.role in EDITORS


class WorkerSchool(BaseModel):
    """A worker is assigned to a school (一校一社工, sometimes more)."""

    worker = ForeignKeyField(User, backref="school_links", on_delete="CASCADE")
    school = ForeignKeyField(School, backref="worker_links", on_delete="CASCADE")

    class Meta:
        table_name = "worker_school"
        indexes = ((("worker", "school"), True),)


class Supervision(BaseModel):
    """A supervisor oversees a worker, and so reads her reflections and her groups' records.
    The worker sees who supervises her and since when (the dashboard); each assignment and
    removal leaves an audit row."""

    supervisor = ForeignKeyField(User, backref="supervisee_links", on_delete="CASCADE")
    worker = ForeignKeyField(User, backref="supervisor_links", on_delete="CASCADE")
    created_at = DateTimeField(null=True, default=now)  # null: assigned before this was kept

    class Meta:
        indexes = ((("supervisor", "worker"), True),)


class TeacherClass(BaseModel):
    """A teacher (班主任/心理老师) is linked to the classes they teach."""

    teacher = ForeignKeyField(User, backref="class_links", on_delete="CASCADE")
    school_class = ForeignKeyField(SchoolClass, backref="teacher_links", on_delete="CASCADE")

    class Meta:
        table_name = "teacher_class"
        indexes = ((("teacher", "school_class"), True),)


class RecoveryCode(BaseModel):
    """A one-time code for a login without the phone: stored hashed, spent when used."""

    user = ForeignKeyField(User, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=255)
    used_at = DateTimeField(null=True)

    class Meta:
        table_name = "recovery_code"
