"""Run mode that survives a dead network (issue 14): SessionRecord.save_id, the tablet's id
for the save that wrote the notes as they stand, so a resend of a save whose answer was
lost is recognised instead of reported as a conflict (planner/runs/services.save_record)."""

from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": [
        'ALTER TABLE "session_record" ADD COLUMN "save_id" VARCHAR(64) NOT NULL DEFAULT \'\'',
    ],
    "postgres": [
        'ALTER TABLE "session_record" ADD COLUMN "save_id" VARCHAR(64) NOT NULL DEFAULT \'\'',
    ],
}


def up():
    run_sql(STATEMENTS)
