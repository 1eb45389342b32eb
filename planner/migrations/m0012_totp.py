"""A second factor for logins (issue 13): the user's TOTP secret, the last time step a code
was accepted for (replay refusal), wrong codes in a row and when it was enrolled; one-time
recovery codes, stored hashed (RecoveryCode, DDL from `flask planner makemigration`); and
the agency setting that makes a second factor compulsory for admins and supervisors."""

from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": [
        'ALTER TABLE "user" ADD COLUMN "totp_secret" VARCHAR(64)',
        'ALTER TABLE "user" ADD COLUMN "totp_last_step" INTEGER',
        'ALTER TABLE "user" ADD COLUMN "totp_failures" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "user" ADD COLUMN "totp_enabled_at" DATETIME',
        'ALTER TABLE "agency" ADD COLUMN "require_second_factor" INTEGER NOT NULL DEFAULT 0',
        'CREATE TABLE "recovery_code" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "code_hash" VARCHAR(255) NOT NULL, "used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "recovery_code_user_id" ON "recovery_code" ("user_id")',
    ],
    "postgres": [
        'ALTER TABLE "user" ADD COLUMN "totp_secret" VARCHAR(64)',
        'ALTER TABLE "user" ADD COLUMN "totp_last_step" INTEGER',
        'ALTER TABLE "user" ADD COLUMN "totp_failures" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "user" ADD COLUMN "totp_enabled_at" TIMESTAMP',
        'ALTER TABLE "agency" ADD COLUMN "require_second_factor" BOOLEAN NOT NULL DEFAULT FALSE',
        'CREATE TABLE "recovery_code" ("id" SERIAL NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "code_hash" VARCHAR(255) NOT NULL, "used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "recovery_code_user_id" ON "recovery_code" ("user_id")',
    ],
}


def up():
    run_sql(STATEMENTS)
