"""Index the supervisor's queue: submitted reflections by author. Without it PostgreSQL
scanned every reflection of the city (21,700) for the 283 waiting (bench/README.md)."""

from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": [
        'CREATE INDEX "reflection_status_author_id" ON "reflection" ("status", "author_id")',
    ],
    "postgres": [
        'CREATE INDEX "reflection_status_author_id" ON "reflection" ("status", "author_id")',
    ],
}


def up():
    run_sql(STATEMENTS)
