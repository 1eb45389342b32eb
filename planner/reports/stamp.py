"""The stamp of the last write to anything the term statistics count: the key under which
the statistics page is kept once computed (planner.reports.cache), read in one query.

Tables covered (STAMPED), and how each is stamped:
- attendance: its triggers (m0020, stamped since m0028) raise the stamp of the session's
  own tally row, in the statement that writes the mark: a tap, a correction, the
  retention purge, a bulk load. No row of its own, so taps never queue on one.
- session_record: its headcount and purged counts (not the notes) raise the same tally
  row's stamp; a deleted record raises its row of stats_stamp.
- session_tally: the stamps above; a deleted tally row (a session's cascade) raises its
  row of stats_stamp.
- session, program, program_class, program_worker, school, school_class, term,
  worker_school, supervision: any write raises the table's row of stats_stamp.
- curriculum: a change of kind (or a curriculum added or removed); user: a change of
  name, role or agency (a login writes the row and changes no figure).
- the pyramid's and the service records' tables (m0029): any write; student: a change of
  school, class or archived (what the pyramid counts).

A new domain whose rows the statistics count (screening results, cases, letters) adds
its table to STAMPED and, in its migration, `run_sql(stamp_table("<table>"))`
(planner.migrations.stamping). tests/reports/test_stats_cache.py reads every query the
statistics page makes and fails while a table it names is missing here; until it is
stamped, compute that figure outside the cache.

Why a stamp read now names every write a result computed after it holds, on PostgreSQL
too (SQLite has one writer at a time): a table's row of stats_stamp is a count raised
under its row lock, so a write committed later always changes it. A tally stamp is one
more than the highest committed when the writing statement began: a write that begins
after this read stamps above the highest read here; one that began before and is still
open holds its lock on session_tally, and then the result is not kept (keepable False:
computed, shown, not stored), so no copy is ever older than its key."""

from peewee import PostgresqlDatabase

from planner.db import database

STAMPED = (
    "attendance",
    "session_record",
    "session_tally",
    "session",
    "program",
    "program_class",
    "program_worker",
    "curriculum",
    "school",
    "school_class",
    "term",
    "user",
    "worker_school",
    "supervision",
    # the pyramid and the service records (migration m0029)
    "screening_round",
    "screening_result",
    "screening_recruitment",
    "group_member",
    "student",
    "case_file",
    "case_referral",
    "letter",
    "consultation",
    "supervision_session",
    "supervision_attendee",
    "training",
)

_TABLES = {
    "sqlite": "(SELECT group_concat(\"name\" || '=' || \"stamp\", ',') "
    'FROM (SELECT "name", "stamp" FROM "stats_stamp" ORDER BY "name"))',
    "postgres": '(SELECT string_agg("name" || \'=\' || "stamp", \',\' ORDER BY "name") '
    'FROM "stats_stamp")',
}
_SQL = {
    "sqlite": f'SELECT (SELECT MAX("stamp") FROM "session_tally"), {_TABLES["sqlite"]}',
    # in the same statement, after its snapshot: is another transaction writing the tally?
    "postgres": f'SELECT (SELECT MAX("stamp") FROM "session_tally"), {_TABLES["postgres"]}, '
    "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'relation' "
    "AND relation = 'session_tally'::regclass AND mode = 'RowExclusiveLock' "
    "AND pid <> pg_backend_pid())",
}


def stats_stamp() -> tuple[tuple, bool]:
    """(key, keepable): the stamps of every table in STAMPED, and whether a result
    computed after reading them (in this or a later snapshot) may be kept under them.
    One query. Read it before the figures: a result then holds at least the writes the
    key names, never fewer."""
    kind = "postgres" if isinstance(database.obj, PostgresqlDatabase) else "sqlite"
    row = database.execute_sql(_SQL[kind]).fetchone()
    key = (row[0] or 0, row[1] or "")
    if kind == "sqlite":
        return key, True
    return key, not row[2]
