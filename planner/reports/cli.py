"""`flask planner export`: the same documents as the web zip, written into a folder, as seen
by one user (an admin by default, so meeting records and evaluation reports are left out
unless --as names the program's worker or supervisor)."""

import os

from planner.accounts.models import User
from planner.audit.models import record
from planner.curricula.models import Curriculum
from planner.errors import PlannerError
from planner.exports import jobs
from planner.exports.kinds import KINDS, TERM
from planner.reports.docs import stats_context
from planner.reports.work_report import work_report_context
from planner.roles import ADMIN
from planner.schools.models import Room, School, Term
from planner.sessions.models import Program


class CliError(Exception):
    pass


def _user(username, agency_id):
    if username:
        user = User.get_or_none(User.username == username)
        if user is None or user.agency_id != agency_id or not user.active:
            raise CliError(f"no active user {username} in this program's agency")
        return user
    user = (
        User.select()
        .where((User.agency == agency_id) & (User.role == ADMIN) & User.active)
        .order_by(User.id)
        .first()
    )
    if user is None:
        raise CliError("the agency has no admin; pass --as USERNAME")
    return user


def _programs(where):
    return list(
        Program.select(Program, School, Term, Room, Curriculum)
        .join_from(Program, School)
        .join_from(Program, Term)
        .join_from(Program, Room)
        .join_from(Program, Curriculum)
        .where(where)
        .order_by(Program.id)
    )


def _term_docs(user, term, school, kind) -> list:
    """The school's term documents: its statistics (in "all"), its work report if asked."""
    items = []
    if kind in ("all", "term_stats"):
        items.append(jobs.Doc("term_stats", ctx=stats_context(user, term.name, "school", school)))
    if kind == "work_report":
        ctx = work_report_context(user, term.name, "school", school)
        items.append(jobs.Doc("work_report", ctx=ctx))
    return items


def run(program_id, term_id, kind, out_dir, username) -> list[str]:
    if kind != "all" and kind not in KINDS:
        raise CliError(f"unknown kind {kind}; one of {', '.join(KINDS)} or all")
    if program_id:
        programs = _programs(Program.id == program_id)
        if not programs:
            raise CliError(f"no program {program_id}")
        term = programs[0].term
    else:
        term = Term.select(Term, School).join(School).where(Term.id == term_id).first()
        if term is None:
            raise CliError(f"no term {term_id}")
        programs = _programs(Program.term == term.id)
    school = term.school
    user = _user(username, school.agency_id)
    items = []
    for program in programs:
        if kind == "all" or KINDS[kind].level != TERM:
            try:
                items += jobs.plan(user, program, kind)
            except PlannerError as err:
                if program_id:
                    raise CliError(str(err)) from err
    if term_id:
        items += _term_docs(user, term, school, kind)
    if not items:
        raise CliError(f"nothing to export of kind {kind} for this user")
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for doc in items:
        ctx = doc.ctx or jobs.context(doc.kind, doc.program, doc.session)
        name = jobs.file_name(ctx, doc.session)
        path = os.path.join(out_dir, name)
        with open(path, "wb") as fh:
            fh.write(jobs.render(ctx, school.agency_id))
        written.append(path)
    record(
        user,
        "export",
        "term" if term_id else "program",
        term_id or program_id,
        f"cli {kind} {len(written)} files",
    )
    return written
