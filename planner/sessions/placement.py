"""Auto-placement: put a curriculum's N sessions, in order, on the first valid slots.

Skips holidays, exam days and closures; a 调休 day runs the timetable of the weekday it
follows; respects the minimum gap; reports every conflict (same worker, room or class at
an overlapping time) naming the other session. A case session (个案会谈, planner/cases)
on the calendar is busy time too, of its worker and its room: the two queries below
(busy_sessions for one program, BusyIndex.load for a batch) read appointments through
appointments_busy, so every placement, move, bump, edit and re-plan sees them, and a new
appointment is checked against sessions and appointments by the same busy_sessions. An
appointment is never a class's clash: that would tell a class's other workers that one of
its students is in casework. Nothing here writes.
"""

import datetime as dt
from dataclasses import dataclass, field

from planner.calendars.services import day_map, teaching_week, week_monday
from planner.cases.models import APPOINTMENT_TITLE, CaseAppointment
from planner.i18n import format_short
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Room
from planner.sessions.models import (
    Program,
    ProgramClass,
    ProgramWorker,
    Session,
    display_title,
)

WEEKDAYS = {
    1: _l("周一"),
    2: _l("周二"),
    3: _l("周三"),
    4: _l("周四"),
    5: _l("周五"),
    6: _l("周六"),
    7: _l("周日"),
}


@dataclass
class Rule:
    """A weekly slot, already resolved to clock times."""

    weekday: int
    start: dt.time
    end: dt.time
    period_id: int | None = None
    every_weeks: int = 1
    class_id: int | None = None  # a slot of one class: its series becomes a program of its own


@dataclass
class Spec:
    """What to place: everything a Program holds, before it is saved."""

    school_id: int
    term: object
    room_id: int
    worker_ids: list
    class_ids: list
    rules: list
    count: int
    start_week: int = 1
    min_gap_days: int = 1
    exclude_program_id: int | None = None
    days: dict | None = None  # the term's day_map, when a batch has it already
    exclude_appointment_id: int | None = None  # an appointment being moved


@dataclass
class Placed:
    seq: int
    date: dt.date
    start: dt.time
    end: dt.time
    period_id: int | None
    week: int
    makeup_weekday: int | None = None  # a 调休 day: the weekday whose timetable it runs
    conflicts: list = field(default_factory=list)  # Conflict values


@dataclass
class Preview:
    placed: list
    skipped: list  # Skip values
    shortfall: int

    @property
    def conflicts(self):
        return [c for p in self.placed for c in p.conflicts]

    @property
    def ok(self):
        return not self.shortfall and not self.conflicts


def _overlaps(a_start, a_end, b_start, b_end):
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class Skip:
    """A slot passed over: the day, and the calendar entry that blocks it (name, kind)."""

    date: dt.date
    name: str
    kind: str  # a calendars.models.DAY_KINDS key


@dataclass(frozen=True)
class Conflict:
    """A clash of one slot with another session: of its room, a worker or a class."""

    kind: str  # "room", "worker" or "class"
    other: "Busy"


def candidate_slots(spec: Spec, after: dt.datetime | None = None):
    """Yield ('slot', date, rule, makeup weekday or None) and ('skip', Skip) in time order."""
    term = spec.term
    first = week_monday(term.start) + dt.timedelta(weeks=spec.start_week - 1)
    first = max(first, term.start)
    days = spec.days or day_map(spec.school_id, first, term.end)
    day = first
    while day <= term.end:
        info = days[day]
        week_index = teaching_week(term, day) - spec.start_week
        wanted = [r for r in spec.rules if week_index % r.every_weeks == 0]
        plain = [r for r in wanted if r.weekday == day.isoweekday()]
        if info.blocked_by and plain:
            yield ("skip", Skip(day, info.blocked_by.name, info.blocked_by.kind))
        runs = info.timetable_weekday
        for rule in sorted((r for r in wanted if r.weekday == runs), key=lambda r: r.start):
            if after and dt.datetime.combine(day, rule.start) <= after:
                continue
            yield ("slot", day, rule, runs if info.makeup else None)
        day += dt.timedelta(days=1)


@dataclass
class Busy:
    """A session (or a case appointment) that might clash: just what the check and its
    message need. An appointment's title is only 个案会谈: no name, no code."""

    id: int
    date: dt.date
    start: dt.time
    end: dt.time
    seq: int
    title: str
    what: str = "session"  # or "appointment"


def appointments_busy(start: dt.date, end: dt.date, which, exclude_id=None):
    """[(Busy, room id, worker id)] for the live case appointments in [start, end] that
    match `which` (a condition on CaseAppointment): one query, ids and times only."""
    query = CaseAppointment.select(
        CaseAppointment.id,
        CaseAppointment.date,
        CaseAppointment.start,
        CaseAppointment.end,
        CaseAppointment.room,
        CaseAppointment.worker,
    ).where(
        CaseAppointment.date.between(start, end) & (CaseAppointment.status != "cancelled") & which
    )
    if exclude_id:
        query = query.where(CaseAppointment.id != exclude_id)
    title = str(APPOINTMENT_TITLE)
    return [
        (Busy(aid, day, a_start, a_end, 0, title, "appointment"), room_id, worker_id)
        for aid, day, a_start, a_end, room_id, worker_id in query.tuples()
    ]


def busy_sessions(spec: Spec, start: dt.date, end: dt.date):
    """date → [(kind, Busy)] for sessions sharing the room, a worker or a class.

    One light query for the sessions (columns, not models: this runs once per program
    placed, 2,000 times for a city's term) and two id-only queries to classify them."""
    worker_programs = (
        set()
        if not spec.worker_ids
        else {
            pid
            for (pid,) in ProgramWorker.select(ProgramWorker.program)
            .where(ProgramWorker.worker.in_(spec.worker_ids))
            .tuples()
        }
    )
    class_programs = (
        set()
        if not spec.class_ids
        else {
            pid
            for (pid,) in ProgramClass.select(ProgramClass.program)
            .where(ProgramClass.school_class.in_(spec.class_ids))
            .tuples()
        }
    )
    related = worker_programs | class_programs
    which = Session.room == spec.room_id
    if related:
        which = which | Session.program.in_(list(related))
    query = (
        Session.select(
            Session.id,
            Session.date,
            Session.start,
            Session.end,
            Session.seq,
            Session.room,
            Session.program,
            Program.title,
            Program.group_name,
        )
        .join(Program)
        .where(Session.date.between(start, end) & (Session.status != "cancelled") & which)
    )
    if spec.exclude_program_id:
        query = query.where(Session.program != spec.exclude_program_id)
    found = {}
    for sid, day, s_start, s_end, seq, room_id, program_id, title, group in query.tuples():
        other = Busy(sid, day, s_start, s_end, seq, display_title(title, group))
        kinds = [
            k
            for k, hit in (
                ("room", room_id == spec.room_id),
                ("worker", program_id in worker_programs),
                ("class", program_id in class_programs),
            )
            if hit
        ]
        for kind in kinds:
            found.setdefault(other.date, []).append((kind, other))
    which = CaseAppointment.room == spec.room_id
    if spec.worker_ids:
        which = which | CaseAppointment.worker.in_(spec.worker_ids)
    for other, room_id, worker_id in appointments_busy(
        start, end, which, spec.exclude_appointment_id
    ):
        if room_id == spec.room_id:
            found.setdefault(other.date, []).append(("room", other))
        if worker_id in spec.worker_ids:
            found.setdefault(other.date, []).append(("worker", other))
    return found


class BusyIndex:
    """Sessions that may clash, indexed by room, worker and class, kept in memory while a
    batch of programs is placed: loaded once, then each placed program is added to it."""

    KINDS = ("room", "worker", "class")

    def __init__(self):
        self.by = {kind: {} for kind in self.KINDS}

    def add(self, busy: Busy, room_id, worker_ids, class_ids):
        for kind, keys in zip(self.KINDS, ([room_id], worker_ids, class_ids)):
            for key in keys:
                self.by[kind].setdefault(key, {}).setdefault(busy.date, []).append(busy)

    def for_spec(self, spec: Spec) -> dict:
        """The same shape as busy_sessions(): date → [(kind, Busy)]."""
        found = {}
        for kind, keys in zip(self.KINDS, ([spec.room_id], spec.worker_ids, spec.class_ids)):
            for key in keys:
                for day, items in self.by[kind].get(key, {}).items():
                    found.setdefault(day, []).extend((kind, b) for b in items)
        return found

    @classmethod
    def load(cls, start: dt.date, end: dt.date, school_ids, worker_ids):
        """Every live session and case appointment in [start, end] at these schools or
        with these workers."""
        workers, classes = {}, {}
        for pid, wid in ProgramWorker.select(ProgramWorker.program, ProgramWorker.worker).tuples():
            workers.setdefault(pid, []).append(wid)
        for pid, cid in ProgramClass.select(
            ProgramClass.program, ProgramClass.school_class
        ).tuples():
            classes.setdefault(pid, []).append(cid)
        worker_programs = [p for p, ws in workers.items() if set(ws) & set(worker_ids)]
        query = (
            Session.select(
                Session.id,
                Session.date,
                Session.start,
                Session.end,
                Session.seq,
                Session.room,
                Session.program,
                Program.title,
                Program.group_name,
            )
            .join(Program)
            .where(
                Session.date.between(start, end)
                & (Session.status != "cancelled")
                & (Program.school.in_(list(school_ids)) | Session.program.in_(worker_programs))
            )
        )
        index = cls()
        for sid, day, s_start, s_end, seq, room_id, pid, title, group in query.tuples():
            index.add(
                Busy(sid, day, s_start, s_end, seq, display_title(title, group)),
                room_id,
                workers.get(pid, []),
                classes.get(pid, []),
            )
        rooms = Room.select(Room.id).where(Room.school.in_(list(school_ids)))
        which = CaseAppointment.room.in_(rooms)
        if worker_ids:
            which = which | CaseAppointment.worker.in_(list(worker_ids))
        for busy, room_id, worker_id in appointments_busy(start, end, which):
            index.add(busy, room_id, [worker_id], [])
        return index


KIND_LABELS = {"room": _l("场地冲突"), "worker": _l("社工时间冲突"), "class": _l("班级时间冲突")}


def describe(conflict: Conflict):
    """The conflict in words, for a service's refusal (templates/programs/_placement.html
    words the preview's the same way)."""
    other = conflict.other
    if other.what == "appointment":
        return _l(
            "%(kind)s：与「%(title)s」（%(day)s %(start)s–%(end)s）重叠",
            kind=KIND_LABELS[conflict.kind],
            title=other.title,
            day=format_short(other.date),
            start=other.start.strftime("%H:%M"),
            end=other.end.strftime("%H:%M"),
        )
    return _l(
        "%(kind)s：与「%(title)s」第 %(seq)s 节（%(day)s %(start)s–%(end)s）重叠",
        kind=KIND_LABELS[conflict.kind],
        title=other.title,
        seq=other.seq,
        day=format_short(other.date),
        start=other.start.strftime("%H:%M"),
        end=other.end.strftime("%H:%M"),
    )


def find_conflicts(busy, day, start, end, ignore_ids=()):
    """Every clash for one slot, one Conflict per kind and other session."""
    out, seen = [], set()
    for kind, other in busy.get(day, []):
        key = (kind, other.what, other.id)
        if (other.what == "session" and other.id in ignore_ids) or key in seen:
            continue
        if _overlaps(start, end, other.start, other.end):
            seen.add(key)
            out.append(Conflict(kind, other))
    return out


def place(
    spec: Spec, after: dt.datetime | None = None, first_seq: int = 1, busy: dict | None = None
) -> Preview:
    """Place spec.count sessions; a clash is reported on the session, not skipped over.
    `busy` (from a BusyIndex) saves the clash query when many programs are placed."""
    placed, skipped, last_day = [], [], None
    if busy is None:
        busy = busy_sessions(spec, spec.term.start, spec.term.end)
    for item in candidate_slots(spec, after):
        if len(placed) == spec.count:
            break
        if item[0] == "skip":
            skipped.append(item[1])
            continue
        _, day, rule, makeup_weekday = item
        if last_day and (day - last_day).days < spec.min_gap_days:
            continue
        seq = first_seq + len(placed)
        placed.append(
            Placed(
                seq,
                day,
                rule.start,
                rule.end,
                rule.period_id,
                teaching_week(spec.term, day),
                makeup_weekday,
                find_conflicts(busy, day, rule.start, rule.end),
            )
        )
        last_day = day
    skipped = [s for s in skipped if not placed or s.date <= placed[-1].date]
    return Preview(placed, skipped, spec.count - len(placed))
