"""`flask planner generate`: a deterministic synthetic agency, built with the app's own
models and services (placement through create_programs, codes through issue_codes).

small: 1 agency, 2 schools, 2 workers, 600 students, 1 term.
city: 100 schools, 100 workers, 10 supervisors, 60,000 students, 10 terms per school.

Everything random comes from one random.Random(seed), consumed in a fixed order, and the
dataset's "today" is the fixed AS_OF date: the same seed gives the same names, codes and
session dates on any database and any day. Sessions before AS_OF have their records
(attendance, headcounts, reflections); later ones are still planned.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass

AGENCY_CODE = "GEN"
AGENCY_NAME = "生成数据示范社会工作服务中心"
AS_OF = dt.date(2026, 12, 1)
PASSWORD = "gen-planner-2026"  # every generated login; printed by the command


class GenerateError(RuntimeError):
    """The dataset can't be generated here; the message says what to do."""


@dataclass(frozen=True)
class Scale:
    name: str
    stages: tuple  # one per school: primary (grades 1–6) / junior (7–9) / senior (10–12)
    per_class: int  # students per class; every school has 12 classes
    terms: int  # the terms ending with the one that contains AS_OF
    supervisors: int


# 40 % primary, 40 % junior, 20 % senior schools, interleaved
CITY_STAGES = tuple(("primary", "junior", "primary", "junior", "senior")[n % 5] for n in range(100))
SCALES = {
    "small": Scale("small", ("primary", "junior"), 25, 1, 1),
    "city": Scale("city", CITY_STAGES, 50, 10, 10),
}


def generate(scale_name: str, seed: int = 1, echo=print) -> dict:
    """Build the dataset; returns {table: rows} of the whole database at the end."""
    from planner.generate import org, plan, records
    from planner.models import MODELS
    from planner.schools.models import Agency

    scale = SCALES[scale_name]
    if Agency.select().where(Agency.code == AGENCY_CODE).exists():
        raise GenerateError(
            f"this database already has the generated agency ({AGENCY_CODE}); "
            "generate into a new database (nothing was changed)"
        )
    started = time.perf_counter()

    def progress(message):
        echo(f"[{time.perf_counter() - started:7.1f}s] {message}")

    rng = random.Random(seed)
    library = plan.load_library()
    terms = plan.term_dates(AS_OF, scale.terms)
    world = org.build(scale, rng, terms, progress)
    state = records.State()
    for index, term in enumerate(terms):
        programs = plan.place_term(world, index, library, rng)
        progress(f"term {index + 1}/{len(terms)} {term[0]}: {len(programs)} programs placed")
        made = records.record_term(world, index, programs, rng, state, AS_OF)
        progress(
            f"term {index + 1}/{len(terms)}: " + ", ".join(f"{v} {k}" for k, v in made.items())
        )
    from planner.db import database

    database.execute_sql("ANALYZE")  # bulk-loaded: the query planner needs current statistics
    counts = {m._meta.table_name: m.select().count() for m in MODELS}
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts
