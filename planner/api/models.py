"""ApiToken: a personal access token for the JSON API. Only a hash of the token is stored."""

from peewee import CharField, ForeignKeyField

from planner.accounts.models import User
from planner.db import BaseModel, DateTimeField, JSONText, now
from planner.i18n import lazy_gettext as _l

SCOPES = {
    "curricula:read": _l("读取课程方案库"),
    "programs:read": _l("读取服务计划与课次（不含学生信息）"),
    "stats:read": _l("读取学期工作统计"),
    "curricula:write": _l("导入课程方案（存为草稿）"),
}


class ApiToken(BaseModel):
    """One token of one user; the user's own access rules apply to every request."""

    user = ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    label = CharField(max_length=60, default="")
    token_hash = CharField(max_length=64, unique=True)  # sha256 hex of the raw token
    scopes = JSONText()  # ["curricula:read", …]
    created_at = DateTimeField(default=now)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)

    KEPT_ON_ROTATE = ("label", "scopes")

    class Meta:
        table_name = "api_token"
        indexes = ((("user", "revoked_at"), False),)

    @property
    def active(self):
        return self.revoked_at is None
