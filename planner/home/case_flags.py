"""Safeguarding concerns raised in case notes, on the home page's safeguarding card beside
the reflections' flags and the urgent letters (T/JHSX 001—2026 4.1: a concern always
reaches a person who must act).

Who sees an open concern (a case note marked safeguarding, not yet acknowledged):
- the case worker and the co-worker: those of their own cases;
- the active supervisors of either (who also have it on the case-note queue);
- the agency's safeguarding lead, or every admin standing in when there is none
  (reflections/safeguarding.py): the concerns of cases whose workers have no active
  supervisor, and every escalated one (reflections/escalation.py).
The lead and the admins see the case's archive code, school, date and worker only: never
the note, never a link into the case (admins never read a case, cases/services.py). They
may acknowledge what reaches them; a supervisor acknowledges on her queue.
"""

import functools
import operator

from peewee import Value

from planner.access import get_or_404, supervised_workers
from planner.accounts.models import User
from planner.cases.models import Case, CaseNote
from planner.reflections.safeguarding import covered_workers, lead_of, stands_in
from planner.schools.models import School

OPEN = CaseNote.safeguarding & CaseNote.acknowledged_at.is_null()


def _team_of(workers):
    return Case.worker.in_(workers) | Case.co_worker.in_(workers)


def _unsupervised():
    """Cases none of whose team has an active supervisor."""
    covered = covered_workers()
    return ~Case.worker.in_(covered) & (Case.co_worker.is_null() | ~Case.co_worker.in_(covered))


def _in_agency(user):
    return Case.school.in_(School.select(School.id).where(School.agency == user.agency_id))


def _reach(user, lead):
    """The open concerns this user must act on (None: none at all)."""
    if user.is_worker:
        return (Case.worker == user.id) | (Case.co_worker == user.id)
    parts = []
    if user.is_supervisor:
        parts.append(_team_of(supervised_workers(user)))
    if stands_in(user, lead):
        parts.append(_unsupervised())
        parts.append(CaseNote.escalated_at.is_null(False))
    if not parts:
        return None
    return _in_agency(user) & functools.reduce(operator.or_, parts)


def case_flags(user, lead) -> list:
    """The open concerns raised in case notes that this user must act on, oldest first
    (one query): code, school, date, worker, whether escalated, and `readable` (the case's
    worker or a supervisor of its team may open it)."""
    if user.is_teacher:
        return []
    reach = _reach(user, lead)
    if reach is None:
        return []
    if user.is_worker:
        readable = Value(True)
    elif user.is_supervisor:
        readable = _team_of(supervised_workers(user))
    else:
        readable = Value(False)
    return list(
        CaseNote.select(
            CaseNote.id,
            CaseNote.held_on,
            CaseNote.escalated_at,
            Case.id.alias("case_id"),
            Case.archive_code.alias("code"),
            School.name.alias("school_name"),
            User.display_name.alias("worker_name"),
            readable.alias("readable"),
        )
        .join(Case)
        .join(School)
        .join_from(Case, User, on=(Case.worker == User.id))
        .where(OPEN & reach)
        .order_by(CaseNote.flagged_at, CaseNote.id)
        .objects()
    )


def case_flag_for(user, note_id) -> CaseNote:
    """An open concern this user may acknowledge, or 404: the lead any of the agency's, a
    supervisor those of her workers' cases, an admin standing in those routed to the lead."""
    lead = lead_of(user.agency_id)
    if lead is not None and lead.id == user.id:
        where = _in_agency(user)
    elif user.is_worker:
        where = None
    else:
        where = _reach(user, lead)
    query = CaseNote.select(CaseNote, Case).join(Case).where(CaseNote.safeguarding)
    return get_or_404(query.where(where if where is not None else Value(False)), note_id)
