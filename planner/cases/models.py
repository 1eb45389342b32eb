"""个案工作 (the 5% of the pyramid; standard T/JHSX 001—2026 8.2.1, 8.3.1–8.3.6).

A Case is one worker's casework with one student of one school, opened from a source
(a 高危 screening result, a follow-up flag, a teacher's or parent's referral, or the student
asking for help) and moved through the standard's steps: 接案 → 预估 → 计划 → 介入 → 评估 →
结案, then 已结案; or 已转介 when intake refers it out. Each step but 介入 keeps one CaseRecord (its
fields by STEP_FIELDS); 介入 is the case notes (CaseNote, one per contact, signed off by the
supervisor like reflections) and the referrals out (CaseReferral). Evaluation's GAS goals
are CaseGoal rows, scored with planner.evaluation.compute.gas_t.

Case sessions on the calendar are separate appointment rows pointing at the case; the
case's archive code (type GA) is issued when it is opened (students/codes.py)."""

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import DateField, DateTimeField, JSONText, TimeField, VersionedModel, now
from planner.i18n import lazy_gettext as _l
from planner.reflections.models import FollowUp
from planner.schools.models import Room, School
from planner.screening.models import ScreeningResult
from planner.service.models import Consultation, Letter
from planner.students.models import Student

ARCHIVE_TYPE = "GA"  # 个案 in the archive code

# Where a case came from (8.2.1). Letters to the 社工信箱 and consultations (咨询) are
# sources too; their tables add a nullable reference column next to the two below.
SOURCES = {
    "screening": _l("高危筛查结果"),
    "follow_up": _l("跟进标记"),
    "teacher": _l("教师转介"),
    "parent": _l("家长转介"),
    "self": _l("学生自行求助"),
    "letter": _l("社工信箱来信"),
    "consultation": _l("学生咨询"),
}
# The sources a worker enters by form (the other two are opened from their record).
FORM_SOURCES = ("teacher", "parent", "self")

# The steps in order; "referred" ends a case referred out at intake.
STEPS = {
    "intake": _l("接案"),
    "assessment": _l("预估"),
    "plan": _l("计划"),
    "intervention": _l("介入"),
    "evaluation": _l("评估"),
    "closure": _l("结案"),
    "closed": _l("已结案"),
    "referred": _l("已转介"),
}
ORDER = ("intake", "assessment", "plan", "intervention", "evaluation", "closure")
OPEN_STEPS = ORDER  # a finished case is "closed", or "referred" when intake referred it
# The steps with one record each (介入 is case notes and referrals).
RECORD_STEPS = ("intake", "assessment", "plan", "evaluation", "closure")

RISKS = {"normal": _l("一般"), "concern": _l("关注"), "high": _l("高危")}
CRISIS = "high"  # an open case at this level is on the crisis watch list (危机预警名单)

# The fields of each step's record, with their labels (the forms, the case page and the
# Word documents read them from here). The plan's fields are the curricula's PLAN_833.
INTAKE_FIELDS = {
    "introduction": _l("自我介绍与服务说明"),  # 8.3.1 a
    "first_information": _l("初步收集的信息"),  # 8.3.1 b
    "emergency": _l("紧急情况及处理"),  # 8.3.1 c
    "decision": _l("接案决定"),  # 8.3.1 d
    "decision_reason": _l("决定理由"),  # 8.3.1 e
}
DECISIONS = {"take": _l("接案"), "refer": _l("转介")}
ASSESSMENT_FIELDS = {
    "problem": _l("问题及成因"),
    "environment": _l("环境与资源"),
    "priorities": _l("共同商定的优先事项"),
}
EVALUATION_FIELDS = {
    "process": _l("过程评估"),
    "outcome": _l("结果评估"),
}
CLOSURE_FIELDS = {
    "review": _l("服务回顾"),
    "ending": _l("结案处理（情绪与关系）"),
    "reason": _l("结案原因"),
}

NOTE_KINDS = {
    "direct": _l("个案会谈"),
    "family": _l("联系家庭"),
    "school": _l("联系学校"),
    "resource": _l("联系资源"),
}
NOTE_STATUSES = {"draft": _l("草稿"), "submitted": _l("待督导"), "signed_off": _l("已签阅")}

REFERRAL_TARGETS = {
    "hospital": _l("医院"),
    "protection": _l("未成年人保护工作站"),
    "clinic": _l("心理门诊"),
    "other": _l("其他机构"),
}
CONSENT_BY = {"guardian": _l("监护人"), "student": _l("学生本人"), "both": _l("监护人和学生本人")}


class Case(VersionedModel):
    school = ForeignKeyField(School, backref="cases", on_delete="RESTRICT")
    student = ForeignKeyField(Student, backref="cases", on_delete="RESTRICT")
    worker = ForeignKeyField(User, backref="cases", on_delete="RESTRICT")
    co_worker = ForeignKeyField(User, null=True, backref="co_cases", on_delete="SET NULL")
    source = CharField(max_length=15)
    screening_result = ForeignKeyField(
        ScreeningResult, null=True, backref="cases", on_delete="SET NULL"
    )
    follow_up = ForeignKeyField(FollowUp, null=True, backref="cases", on_delete="SET NULL")
    # the 社工信箱 letter or the student consultation the case was opened from (issue 18)
    letter = ForeignKeyField(Letter, null=True, backref="cases", on_delete="SET NULL")
    consultation = ForeignKeyField(Consultation, null=True, backref="cases", on_delete="SET NULL")
    source_note = TextField(default="")  # who referred and why, in the worker's words
    step = CharField(max_length=12, default="intake")
    risk = CharField(max_length=10, default="normal")
    next_review = DateField(null=True)
    archive_code = CharField(max_length=40, unique=True)
    opened_on = DateField()
    closed_on = DateField(null=True)
    follow_up_on = DateField(null=True)  # the check after closure (8.3.6)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "case_file"
        indexes = ((("school", "step"), False), (("worker", "step"), False))

    @property
    def is_open(self) -> bool:
        return self.step in OPEN_STEPS

    @property
    def step_label(self):
        return STEPS.get(self.step, self.step)

    @property
    def risk_label(self):
        return RISKS.get(self.risk, self.risk)

    @property
    def source_label(self):
        return SOURCES.get(self.source, self.source)


class CaseRecord(VersionedModel):
    """One step's record (接案, 预估, 计划, 评估, 结案): its fields by STEP_FIELDS."""

    case = ForeignKeyField(Case, backref="records", on_delete="CASCADE")
    step = CharField(max_length=12)
    fields = JSONText(default=dict)
    saved_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "case_record"
        indexes = ((("case", "step"), True),)


class CaseGoal(VersionedModel):
    """A GAS goal of the case (8.3.5), the same shape as evaluation.GasGoal: five level
    descriptions for −2 … +2 and the level reached at evaluation and at follow-up."""

    case = ForeignKeyField(Case, backref="goals", on_delete="CASCADE")
    order = IntegerField()
    text = CharField(max_length=200)
    weight = IntegerField(default=1)
    levels = JSONText(default=list)
    post = IntegerField(null=True)
    followup = IntegerField(null=True)

    class Meta:
        table_name = "case_goal"
        indexes = ((("case", "order"), True),)


class CaseNote(VersionedModel):
    """个案服务记录 (8.3.4): one contact, a session with the student or indirect work with
    family, school or resources. Submitted to the supervisor, who signs it off or returns
    it, like a reflection. A safeguarding concern raised in it escalates like a follow-up
    flag (reflections/escalation.py)."""

    case = ForeignKeyField(Case, backref="notes", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="case_notes", on_delete="RESTRICT")
    kind = CharField(max_length=10)
    held_on = DateField()
    minutes = IntegerField()
    note = TextField()
    status = CharField(max_length=12, default="draft")
    submitted_at = DateTimeField(null=True)
    supervisor_comment = TextField(default="")
    signed_off_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    signed_off_at = DateTimeField(null=True)
    safeguarding = BooleanField(default=False)
    flagged_at = DateTimeField(null=True)
    acknowledged_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    acknowledged_at = DateTimeField(null=True)
    escalated_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "case_note"
        indexes = ((("status", "author"), False),)

    @property
    def kind_label(self):
        return NOTE_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self):
        return NOTE_STATUSES.get(self.status, self.status)


class CaseReferral(VersionedModel):
    """转介 out (8.3.1 d, 8.3.6): to whom, why, with whose consent and when, and the outcome."""

    case = ForeignKeyField(Case, backref="referrals", on_delete="CASCADE")
    target = CharField(max_length=12)
    organisation = CharField(max_length=80, default="")
    reason = TextField()
    consent_by = CharField(max_length=10)
    consent_on = DateField()
    referred_on = DateField()
    outcome = TextField(default="")
    outcome_on = DateField(null=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "case_referral"

    @property
    def target_label(self):
        return REFERRAL_TARGETS.get(self.target, self.target)

    @property
    def consent_label(self):
        return CONSENT_BY.get(self.consent_by, self.consent_by)


# ---- case sessions on the calendar (个案会谈, 8.3.4) --------------------------------------

APPOINTMENT_TITLE = _l("个案会谈")  # all a feed, a clash or a colleague ever sees of one
APPOINTMENT_STATUSES = {"planned": _l("已安排"), "held": _l("已进行"), "cancelled": _l("已取消")}


class CaseAppointment(VersionedModel):
    """A case session on the worker's calendar (介入, 8.3.4): a date, a time and a room
    (usually the 个案工作室), for the case worker or the co-worker. It clashes with
    classes, groups and other appointments of the same worker or room
    (sessions/placement.py). Once held, the case note written after it may be linked."""

    case = ForeignKeyField(Case, backref="appointments", on_delete="CASCADE")
    worker = ForeignKeyField(User, backref="case_appointments", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="case_appointments", on_delete="RESTRICT")
    date = DateField()
    start = TimeField()
    end = TimeField()
    status = CharField(max_length=10, default="planned")
    case_note = ForeignKeyField(CaseNote, null=True, backref="appointments", on_delete="SET NULL")
    sequence = IntegerField(default=0)  # the feed's SEQUENCE: one more on every change
    updated_at = DateTimeField(default=now)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "case_appointment"
        indexes = ((("date", "room"), False), (("worker", "date"), False))

    @property
    def status_label(self):
        return APPOINTMENT_STATUSES.get(self.status, self.status)
