"""Access control in one place: route rules by role, and query scoping by assignment.

Every view declares who may call it with @allow(...) or @public. A route without a
declaration is refused at run time (403) and fails the route-matrix test.
Record-level access goes through the scoping functions below, so views never repeat
the filter; a record outside the user's scope answers 404 so existence doesn't leak.
"""

from flask import abort
from peewee import JOIN

from planner.accounts.models import Supervision, TeacherClass, User, WorkerSchool
from planner.roles import ALL_ROLES, WORKER
from planner.schools.models import School, SchoolClass


def allow(*roles):
    """Mark a view as open to logged-in users with one of these roles."""
    unknown = set(roles) - set(ALL_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def mark(view):
        view.allowed_roles = frozenset(roles)
        return view

    return mark


def public(view):
    """Mark a view as open to anybody, logged in or not."""
    view.allowed_roles = None
    view.is_public = True
    return view


def view_rule(view):
    """(is_public, roles) for a view function; roles is None when undeclared."""
    if getattr(view, "is_public", False):
        return True, None
    return False, getattr(view, "allowed_roles", None)


def schools_query(user):
    """The schools this user may see."""
    query = School.select().where(School.agency == user.agency_id)
    if user.is_admin:
        return query
    if user.is_worker:
        ids = WorkerSchool.select(WorkerSchool.school).where(WorkerSchool.worker == user.id)
    elif user.is_supervisor:
        ids = (
            WorkerSchool.select(WorkerSchool.school)
            .join(Supervision, on=(Supervision.worker == WorkerSchool.worker))
            .where(Supervision.supervisor == user.id)
        )
    else:
        ids = (
            SchoolClass.select(SchoolClass.school)
            .join(TeacherClass, on=(TeacherClass.school_class == SchoolClass.id))
            .where(TeacherClass.teacher == user.id)
        )
    return query.where(School.id.in_(ids))


def workers_query(user):
    """The workers this user may see: admin all, supervisor theirs, worker themself."""
    query = User.select().where((User.agency == user.agency_id) & (User.role == WORKER))
    if user.is_admin:
        return query
    if user.is_supervisor:
        ids = Supervision.select(Supervision.worker).where(Supervision.supervisor == user.id)
        return query.where(User.id.in_(ids))
    if user.is_worker:
        return query.where(User.id == user.id)
    return query.where(User.id.is_null())


def classes_query(user):
    """The classes this user may see: teachers only their own."""
    query = SchoolClass.select(SchoolClass, School).join(School, JOIN.INNER)
    if user.is_teacher:
        ids = TeacherClass.select(TeacherClass.school_class).where(TeacherClass.teacher == user.id)
        return query.where(SchoolClass.id.in_(ids))
    return query.where(SchoolClass.school.in_(schools_query(user).select(School.id)))


def in_schools(model, user):
    """Rows of a model with a `school` foreign key, limited to the user's schools."""
    return model.select().where(model.school.in_(schools_query(user).select(School.id)))


def get_or_404(query, pk):
    """One row of an already-scoped query, or 404."""
    row = query.where(query.model.id == pk).first()
    if row is None:
        abort(404)
    return row


def school_or_404(user, school_id, plan=False):
    """One of the user's schools, or 404; with plan=True, 403 unless they may plan there."""
    school = get_or_404(schools_query(user), school_id)
    if plan and not can_plan(user, school.id):
        abort(403)
    return school


def program_scope(user):
    """The condition on Program that this user may see it: by school for staff; by class
    for teachers. A query with Program joined filters on it directly, with no subquery
    over Program again (PostgreSQL plans every join of a page's query on each request)."""
    from planner.sessions.models import Program, ProgramClass

    if user.is_teacher:
        mine = TeacherClass.select(TeacherClass.school_class).where(TeacherClass.teacher == user.id)
        return Program.id.in_(
            ProgramClass.select(ProgramClass.program).where(ProgramClass.school_class.in_(mine))
        )
    return Program.school.in_(schools_query(user).select(School.id))


def programs_query(user):
    """Programs this user may see: by school for staff; by class for teachers."""
    from planner.sessions.models import Program

    return Program.select().where(program_scope(user))


def programs_joined(user):
    """programs_query with each program's school, term, room and curriculum joined: what
    the program lists, the API and the documents read, in one query."""
    from planner.curricula.models import Curriculum
    from planner.schools.models import Room, Term
    from planner.sessions.models import Program

    return (
        programs_query(user)
        .select_extend(School, Term, Room, Curriculum)
        .join_from(Program, School)
        .join_from(Program, Term)
        .join_from(Program, Room)
        .join_from(Program, Curriculum)
    )


def sessions_query(user):
    """Sessions of the programs this user may see (with Program joined)."""
    from planner.sessions.models import Program, Session

    return Session.select(Session, Program).join(Program).where(program_scope(user))


def supervised_workers(user):
    """Ids of the workers this supervisor oversees (a subquery)."""
    return Supervision.select(Supervision.worker).where(Supervision.supervisor == user.id)


def supervised_programs(user):
    """Ids of the programs run by the workers this supervisor oversees (a subquery)."""
    from planner.sessions.models import ProgramWorker

    return (
        ProgramWorker.select(ProgramWorker.program)
        .join(Supervision, on=(Supervision.worker == ProgramWorker.worker))
        .where(Supervision.supervisor == user.id)
    )


def records_programs_query(user):
    """Programs whose student-level data (roster, members, attendance) this user may see:
    programs_query, narrowed for a supervisor to the programs of the workers they
    supervise (PRIVACY §2, least privilege; standard 4.5 confidentiality). Schedules,
    titles and plans stay readable through programs_query."""
    from planner.sessions.models import Program

    query = programs_query(user)
    if user.is_supervisor:
        query = query.where(Program.id.in_(supervised_programs(user)))
    return query


def students_scope(user):
    """Students this user may see: those of the user's schools; for a supervisor only the
    members (past or present) of the groups their workers run, not the whole school."""
    from planner.students.models import GroupMember, Student

    query = in_schools(Student, user)
    if user.is_supervisor:
        members = GroupMember.select(GroupMember.student).where(
            GroupMember.program.in_(supervised_programs(user))
        )
        query = query.where(Student.id.in_(members))
    return query


def can_plan(user, school_id) -> bool:
    """Workers of the school and admins change schedules; supervisors and teachers read."""
    return user.is_editor and schools_query(user).where(School.id == school_id).exists()
