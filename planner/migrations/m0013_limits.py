"""Resource limits and no state change on GET (issue 13): ExportJob.runner (host:pid of the
process building the zip) and heartbeat_at, so a job whose process died is marked failed;
Program.exported_at goes (a download no longer writes it: the audit log says when the
teachers' copy was taken, sessions/archive.py), and every program without an archive code
gets one now (codes are issued when a program is created, no longer on first download)."""

from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": [
        'ALTER TABLE "export_job" ADD COLUMN "runner" VARCHAR(80) NOT NULL DEFAULT \'\'',
        'ALTER TABLE "export_job" ADD COLUMN "heartbeat_at" DATETIME',
        'ALTER TABLE "program" DROP COLUMN "exported_at"',
    ],
    "postgres": [
        'ALTER TABLE "export_job" ADD COLUMN "runner" VARCHAR(80) NOT NULL DEFAULT \'\'',
        'ALTER TABLE "export_job" ADD COLUMN "heartbeat_at" TIMESTAMP',
        'ALTER TABLE "program" DROP COLUMN "exported_at"',
    ],
}


def up():
    from planner.sessions.archive import issue_missing_codes

    run_sql(STATEMENTS)
    issue_missing_codes()
