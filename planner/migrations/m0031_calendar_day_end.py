"""An index on calendar_day.end_date (issue 19): the week, today and month pages ask for
the entries overlapping their days (date ≤ last day and end_date ≥ first day), and with
only the index on date PostgreSQL read every school's entries of every year (10,608 on the
city) on each view. Few entries end after a current week's first day."""

from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": ['CREATE INDEX "calendar_day_end_date" ON "calendar_day" ("end_date")'],
    "postgres": ['CREATE INDEX "calendar_day_end_date" ON "calendar_day" ("end_date")'],
}


def up():
    run_sql(STATEMENTS)
