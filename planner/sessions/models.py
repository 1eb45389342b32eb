"""Program → SlotRule, ProgramClass, ProgramWorker; Session; ScheduleChange (for undo)."""

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.calendars.models import BellPeriod
from planner.curricula.models import Curriculum, SessionTemplate
from planner.db import BaseModel, DateField, DateTimeField, JSONText, TimeField, VersionedModel, now
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Room, School, SchoolClass, Term

SESSION_STATUSES = {
    "planned": _l("已计划"),
    "done": _l("已完成"),
    "cancelled": _l("已取消"),
    "moved": _l("已调整"),
}


class Program(VersionedModel):
    """A published curriculum version delivered in one term to classes or a named group."""

    curriculum = ForeignKeyField(Curriculum, backref="programs", on_delete="RESTRICT")
    school = ForeignKeyField(School, backref="programs", on_delete="RESTRICT")
    term = ForeignKeyField(Term, backref="programs", on_delete="RESTRICT")
    title = CharField(max_length=80)
    group_name = CharField(max_length=60, default="")  # 成长小组: the group's own name
    room = ForeignKeyField(Room, backref="programs", on_delete="RESTRICT")
    start_week = IntegerField(default=1)
    min_gap_days = IntegerField(default=1)
    created_by = ForeignKeyField(User, null=True, backref="programs_created", on_delete="SET NULL")
    # 9.4: issued when the program is created (sessions/archive.py); null only in a row
    # made by hand before the program's first save is over
    archive_code = CharField(max_length=40, null=True, unique=True)
    created_at = DateTimeField(default=now)
    ended_at = DateTimeField(null=True)  # 结束: the remaining sessions were cancelled

    @property
    def full_title(self):
        """The title with the group's own name (新生适应小组·阳光组), so two groups of one
        curriculum tell apart wherever a title is shown; a title already naming it stays."""
        return display_title(self.title, self.group_name)


def display_title(title: str, group_name: str | None) -> str:
    if not group_name or group_name in title:
        return title
    return f"{title}·{group_name}"


class ProgramClass(BaseModel):
    program = ForeignKeyField(Program, backref="class_links", on_delete="CASCADE")
    school_class = ForeignKeyField(SchoolClass, backref="program_links", on_delete="RESTRICT")

    class Meta:
        table_name = "program_class"
        indexes = ((("program", "school_class"), True),)


class ProgramWorker(BaseModel):
    program = ForeignKeyField(Program, backref="worker_links", on_delete="CASCADE")
    worker = ForeignKeyField(User, backref="program_links", on_delete="RESTRICT")

    class Meta:
        table_name = "program_worker"
        indexes = ((("program", "worker"), True),)


class SlotRule(BaseModel):
    """Weekly slot: a weekday plus a bell period, or a weekday plus a time; every N weeks."""

    program = ForeignKeyField(Program, backref="slot_rules", on_delete="CASCADE")
    weekday = IntegerField()  # ISO 1=Monday … 7=Sunday
    period = ForeignKeyField(BellPeriod, null=True, on_delete="RESTRICT")
    start = TimeField(null=True)
    end = TimeField(null=True)
    every_weeks = IntegerField(default=1)

    class Meta:
        table_name = "slot_rule"


class Session(BaseModel):
    """One scheduled meeting of a program."""

    program = ForeignKeyField(Program, backref="sessions", on_delete="CASCADE")
    template = ForeignKeyField(SessionTemplate, on_delete="RESTRICT")
    seq = IntegerField()
    date = DateField()
    start = TimeField()
    end = TimeField()
    period = ForeignKeyField(BellPeriod, null=True, on_delete="SET NULL")
    room = ForeignKeyField(Room, on_delete="RESTRICT")
    teaching_week = IntegerField()
    status = CharField(max_length=10, default="planned")
    cancel_reason = CharField(max_length=200, default="")
    sequence = IntegerField(default=0)  # iCal SEQUENCE: bumped on every change
    changed_after_export = BooleanField(default=False)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("program", "seq"), True), (("date", "room"), False))

    @property
    def shown_status(self):
        """The status to show: 已完成 when the session is held (planner/runs/held.py sets
        .held on loaded sessions), else the stored one."""
        if self.status != "cancelled" and getattr(self, "held", False):
            return "done"
        return self.status

    @property
    def status_label(self):
        return SESSION_STATUSES.get(self.shown_status, self.status)

    @property
    def settled(self):
        """Held, or dated before today (Beijing time; both set by planner/runs/held.py's
        mark_held): no longer moved, bumped or cancelled."""
        return bool(getattr(self, "held", False) or getattr(self, "past", False))


class ScheduleChange(BaseModel):
    """A schedule change with the sessions as they were before it, so it can be undone."""

    program = ForeignKeyField(Program, backref="changes", on_delete="CASCADE")
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    kind = CharField(max_length=10)  # move | bump | cancel | replan | edit | end
    description = TextField(default="")
    before = JSONText()
    undone = BooleanField(default=False)
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "schedule_change"
