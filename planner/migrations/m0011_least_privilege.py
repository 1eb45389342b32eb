"""Least privilege inside the agency (issue 13): User.maintainer (who may change the
shared curriculum library and the national holiday calendar; nobody until granted with
`flask planner maintainer`) and Supervision.created_at (since when a supervisor oversees a
worker, shown to the worker; empty for links made before this migration)."""

from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": [
        'ALTER TABLE "user" ADD COLUMN "maintainer" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "supervision" ADD COLUMN "created_at" DATETIME',
    ],
    "postgres": [
        'ALTER TABLE "user" ADD COLUMN "maintainer" BOOLEAN NOT NULL DEFAULT FALSE',
        'ALTER TABLE "supervision" ADD COLUMN "created_at" TIMESTAMP',
    ],
}


def up():
    run_sql(STATEMENTS)
