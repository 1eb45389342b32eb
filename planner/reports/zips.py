"""A whole term's documents as one zip: every program's documents the user may export and
the school's term statistics (the page's zip button and the queue's job, issue 19)."""

from planner.access import programs_joined, schools_query
from planner.errors import NOT_FOUND, PlannerError
from planner.exports import jobs
from planner.reports.docs import stats_context
from planner.schools.models import School, Term
from planner.sessions.models import Program


def term_in_scope(user, term_id):
    """The term of one of the user's schools (with its school), or None."""
    return (
        Term.select(Term, School)
        .join(School)
        .where((Term.id == term_id) & Term.school.in_(schools_query(user).select(School.id)))
        .first()
    )


def term_items(user, term) -> list:
    """The documents of the term's programs this user may export, then the statistics;
    [] when no program has a session yet."""
    programs = list(programs_joined(user).where(Program.term == term.id).order_by(Program.id))
    items = []
    for program in programs:
        try:
            items += jobs.plan(user, program)
        except PlannerError:
            continue  # a program with no sessions yet has nothing to add
    if not items:
        return []
    return items + [
        jobs.Doc("term_stats", ctx=stats_context(user, term.name, "school", term.school))
    ]


def _items(user, job) -> list:
    term = term_in_scope(user, job.target_id)
    if term is None:
        raise PlannerError(jobs.GONE, kind=NOT_FOUND)
    items = term_items(user, term)
    if not items:
        raise PlannerError(jobs.NO_SESSIONS)
    return items


def build_term(job_id: int) -> None:
    """The queue's job: a term's zip."""
    jobs.build_zip(job_id, _items)
