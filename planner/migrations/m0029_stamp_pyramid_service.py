"""The term statistics count the pyramid (screening results and rounds, recruitments into
groups, the students of each school, cases and referrals) and the service records
(letters, consultations, supervision sessions and their workers, training): each of their
tables raises its row of stats_stamp on a write (planner.migrations.stamping), so the kept
statistics page is recomputed after one (planner.reports.stamp.STAMPED lists them)."""

from planner.migrations import run_sql
from planner.migrations.stamping import stamp_table

TABLES = (
    ("screening_round", ()),
    ("screening_result", ()),
    ("screening_recruitment", ()),
    ("group_member", ()),
    # a student's row is written for many reasons; the pyramid counts the school's students
    # not archived, and the classes screened by the students' classes
    ("student", ("school_id", "archived", "school_class_id")),
    ("case_file", ()),
    ("case_referral", ()),
    ("letter", ()),
    ("consultation", ()),
    ("supervision_session", ()),
    ("supervision_attendee", ()),
    ("training", ()),
)


def up():
    for table, columns in TABLES:
        run_sql(stamp_table(table, columns))
