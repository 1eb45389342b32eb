"""Write stamps for the term statistics' cache (issue 19): the statistics of a term are kept
once computed, under the stamps of the last writes to every table they count
(planner.reports.stamp), so any write that can change a figure changes the key.

- The marks and the session records stamp their session's tally row (session_tally.stamp,
  indexed, so its highest value is one index lookup): the tap's trigger already writes
  that row, so the tap gets no new row to update and no new statement; a record's
  headcount or purged counts (not its notes) stamp it too, making the row if the session
  has no marks yet.
- The tables written now and then (sessions, programs and their links, schools, terms,
  classes, users' names and roles, curricula's kinds, who serves and supervises whom) each
  raise their row of stats_stamp (planner.migrations.stamping).
- A deleted record or tally row (a session's cascade) raises its table's row too.

A tally stamp is one more than the highest committed one (and than the row's own), so a
write whose statement begins after a reader's always raises the highest;
planner.reports.stamp keeps a result only when no other transaction is writing the
tally at the time it reads the stamps (PostgreSQL; SQLite has one writer at a time)."""

from planner.migrations import run_sql
from planner.migrations.m0020_session_tally import _attended
from planner.migrations.stamping import stamp_table

STATEMENTS = {
    "sqlite": [
        'CREATE TABLE "stats_stamp" ("name" VARCHAR(63) NOT NULL PRIMARY KEY, "stamp" INTEGER NOT NULL)',
        'ALTER TABLE "session_tally" ADD COLUMN "stamp" INTEGER NOT NULL DEFAULT 0',
        'CREATE INDEX "sessiontally_stamp" ON "session_tally" ("stamp")',
    ],
    "postgres": [
        'CREATE TABLE "stats_stamp" ("name" VARCHAR(63) NOT NULL PRIMARY KEY, "stamp" BIGINT NOT NULL)',
        'ALTER TABLE "session_tally" ADD COLUMN "stamp" BIGINT NOT NULL DEFAULT 0',
        'CREATE INDEX "sessiontally_stamp" ON "session_tally" ("stamp")',
    ],
}

# the next stamp of the tally: one more than its highest committed (an index lookup)
_NEXT = '(SELECT COALESCE(MAX("stamp"), 0) + 1 FROM "session_tally")'

_ADD_SQLITE = (
    'INSERT INTO "session_tally" ("session_id", "marks", "attended", "stamp") '
    f"VALUES (NEW.session_id, 1, {_attended('NEW')}, {_NEXT}) "
    'ON CONFLICT ("session_id") DO UPDATE SET "marks" = "marks" + 1, '
    '"attended" = "attended" + excluded."attended", "stamp" = excluded."stamp";'
)
_REMOVE_SQLITE = (
    'UPDATE "session_tally" SET "marks" = "marks" - 1, '
    f'"attended" = "attended" - {_attended("OLD")}, "stamp" = {_NEXT} '
    'WHERE "session_id" = OLD.session_id;'
)


def _touch_sqlite(row: str) -> str:
    return (
        'INSERT INTO "session_tally" ("session_id", "marks", "attended", "stamp") '
        f"VALUES ({row}.session_id, 0, 0, {_NEXT}) "
        'ON CONFLICT ("session_id") DO UPDATE SET "stamp" = excluded."stamp";'
    )


# what of a record the statistics count
RECORD_COLUMNS = ("headcount", "purged_marks", "purged_attended", "session_id")

TALLY = {
    "sqlite": [
        'DROP TRIGGER "attendance_tally_insert"',
        'DROP TRIGGER "attendance_tally_delete"',
        'DROP TRIGGER "attendance_tally_update"',
        f'CREATE TRIGGER "attendance_tally_insert" AFTER INSERT ON "attendance" '
        f"BEGIN {_ADD_SQLITE} END",
        f'CREATE TRIGGER "attendance_tally_delete" AFTER DELETE ON "attendance" '
        f"BEGIN {_REMOVE_SQLITE} END",
        'CREATE TRIGGER "attendance_tally_update" AFTER UPDATE OF "status", "session_id" '
        'ON "attendance" WHEN OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id '
        f"BEGIN {_REMOVE_SQLITE} {_ADD_SQLITE} END",
        f'CREATE TRIGGER "session_record_stamp_insert" AFTER INSERT ON "session_record" '
        f"BEGIN {_touch_sqlite('NEW')} END",
        'CREATE TRIGGER "session_record_stamp_update" AFTER UPDATE ON "session_record" '
        "WHEN "
        + " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in RECORD_COLUMNS)
        + f" BEGIN {_touch_sqlite('NEW')} {_touch_sqlite('OLD')} END",
    ],
    "postgres": [
        # as in m0020, with the stamp; the tally row stays locked until the tap commits,
        # so a second tap of the session waits and stamps above the first
        "CREATE OR REPLACE FUNCTION session_tally_keep() RETURNS trigger AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status "
        "AND OLD.session_id = NEW.session_id THEN RETURN NULL; END IF; "
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        'UPDATE "session_tally" SET "marks" = "marks" - 1, '
        f'"attended" = "attended" - {_attended("OLD")}, '
        f'"stamp" = GREATEST("stamp" + 1, {_NEXT}) WHERE "session_id" = OLD.session_id; '
        "END IF; "
        "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
        'INSERT INTO "session_tally" ("session_id", "marks", "attended", "stamp") '
        f"VALUES (NEW.session_id, 1, {_attended('NEW')}, {_NEXT}) "
        'ON CONFLICT ("session_id") DO UPDATE SET "marks" = "session_tally"."marks" + 1, '
        '"attended" = "session_tally"."attended" + EXCLUDED."attended", '
        '"stamp" = GREATEST("session_tally"."stamp" + 1, EXCLUDED."stamp"); '
        "END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE FUNCTION session_record_stamp() RETURNS trigger AS $$ BEGIN "
        'INSERT INTO "session_tally" ("session_id", "marks", "attended", "stamp") '
        f"VALUES (NEW.session_id, 0, 0, {_NEXT}) "
        'ON CONFLICT ("session_id") DO UPDATE SET '
        '"stamp" = GREATEST("session_tally"."stamp" + 1, EXCLUDED."stamp"); '
        "IF TG_OP = 'UPDATE' AND OLD.session_id <> NEW.session_id THEN "
        f'UPDATE "session_tally" SET "stamp" = GREATEST("stamp" + 1, {_NEXT}) '
        'WHERE "session_id" = OLD.session_id; END IF; '
        "RETURN NULL; END; $$ LANGUAGE plpgsql",
        'CREATE TRIGGER "session_record_stamp_insert" AFTER INSERT ON "session_record" '
        "FOR EACH ROW EXECUTE FUNCTION session_record_stamp()",
        'CREATE TRIGGER "session_record_stamp_update" AFTER UPDATE ON "session_record" '
        "FOR EACH ROW WHEN ("
        + " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in RECORD_COLUMNS)
        + ") EXECUTE FUNCTION session_record_stamp()",
    ],
}

# table: the columns whose change stamps it (none: any write)
TABLES = {
    "session": (),
    "program": (),
    "program_class": (),
    "program_worker": (),
    "curriculum": ("kind",),
    "school": (),
    "school_class": (),
    "term": (),
    "user": ("display_name", "role", "agency_id"),
    "worker_school": (),
    "supervision": (),
}


def up():
    run_sql(STATEMENTS)
    run_sql(TALLY)
    for table, columns in TABLES.items():
        run_sql(stamp_table(table, columns))
    # a deleted record or tally row (a session's cascade) stamps its table
    run_sql(stamp_table("session_record", ops=("DELETE",)))
    run_sql(stamp_table("session_tally", ops=("DELETE",)))
