"""Instrument (评估工具) → Score per member and time point; GasGoal; ProgramEvaluation
(goals met and recommendations): the outcome evaluation of standard 8.3.5."""

from peewee import BooleanField, CharField, FloatField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateField, DateTimeField, JSONText, VersionedModel, now
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Agency
from planner.sessions.models import Program
from planner.students.models import Student

TIMEPOINTS = {"pre": _l("前测"), "post": _l("后测"), "followup": _l("追踪")}
INSTRUMENT_KINDS = {
    "likert": _l("量表"),
    "gas": _l("目标达成量表（GAS）"),
    "open": _l("开放问题"),
    "screening": _l("筛查问卷"),
}
GOAL_STATUSES = {
    "met": _l("已达成"),
    "partly": _l("部分达成"),
    "not_met": _l("未达成"),
    "unknown": _l("未评估"),
}


class Instrument(BaseModel):
    """A questionnaire or scale: shipped in content/instruments (agency None) or an admin's."""

    slug = CharField(max_length=80, unique=True)
    agency = ForeignKeyField(Agency, null=True, backref="instruments", on_delete="RESTRICT")
    name = CharField(max_length=60)
    kind = CharField(max_length=10)
    description = TextField(default="")
    scale_min = IntegerField()
    scale_max = IntegerField()
    labels = JSONText()
    applies_at = JSONText()
    items = JSONText()  # [{"key", "text", "required"}]
    open_questions = JSONText()  # [{"key", "text"}]
    extra = JSONText(default=dict)  # GAS: levels, default_weight, rho, example_goal
    archived = BooleanField(default=False)
    created_at = DateTimeField(default=now)

    @property
    def kind_label(self):
        return INSTRUMENT_KINDS.get(self.kind, self.kind)

    @property
    def purpose(self) -> str:
        """outcome (compared pre and post) or satisfaction (summarised at the end)."""
        return (self.extra or {}).get("purpose", "outcome")


class Score(VersionedModel):
    """One member's answers to one instrument at one time point (pre, post or follow-up)."""

    program = ForeignKeyField(Program, backref="scores", on_delete="CASCADE")
    student = ForeignKeyField(Student, backref="scores", on_delete="RESTRICT")
    instrument = ForeignKeyField(Instrument, backref="scores", on_delete="RESTRICT")
    timepoint = CharField(max_length=10)
    answers = JSONText(default=dict)  # item key → int
    open_answers = JSONText(default=dict)  # question key → text
    score = FloatField(null=True)  # mean of the answered items
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "measure_score"
        indexes = ((("program", "student", "instrument", "timepoint"), True),)


class GasGoal(VersionedModel):
    """One personal goal of goal attainment scaling, with its five level descriptions and
    the level reached at post and at follow-up."""

    program = ForeignKeyField(Program, backref="gas_goals", on_delete="CASCADE")
    student = ForeignKeyField(Student, backref="gas_goals", on_delete="RESTRICT")
    order = IntegerField()
    text = CharField(max_length=200)
    weight = IntegerField(default=1)
    levels = JSONText(default=list)  # five descriptions, for −2 … +2
    post = IntegerField(null=True)
    followup = IntegerField(null=True)

    class Meta:
        table_name = "gas_goal"
        indexes = ((("program", "student", "order"), True),)


class ProgramEvaluation(VersionedModel):
    """The worker's judgement at the end: each specific goal met or not, and why; and the
    recommendations that close the 小组总结评估报告."""

    program = ForeignKeyField(Program, unique=True, backref="evaluation", on_delete="CASCADE")
    goals = JSONText(default=list)  # [{"goal", "status", "evidence"}]
    recommendations = TextField(default="")

    class Meta:
        table_name = "program_evaluation"


EVALUATORS = {"peer": _l("同行评估"), "third_party": _l("第三方评估")}


class OtherEvaluation(BaseModel):
    """A peer's or a third party's judgement of a program (standard 10.2.3), recorded by
    its worker beside her own evaluation (ProgramEvaluation): who judged (a colleague, an
    agency or a school office, never a child), when, and what they concluded."""

    program = ForeignKeyField(Program, backref="other_evaluations", on_delete="CASCADE")
    source = CharField(max_length=12)
    evaluator = CharField(max_length=80)
    held_on = DateField()
    judgement = TextField()
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "other_evaluation"
