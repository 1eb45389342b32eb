"""AuditEntry rows are only ever inserted: the model refuses updates and deletes, and the
database refuses them too (triggers installed by the migration)."""

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateTimeField, now

ACTIONS = ("view_student", "consent_change", "export", "outside_caseload")
DETAIL_LIMIT = 2000  # a page of a student list names up to 100 ids


class AppendOnly(Exception):
    """The audit log can't be changed."""


class AuditEntry(BaseModel):
    at = DateTimeField(default=now, index=True)
    user = ForeignKeyField(User, null=True, backref="audit_entries", on_delete="RESTRICT")
    action = CharField(max_length=30)
    object_type = CharField(max_length=30)
    object_id = IntegerField(null=True)
    detail = TextField(default="")  # never a student's name: ids and archive codes only

    class Meta:
        table_name = "audit_entry"

    def save(self, *args, **kwargs):
        if self.id is not None:
            raise AppendOnly("audit rows can't be updated")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnly("audit rows can't be deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AppendOnly("audit rows can't be updated")

    @classmethod
    def delete(cls):
        raise AppendOnly("audit rows can't be deleted")


def record(user, action: str, object_type: str, object_id=None, detail: str = "") -> None:
    """Append one row: who, what, when."""
    AuditEntry.insert(
        user=user.id if user else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:DETAIL_LIMIT],
    ).execute()
