"""Write stamps for the term statistics' cache (planner.reports.stamp): the DDL that makes
a table raise its row of `stats_stamp` on every write, for a migration to run.

A domain whose table the statistics start to count adds, in its own migration:

    from planner.migrations.stamping import stamp_table
    run_sql(stamp_table("screening_result"))

and the table's name to `planner.reports.stamp.STAMPED`. Migrations run this as it was
when they were written: change nothing here, add a new function instead.

Each write adds one to the table's row (on PostgreSQL one statement-level trigger per
table; SQLite has row triggers only). The row stays locked until the write commits, so
the next writer of that table waits and adds one to the committed value: a stamp never
repeats and never goes down, and a write that commits after a reader read the row
always changes it. That suits tables written now and then (programs, links, classes,
names), not the tap's: the marks and the session records stamp their session's own tally
row instead (migration m0028). With `columns`, an update stamps only when one of those
columns changes (a row trigger with WHEN), so a login that writes the user's row does
not stamp "user"."""


def _when(columns, old="OLD", new="NEW", distinct="IS DISTINCT FROM") -> str:
    return " OR ".join(f'{old}."{c}" {distinct} {new}."{c}"' for c in columns)


BUMP_FUNCTION = (
    "CREATE OR REPLACE FUNCTION stats_stamp_bump() RETURNS trigger AS $$ BEGIN "
    'INSERT INTO "stats_stamp" ("name", "stamp") VALUES (TG_TABLE_NAME, 1) '
    'ON CONFLICT ("name") DO UPDATE SET "stamp" = "stats_stamp"."stamp" + 1; '
    "RETURN NULL; END; $$ LANGUAGE plpgsql"
)


def sqlite_bump(table: str) -> str:
    """The SQLite statement that stamps a table (inside a trigger's BEGIN … END)."""
    return (
        f'INSERT INTO "stats_stamp" ("name", "stamp") VALUES (\'{table}\', 1) '
        'ON CONFLICT ("name") DO UPDATE SET "stamp" = "stats_stamp"."stamp" + 1;'
    )


def stamp_table(table: str, columns: tuple = (), ops: tuple = ("INSERT", "UPDATE", "DELETE")):
    """{dialect: [statements]} making every write to `table` (of `ops`) raise its stamp;
    with `columns`, an UPDATE only when one of them changes."""
    row = f'INSERT INTO "stats_stamp" ("name", "stamp") VALUES (\'{table}\', 0) '
    sqlite = [row + 'ON CONFLICT ("name") DO NOTHING']
    postgres = [row + 'ON CONFLICT ("name") DO NOTHING', BUMP_FUNCTION]
    for op in ops:
        when = ""
        if op == "UPDATE" and columns:
            when = f" WHEN {_when(columns, distinct='IS NOT')}"
        sqlite.append(
            f'CREATE TRIGGER "{table}_stats_stamp_{op.lower()}" AFTER {op} ON "{table}"{when} '
            f"BEGIN {sqlite_bump(table)} END"
        )
    statement_ops = [op for op in ops if not (op == "UPDATE" and columns)]
    if "DELETE" in ops:
        statement_ops.append("TRUNCATE")
    postgres.append(
        f'CREATE TRIGGER "{table}_stats_stamp" AFTER {" OR ".join(statement_ops)} ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION stats_stamp_bump()"
    )
    if "UPDATE" in ops and columns:
        postgres.append(
            f'CREATE TRIGGER "{table}_stats_stamp_update" AFTER UPDATE ON "{table}" '
            f"FOR EACH ROW WHEN ({_when(columns)}) EXECUTE FUNCTION stats_stamp_bump()"
        )
    return {"sqlite": sqlite, "postgres": postgres}
