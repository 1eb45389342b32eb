"""反思记录 after a session and the members it flags for follow-up; supervisors sign
reflections off."""

from peewee import BooleanField, CharField, ForeignKeyField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateTimeField, JSONText, VersionedModel, now
from planner.i18n import lazy_gettext as _l
from planner.sessions.models import Session
from planner.students.models import Student

REFLECTION_STATUSES = {"draft": _l("草稿"), "submitted": _l("待督导"), "signed_off": _l("已签阅")}


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
    # when the concern was raised (created, or ticked as safeguarding): escalation counts from it
    flagged_at = DateTimeField(null=True, default=now)
    # left unacknowledged past the agency's hours: the safeguarding lead sees it (已升级)
    escalated_at = DateTimeField(null=True)

    class Meta:
        table_name = "follow_up"
