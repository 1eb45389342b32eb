"""Date ranges in calendar entries (issue 14): CalendarDay.end_date, the last day of an
entry, so a three-day exam is one entry from `date` to `end_date`. Existing entries are
single days: end_date = date."""

from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": [
        'ALTER TABLE "calendar_day" ADD COLUMN "end_date" DATE NOT NULL DEFAULT \'\'',
        'UPDATE "calendar_day" SET "end_date" = "date"',
    ],
    "postgres": [
        'ALTER TABLE "calendar_day" ADD COLUMN "end_date" DATE',
        'UPDATE "calendar_day" SET "end_date" = "date"',
        'ALTER TABLE "calendar_day" ALTER COLUMN "end_date" SET NOT NULL',
    ],
}


def up():
    run_sql(STATEMENTS)
