"""Build a generated agency into the database, term by term (see planner.generate)."""

import random
import time

from planner.db import database
from planner.generate import org, plan, pyramid, records, service
from planner.generate.scales import AGENCY_CODE, AS_OF, SCALES, GenerateError
from planner.models import MODELS
from planner.schools.models import Agency


def generate(scale_name: str, seed: int = 1, echo=print) -> dict:
    """Build the dataset; returns {table: rows} of the whole database at the end."""
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
        made.update(pyramid.screen_term(world, index, programs, rng, state, AS_OF))
        made.update(service.service_term(world, index, rng, AS_OF))
        progress(
            f"term {index + 1}/{len(terms)}: " + ", ".join(f"{v} {k}" for k, v in made.items())
        )
    database.execute_sql("ANALYZE")  # bulk-loaded: the query planner needs current statistics
    counts = {m._meta.table_name: m.select().count() for m in MODELS}
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts
