"""The library's content model (issue 15): a curriculum's audience (学生, 家长课堂, 教师工作坊),
tier (基础类/拓展类/特需类) and linked instruments; a session's changes_room; an activity's
collects; and the Material table of printable materials from content/materials."""

from planner.migrations import run_sql

_COMMON = [
    'ALTER TABLE "curriculum" ADD COLUMN "audience" VARCHAR(12) NOT NULL DEFAULT \'students\'',
    'ALTER TABLE "curriculum" ADD COLUMN "tier" VARCHAR(8) NOT NULL DEFAULT \'基础类\'',
    'ALTER TABLE "curriculum" ADD COLUMN "instruments" TEXT NOT NULL DEFAULT \'[]\'',
    'ALTER TABLE "activity" ADD COLUMN "collects" TEXT NOT NULL DEFAULT \'[]\'',
]

STATEMENTS = {
    "sqlite": _COMMON
    + [
        'ALTER TABLE "session_template" ADD COLUMN "changes_room" INTEGER NOT NULL DEFAULT 0',
        'CREATE TABLE "material" ("id" INTEGER NOT NULL PRIMARY KEY, "slug" VARCHAR(80) NOT NULL, "title" VARCHAR(60) NOT NULL, "kind" VARCHAR(12) NOT NULL, "audience" VARCHAR(12) NOT NULL, "blocks" TEXT NOT NULL, "updated_at" DATETIME NOT NULL)',
        'CREATE UNIQUE INDEX "material_slug" ON "material" ("slug")',
    ],
    "postgres": _COMMON
    + [
        'ALTER TABLE "session_template" ADD COLUMN "changes_room" BOOLEAN NOT NULL DEFAULT FALSE',
        'CREATE TABLE "material" ("id" SERIAL NOT NULL PRIMARY KEY, "slug" VARCHAR(80) NOT NULL, "title" VARCHAR(60) NOT NULL, "kind" VARCHAR(12) NOT NULL, "audience" VARCHAR(12) NOT NULL, "blocks" TEXT NOT NULL, "updated_at" TIMESTAMP NOT NULL)',
        'CREATE UNIQUE INDEX "material_slug" ON "material" ("slug")',
    ],
}


def up():
    run_sql(STATEMENTS)
