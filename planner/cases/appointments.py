"""Case sessions on the calendar (个案会谈; 介入, standard T/JHSX 001—2026 8.3.4).

An appointment is a date, a time and a room of the case's school (usually the 个案工作室)
for the case worker or the co-worker. It is busy time like any session: a new or moved
appointment is checked against the sessions and the other appointments of the same worker
and room by sessions/placement.py's busy_sessions, the one query programs use, and
placement checks programs against appointments the same way. It is refused with the clash
in words.

Who: the case's team, by services.case_for (the case worker and co-worker book and change
appointments; their supervisors read them); nobody else. Outside the case's own pages an
appointment is only "个案会谈", its time and room: the worker's feed and any clash shown to
a colleague carry no name and no code. The worker's own agenda and home page add the
case's archive code (only she sees them); teachers and admins never see an appointment.
Every read of a case's appointments is audited, codes only.
"""

import datetime as dt
import hashlib

from peewee import JOIN, fn

from planner.accounts.models import User
from planner.audit.models import record
from planner.calendars.models import BellPeriod
from planner.calendars.services import day_map
from planner.cases.models import Case, CaseAppointment, CaseNote
from planner.cases.services import CLOSED, STALE, case_for
from planner.db import ConflictError, database, is_sqlite, save_versioned, write_tx
from planner.errors import CONFLICT, NOT_FOUND, PlannerError
from planner.i18n import format_day, local_today
from planner.i18n import lazy_gettext as _l
from planner.schools.models import ROOM_KINDS, Room, School
from planner.sessions.placement import Spec, busy_sessions, describe, find_conflicts

CASE_ROOM = "case_room"  # 个案工作室: offered first
DAY_FALLBACK = (dt.time(7, 0), dt.time(20, 0))  # a school without a bell schedule
BEFORE_FIRST_BELL = dt.timedelta(hours=1)
AFTER_LAST_BELL = dt.timedelta(hours=2)
DAYS_AHEAD = 366
MAX_MINUTES = 240

NOT_FOUND_APPOINTMENT = _l("找不到这次个案会谈。")
PAST = _l("不能把个案会谈安排在已经过去的日期。")
TOO_FAR = _l("个案会谈最多提前一年安排。")
END_BEFORE_START = _l("结束时间必须晚于开始时间。")
TOO_LONG = _l("一次个案会谈最长 %(n)s 分钟。", n=MAX_MINUTES)
BAD_ROOM = _l("请选择本校的场地。")
BAD_WORKER = _l("会谈社工应是本个案的社工或协同社工。")
BAD_NOTE = _l("请选择本个案的一条服务记录。")
NOTE_ONLY_HELD = _l("会谈进行后才能关联服务记录。")
HELD_IN_FUTURE = _l("还没到会谈日期，不能标记为已进行。")
HELD_FIXED = _l("已进行的会谈不能再改时间、场地或状态。")


# ---- what the forms offer ---------------------------------------------------------------


def room_choices(school_id) -> dict:
    """{id: "name（kind）"} of the school's rooms in use, 个案工作室 first (one query)."""
    rooms = (
        Room.select(Room.id, Room.name, Room.kind)
        .where((Room.school == school_id) & ~Room.archived)
        .order_by(Room.kind != CASE_ROOM, Room.name, Room.id)
    )
    return {r.id: f"{r.name}（{ROOM_KINDS.get(r.kind, r.kind)}）" for r in rooms}


def worker_choices(case) -> dict:
    """{id: name} of the case worker and the co-worker (one query)."""
    team = [i for i in (case.worker_id, case.co_worker_id) if i]
    return {
        u.id: u.display_name
        for u in User.select(User.id, User.display_name)
        .where(User.id.in_(team) & User.active)
        .order_by(User.id != case.worker_id, User.id)
    }


def note_choices(case) -> dict:
    """{id: "date kind"} of the case's notes, for linking the note written after a session."""
    notes = (
        CaseNote.select(CaseNote.id, CaseNote.held_on, CaseNote.kind)
        .where(CaseNote.case == case.id)
        .order_by(CaseNote.held_on.desc(), CaseNote.id.desc())
    )
    return {n.id: f"{format_day(n.held_on, with_weekday=False)} {n.kind_label}" for n in notes}


# ---- the case's appointments ------------------------------------------------------------


def page(user, case_id, write=False) -> tuple:
    """(case, its appointments with room and worker, soonest first) for the case's team;
    the read is audited (codes only)."""
    case = case_for(user, case_id, write)
    rows = list(
        CaseAppointment.select(CaseAppointment, Room, User)
        .join(Room, on=(CaseAppointment.room == Room.id))
        .join_from(CaseAppointment, User, on=(CaseAppointment.worker == User.id))
        .where(CaseAppointment.case == case.id)
        .order_by(CaseAppointment.date.desc(), CaseAppointment.start.desc(), CaseAppointment.id)
    )
    with write_tx():
        record(
            user,
            "case_appointments_read",
            "case",
            case.id,
            f"code={case.archive_code} appointments={len(rows)}",
        )
    return case, rows


def school_day(school_id) -> tuple:
    """(earliest start, latest end) of an appointment at this school: an hour before its
    first bell to two hours after its last (a lunch break or after school), or 07:00–20:00
    without a bell schedule. One query."""
    first, last = (
        BellPeriod.select(fn.MIN(BellPeriod.start), fn.MAX(BellPeriod.end))
        .where(BellPeriod.school == school_id)
        .tuples()
        .first()
    ) or (None, None)
    if first is None or last is None:
        return DAY_FALLBACK
    first, last = _as_time(first), _as_time(last)
    base = dt.date(2000, 1, 1)
    start = dt.datetime.combine(base, first) - BEFORE_FIRST_BELL
    end = dt.datetime.combine(base, last) + AFTER_LAST_BELL
    return (
        start.time() if start.date() == base else dt.time(0, 0),
        end.time() if end.date() == base else dt.time(23, 59),
    )


def _as_time(value):
    """MIN/MAX of a TIME column come back as text on SQLite."""
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value)[:8])


def _check_slot(case, values: dict, today: dt.date) -> None:
    """Everything about the slot that needs no other booking: PlannerError with every
    problem by field."""
    errors = {}
    day, start, end = values["date"], values["start"], values["end"]
    if values["worker_id"] not in worker_choices(case):
        errors["worker_id"] = BAD_WORKER
    if values["room_id"] not in room_choices(case.school_id):
        errors["room_id"] = BAD_ROOM
    if day < today:
        errors["date"] = PAST
    elif day > today + dt.timedelta(days=DAYS_AHEAD):
        errors["date"] = TOO_FAR
    else:
        info = day_map(case.school_id, day, day)[day]
        if info.timetable_weekday is None:  # the one rule for "no school today"
            reason = info.blocked_by.name if info.blocked_by else _l("周末")
            errors["date"] = _l(
                "%(day)s 不是上学日（%(reason)s）。",
                day=format_day(day, with_weekday=False),
                reason=reason,
            )
    if end <= start:
        errors["end"] = END_BEFORE_START
    else:
        minutes = (dt.datetime.combine(day, end) - dt.datetime.combine(day, start)).seconds // 60
        first, last = school_day(case.school_id)
        if start < first or end > last:
            errors["start"] = _l(
                "个案会谈应在学校的作息时间内（%(start)s–%(end)s）。",
                start=first.strftime("%H:%M"),
                end=last.strftime("%H:%M"),
            )
        elif minutes > MAX_MINUTES:
            errors["end"] = TOO_LONG
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)


def _lock(day: dt.date) -> None:
    """Serialise bookings of one day on PostgreSQL, so two at once can't both pass the
    clash check (SQLite's BEGIN IMMEDIATE already does)."""
    if not is_sqlite():
        key = int(hashlib.sha1(f"case-appointments-{day}".encode()).hexdigest()[:12], 16)
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))


def _check_clashes(case, values: dict, exclude_id=None) -> None:
    """Refuse a slot that overlaps a session or another appointment of the same worker or
    room (placement's busy_sessions: the same check programs get). Inside write_tx."""
    day = values["date"]
    spec = Spec(
        case.school_id,
        None,
        values["room_id"],
        [values["worker_id"]],
        [],
        [],
        0,
        exclude_appointment_id=exclude_id,
    )
    clashes = find_conflicts(busy_sessions(spec, day, day), day, values["start"], values["end"])
    if clashes:
        words = "；".join(str(describe(c)) for c in clashes)
        raise PlannerError(words, "schedule", errors={"schedule": words})


def _check_open(case):
    if not case.is_open:
        raise PlannerError(CLOSED, kind=CONFLICT)


def book(user, case, values: dict) -> CaseAppointment:
    """A new appointment of an open case (case from case_for(write=True)), refused with
    the clash when its worker or room is busy then."""
    _check_open(case)
    _check_slot(case, values, local_today())
    with write_tx():
        _lock(values["date"])
        _check_clashes(case, values)
        appointment = CaseAppointment.create(
            case=case.id,
            worker=values["worker_id"],
            room=values["room_id"],
            date=values["date"],
            start=values["start"],
            end=values["end"],
            created_by=user.id,
        )
        record(
            user,
            "case_appointment_new",
            "case",
            case.id,
            f"code={case.archive_code} appointment={appointment.id}",
        )
    return appointment


def appointment_of(case, appointment_id) -> CaseAppointment:
    found = CaseAppointment.get_or_none(
        (CaseAppointment.id == appointment_id) & (CaseAppointment.case == case.id)
    )
    if found is None:
        raise PlannerError(NOT_FOUND_APPOINTMENT, kind=NOT_FOUND)
    return found


def _slot(row) -> tuple:
    return (row.worker_id, row.room_id, row.date, row.start, row.end)


def update(user, case, appointment_id, values: dict) -> CaseAppointment:
    """Move, hold, cancel or re-plan one appointment, and link the case note written after
    it (versioned). A held appointment keeps its slot and status; only its note changes.
    A new slot, or a cancelled one planned again, is checked as a booking is."""
    appointment = appointment_of(case, appointment_id)
    today = local_today()
    status, note_id = values["status"], values.get("case_note_id")
    new_slot = (values["worker_id"], values["room_id"], values["date"], values["start"])
    new_slot += (values["end"],)
    moved = new_slot != _slot(appointment)
    errors = {}
    if appointment.status == "held" and (moved or status != "held"):
        errors["status"] = HELD_FIXED
    elif status == "held" and values["date"] > today:
        errors["status"] = HELD_IN_FUTURE
    if note_id:
        if status != "held":
            errors["case_note_id"] = NOTE_ONLY_HELD
        elif (
            not CaseNote.select()
            .where((CaseNote.id == note_id) & (CaseNote.case == case.id))
            .exists()
        ):
            errors["case_note_id"] = BAD_NOTE
    if errors:
        raise PlannerError(next(iter(errors.values())), errors=errors)
    if status != "cancelled" or moved:
        _check_open(case)
    # a new slot is checked as a booking is; a live one also for clashes (a cancelled
    # appointment planned again included)
    slot_check = moved or (status != "cancelled" and appointment.status == "cancelled")
    recheck = slot_check and status != "cancelled"
    if slot_check:
        _check_slot(case, values, today)
    data = {
        "worker": values["worker_id"],
        "room": values["room_id"],
        "date": values["date"],
        "start": values["start"],
        "end": values["end"],
        "status": status,
        "case_note": note_id or None,
        "sequence": CaseAppointment.sequence + 1,
    }
    try:
        with write_tx():
            if recheck:
                _lock(values["date"])
                _check_clashes(case, values, exclude_id=appointment.id)
            save_versioned(appointment, values["version"], data)
            record(
                user,
                "case_appointment_update",
                "case",
                case.id,
                f"code={case.archive_code} appointment={appointment.id} status={status}",
            )
    except ConflictError as err:
        raise PlannerError(STALE, "status", kind=CONFLICT) from err
    return appointment


# ---- the worker's calendar --------------------------------------------------------------


def calendar_of(user, start: dt.date, end: dt.date, live_only=False) -> list:
    """The worker's own appointments in [start, end] with room, school and the case's
    archive code, for her agenda and home page (one query; nobody else's, and nothing
    for anyone but a worker: a teacher or an admin never sees an appointment)."""
    if not user.is_worker:
        return []
    query = (
        CaseAppointment.select(
            CaseAppointment.id,
            CaseAppointment.case,
            CaseAppointment.date,
            CaseAppointment.start,
            CaseAppointment.end,
            CaseAppointment.status,
            Case.id,
            Case.archive_code,
            Room.id,
            Room.name,
            School.id,
            School.name,
        )
        .join(Case)
        .join(School, JOIN.INNER, on=(Case.school == School.id))
        .join_from(CaseAppointment, Room, on=(CaseAppointment.room == Room.id))
        .where(
            (CaseAppointment.worker == user.id)
            & CaseAppointment.date.between(start, end)
            & ~School.archived
        )
        .order_by(CaseAppointment.date, CaseAppointment.start, CaseAppointment.id)
    )
    if live_only:
        query = query.where(CaseAppointment.status != "cancelled")
    return list(query)


def feed_rows(worker_id, since: dt.date) -> list:
    """A worker's appointments from `since` for her calendar feed: date, times, status,
    sequence and the room's name, nothing of the case (one query)."""
    return list(
        CaseAppointment.select(
            CaseAppointment.id,
            CaseAppointment.date,
            CaseAppointment.start,
            CaseAppointment.end,
            CaseAppointment.status,
            CaseAppointment.sequence,
            CaseAppointment.updated_at,
            Room.id,
            Room.name,
        )
        .join(Room, on=(CaseAppointment.room == Room.id))
        .where((CaseAppointment.worker == worker_id) & (CaseAppointment.date >= since))
        .order_by(CaseAppointment.date, CaseAppointment.start, CaseAppointment.id)
    )
