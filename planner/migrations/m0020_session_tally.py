"""session_tally (issue 19): each session's attendance marks, counted, for the term
statistics. Triggers on attendance keep it in the statement that writes a mark, whoever
writes it (a tap, a correction, the purge, a session's cascade, a bulk load), so it is
exact without a second write in the app; the rows of today's marks are filled in here.

A mark counts as attended when present, late or left early: the statuses of
planner.evaluation.compute.ATTENDED as they stood when this migration was written (a
migration must not change with the app's later rules; a test compares the two)."""

from planner.db import database
from planner.migrations import run_sql

ATTENDED_SQL = "('present', 'late', 'left_early')"


def _attended(row: str) -> str:
    return f"(CASE WHEN {row}.status IN {ATTENDED_SQL} THEN 1 ELSE 0 END)"


STATEMENTS = {
    "sqlite": [
        'CREATE TABLE "session_tally" ("session_id" INTEGER NOT NULL PRIMARY KEY, "marks" INTEGER NOT NULL, "attended" INTEGER NOT NULL, FOREIGN KEY ("session_id") REFERENCES "session" ("id") ON DELETE CASCADE)',
    ],
    "postgres": [
        'CREATE TABLE "session_tally" ("session_id" INTEGER NOT NULL PRIMARY KEY, "marks" INTEGER NOT NULL, "attended" INTEGER NOT NULL, FOREIGN KEY ("session_id") REFERENCES "session" ("id") ON DELETE CASCADE)',
    ],
}

# A mark added counts once more on its session (the row made if it is the first); a mark
# removed counts once less; a changed mark moves its count. On PostgreSQL the tally row is
# locked by the increment until the writing transaction ends, so two taps on one session
# add up whatever their order; SQLite has one writer at a time.
_ADD_SQLITE = (
    'INSERT INTO "session_tally" ("session_id", "marks", "attended") '
    f"VALUES (NEW.session_id, 1, {_attended('NEW')}) "
    'ON CONFLICT ("session_id") DO UPDATE SET "marks" = "marks" + 1, '
    '"attended" = "attended" + excluded."attended";'
)
_REMOVE_SQLITE = (
    'UPDATE "session_tally" SET "marks" = "marks" - 1, '
    f'"attended" = "attended" - {_attended("OLD")} WHERE "session_id" = OLD.session_id;'
)

TRIGGERS = {
    "sqlite": [
        f'CREATE TRIGGER "attendance_tally_insert" AFTER INSERT ON "attendance" '
        f"BEGIN {_ADD_SQLITE} END",
        f'CREATE TRIGGER "attendance_tally_delete" AFTER DELETE ON "attendance" '
        f"BEGIN {_REMOVE_SQLITE} END",
        'CREATE TRIGGER "attendance_tally_update" AFTER UPDATE OF "status", "session_id" '
        'ON "attendance" WHEN OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id '
        f"BEGIN {_REMOVE_SQLITE} {_ADD_SQLITE} END",
    ],
    "postgres": [
        "CREATE FUNCTION session_tally_keep() RETURNS trigger AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status "
        "AND OLD.session_id = NEW.session_id THEN RETURN NULL; END IF; "
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        'UPDATE "session_tally" SET "marks" = "marks" - 1, '
        f'"attended" = "attended" - {_attended("OLD")} WHERE "session_id" = OLD.session_id; '
        "END IF; "
        "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
        'INSERT INTO "session_tally" ("session_id", "marks", "attended") '
        f"VALUES (NEW.session_id, 1, {_attended('NEW')}) "
        'ON CONFLICT ("session_id") DO UPDATE SET "marks" = "session_tally"."marks" + 1, '
        '"attended" = "session_tally"."attended" + EXCLUDED."attended"; '
        "END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        'CREATE TRIGGER "attendance_tally" AFTER INSERT OR DELETE OR UPDATE OF "status", '
        '"session_id" ON "attendance" FOR EACH ROW EXECUTE FUNCTION session_tally_keep()',
    ],
}

FILL = (
    'INSERT INTO "session_tally" ("session_id", "marks", "attended") '
    f'SELECT "session_id", COUNT(*), SUM({_attended("attendance")}) '
    'FROM "attendance" GROUP BY "session_id"'
)


def up():
    run_sql(STATEMENTS)
    run_sql(TRIGGERS)
    database.execute_sql(FILL)
