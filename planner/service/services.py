"""The service records: who may read and write them, the lists with their counts, and the
writes. Plain functions that take the acting user, write inside write_tx and refuse with
PlannerError.

Who sees what:
- letters (8.2.2) and consultations (7.2, 7.4): the workers of the school write and read
  them, the supervisors of the school's workers read them; admins and teachers never (a
  letter's text is as sensitive as a reflection). Every read of a letter, and every list
  showing consultations with students, leaves an audit row;
- supervision sessions (6.2.2.2, 9.1 c): the supervisor who recorded one, and the workers
  who attended it;
- training (9.1 a–b): a worker her own, a supervisor her workers', an admin every worker
  of the agency (and an admin records for any of them);
- feedback and complaints (9.2 c, 10.1.2): anybody sends one through the school's public
  link; the school's workers and the admins read them and record the response.
"""

import datetime as dt
import secrets
from decimal import Decimal

from peewee import JOIN, fn

from planner.access import schools_query, workers_query
from planner.accounts.models import User
from planner.audit.models import record
from planner.db import ConflictError, now, save_versioned, write_tx
from planner.errors import CONFLICT, FORBIDDEN, NOT_FOUND, PlannerError
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.schools.models import School
from planner.service.models import (
    REPLY_DAYS,
    YEARLY_HOURS,
    Consultation,
    Feedback,
    FeedbackLink,
    Letter,
    SupervisionAttendee,
    SupervisionSession,
    Training,
)
from planner.students.models import Student

# a date a record may carry: not before this, nor in the future (a letter or a talk
# is recorded once it happened)
EARLIEST = dt.date(2000, 1, 1)


# --- scope -----------------------------------------------------------------------------


def may_read_records(user, school) -> bool:
    """Letters and consultations: workers of the school and their supervisors."""
    if not (user.is_worker or user.is_supervisor):
        return False
    return schools_query(user).where(School.id == school.id).exists()


def may_write_records(user, school) -> bool:
    return user.is_worker and may_read_records(user, school)


def check_school(user, school, write=False) -> None:
    """Refuse (FORBIDDEN) a user who may not read (or write) the school's records."""
    allowed = may_write_records(user, school) if write else may_read_records(user, school)
    if not allowed:
        raise PlannerError(_l("你没有权限查看这些记录。"), kind=FORBIDDEN)


def _past_date(value, field) -> dict:
    if value < EARLIEST or value > local_today():
        return {field: _l("日期不能晚于今天，也不能早于 2000 年。")}
    return {}


def _student(school, code: str, field="student_code"):
    """The school's (not archived) student with this archive code, or a field error."""
    student = Student.get_or_none(
        (Student.school == school.id) & (Student.archive_code == code) & ~Student.archived
    )
    if student is None:
        raise PlannerError(_l("本校没有这个档案编号的学生。"), field)
    return student


# --- letters (8.2.2) -------------------------------------------------------------------


def letters(user, school) -> list:
    """The school's letters, newest first, with their students (one query)."""
    check_school(user, school)
    return list(
        Letter.select(Letter, Student, User)
        .join(Student, JOIN.LEFT_OUTER)
        .join_from(Letter, User, on=(Letter.worker == User.id))
        .where(Letter.school == school.id)
        .order_by(Letter.received_on.desc(), Letter.id.desc())
    )


def record_letters_read(user, school, rows) -> None:
    """A list of letters shows who wrote them (archive codes): one audit row."""
    if not rows:
        return
    with write_tx():
        ids = ",".join(str(r.id) for r in rows)
        record(user, "view_letters", "school", school.id, f"letters={ids}")


def letter_for(user, letter_id, write=False):
    """A letter of one of the user's schools (404 otherwise), for reading or writing."""
    query = (
        Letter.select(Letter, School, Student)
        .join(School)
        .join_from(Letter, Student, JOIN.LEFT_OUTER)
        .where(Letter.school.in_(schools_query(user).select(School.id)))
    )
    letter = query.where(Letter.id == letter_id).first()
    if letter is None:
        raise PlannerError(_l("没有这封来信。"), kind=NOT_FOUND)
    check_school(user, letter.school, write)
    return letter


def read_letter(user, letter_id):
    """The letter, its read audited (the worker's own reads included: a letter may name
    a child)."""
    letter = letter_for(user, letter_id)
    with write_tx():
        record(user, "view_letter", "letter", letter.id, f"letter={letter.id}")
    return letter


def add_letter(user, school, data: dict) -> Letter:
    """Record a letter; an urgent one is a safeguarding flag at once (flagged_at)."""
    check_school(user, school, write=True)
    errors = _past_date(data["received_on"], "received_on")
    due = data["reply_due"]
    if not errors:  # a received date out of range has no due date to count from
        due = due or data["received_on"] + dt.timedelta(days=REPLY_DAYS)
        if due < data["received_on"] or due > data["received_on"] + dt.timedelta(days=366):
            errors["reply_due"] = _l("应回复日期须在收信日期之后一年内。")
    student = None
    if data["student_code"]:
        try:
            student = _student(school, data["student_code"])
        except PlannerError as err:
            errors.update(err.errors)
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    with write_tx():
        letter = Letter.create(
            school=school.id,
            worker=user.id,
            received_on=data["received_on"],
            channel=data["channel"],
            student=student,
            category=data["category"],
            urgent=data["urgent"],
            text=data["text"],
            reply_due=due,
            flagged_at=now() if data["urgent"] else None,
        )
        record(
            user, "add_letter", "letter", letter.id, f"letter={letter.id} urgent={data['urgent']}"
        )
    return letter


def reply_letter(user, letter, data: dict) -> None:
    """Set the reply due date and the date replied (empty: not yet)."""
    errors = {}
    if data["replied_on"] is not None:
        if data["replied_on"] < letter.received_on or data["replied_on"] > local_today():
            errors["replied_on"] = _l("回复日期须在收信日期和今天之间。")
    if data["reply_due"] < letter.received_on:
        errors["reply_due"] = _l("应回复日期须在收信日期之后一年内。")
    elif data["reply_due"] > letter.received_on + dt.timedelta(days=366):
        errors["reply_due"] = _l("应回复日期须在收信日期之后一年内。")
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    with write_tx():
        try:
            save_versioned(
                letter,
                data["version"],
                {"replied_on": data["replied_on"], "reply_due": data["reply_due"]},
            )
        except ConflictError as err:
            raise PlannerError(_l("这封来信已被他人修改，请刷新页面。"), kind=CONFLICT) from err


def overdue_letters(user, today: dt.date) -> list:
    """The worker's letters past their reply date, not replied (one query): her home."""
    return list(
        Letter.select(Letter.id, Letter.reply_due, Letter.received_on, School.name)
        .join(School)
        .where(
            (Letter.worker == user.id) & Letter.replied_on.is_null() & (Letter.reply_due < today)
        )
        .order_by(Letter.reply_due, Letter.id)
    )


def acknowledge_letter(user, letter_id) -> None:
    """The supervisor (or safeguarding lead) marks an urgent letter's flag as seen; the
    first acknowledgement stands. Who may: reflections.safeguarding.letter_flag_for."""
    with write_tx():
        (
            Letter.update(acknowledged_by=user.id, acknowledged_at=now())
            .where((Letter.id == letter_id) & Letter.acknowledged_at.is_null())
            .execute()
        )
        record(user, "acknowledge_letter", "letter", letter_id, f"letter={letter_id}")


# --- consultations (7.2, 7.4) ----------------------------------------------------------


def consultations(user, school) -> list:
    check_school(user, school)
    return list(
        Consultation.select(Consultation, Student, User)
        .join(Student, JOIN.LEFT_OUTER)
        .join_from(Consultation, User, on=(Consultation.worker == User.id))
        .where(Consultation.school == school.id)
        .order_by(Consultation.held_on.desc(), Consultation.id.desc())
    )


def person_counts(rows) -> dict:
    """人次 by kind: a student consultation is one, a teacher or parent one counts its
    people."""
    out: dict[str, int] = {}
    for row in rows:
        out[row.kind] = out.get(row.kind, 0) + row.people
    return out


def record_consultations_read(user, school, rows) -> None:
    """Consultations with students shown: one audit row with their ids."""
    ids = ",".join(str(r.id) for r in rows if r.student_id)
    if ids:
        with write_tx():
            record(user, "view_consultations", "school", school.id, f"consultations={ids}")


def add_consultation(user, school, data: dict) -> Consultation:
    check_school(user, school, write=True)
    errors = _past_date(data["held_on"], "held_on")
    student, people = None, data["people"]
    if data["kind"] == "student":
        people = 1
        if not data["student_code"]:
            errors["student_code"] = _l("与学生的会谈请填写学生的档案编号。")
        else:
            try:
                student = _student(school, data["student_code"])
            except PlannerError as err:
                errors.update(err.errors)
    elif data["student_code"]:
        errors["student_code"] = _l("与教师或家长的会谈不填学生档案编号。")
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    with write_tx():
        return Consultation.create(
            school=school.id,
            worker=user.id,
            held_on=data["held_on"],
            kind=data["kind"],
            student=student,
            people=people,
            purpose=data["purpose"],
            minutes=data["minutes"],
            note=data["note"],
        )


# --- supervision sessions (6.2.2.2, 9.1 c) ---------------------------------------------


def supervision_sessions(user) -> list:
    """A supervisor's sessions, or those a worker attended, newest first, each with its
    workers (two queries)."""
    query = SupervisionSession.select(SupervisionSession, User).join(
        User, on=(SupervisionSession.supervisor == User.id)
    )
    if user.is_supervisor:
        query = query.where(SupervisionSession.supervisor == user.id)
    elif user.is_worker:
        attended = SupervisionAttendee.select(SupervisionAttendee.session).where(
            SupervisionAttendee.worker == user.id
        )
        query = query.where(SupervisionSession.id.in_(attended))
    else:
        raise PlannerError(_l("你没有权限查看这些记录。"), kind=FORBIDDEN)
    rows = list(query.order_by(SupervisionSession.held_on.desc(), SupervisionSession.id.desc()))
    names: dict[int, list] = {r.id: [] for r in rows}
    if rows:
        for session_id, name in (
            SupervisionAttendee.select(SupervisionAttendee.session, User.display_name)
            .join(User, on=(SupervisionAttendee.worker == User.id))
            .where(SupervisionAttendee.session.in_(list(names)))
            .order_by(User.display_name)
            .tuples()
        ):
            names[session_id].append(name)
    for row in rows:
        row.worker_names = names[row.id]
    return rows


def supervision_choices(user) -> dict:
    """{worker id: name} of the workers this supervisor oversees (active)."""
    return {
        w.id: w.display_name
        for w in workers_query(user).where(User.active).order_by(User.display_name, User.id)
    }


def add_supervision(user, data: dict) -> SupervisionSession:
    """A session of this supervisor with some of her workers: one for individual
    supervision, two or more for a group."""
    if not user.is_supervisor:
        raise PlannerError(_l("只有督导可以记录督导。"), kind=FORBIDDEN)
    errors = _past_date(data["held_on"], "held_on")
    chosen = set(data["workers"])
    if not chosen <= set(supervision_choices(user)):
        errors["workers"] = _l("请选择你督导的社工。")
    elif data["mode"] == "individual" and len(chosen) != 1:
        errors["workers"] = _l("个体督导只选一位社工。")
    elif data["mode"] == "group" and len(chosen) < 2:
        errors["workers"] = _l("团体督导至少选两位社工。")
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    with write_tx():
        session = SupervisionSession.create(
            supervisor=user.id,
            held_on=data["held_on"],
            mode=data["mode"],
            kind=data["kind"],
            minutes=data["minutes"],
            topics=data["topics"],
            discussed=data["discussed"],
            actions=data["actions"],
        )
        SupervisionAttendee.insert_many(
            [{"session": session.id, "worker": w} for w in sorted(chosen)]
        ).execute()
    return session


# --- training (9.1 a–b) ----------------------------------------------------------------


def year_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar year 9.1 b counts the 36 hours in."""
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def trainings(user) -> list:
    """The training records the user may read (her own, her workers', the agency's),
    newest first, with their workers (one query)."""
    if user.is_teacher:
        raise PlannerError(_l("你没有权限查看这些记录。"), kind=FORBIDDEN)
    return list(
        Training.select(Training, User)
        .join(User, on=(Training.worker == User.id))
        .where(Training.worker.in_(workers_query(user).select(User.id)))
        .order_by(Training.held_on.desc(), Training.id.desc())
    )


def continuing_tenths(user, today: dt.date) -> list:
    """[(worker, tenths of continuing education this year)] for every active worker the
    user may read, fewest first (one query)."""
    start, end = year_bounds(today)
    hours = fn.COALESCE(fn.SUM(Training.tenths), 0)
    return list(
        workers_query(user)
        .select(User.id, User.display_name, hours.alias("tenths"))
        .join(
            Training,
            JOIN.LEFT_OUTER,
            on=(
                (Training.worker == User.id)
                & (Training.kind == "continuing")
                & (Training.held_on.between(start, end))
            ),
        )
        .where(User.active)
        .group_by(User.id, User.display_name)
        .order_by(hours, User.display_name, User.id)
    )


def below_yearly(user, today: dt.date) -> list:
    """The admin's home: workers short of the 36 hours this year (one query)."""
    return [w for w in continuing_tenths(user, today) if w.tenths < YEARLY_HOURS * 10]


def training_choices(user) -> dict | None:
    """An admin records for any worker of the agency: {id: name}; a worker for herself."""
    if not user.is_admin:
        return None
    return {
        w.id: w.display_name
        for w in workers_query(user).where(User.active).order_by(User.display_name, User.id)
    }


def add_training(user, data: dict) -> Training:
    if user.is_worker:
        worker_id = user.id
    elif user.is_admin:
        worker_id = data["worker"]
        if worker_id not in (training_choices(user) or {}):
            raise PlannerError(_l("请选择本机构的社工。"), "worker")
    else:
        raise PlannerError(_l("你没有权限记录培训。"), kind=FORBIDDEN)
    errors = _past_date(data["held_on"], "held_on")
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    with write_tx():
        return Training.create(
            worker=worker_id,
            kind=data["kind"],
            course=data["course"],
            held_on=data["held_on"],
            tenths=int(Decimal(data["hours"]) * 10),
            certificate=data["certificate"],
            recorded_by=user.id,
        )


# --- feedback and complaints (9.2 c, 10.1.2) -------------------------------------------


def may_handle_feedback(user, school) -> bool:
    """The school's workers and the agency's admins read and answer feedback."""
    if not (user.is_admin or user.is_worker):
        return False
    return schools_query(user).where(School.id == school.id).exists()


def feedback_link(user, school) -> str:
    """The school's public token, made on first use (kept, so a printed code works)."""
    if not may_handle_feedback(user, school):
        raise PlannerError(_l("你没有权限查看这些记录。"), kind=FORBIDDEN)
    link = FeedbackLink.get_or_none(FeedbackLink.school == school.id)
    if link is None:
        with write_tx():
            FeedbackLink.insert(
                school=school.id, token=secrets.token_urlsafe(18)
            ).on_conflict_ignore().execute()
        link = FeedbackLink.get(FeedbackLink.school == school.id)
    return link.token


def school_of_token(token: str):
    """The (not archived) school of a public feedback token, or NOT_FOUND."""
    school = (
        School.select()
        .join(FeedbackLink)
        .where((FeedbackLink.token == token[:40]) & ~School.archived)
        .first()
    )
    if school is None:
        raise PlannerError(_l("这个反馈链接无效。"), kind=NOT_FOUND)
    return school


def send_feedback(school, data: dict) -> Feedback:
    """Anybody's feedback or complaint: nothing about the sender is required."""
    with write_tx():
        return Feedback.create(
            school=school.id,
            kind=data["kind"],
            sender=data["sender"],
            text=data["text"],
            contact=data["contact"],
        )


def feedback_of(user, school) -> list:
    if not may_handle_feedback(user, school):
        raise PlannerError(_l("你没有权限查看这些记录。"), kind=FORBIDDEN)
    return list(
        Feedback.select(Feedback, User)
        .join(User, JOIN.LEFT_OUTER, on=(Feedback.responded_by == User.id))
        .where(Feedback.school == school.id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )


def feedback_item(user, feedback_id) -> Feedback:
    """One feedback of the user's schools with its school (NOT_FOUND otherwise), if the
    user may handle it (FORBIDDEN otherwise)."""
    item = (
        Feedback.select(Feedback, School)
        .join(School)
        .where(
            (Feedback.id == feedback_id)
            & Feedback.school.in_(schools_query(user).select(School.id))
        )
        .first()
    )
    if item is None:
        raise PlannerError(_l("没有这条反馈。"), kind=NOT_FOUND)
    if not may_handle_feedback(user, item.school):
        raise PlannerError(_l("你没有权限查看这些记录。"), kind=FORBIDDEN)
    return item


def respond(user, feedback_id, data: dict) -> Feedback:
    """Record the response to one feedback of the user's schools (404 otherwise)."""
    item = feedback_item(user, feedback_id)
    with write_tx():
        try:
            save_versioned(
                item,
                data["version"],
                {"response": data["response"], "responded_by": user.id, "responded_at": now()},
            )
        except ConflictError as err:
            raise PlannerError(_l("这条反馈已被他人处理，请刷新页面。"), kind=CONFLICT) from err
    return item


def open_complaints(user) -> list:
    """The admin's home: complaints of the agency's schools without a response (one
    query), oldest first."""
    return list(
        Feedback.select(Feedback.id, Feedback.created_at, School.id, School.name)
        .join(School)
        .where(
            (Feedback.kind == "complaint")
            & (Feedback.responded_at.is_null())
            & Feedback.school.in_(schools_query(user).select(School.id))
        )
        .order_by(Feedback.created_at, Feedback.id)
    )
