"""`flask planner generate`: a deterministic synthetic agency, built with the app's own
models and services (placement through create_programs, codes through issue_codes).

small: 1 agency, 2 schools, 2 workers, 600 students, 1 term.
city: 100 schools, 100 workers, 10 supervisors, 60,000 students, 10 terms per school.

Everything random comes from one random.Random(seed), consumed in a fixed order, and the
dataset's "today" is the fixed AS_OF date: the same seed gives the same names, codes and
session dates on any database and any day. Sessions before AS_OF have their records
(attendance, headcounts, reflections); later ones are still planned.

scales.py holds the sizes and the fixed values, build.py the run; org.py, plan.py and
records.py make the agency, its programs and their records.
"""
