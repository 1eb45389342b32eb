"""Retention periods per record type and guardians' or students' data requests
(standard 9.4 e: 分类设置最低保存期限; PIPL Art. 19, 45–47; 未成年人网络保护条例 Art. 34–37).

Audit rows are not a record type here: they are kept for good (PIPL Art. 54–56 asks for
processing records), and they hold ids and archive codes only, never a name."""

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateField, DateTimeField, VersionedModel, now
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Agency
from planner.students.models import Student


class RecordType:
    """One kind of record the purge knows: its label, its default minimum period (in days),
    what the period is counted from and what happens after it."""

    def __init__(self, key, label, default_days, counted_from, outcome):
        self.key, self.label, self.default_days = key, label, default_days
        self.counted_from, self.outcome = counted_from, outcome


YEAR = 365
RECORD_TYPES = {
    t.key: t
    for t in (
        RecordType(
            "attendance",
            _l("出勤记录"),
            5 * YEAR,
            _l("活动日期"),
            _l("逐人记录删除，每次活动的出勤人次保留在统计中。"),
        ),
        RecordType(
            "reflections",
            _l("反思记录"),
            5 * YEAR,
            _l("活动日期"),
            _l("删除反思正文和督导意见；仍有未过期跟进事项的反思暂不删除。"),
        ),
        RecordType(
            "follow_ups",
            _l("跟进事项"),
            5 * YEAR,
            _l("反思提交日期"),
            _l("删除已知悉的跟进事项；未处理的安全事项永不自动删除。"),
        ),
        RecordType(
            "scores",
            _l("测量分数与目标评估"),
            5 * YEAR,
            _l("录入日期"),
            _l("删除逐人分数和目标达成记录；小组评估结论保留。"),
        ),
        RecordType(
            "consents",
            _l("知情同意记录"),
            3 * YEAR,
            _l("撤回日期，或学生匿名化的日期"),
            _l("删除已撤回或学生已匿名化的同意记录（含签署人姓名）。"),
        ),
        RecordType(
            "students",
            _l("学生档案"),
            5 * YEAR,
            _l("归档日期"),
            _l(
                "已归档学生匿名化：姓名、学号、出生日期、监护人信息清除，档案编码保留为化名，统计人次不变。"
            ),
        ),
        RecordType(
            "exports",
            _l("导出文件"),
            30,
            _l("导出日期"),
            _l("删除导出任务和服务器上的文件。"),
        ),
    )
}

# The shortest and longest period an admin may set, in days.
MIN_DAYS = 1
MAX_DAYS = 50 * YEAR


class RetentionSetting(BaseModel):
    """An agency's own minimum period for one record type (the shipped default otherwise)."""

    agency = ForeignKeyField(Agency, backref="retention_settings", on_delete="CASCADE")
    record_type = CharField(max_length=20)
    days = IntegerField()
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = DateTimeField(default=now)

    class Meta:
        table_name = "retention_setting"
        indexes = ((("agency", "record_type"), True),)


REQUEST_KINDS = {
    "export": _l("导出全部信息"),
    "correct": _l("更正信息"),
    "erase": _l("删除（匿名化）"),
}
REQUESTERS = {"guardian": _l("监护人"), "student": _l("学生本人")}
REQUEST_STATUSES = {
    "pending": _l("待审批"),
    "done": _l("已完成"),
    "rejected": _l("已驳回"),
}


class DataRequest(VersionedModel):
    """A guardian's or a student's request about the student's data: who asked, when, what
    was done. An erasure waits for a second person's approval (the requesting worker's
    supervisor, or an admin) before it runs; an export or a correction is done at once."""

    agency = ForeignKeyField(Agency, backref="data_requests", on_delete="RESTRICT")
    student = ForeignKeyField(Student, backref="data_requests", on_delete="RESTRICT")
    kind = CharField(max_length=10)
    requester = CharField(max_length=10)
    asked_on = DateField()
    note = TextField(default="")  # what was asked, in the worker's words: never read aloud
    status = CharField(max_length=10, default="pending")
    recorded_by = ForeignKeyField(User, backref="data_requests", on_delete="RESTRICT")
    recorded_at = DateTimeField(default=now)
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    outcome = TextField(default="")

    class Meta:
        table_name = "data_request"
        indexes = ((("agency", "status"), False),)

    @property
    def kind_label(self):
        return REQUEST_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self):
        return REQUEST_STATUSES.get(self.status, self.status)

    @property
    def requester_label(self):
        return REQUESTERS.get(self.requester, self.requester)
