"""Word templates an admin uploads per document type, and bulk export jobs (zip files)."""

from peewee import BlobField, CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateTimeField, now
from planner.schools.models import Agency

JOB_STATUSES = ("queued", "running", "done", "failed")


class DocTemplate(BaseModel):
    """The agency's own .docx for one document type; rendering falls back to the built-in
    layout when it fails."""

    agency = ForeignKeyField(Agency, backref="doc_templates", on_delete="CASCADE")
    kind = CharField(max_length=20)
    filename = CharField(max_length=120)
    data = BlobField()
    size = IntegerField()
    uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    uploaded_at = DateTimeField(default=now)

    class Meta:
        table_name = "doc_template"
        indexes = ((("agency", "kind"), True),)


class ExportJob(BaseModel):
    """A zip being built in the background; the page polls `done` of `total`."""

    token = CharField(max_length=43, unique=True)  # random, names nothing
    user = ForeignKeyField(User, backref="export_jobs", on_delete="CASCADE")
    scope = CharField(max_length=10)  # program | term
    target_id = IntegerField()
    kind = CharField(max_length=20)  # a document kind or "all"
    status = CharField(max_length=10, default="queued")
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    filename = CharField(max_length=160, default="")
    error = TextField(default="")
    created_at = DateTimeField(default=now)
    finished_at = DateTimeField(null=True)
    runner = CharField(max_length=80, default="")  # host:pid of the process building it
    heartbeat_at = DateTimeField(null=True)  # the runner's last sign of life

    class Meta:
        table_name = "export_job"


class ExportFile(BaseModel):
    """A finished zip kept in the database (exports/storage.py), so every web host can
    send it; written in one transaction, swept after 24 hours."""

    key = CharField(max_length=60, unique=True)  # the job's token: names nothing
    data = BlobField()
    size = IntegerField()
    created_at = DateTimeField(default=now, index=True)

    class Meta:
        table_name = "export_file"
