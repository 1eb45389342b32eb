"""心理筛查 (the 100% of the pyramid): a ScreeningRound is one school's screening of the
classes of one classroom program in a term with one instrument; a ScreeningResult is one
student's answers, total and tier, with the worker's override and its reason.

The round is scheduled by its program (planner.sessions): periods, conflicts, moves and
feeds are the program's, and the program's classes are the classes the round covers."""

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField

from planner.accounts.models import User
from planner.db import BaseModel, DateTimeField, JSONText, VersionedModel, now
from planner.evaluation.models import Instrument
from planner.i18n import lazy_gettext as _l
from planner.sessions.models import Program
from planner.students.models import GroupMember, Student

TIERS = {"normal": _l("一般"), "concern": _l("关注"), "high": _l("高危")}


class ScreeningRound(VersionedModel):
    program = ForeignKeyField(Program, unique=True, backref="screening", on_delete="RESTRICT")
    instrument = ForeignKeyField(Instrument, backref="rounds", on_delete="RESTRICT")
    title = CharField(max_length=80)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "screening_round"


class ScreeningResult(VersionedModel):
    round = ForeignKeyField(ScreeningRound, backref="results", on_delete="CASCADE")
    student = ForeignKeyField(Student, backref="screening_results", on_delete="RESTRICT")
    answers = JSONText(default=dict)  # item key → int
    total = IntegerField()
    critical = BooleanField(default=False)  # a safety item answered at its trigger
    tier = CharField(max_length=10)  # by the instrument's rule
    override_tier = CharField(max_length=10, default="")  # the worker's judgement, if any
    override_reason = CharField(max_length=200, default="")
    overridden_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    overridden_at = DateTimeField(null=True)
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "screening_result"
        indexes = ((("round", "student"), True),)

    @property
    def shown_tier(self) -> str:
        return self.override_tier or self.tier

    @property
    def tier_label(self):
        return TIERS.get(self.shown_tier, self.shown_tier)

    @property
    def rule_tier_label(self):
        return TIERS.get(self.tier, self.tier)


class Recruitment(BaseModel):
    """A group member recruited from a screening result (the 15% of the pyramid): which
    关注 result brought the student to which group. One per membership."""

    member = ForeignKeyField(GroupMember, unique=True, backref="recruitment", on_delete="CASCADE")
    result = ForeignKeyField(ScreeningResult, backref="recruitments", on_delete="CASCADE")
    recruited_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "screening_recruitment"
