"""Run mode operations: load a session for the room, record a tap, save the quick notes.
Plain functions: no request here; the acting user is passed in."""

import datetime as dt

from peewee import EXCLUDED, JOIN, IntegrityError, fn

from planner.access import sessions_query, supervised_programs
from planner.audit.models import record as audit
from planner.curricula.models import Activity, Curriculum, SessionTemplate
from planner.db import ConflictError, now, save_versioned, write_tx
from planner.errors import CONFLICT, PlannerError
from planner.i18n import format_short, local_now, local_today
from planner.i18n import lazy_gettext as _l
from planner.reflections.models import Reflection
from planner.runs.held import mark_held
from planner.runs.models import ATTENDANCE, Attendance, SessionRecord
from planner.schools.models import Room
from planner.sessions.models import Program, ProgramWorker, Session
from planner.students.consent import consenting_ids, has_consent
from planner.students.models import GroupMember, Student
from planner.students.names import check_no_names

# One tap moves a tile on: present → late → left early → excused → absent → present.
NEXT_STATUS = dict(zip([None, *ATTENDANCE], [*ATTENDANCE, next(iter(ATTENDANCE))]))
# A tablet whose clock runs ahead would otherwise win every later tap for that member.
MAX_CLOCK_AHEAD = dt.timedelta(minutes=2)


def load_session(user, session_id):
    """The session with program, template, curriculum, room, and the user's link to the
    program as link_id (0 when none) in one query; None outside the user's scope."""
    link = ProgramWorker.alias()
    query = (
        sessions_query(user)
        .select_extend(SessionTemplate, Curriculum, Room, fn.COALESCE(link.id, 0).alias("link_id"))
        .join_from(Session, SessionTemplate)
        .join_from(SessionTemplate, Curriculum)
        .join_from(Session, Room)
        .join_from(
            Program,
            link,
            JOIN.LEFT_OUTER,
            on=(link.program == Program.id) & (link.worker == user.id),
        )
        .where(Session.id == session_id)
    )
    if user.is_supervisor:  # the tiles name the members: only their workers' groups
        query = query.where(Program.id.in_(supervised_programs(user)))
    return query.first()


def can_run(user, session) -> bool:
    """Admins and the program's own workers mark attendance and write notes."""
    return user.is_admin or (user.is_worker and bool(session.link_id))


def is_group(session) -> bool:
    return session.template.curriculum.kind == "group"


def activities(session):
    """The plan's activities in order (one query)."""
    return list(
        Activity.select().where(Activity.session == session.template_id).order_by(Activity.order)
    )


def members(session, today=None):
    """Active members with their student and this session's attendance (one query), and
    whether each has active attendance consent (one more), ordered by archive code.
    Archived students are not processed any more and get no tile."""
    query = (
        GroupMember.select(GroupMember, Student, Attendance)
        .join(Student)
        .join_from(
            GroupMember,
            Attendance,
            JOIN.LEFT_OUTER,
            attr="attendance_row",
            on=(Attendance.student == GroupMember.student) & (Attendance.session == session.id),
        )
        .where((GroupMember.program == session.program_id) & GroupMember.active & ~Student.archived)
        .order_by(Student.archive_code)
    )
    rows = list(query)
    consented = consenting_ids([m.student_id for m in rows], "attendance", today)
    for m in rows:
        m.consented = m.student_id in consented
        row = getattr(m, "attendance_row", None)
        m.att_status = row.status if row is not None else None
    return rows


def audit_admin_view(user, session, rows):
    """An admin opening a group's tiles sees members' names outside any caseload of
    theirs (PRIVACY §5): one audit row, with archive codes, never names."""
    codes = ",".join(m.student.archive_code for m in rows)
    audit(
        user,
        "outside_caseload",
        "session",
        session.id,
        f"run page program={session.program_id} members={codes}",
    )


def record_of(session):
    """The session's quick-notes record, or None (one query)."""
    return SessionRecord.get_or_none(SessionRecord.session == session.id)


def attendance_state(session) -> dict:
    """{student id: status} for the session: what the tablets converge on (one query)."""
    rows = Attendance.select(Attendance.student, Attendance.status).where(
        Attendance.session == session.id
    )
    return {row.student_id: row.status for row in rows}


def tap_time(tapped_at):
    """The tablet's tap time as naive UTC; missing → now; too far ahead → now."""
    server_now = now()
    if tapped_at is None:
        return server_now
    if tapped_at.tzinfo is not None:
        tapped_at = tapped_at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return server_now if tapped_at > server_now + MAX_CLOCK_AHEAD else tapped_at


def check_member(session, student_id, today=None):
    """Refuse a tap for a non-member, an archived student (no longer processed) or a member
    without active attendance consent (PRIVACY §1: processing stops on the next request
    after a withdrawal). Two queries."""
    member = (
        Student.select(Student.archived)
        .join(GroupMember)
        .where(
            (GroupMember.program == session.program_id)
            & (GroupMember.student == student_id)
            & GroupMember.active
        )
        .first()
    )
    if member is None:
        raise PlannerError(_l("该学生不是本小组的在册成员，无法点名。"))
    if member.archived:
        raise PlannerError(_l("该学生档案已归档，不再记录出勤。"))
    if not has_consent(student_id, "attendance", today):
        raise PlannerError(_l("该学生没有有效的出勤记录知情同意（未签署或已撤回），不能记录出勤。"))


def check_started(session, at=None):
    """Attendance and notes record what happened in the room (clause 10.2.1, a record of
    the service process): refused for a session that has not started yet (Beijing time)."""
    at = at or local_now()
    starts = dt.datetime.combine(session.date, session.start)
    if starts > at:
        raise PlannerError(
            _l(
                "本次活动还没有开始（%(day)s %(time)s 开始），开始前不能点名或填写随堂记录。",
                day=format_short(session.date),
                time=session.start.strftime("%H:%M"),
            ),
            kind=CONFLICT,
        )


def is_future(session, at=None) -> bool:
    """True before the session's start (Beijing time): the run page says taps wait."""
    at = at or local_now()
    return dt.datetime.combine(session.date, session.start) > at


def signed_off(session) -> bool:
    """The session's reflection is signed off by the supervisor (one query): its
    attendance is locked, and changed only as a correction with a reason."""
    return (
        Reflection.select(Reflection.id)
        .where((Reflection.session == session.id) & (Reflection.status == "signed_off"))
        .exists()
    )


def check_correction(session, reason, school_id):
    """After sign-off a tap needs a reason (no student's name in it: the audit log and
    the supervisor read it); returns whether this tap is such a correction."""
    if not signed_off(session):
        return False
    if not reason.strip():
        raise PlannerError(
            _l("本次活动的反思已经督导签阅，出勤已锁定；更正出勤须填写更正原因。"),
            "reason",
            kind=CONFLICT,
        )
    check_no_names({"reason": reason}, {"reason": _l("更正原因")}, school_ids=[school_id])
    return True


def record_tap(session, student_id, status, tapped_at, user, if_unset=False, reason=""):
    """Upsert one member's attendance; the latest tap (by tapped_at) wins.

    With if_unset (全部出席) the tap only fills a member nobody has marked yet: a status
    already set, an excused absence say, is never overwritten, whichever tap is older.

    One INSERT … ON CONFLICT DO UPDATE … WHERE statement: atomic on SQLite and
    PostgreSQL, so concurrent taps never duplicate a row or lose the newest one, and an
    older tap that arrives late (a tablet back online) changes nothing. On SQLite the
    times are stored as text ('YYYY-MM-DD HH:MM:SS[.ffffff]'), which sorts as the times do.
    Returns the member's attendance as it stands afterwards (.applied: this tap won)."""
    if session.status == "cancelled":
        raise PlannerError(_l("本次活动已取消，不能点名。"), kind=CONFLICT)
    check_started(session)
    check_member(session, student_id)
    correction = check_correction(session, reason, session.program.school_id)
    if correction:  # a correction is made now, and wins over every earlier tap
        tapped_at, if_unset = None, False
        before = attendance_state(session).get(student_id)
    when = tap_time(tapped_at)
    insert = Attendance.insert(
        session=session.id,
        student=student_id,
        status=status,
        tapped_at=when,
        recorded_by=user.id,
        updated_at=now(),
    )
    if if_unset:
        insert.on_conflict_ignore().execute()
    else:
        insert.on_conflict(
            conflict_target=[Attendance.session, Attendance.student],
            update={
                Attendance.status: EXCLUDED.status,
                Attendance.tapped_at: EXCLUDED.tapped_at,
                Attendance.recorded_by: EXCLUDED.recorded_by_id,
                Attendance.updated_at: EXCLUDED.updated_at,
            },
            where=(Attendance.tapped_at < EXCLUDED.tapped_at),
        ).execute()
    row = Attendance.get((Attendance.session == session.id) & (Attendance.student == student_id))
    row.applied = row.tapped_at == when and row.status == status
    if correction:
        code = Student.get_by_id(student_id).archive_code
        audit(
            user,
            "attendance_fix",
            "session",
            session.id,
            f"{code}：{ATTENDANCE[before] if before else '—'} → {ATTENDANCE[status]}；{reason.strip()}",
        )
    return row


def save_record(session, values, with_headcount):
    """Save the quick notes (and the headcount of a 社工课堂 lesson) if the version the
    form was opened with is still current; ConflictError otherwise.

    A tablet that lost the network sends each save with its own save_id, and the ids of
    its earlier saves it never got an answer to (unanswered). A resend of the save that
    wrote the record as it stands changes nothing; a save on top of the tablet's own
    unanswered save goes through. Any other newer version is another device's: conflict.
    So a resend never duplicates text, and nothing typed offline is lost silently."""
    check_started(session)
    save_id = values.get("save_id", "")
    data = {"notes": values.get("notes", ""), "save_id": save_id}
    if with_headcount:
        data["headcount"] = values.get("headcount")
    expected = values["version"]
    ours = {i for i in values.get("unanswered", "").split(",") if i}
    with write_tx():
        record = record_of(session)
        if record is None:
            if expected != 0:
                raise ConflictError("SessionRecord")
            try:
                return SessionRecord.create(session=session.id, **data)
            except IntegrityError:  # another tablet created it a moment ago
                raise ConflictError("SessionRecord") from None
        if save_id and record.save_id == save_id:
            return record  # this very save went through already; its answer was lost
        if record.version != expected and record.save_id and record.save_id in ours:
            expected = record.version  # the newer version is this tablet's own save
        save_versioned(record, expected, data)
        return record


def sessions_today(user, day=None):
    """Today's sessions the user may run or view, earliest first (one query). Workers:
    the sessions of their own programs; supervisors: those of their workers' programs."""
    day = day or local_today()
    query = (
        sessions_query(user)
        .select_extend(SessionTemplate, Room)
        .join_from(Session, SessionTemplate)
        .join_from(Session, Room)
        .where(Session.date == day)
        .order_by(Session.start, Session.id)
    )
    return mark_held(_runnable(user, query), day)


def _runnable(user, query):
    """Narrow a sessions query to those the user may run: a worker's own programs, a
    supervisor's workers' groups."""
    if user.is_worker:
        return query.where(
            Program.id.in_(
                ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == user.id)
            )
        )
    if user.is_supervisor:
        return query.where(Program.id.in_(supervised_programs(user)))
    return query


def upcoming_session(user, day=None):
    """The first session after today that the user may run and that is not cancelled, or
    None: what /run/today names on a free day (one query)."""
    day = day or local_today()
    query = (
        sessions_query(user)
        .select_extend(SessionTemplate)
        .join_from(Session, SessionTemplate)
        .where((Session.date > day) & (Session.status != "cancelled"))
        .order_by(Session.date, Session.start, Session.id)
    )
    return _runnable(user, query).first()


def next_session(sessions, at=None):
    """The session to open now: the first not yet ended, else the last that has ended
    (notes are often written straight after); cancelled sessions are skipped."""
    at = at or local_now().time()
    live = [s for s in sessions if s.status != "cancelled"]
    upcoming = [s for s in live if s.end >= at]
    if upcoming:
        return upcoming[0]
    return live[-1] if live else None
