"""What run mode records in the room: a member's attendance at a session (the latest tap
wins), the session's headcount and notes, and the running count of its marks."""

from peewee import BigIntegerField, CharField, ForeignKeyField, IntegerField, TextField

from planner.accounts.models import User
from planner.db import BaseModel, DateTimeField, VersionedModel, now
from planner.i18n import lazy_gettext as _l
from planner.sessions.models import Session
from planner.students.models import Student

ATTENDANCE = {
    "present": _l("出席"),
    "late": _l("迟到"),
    "left_early": _l("早退"),
    "excused": _l("请假"),
    "absent": _l("缺席"),
}


class Attendance(BaseModel):
    """One row per member per session; the latest tap (by the tablet's clock) wins."""

    session = ForeignKeyField(Session, backref="attendance", on_delete="CASCADE")
    student = ForeignKeyField(Student, backref="attendance", on_delete="RESTRICT")
    status = CharField(max_length=12)
    tapped_at = DateTimeField()
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("session", "student"), True),)


class SessionRecord(VersionedModel):
    """What happened in the room: headcount (社工课堂) and quick notes."""

    session = ForeignKeyField(Session, unique=True, backref="record", on_delete="CASCADE")
    headcount = IntegerField(null=True)
    notes = TextField(default="")
    # Attendance rows removed by the retention purge leave their counts here, so the
    # term statistics of past terms stay what they were (PRIVACY_SECURITY.md §6).
    purged_marks = IntegerField(default=0)
    purged_attended = IntegerField(default=0)
    # The tablet's id for the save that wrote the notes as they stand: a resend of that
    # save (its answer lost on a dead network) is recognised and changes nothing.
    save_id = CharField(max_length=64, default="")

    class Meta:
        table_name = "session_record"


class SessionTally(BaseModel):
    """A session's attendance marks, counted: how many, and how many of them present, late
    or left early (evaluation.compute.ATTENDED). Kept by triggers on the attendance table
    (migration m0020), in the statement that writes the mark, so every writer (a tap, a
    correction, the purge, a cascade, a bulk load) keeps it exact, and the term statistics
    read one row per session instead of counting marks. Never written by the app.

    stamp: raised by the same triggers whenever the session's marks, headcount or purged
    counts change (migration m0028), so the highest stamp tells the statistics' cache
    (planner.reports.stamp) that a figure may have changed, with no row of its own for
    every tap to update. A session whose record is written before any mark gets a row
    with no marks (the same as none)."""

    session = ForeignKeyField(Session, primary_key=True, backref="tally", on_delete="CASCADE")
    marks = IntegerField(default=0)
    attended = IntegerField(default=0)
    stamp = BigIntegerField(default=0, index=True)

    class Meta:
        table_name = "session_tally"
