"""Organisation: Agency → School → SchoolYear → Term, SchoolClass; Room (per school)."""

import re

from peewee import BooleanField, CharField, DeferredForeignKey, ForeignKeyField, IntegerField

from planner.db import DateField, DateTimeField, VersionedModel
from planner.i18n import lazy_gettext as _l

SCHOOL_STAGES = {
    "primary": _l("小学"),
    "junior": _l("初中"),
    "senior": _l("高中"),
    "nine_year": _l("九年一贯制"),
    "complete": _l("完全中学"),
}

ROOM_KINDS = {
    "case_room": _l("个案工作室"),
    "group_room": _l("小组工作室"),
    "multi_room": _l("多功能室"),
    "classroom": _l("教室"),
    "office": _l("社工办公室"),
    "other": _l("其他"),
}


ESCALATION_HOURS = 24  # the default; an admin sets 1–168 on the agency form


class Agency(VersionedModel):
    """机构: the social work agency that employs the workers.

    Safeguarding (T/JHSX 001—2026 4.1, protect life first): the designated safeguarding lead
    (安全事项负责人, an active admin or supervisor of the agency) receives the flags of workers
    with no supervisor and every flag left unacknowledged past `escalation_hours`. The lead
    column links to user, which is created after agency: a deferred key, so the database holds
    no constraint and the services check the lead is of the agency and active when used."""

    name = CharField(max_length=100, unique=True)
    code = CharField(max_length=20, unique=True)
    archived = BooleanField(default=False)
    # Admins and supervisors must log in with a second factor (TOTP) when set.
    require_second_factor = BooleanField(default=False)
    safeguarding_lead = DeferredForeignKey(
        "User", null=True, on_delete="SET NULL", backref="leads_safeguarding"
    )
    escalation_hours = IntegerField(default=ESCALATION_HOURS)


class School(VersionedModel):
    """学校 served by the agency."""

    agency = ForeignKeyField(Agency, backref="schools", on_delete="RESTRICT")
    name = CharField(max_length=100)
    code = CharField(max_length=20)
    stage = CharField(max_length=20)
    address = CharField(max_length=200, default="")
    archived = BooleanField(default=False)

    class Meta:
        indexes = ((("agency", "name"), True), (("agency", "code"), True))

    @property
    def stage_label(self):
        return SCHOOL_STAGES.get(self.stage, self.stage)


class SchoolYear(VersionedModel):
    """学年 of one school, e.g. 2026—2027学年 (start_year 2026): its terms and its classes.

    `rolled_over_at` is set when the rollover to the next year was committed
    (planner.schools.rollover): a second rollover from this year does nothing."""

    school = ForeignKeyField(School, backref="years", on_delete="RESTRICT")
    start_year = IntegerField()
    start = DateField()
    end = DateField()
    rolled_over_at = DateTimeField(null=True)

    class Meta:
        table_name = "school_year"
        indexes = ((("school", "start_year"), True),)

    @property
    def label(self):
        return _l("%(a)s—%(b)s学年", a=self.start_year, b=self.start_year + 1)


class Term(VersionedModel):
    """学期 of one school: a start and an end date, inside one school year (set by the
    services from the start date; null only for a row no service wrote)."""

    school = ForeignKeyField(School, backref="terms", on_delete="RESTRICT")
    school_year = ForeignKeyField(SchoolYear, null=True, backref="terms", on_delete="RESTRICT")
    name = CharField(max_length=60)
    start = DateField()
    end = DateField()
    archived = BooleanField(default=False)

    class Meta:
        indexes = ((("school", "name"), True),)


class SchoolClass(VersionedModel):
    """班级 of one school year: a grade and a name such as 7(1)班. 7(1)班 of 2026—2027 and
    7(1)班 of 2027—2028 are two records, so a past program keeps the class as it was.

    The cohort (入学年份, `entry_year`: 2026级1班) and `previous` (last year's class of the
    same cohort, set by the rollover) let a student's history follow them across years."""

    school = ForeignKeyField(School, backref="classes", on_delete="RESTRICT")
    school_year = ForeignKeyField(SchoolYear, null=True, backref="classes", on_delete="RESTRICT")
    grade = IntegerField()
    name = CharField(max_length=40)
    headteacher = CharField(max_length=40, default="")
    archived = BooleanField(default=False)
    entry_year = IntegerField(null=True)
    previous = ForeignKeyField("self", null=True, backref="next_classes", on_delete="SET NULL")

    class Meta:
        table_name = "school_class"
        indexes = ((("school", "school_year", "name"), True),)

    @property
    def cohort_label(self):
        """2026级1班, or "" when the entry year is not known."""
        if not self.entry_year:
            return ""
        number = re.search(r"[(（](\d+)[)）]", self.name)
        if not number:
            return _l("%(y)s级", y=self.entry_year)
        return _l("%(y)s级%(n)s班", y=self.entry_year, n=int(number.group(1)))


class Room(VersionedModel):
    """A room sessions happen in: 个案工作室, 小组工作室, 多功能室, 教室…"""

    school = ForeignKeyField(School, backref="rooms", on_delete="RESTRICT")
    name = CharField(max_length=60)
    kind = CharField(max_length=20)
    capacity = IntegerField(null=True)
    archived = BooleanField(default=False)

    class Meta:
        indexes = ((("school", "name"), True),)

    @property
    def kind_label(self):
        return ROOM_KINDS.get(self.kind, self.kind)
