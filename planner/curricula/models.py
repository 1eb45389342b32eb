"""Curriculum (课程方案) → SessionTemplate (单节设计) → Activity (活动环节)."""

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateTimeField, JSONText, now
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Agency

KINDS = {"classroom": _l("社工课堂"), "group": _l("成长小组")}
STATUSES = {"draft": _l("草稿"), "published": _l("已发布")}
THEMES = [
    "生命教育",
    "学业与生涯规划",
    "青春期教育",
    "情绪管理",
    "人际交往",
    "环境适应",
    "安全与自我保护",
    "其他",
]
GRADE_BANDS = {
    "小学低段": (1, 2),
    "小学中段": (3, 4),
    "小学高段": (5, 6),
    "初中": (7, 9),
    "高中": (10, 12),
}
PHASES = ["导入", "主体", "练习", "总结"]
# issue 15: who a curriculum is for, and Taicang's three tiers of service.
AUDIENCES = {"students": _l("学生"), "parents": _l("家长课堂"), "teachers": _l("教师工作坊")}
TIERS = ["基础类", "拓展类", "特需类"]
COLLECTS = {"posttest": _l("后测"), "questionnaire": _l("问卷"), "satisfaction": _l("满意度")}
MATERIAL_KINDS = {
    "worksheet": _l("练习单"),
    "cards": _l("卡片"),
    "script": _l("讲稿/脚本"),
    "roleplay": _l("情景卡"),
    "handout": _l("资料页"),
    "letter": _l("家长信/告知书"),
}
MATERIAL_AUDIENCES = {
    "students": _l("学生"),
    "parents": _l("家长"),
    "teachers": _l("教师"),
    "worker": _l("社工"),
}
SENSITIVITY = {  # a session's sensitive-topic flags (templates/curricula/_sensitivity.html)
    "puberty": _l("青春期话题"),
    "grief": _l("哀伤与丧失"),
    "disclosure": _l("可能出现披露"),
}

# Domain words stored in Chinese and shown through _(value) in templates: listed here so
# the catalogue extractor sees them and English users get them translated.
DOMAIN_WORDS = [
    _l("生命教育"),
    _l("学业与生涯规划"),
    _l("青春期教育"),
    _l("情绪管理"),
    _l("人际交往"),
    _l("环境适应"),
    _l("安全与自我保护"),
    _l("其他"),
    _l("小学低段"),
    _l("小学中段"),
    _l("小学高段"),
    _l("初中"),
    _l("高中"),
    _l("导入"),
    _l("主体"),
    _l("练习"),
    _l("总结"),
    _l("筹备期"),
    _l("形成期"),
    _l("转折期"),
    _l("成熟期"),
    _l("结束期"),
    _l("基础类"),
    _l("拓展类"),
    _l("特需类"),
]


class Curriculum(BaseModel):
    """A reusable design. (slug, version) is unique; a published version is never edited."""

    slug = CharField(max_length=80)
    version = IntegerField(default=1)
    status = CharField(max_length=12, default="draft")
    kind = CharField(max_length=12)
    title = CharField(max_length=60)
    theme = CharField(max_length=20)
    audience = CharField(max_length=12, default="students")
    tier = CharField(max_length=8, default="基础类")
    grade_band = CharField(max_length=10)  # "" for a parents' or teachers' curriculum
    grades = JSONText()
    grade_tags = CharField(max_length=40, default="")  # ",7,8," so a grade filter is a LIKE
    period_minutes = IntegerField()
    summary = TextField(default="")
    plan = JSONText()
    instruments = JSONText(default=list)  # slugs of the instruments measuring its goals
    # None = the shared starter library; otherwise the agency that made this fork/version.
    agency = ForeignKeyField(Agency, null=True, backref="curricula", on_delete="RESTRICT")
    forked_from = ForeignKeyField("self", null=True, backref="forks", on_delete="SET NULL")
    created_by = ForeignKeyField(User, null=True, backref="curricula", on_delete="SET NULL")
    archived = BooleanField(default=False)
    edit_version = IntegerField(default=1)  # detects concurrent edits of a draft
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("slug", "version"), True), (("status", "slug"), False))

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def is_group(self):
        return self.kind == "group"

    @property
    def audience_label(self):
        return AUDIENCES.get(self.audience, self.audience)


def grade_tags(grades) -> str:
    """[7, 8] → ',7,8,'."""
    return "," + ",".join(str(g) for g in grades) + ","


class SessionTemplate(BaseModel):
    """One lesson or meeting of a curriculum."""

    curriculum = ForeignKeyField(Curriculum, backref="sessions", on_delete="CASCADE")
    seq = IntegerField()
    title = CharField(max_length=60)
    stage = CharField(max_length=10, null=True)  # planned 小组阶段 (groups only)
    objectives = JSONText()  # {"knowledge": …, "skill": …, "attitude": …}
    key_messages = JSONText()
    materials = JSONText()  # strings and {"ref": material slug}
    changes_room = BooleanField(default=False)  # the class moves rooms: 5 minutes of slack
    preparation = TextField(default="")
    home_link = TextField(default="")
    sensitivity = JSONText()
    edit_version = IntegerField(default=1)

    class Meta:
        table_name = "session_template"
        indexes = ((("curriculum", "seq"), True),)


class Activity(BaseModel):
    """A timed step of a session."""

    session = ForeignKeyField(SessionTemplate, backref="activities", on_delete="CASCADE")
    order = IntegerField()
    phase = CharField(max_length=4)
    title = CharField(max_length=60)
    minutes = IntegerField()
    purpose = TextField(default="")
    steps = JSONText()
    materials = JSONText()
    debrief = JSONText()
    collects = JSONText(default=list)  # posttest | questionnaire | satisfaction

    class Meta:
        indexes = ((("session", "order"), True),)


class DraftEditor(BaseModel):
    """A colleague invited to edit someone's draft. A draft is private to the colleague who
    started it (its created_by) until it is published; an invitation lets one more colleague
    of the same agency read and edit it."""

    curriculum = ForeignKeyField(Curriculum, backref="draft_editors", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="draft_invitations", on_delete="CASCADE")
    invited_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "draft_editor"
        indexes = ((("curriculum", "user"), True),)


class Material(BaseModel):
    """A printable material (练习单, 卡片, 讲稿, 情景卡, 资料页, 家长信) from
    content/materials/<slug>.yaml, referenced by sessions and activities as {ref: slug}.
    Part of the shared library: it holds no student data."""

    slug = CharField(max_length=80, unique=True)
    title = CharField(max_length=60)
    kind = CharField(max_length=12)
    audience = CharField(max_length=12)
    blocks = JSONText()
    updated_at = DateTimeField(default=now)

    @property
    def kind_label(self):
        return MATERIAL_KINDS.get(self.kind, self.kind)
