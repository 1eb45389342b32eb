"""Programs a worker can manage (issue 14): Program.ended_at, set when a program with
records is ended (its remaining sessions cancelled) instead of deleted."""

from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": [
        'ALTER TABLE "program" ADD COLUMN "ended_at" DATETIME',
    ],
    "postgres": [
        'ALTER TABLE "program" ADD COLUMN "ended_at" TIMESTAMP',
    ],
}


def up():
    run_sql(STATEMENTS)
