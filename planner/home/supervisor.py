"""A supervisor's home: the reflections of the workers she supervises by state (the
review queue by default), filtered by worker, and per worker the counts she acts on:
reflections waiting, returned, and open safeguarding flags. Fixed query counts."""

from types import SimpleNamespace

from peewee import Case, fn

from planner.accounts.models import User
from planner.i18n import lazy_gettext as _l
from planner.reflections.models import FollowUp, Reflection
from planner.reflections.safeguarding import OPEN
from planner.schools.models import School
from planner.sessions.models import Program, Session

# the filter's states: key → label; "submitted" is the queue
STATES = {"submitted": _l("待督导"), "returned": _l("已退回"), "signed_off": _l("已签阅")}
SHOWN = 50  # rows of a state shown at once (signed-off reflections only grow)

_RETURNED = (Reflection.status == "draft") & (Reflection.supervisor_comment != "")
_WHERE = {
    "submitted": Reflection.status == "submitted",
    "returned": _RETURNED,
    "signed_off": Reflection.status == "signed_off",
}


def reviews(workers: list, worker_id: int | None, state: str) -> SimpleNamespace:
    """The reflections of `workers` (those the supervisor oversees, already loaded) in
    `state`, of one worker when worker_id is one of them: waiting ones oldest first, the
    others newest first, at most SHOWN. One query."""
    ids = [w.id for w in workers if worker_id is None or w.id == worker_id]
    order = (
        (Reflection.submitted_at, Reflection.id)
        if state == "submitted"
        else (Session.date.desc(), Reflection.id.desc())
    )
    rows = list(
        Reflection.select(
            Reflection.id,
            Reflection.session,
            Reflection.author,
            Reflection.status,
            Reflection.submitted_at,
            Session.id,
            Session.date,
            Session.seq,
            Session.program,
            Program.id,
            Program.title,
            Program.school,
            School.id,
            School.name,
            User.id,
            User.display_name,
        )
        .join(Session)
        .join(Program)
        .join(School)
        .join_from(Reflection, User, on=(Reflection.author == User.id), attr="author")
        .where(Reflection.author.in_(ids) & _WHERE[state])
        .order_by(*order)
        .limit(SHOWN + 1)
    )
    return SimpleNamespace(rows=rows[:SHOWN], more=len(rows) > SHOWN)


def counts(workers: list) -> dict:
    """{worker id: {"submitted", "returned", "flags"}} for these workers. Two queries."""
    ids = [w.id for w in workers]
    out = {wid: {"submitted": 0, "returned": 0, "flags": 0} for wid in ids}
    waiting = Case(None, [(Reflection.status == "submitted", 1)], 0)
    back = Case(None, [(_RETURNED, 1)], 0)
    for author, submitted, returned in (
        Reflection.select(Reflection.author, fn.SUM(waiting), fn.SUM(back))
        .where(Reflection.author.in_(ids))
        .group_by(Reflection.author)
        .tuples()
    ):
        out[author].update(submitted=int(submitted or 0), returned=int(returned or 0))
    for author, flags in (
        FollowUp.select(Reflection.author, fn.COUNT(FollowUp.id))
        .join(Reflection)
        .where(OPEN & Reflection.author.in_(ids))
        .group_by(Reflection.author)
        .tuples()
    ):
        out[author]["flags"] = flags
    return out
