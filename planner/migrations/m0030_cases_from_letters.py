"""A case opened from a 社工信箱 letter or a student consultation (issue 18): Case.letter
and Case.consultation, nullable references to the record it came from."""

from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": [
        'ALTER TABLE "case_file" ADD COLUMN "letter_id" INTEGER REFERENCES "letter" ("id") ON DELETE SET NULL',
        'ALTER TABLE "case_file" ADD COLUMN "consultation_id" INTEGER REFERENCES "consultation" ("id") ON DELETE SET NULL',
        'CREATE INDEX "case_file_letter_id" ON "case_file" ("letter_id")',
        'CREATE INDEX "case_file_consultation_id" ON "case_file" ("consultation_id")',
    ],
    "postgres": [
        'ALTER TABLE "case_file" ADD COLUMN "letter_id" INTEGER REFERENCES "letter" ("id") ON DELETE SET NULL',
        'ALTER TABLE "case_file" ADD COLUMN "consultation_id" INTEGER REFERENCES "consultation" ("id") ON DELETE SET NULL',
        'CREATE INDEX "case_file_letter_id" ON "case_file" ("letter_id")',
        'CREATE INDEX "case_file_consultation_id" ON "case_file" ("consultation_id")',
    ],
}


def up():
    run_sql(STATEMENTS)
