"""FeedToken: a secret URL for one calendar audience. Only a hash of the token is stored."""

from peewee import CharField, ForeignKeyField, IntegerField

from planner.accounts.models import User
from planner.db import BaseModel, DateTimeField, now
from planner.i18n import lazy_gettext as _l

AUDIENCES = {
    "worker": _l("社工日程"),
    "class": _l("班级课表"),
    "school": _l("学校日程"),
}


class FeedToken(BaseModel):
    """One subscription URL. target_id is a worker's user id, a SchoolClass id or a School id."""

    user = ForeignKeyField(User, backref="feed_tokens", on_delete="CASCADE")  # the owner
    audience = CharField(max_length=10)
    target_id = IntegerField()
    token_hash = CharField(max_length=64, unique=True)  # sha256 hex of the raw token
    label = CharField(max_length=60, default="")
    created_at = DateTimeField(default=now)
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)
    # The last body served and when it first changed to it: Last-Modified without guessing
    # (a deleted session changes no updated_at, but it changes the body).
    content_hash = CharField(max_length=64, default="")
    content_changed_at = DateTimeField(null=True)

    KEPT_ON_ROTATE = ("audience", "target_id", "label")  # a new link to the same calendar

    class Meta:
        table_name = "feed_token"
        indexes = ((("user", "revoked_at"), False),)

    @property
    def audience_label(self):
        return AUDIENCES.get(self.audience, self.audience)

    @property
    def active(self):
        return self.revoked_at is None
