"""School years (学年) and grade ladders: which school year a date falls in, the grades a
school's stage runs through, where a cohort enters and where it graduates.

A school year starts in autumn: a term starting August–December starts year Y (Y—Y+1学年),
one starting January–July belongs to the year that started the autumn before."""

import datetime as dt
import re

from peewee import fn

from planner.i18n import local_today
from planner.schools.models import School, SchoolYear

# Each stage's bands: (entry grade, graduating grade). A 完全中学 has a junior band whose
# students leave after grade 9 and a senior band that takes in new students at grade 10.
LADDERS = {
    "primary": ((1, 6),),
    "junior": ((7, 9),),
    "senior": ((10, 12),),
    "nine_year": ((1, 9),),
    "complete": ((7, 9), (10, 12)),
}


def start_year_of(day: dt.date) -> int:
    """2026 for any day from 2026-08-01 to 2027-07-31."""
    return day.year if day.month >= 8 else day.year - 1


def default_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    """1 August to 31 July: the school year's span when no term says otherwise."""
    return dt.date(start_year, 8, 1), dt.date(start_year + 1, 7, 31)


def bands(stage: str) -> tuple:
    return LADDERS.get(stage, ((1, 12),))


def band_of(stage: str, grade: int):
    """The (entry, graduating) band the grade belongs to, or None."""
    return next((b for b in bands(stage) if b[0] <= grade <= b[1]), None)


def entry_grades(stage: str) -> list[int]:
    return [b[0] for b in bands(stage)]


def graduating_grades(stage: str) -> list[int]:
    return [b[1] for b in bands(stage)]


def entry_year_of(stage: str, grade: int, start_year: int):
    """The cohort's entry year (入学年份): a grade 8 class in 2026—2027 entered in 2025."""
    band = band_of(stage, grade)
    return start_year - (grade - band[0]) if band else None


def next_class_name(name: str, grade: int, new_grade: int) -> str:
    """7(1)班 → 8(1)班; a name not led by its grade keeps its text after the new grade."""
    match = re.match(r"^\s*(\d+)(.*)$", name)
    if match and int(match.group(1)) == grade:
        return f"{new_grade}{match.group(2)}"
    return f"{new_grade}年级{name}"[:40]


def year_for(school_id: int, day: dt.date) -> SchoolYear:
    """The school year holding the day, created (with default bounds) if missing. Call
    inside the write transaction."""
    start_year = start_year_of(day)
    year = SchoolYear.get_or_none(
        (SchoolYear.school == school_id) & (SchoolYear.start_year == start_year)
    )
    if year is None:
        start, end = default_bounds(start_year)
        year = SchoolYear.create(school=school_id, start_year=start_year, start=start, end=end)
    return year


def current_year(school_id: int) -> SchoolYear:
    """The year new classes belong to: the latest year that has classes (after a rollover,
    the new one; a next year holding only a term made early does not count), else the
    school's latest year, else the year of today. Call inside the write transaction."""
    from planner.schools.models import SchoolClass

    years = SchoolYear.select().where(SchoolYear.school == school_id)
    with_classes = (
        years.where(fn.EXISTS(SchoolClass.select().where(SchoolClass.school_year == SchoolYear.id)))
        .order_by(SchoolYear.start_year.desc())
        .first()
    )
    latest = with_classes or years.order_by(SchoolYear.start_year.desc()).first()
    return latest or year_for(school_id, local_today())


def class_defaults(school: School, grade: int) -> dict:
    """The school year and entry year a new class of this grade gets."""
    year = current_year(school.id)
    return {
        "school_year": year.id,
        "entry_year": entry_year_of(school.stage, grade, year.start_year),
    }


def years_of(school_id: int) -> list:
    return list(
        SchoolYear.select()
        .where(SchoolYear.school == school_id)
        .order_by(SchoolYear.start_year.desc())
    )


def summaries(school_id: int) -> list:
    """The school's years, newest first, each with its terms and its number of classes."""
    from peewee import fn

    from planner.schools.models import SchoolClass, Term

    rows = years_of(school_id)
    counts = dict(
        SchoolClass.select(SchoolClass.school_year, fn.COUNT(SchoolClass.id))
        .where(SchoolClass.school == school_id)
        .group_by(SchoolClass.school_year)
        .tuples()
    )
    terms = {}
    for term in Term.select().where(Term.school == school_id).order_by(Term.start):
        terms.setdefault(term.school_year_id, []).append(term)
    for year in rows:
        year.class_count = counts.get(year.id, 0)
        year.term_list = terms.get(year.id, [])
    return rows


def latest_year_id(school_id: int):
    """The school's latest year's id, or None (reads only)."""
    year = (
        SchoolYear.select(SchoolYear.id)
        .where(SchoolYear.school == school_id)
        .order_by(SchoolYear.start_year.desc())
        .first()
    )
    return year.id if year else None
