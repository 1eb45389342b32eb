"""Safeguarding that never goes unseen (issue 13, T/JHSX 001—2026 4.1), written by hand:
Agency.safeguarding_lead (a deferred key: user is created after agency, so no constraint,
the services check it) and Agency.escalation_hours (default 24); FollowUp.flagged_at (when
the concern was raised, escalation counts from it: existing flags take their reflection's
submission or last save) and FollowUp.escalated_at."""

from planner.migrations import run_sql

BACKFILL = (
    'UPDATE "follow_up" SET "flagged_at" = (SELECT COALESCE("submitted_at", "updated_at") '
    'FROM "reflection" WHERE "reflection"."id" = "follow_up"."reflection_id")'
)

STATEMENTS = {
    "sqlite": [
        'ALTER TABLE "agency" ADD COLUMN "safeguarding_lead_id" INTEGER',
        'ALTER TABLE "agency" ADD COLUMN "escalation_hours" INTEGER NOT NULL DEFAULT 24',
        'CREATE INDEX "agency_safeguarding_lead_id" ON "agency" ("safeguarding_lead_id")',
        'ALTER TABLE "follow_up" ADD COLUMN "flagged_at" DATETIME',
        'ALTER TABLE "follow_up" ADD COLUMN "escalated_at" DATETIME',
        BACKFILL,
    ],
    "postgres": [
        'ALTER TABLE "agency" ADD COLUMN "safeguarding_lead_id" INTEGER',
        'ALTER TABLE "agency" ADD COLUMN "escalation_hours" INTEGER NOT NULL DEFAULT 24',
        'CREATE INDEX "agency_safeguarding_lead_id" ON "agency" ("safeguarding_lead_id")',
        'ALTER TABLE "follow_up" ADD COLUMN "flagged_at" TIMESTAMP',
        'ALTER TABLE "follow_up" ADD COLUMN "escalated_at" TIMESTAMP',
        BACKFILL,
    ],
}


def up():
    run_sql(STATEMENTS)
