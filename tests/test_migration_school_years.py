"""m0017: data made before school years existed moves into them without loss."""

import datetime as dt

import pytest
from peewee import IntegrityError

from planner import migrations
from planner.db import database
from planner.schools.models import Agency, School, SchoolClass, SchoolYear, Term
from planner.students.models import Student
from tests.test_migrations import empty_db  # noqa: F401 (fixture)


def _migrate_before_school_years(monkeypatch):
    everything = migrations.available()
    monkeypatch.setattr(
        migrations, "available", lambda: everything[: everything.index("m0017_school_years")]
    )
    migrations.migrate()
    upto = everything[: everything.index("m0017_school_years") + 1]  # later ones are theirs
    monkeypatch.setattr(migrations, "available", lambda: upto)


def test_existing_terms_and_classes_move_into_school_years(empty_db, monkeypatch):  # noqa: F811
    empty_db()
    _migrate_before_school_years(monkeypatch)
    assert migrations.pending() == ["m0017_school_years"]
    agency = Agency.create(name="机构", code="AG")
    junior = School.create(agency=agency, name="一中", code="YZ", stage="junior")
    bare = School.create(agency=agency, name="二小", code="EX", stage="primary")
    spring = Term.insert(
        school=junior.id, name="春", start=dt.date(2026, 2, 23), end=dt.date(2026, 7, 3)
    ).execute()
    autumn = Term.insert(
        school=junior.id, name="秋", start=dt.date(2026, 9, 1), end=dt.date(2027, 1, 22)
    ).execute()
    seven = SchoolClass.insert(school=junior.id, grade=7, name="7(1)班").execute()
    nine = SchoolClass.insert(school=junior.id, grade=9, name="9(2)班", headteacher="吴").execute()
    other = SchoolClass.insert(school=bare.id, grade=3, name="3(1)班").execute()
    student = Student.insert(
        school=junior.id, archive_code="YZ-S-1", student_no="1", name="甲", school_class=nine
    ).execute()

    assert migrations.migrate() == ["m0017_school_years"]

    years = {y.start_year: y for y in SchoolYear.select().where(SchoolYear.school == junior.id)}
    assert sorted(years) == [2025, 2026]
    assert Term.get_by_id(spring).school_year_id == years[2025].id
    assert Term.get_by_id(autumn).school_year_id == years[2026].id
    assert years[2026].start == dt.date(2026, 8, 1) and years[2026].end == dt.date(2027, 7, 31)
    # the classes in use belong to the latest year; entry years follow the junior ladder
    c7, c9 = SchoolClass.get_by_id(seven), SchoolClass.get_by_id(nine)
    assert (c7.school_year_id, c7.entry_year, c7.name) == (years[2026].id, 2026, "7(1)班")
    assert (c9.school_year_id, c9.entry_year, c9.headteacher) == (years[2026].id, 2024, "吴")
    assert c9.cohort_label == "2024级2班"
    assert Student.get_by_id(student).school_class_id == nine
    # a school with no term gets one year; its class moves into it
    bare_year = SchoolYear.get(SchoolYear.school == bare.id)
    assert SchoolClass.get_by_id(other).school_year_id == bare_year.id
    # 7(1)班 may now exist again in another school year, not twice in one
    SchoolClass.create(school=junior.id, school_year=years[2025].id, grade=7, name="7(1)班")
    with pytest.raises(IntegrityError), database.atomic():
        SchoolClass.create(school=junior.id, school_year=years[2026].id, grade=7, name="7(1)班")
