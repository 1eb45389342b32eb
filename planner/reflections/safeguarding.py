"""Safeguarding flags (安全关注) always reach a person who must act: T/JHSX 001—2026 4.1,
protecting life comes before every other principle.

Who must act on an open flag (a follow-up ticked as safeguarding, not yet acknowledged):
- the active supervisors of the program's workers (those who write its reflection);
- when none of them has an active supervisor, the agency's safeguarding lead
  (Agency.safeguarding_lead, an active admin or supervisor of the agency);
- a flag left unacknowledged past the agency's `escalation_hours` is escalated
  (planner/reflections/escalation.py) and goes to the lead as well, marked 已升级;
- an agency without a lead: every admin of the agency stands in for the lead, and their
  dashboard warns 未指定安全事项负责人 while a worker has no supervisor.
The lead may acknowledge any open flag of the agency; a supervisor those of their workers.
Workers see the open flags of their own programs on their dashboard.

An urgent 社工信箱 letter (planner/service/, standard 8.2.2) is a flag of the same kind:
it goes to the active supervisors of the worker who recorded it, else to the lead, and to
the lead once escalated; the lead (or the admins standing in) sees its code and school,
never its text.
"""

import functools
import operator
from types import SimpleNamespace

from peewee import JOIN, Value

from planner.access import get_or_404, supervised_workers
from planner.accounts.models import Supervision, User
from planner.reflections.models import FollowUp, Reflection
from planner.roles import ADMIN, SUPERVISOR, WORKER
from planner.schools.models import Agency, School
from planner.service.models import Letter
from planner.sessions.models import Program, ProgramWorker, Session
from planner.students.models import Student

OPEN = FollowUp.safeguarding & FollowUp.acknowledged_at.is_null()


def lead_of(agency_id) -> User | None:
    """The agency's safeguarding lead, when one is chosen and can still act: an active
    admin or supervisor of the agency (a deactivated lead counts as none)."""
    return (
        User.select()
        .join(Agency, on=(Agency.safeguarding_lead == User.id))
        .where(
            (Agency.id == agency_id)
            & (User.agency == agency_id)
            & User.active
            & User.role.in_([ADMIN, SUPERVISOR])
        )
        .first()
    )


def lead_candidates(agency_id) -> dict:
    """{user id: name} of those who may be chosen as the lead: the agency's active admins
    and supervisors."""
    query = (
        User.select(User.id, User.display_name, User.username)
        .where((User.agency == agency_id) & User.active & User.role.in_([ADMIN, SUPERVISOR]))
        .order_by(User.display_name, User.id)
    )
    return {u.id: f"{u.display_name}（{u.username}）" for u in query}


def covered_workers():
    """The workers who have an active supervisor (a subquery). Flags, urgent letters and
    case-note concerns (home/case_flags.py) of the others go to the lead."""
    boss = User.alias()
    return (
        Supervision.select(Supervision.worker)
        .join(boss, on=(Supervision.supervisor == boss.id))
        .where(boss.active)
    )


def _supervised_programs():
    """Programs at least one of whose workers has an active supervisor."""
    return ProgramWorker.select(ProgramWorker.program).where(
        ProgramWorker.worker.in_(covered_workers())
    )


def _programs_of_supervised_workers(user):
    return ProgramWorker.select(ProgramWorker.program).where(
        ProgramWorker.worker.in_(supervised_workers(user))
    )


def _in_agency(user):
    return Program.school.in_(School.select(School.id).where(School.agency == user.agency_id))


def stands_in(user, lead) -> bool:
    """Does this user receive the lead's flags: the lead, or any admin when there is none."""
    return user.id == lead.id if lead is not None else user.is_admin


def _reach(user, lead):
    """The open flags this user must act on (None: none at all)."""
    parts = []
    if user.is_supervisor:
        parts.append(Session.program.in_(_programs_of_supervised_workers(user)))
    if stands_in(user, lead):
        parts.append(~Session.program.in_(_supervised_programs()))
        parts.append(FollowUp.escalated_at.is_null(False))
    if not parts:
        return None
    return _in_agency(user) & functools.reduce(operator.or_, parts)


def _flags(where, readable):
    """Open flags with their reflection, session, program, author and student, oldest
    session first (one query)."""
    return list(
        FollowUp.select(
            FollowUp,
            Reflection,
            Session,
            Program,
            User,
            Student,
            readable.alias("readable"),
            (~Session.program.in_(_supervised_programs())).alias("unsupervised"),
        )
        .join(Reflection)
        .join(Session)
        .join(Program)
        .join_from(Reflection, User, on=(Reflection.author == User.id), attr="author")
        .join_from(FollowUp, Student, JOIN.LEFT_OUTER)
        .where(OPEN & where)
        .order_by(Session.date, Session.start, FollowUp.id)
    )


def open_flags(user, lead) -> list:
    """The open flags this user must act on, drafts included (a child's safety doesn't
    wait for the write-up): a supervisor's workers', and for the lead (or the admins when
    there is none) those of unsupervised workers and the escalated ones. Each row says
    whether the user may open the reflection (`readable`: they supervise its workers) and
    why it came to them (`unsupervised`, `escalated_at`)."""
    reach = _reach(user, lead)
    if reach is None:
        return []
    readable = (
        Session.program.in_(_programs_of_supervised_workers(user))
        if user.is_supervisor
        else Value(False)
    )
    return _flags(reach, readable)


def may_see_queue(user, lead) -> bool:
    """Supervisors always have a queue; an admin only as the lead or standing in for one."""
    return user.is_supervisor or stands_in(user, lead)


def to_acknowledge(user, follow_up_id):
    """A flag this user may acknowledge, or 404: the lead any of the agency's, a supervisor
    those of their workers (and, standing in for the lead, those routed to the lead)."""
    lead = lead_of(user.agency_id)
    if lead is not None and lead.id == user.id:
        where = _in_agency(user)
    else:
        where = _reach(user, lead)
    if where is None:
        where = Value(False)
    query = (
        FollowUp.select(FollowUp, Reflection)
        .join(Reflection)
        .join(Session)
        .join(Program)
        .where(FollowUp.safeguarding & where)
    )
    return get_or_404(query, follow_up_id)


def _unsupervised_worker_exists(agency_id) -> bool:
    covered = covered_workers()
    return (
        User.select()
        .where(
            (User.agency == agency_id)
            & (User.role == WORKER)
            & User.active
            & User.id.not_in(covered)
        )
        .exists()
    )


LETTER_OPEN = Letter.urgent & Letter.flagged_at.is_null(False) & Letter.acknowledged_at.is_null()


def _letter_reach(user, lead):
    """The urgent letters this user must act on (None: none at all)."""
    parts = []
    if user.is_supervisor:
        parts.append(Letter.worker.in_(supervised_workers(user)))
    if stands_in(user, lead):
        parts.append(~Letter.worker.in_(covered_workers()))
        parts.append(Letter.escalated_at.is_null(False))
    if not parts:
        return None
    agency = Letter.school.in_(School.select(School.id).where(School.agency == user.agency_id))
    return agency & functools.reduce(operator.or_, parts)


def _letter_flags(where, readable):
    """Open urgent letters with school, worker and student code, oldest first (one
    query). `readable`: the user may open the letter (its text)."""
    return list(
        Letter.select(
            Letter.id,
            Letter.received_on,
            Letter.category,
            Letter.escalated_at,
            School.name.alias("school_name"),
            User.display_name.alias("worker_name"),
            Student.archive_code.alias("code"),
            readable.alias("readable"),
        )
        .join(School)
        .join_from(Letter, User, on=(Letter.worker == User.id))
        .join_from(Letter, Student, JOIN.LEFT_OUTER)
        .where(LETTER_OPEN & where)
        .order_by(Letter.received_on, Letter.id)
        .objects()
    )


def letter_flags(user, lead) -> list:
    """The open urgent letters this user must act on (a worker: those she recorded)."""
    if user.is_worker:
        return _letter_flags(Letter.worker == user.id, Value(True))
    reach = _letter_reach(user, lead)
    if reach is None:
        return []
    readable = Letter.worker.in_(supervised_workers(user)) if user.is_supervisor else Value(False)
    return _letter_flags(reach, readable)


def letter_flag_for(user, letter_id):
    """An urgent letter this user may acknowledge, or 404: the lead any of the agency's,
    a supervisor those of her workers (and those routed to the lead she stands in for)."""
    lead = lead_of(user.agency_id)
    if lead is not None and lead.id == user.id:
        where = Letter.school.in_(School.select(School.id).where(School.agency == user.agency_id))
    else:
        where = _letter_reach(user, lead)
    if where is None:
        where = Value(False)
    return get_or_404(Letter.select().where(Letter.urgent & where), letter_id)


def dashboard(user) -> SimpleNamespace:
    """The dashboard's safeguarding card: the open flags (no notes: codes and links only)
    and, for an admin of an agency with no lead while a worker has no supervisor, the
    warning; the urgent letters beside them. A worker: the flags of her own programs and
    her urgent letters. Four queries at most."""
    if user.is_teacher:
        return SimpleNamespace(flags=[], letters=[], warning=False, lead=None)
    if user.is_worker:
        mine = ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == user.id)
        flags = _flags(Session.program.in_(mine), Value(True))
        letters = letter_flags(user, None)
        return SimpleNamespace(flags=flags, letters=letters, warning=False, lead=None)
    lead = lead_of(user.agency_id)
    warning = user.is_admin and lead is None and _unsupervised_worker_exists(user.agency_id)
    return SimpleNamespace(
        flags=open_flags(user, lead),
        letters=letter_flags(user, lead),
        warning=warning,
        lead=lead,
    )
