"""School years and cohorts (issue 16): school_year (学年), term.school_year,
school_class.school_year / entry_year (入学年份) / previous, class_member (a student's class
in a past year). A class name is now unique per school and school year.

Existing data moves in without loss: each term goes to the school year its start date falls
in (August–December starts year Y, January–July belongs to Y-1); every existing class goes to
the school's latest such year (they are the classes in use now), its entry year derived from
its grade and the school's stage. A school with no term gets the year of today. The columns
are nullable, so SQLite adds them with ALTER TABLE (a NOT NULL foreign key column would need
a table rebuild); the services always set them."""

import datetime as dt

from planner.db import database, now
from planner.i18n import local_today
from planner.migrations import run_sql

STATEMENTS = {
    "sqlite": [
        'CREATE TABLE "school_year" ("id" INTEGER NOT NULL PRIMARY KEY, "version" INTEGER NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "start_year" INTEGER NOT NULL, "start" DATE NOT NULL, "end" DATE NOT NULL, "rolled_over_at" DATETIME, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "school_year_school_id" ON "school_year" ("school_id")',
        'CREATE UNIQUE INDEX "school_year_school_id_start_year" ON "school_year" ("school_id", "start_year")',
        'CREATE TABLE "class_member" ("id" INTEGER NOT NULL PRIMARY KEY, "student_id" INTEGER NOT NULL, "school_year_id" INTEGER NOT NULL, "school_class_id" INTEGER NOT NULL, FOREIGN KEY ("student_id") REFERENCES "student" ("id") ON DELETE CASCADE, FOREIGN KEY ("school_year_id") REFERENCES "school_year" ("id") ON DELETE RESTRICT, FOREIGN KEY ("school_class_id") REFERENCES "school_class" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "class_member_student_id" ON "class_member" ("student_id")',
        'CREATE INDEX "class_member_school_year_id" ON "class_member" ("school_year_id")',
        'CREATE INDEX "class_member_school_class_id" ON "class_member" ("school_class_id")',
        'CREATE UNIQUE INDEX "class_member_student_id_school_year_id" ON "class_member" ("student_id", "school_year_id")',
        'ALTER TABLE "term" ADD COLUMN "school_year_id" INTEGER REFERENCES "school_year" ("id") ON DELETE RESTRICT',
        'CREATE INDEX "term_school_year_id" ON "term" ("school_year_id")',
        'ALTER TABLE "school_class" ADD COLUMN "school_year_id" INTEGER REFERENCES "school_year" ("id") ON DELETE RESTRICT',
        'ALTER TABLE "school_class" ADD COLUMN "entry_year" INTEGER',
        'ALTER TABLE "school_class" ADD COLUMN "previous_id" INTEGER REFERENCES "school_class" ("id") ON DELETE SET NULL',
        'CREATE INDEX "school_class_school_year_id" ON "school_class" ("school_year_id")',
        'CREATE INDEX "school_class_previous_id" ON "school_class" ("previous_id")',
    ],
    "postgres": [
        'CREATE TABLE "school_year" ("id" SERIAL NOT NULL PRIMARY KEY, "version" INTEGER NOT NULL, "updated_at" TIMESTAMP NOT NULL, "school_id" INTEGER NOT NULL, "start_year" INTEGER NOT NULL, "start" DATE NOT NULL, "end" DATE NOT NULL, "rolled_over_at" TIMESTAMP, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "school_year_school_id" ON "school_year" ("school_id")',
        'CREATE UNIQUE INDEX "school_year_school_id_start_year" ON "school_year" ("school_id", "start_year")',
        'CREATE TABLE "class_member" ("id" SERIAL NOT NULL PRIMARY KEY, "student_id" INTEGER NOT NULL, "school_year_id" INTEGER NOT NULL, "school_class_id" INTEGER NOT NULL, FOREIGN KEY ("student_id") REFERENCES "student" ("id") ON DELETE CASCADE, FOREIGN KEY ("school_year_id") REFERENCES "school_year" ("id") ON DELETE RESTRICT, FOREIGN KEY ("school_class_id") REFERENCES "school_class" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "class_member_student_id" ON "class_member" ("student_id")',
        'CREATE INDEX "class_member_school_year_id" ON "class_member" ("school_year_id")',
        'CREATE INDEX "class_member_school_class_id" ON "class_member" ("school_class_id")',
        'CREATE UNIQUE INDEX "class_member_student_id_school_year_id" ON "class_member" ("student_id", "school_year_id")',
        'ALTER TABLE "term" ADD COLUMN "school_year_id" INTEGER REFERENCES "school_year" ("id") ON DELETE RESTRICT',
        'CREATE INDEX "term_school_year_id" ON "term" ("school_year_id")',
        'ALTER TABLE "school_class" ADD COLUMN "school_year_id" INTEGER REFERENCES "school_year" ("id") ON DELETE RESTRICT',
        'ALTER TABLE "school_class" ADD COLUMN "entry_year" INTEGER',
        'ALTER TABLE "school_class" ADD COLUMN "previous_id" INTEGER REFERENCES "school_class" ("id") ON DELETE SET NULL',
        'CREATE INDEX "school_class_school_year_id" ON "school_class" ("school_year_id")',
        'CREATE INDEX "school_class_previous_id" ON "school_class" ("previous_id")',
    ],
}

# After the data is in: the old unique name per school gives way to one per school year.
INDEXES = [
    'DROP INDEX "school_class_school_id_name"',
    'CREATE UNIQUE INDEX "school_class_school_id_school_year_id_name" '
    'ON "school_class" ("school_id", "school_year_id", "name")',
]

# A frozen copy of planner/schools/years.LADDERS as it stood when this migration was written:
# a migration must give the same result however the app's rules change later.
LADDERS = {
    "primary": ((1, 6),),
    "junior": ((7, 9),),
    "senior": ((10, 12),),
    "nine_year": ((1, 9),),
    "complete": ((7, 9), (10, 12)),
}


def _start_year(day) -> int:
    day = dt.date.fromisoformat(str(day)[:10])
    return day.year if day.month >= 8 else day.year - 1


def _entry_year(stage, grade, start_year):
    for low, high in LADDERS.get(stage, ((1, 12),)):
        if low <= grade <= high:
            return start_year - (grade - low)
    return None


def _exec(sql, params=()):
    return database.execute_sql(sql.replace("?", database.param), params)


def _rows(sql, params=()):
    return list(_exec(sql, params).fetchall())


def _year_id(school_id, start_year, terms):
    """Insert the school year (1 Aug–31 Jul, widened to hold its terms); return its id."""
    start, end = dt.date(start_year, 8, 1), dt.date(start_year + 1, 7, 31)
    for _, t_start, t_end in terms:
        start = min(start, dt.date.fromisoformat(str(t_start)[:10]))
        end = max(end, dt.date.fromisoformat(str(t_end)[:10]))
    _exec(
        'INSERT INTO "school_year" ("version", "updated_at", "school_id", "start_year", '
        '"start", "end") VALUES (1, ?, ?, ?, ?, ?)',
        (str(now()), school_id, start_year, start.isoformat(), end.isoformat()),
    )
    return _rows(
        'SELECT "id" FROM "school_year" WHERE "school_id" = ? AND "start_year" = ?',
        (school_id, start_year),
    )[0][0]


def _move_in():
    for school_id, stage in _rows('SELECT "id", "stage" FROM "school"'):
        terms = _rows('SELECT "id", "start", "end" FROM "term" WHERE "school_id" = ?', (school_id,))
        by_year = {}
        for term in terms:
            by_year.setdefault(_start_year(term[1]), []).append(term)
        if not by_year:
            by_year[_start_year(local_today())] = []
        latest = None
        for start_year in sorted(by_year):
            year_id = _year_id(school_id, start_year, by_year[start_year])
            latest = (year_id, start_year)
            for term in by_year[start_year]:
                _exec('UPDATE "term" SET "school_year_id" = ? WHERE "id" = ?', (year_id, term[0]))
        year_id, start_year = latest
        for class_id, grade in _rows(
            'SELECT "id", "grade" FROM "school_class" WHERE "school_id" = ?', (school_id,)
        ):
            _exec(
                'UPDATE "school_class" SET "school_year_id" = ?, "entry_year" = ? WHERE "id" = ?',
                (year_id, _entry_year(stage, grade, start_year), class_id),
            )


def up():
    run_sql(STATEMENTS)
    _move_in()
    for sql in INDEXES:
        database.execute_sql(sql)
