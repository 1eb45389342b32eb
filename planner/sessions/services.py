"""Program operations: create from a preview, move, bump, cancel, undo. No request here."""

import dataclasses
import datetime as dt

from peewee import JOIN

from planner.calendars.models import BellPeriod
from planner.calendars.services import day_map, teaching_week
from planner.db import now, write_tx
from planner.errors import CONFLICT, PlannerError
from planner.i18n import format_day
from planner.i18n import lazy_gettext as _l
from planner.runs import held as held_rule
from planner.runs.held import mark_held
from planner.sessions.archive import issue_archive_code, teachers_copy_at
from planner.sessions.models import (
    Program,
    ProgramClass,
    ProgramWorker,
    ScheduleChange,
    Session,
    SlotRule,
    display_title,
)
from planner.sessions.placement import (
    Busy,
    BusyIndex,
    Rule,
    Spec,
    busy_sessions,
    describe,
    find_conflicts,
    place,
)
from planner.students.names import check_no_names


def shortfall_message(preview, count):
    return _l(
        "本学期剩余的可用时段只够安排 %(n)s 节，还差 %(missing)s 节（共需 %(count)s 节）。"
        "请增加每周时段、提前开始周次或缩短间隔。",
        n=len(preview.placed),
        missing=preview.shortfall,
        count=count,
    )


def save_links(program, spec: Spec) -> None:
    """Write the program's workers, classes and weekly slot rules as the spec gives them
    (a program being edited has its old ones deleted first, planner/sessions/manage.py)."""
    ProgramWorker.insert_many(
        [(program.id, w) for w in spec.worker_ids],
        fields=[ProgramWorker.program, ProgramWorker.worker],
    ).execute()
    if spec.class_ids:
        ProgramClass.insert_many(
            [(program.id, c) for c in spec.class_ids],
            fields=[ProgramClass.program, ProgramClass.school_class],
        ).execute()
    SlotRule.insert_many(
        [
            dict(
                program=program.id,
                weekday=r.weekday,
                period=r.period_id,
                start=r.start,
                end=r.end,
                every_weeks=r.every_weeks,
            )
            for r in spec.rules
        ]
    ).execute()


def create_program(spec: Spec, fields: dict, templates: list, user, index=None) -> Program:
    """Save a program and its sessions, re-checking the placement inside the transaction.
    With a BusyIndex (a batch), clashes are checked in memory and the new sessions added."""
    with write_tx():
        preview = place(spec, busy=index.for_spec(spec) if index is not None else None)
        if preview.shortfall:
            raise PlannerError(shortfall_message(preview, spec.count), preview=preview)
        if preview.conflicts:
            raise PlannerError(_l("存在时间冲突，请先解决后再保存。"), preview=preview)
        program = Program.create(
            school=spec.school_id,
            term=spec.term.id,
            room=spec.room_id,
            start_week=spec.start_week,
            min_gap_days=spec.min_gap_days,
            created_by=user.id,
            **fields,
        )
        issue_archive_code(program.id)  # standard 9.4: issued with the program, not on download
        save_links(program, spec)
        Session.insert_many(
            [
                dict(
                    program=program.id,
                    template=templates[p.seq - 1].id,
                    seq=p.seq,
                    date=p.date,
                    start=p.start,
                    end=p.end,
                    period=p.period_id,
                    room=spec.room_id,
                    teaching_week=p.week,
                )
                for p in preview.placed
            ]
        ).execute()
        if index is not None:
            for p in preview.placed:
                index.add(
                    Busy(
                        None,
                        p.date,
                        p.start,
                        p.end,
                        p.seq,
                        display_title(fields["title"], fields.get("group_name")),
                    ),
                    spec.room_id,
                    spec.worker_ids,
                    spec.class_ids,
                )
    return program


def create_programs(items: list, user) -> list:
    """Plan many programs (a whole term) in one transaction: all or nothing, with every
    clash checked, each school's calendar computed once. items: (spec, fields, templates)."""
    maps = {}
    with write_tx():
        terms = [spec.term for spec, _, _ in items]
        index = BusyIndex.load(
            min(t.start for t in terms),
            max(t.end for t in terms),
            {spec.school_id for spec, _, _ in items},
            {w for spec, _, _ in items for w in spec.worker_ids},
        )
        out = []
        for spec, fields, templates in items:
            key = (spec.school_id, spec.term.id)
            if key not in maps:
                maps[key] = day_map(spec.school_id, spec.term.start, spec.term.end)
            # a copy with the day map: the caller's specs stay as they were
            planned = dataclasses.replace(spec, days=maps[key])
            out.append(create_program(planned, fields, templates, user, index))
    return out


def preview_programs(items: list) -> list:
    """[(title, preview)] of programs planned together (create_programs' items), each
    checked against the others as create_programs will: nothing written."""
    if not items:
        return []
    terms = [spec.term for spec, _, _ in items]
    index = BusyIndex.load(
        min(t.start for t in terms),
        max(t.end for t in terms),
        {spec.school_id for spec, _, _ in items},
        {w for spec, _, _ in items for w in spec.worker_ids},
    )
    out = []
    for spec, fields, _ in items:
        preview = place(spec, busy=index.for_spec(spec))
        for p in preview.placed:
            index.add(
                Busy(None, p.date, p.start, p.end, p.seq, fields["title"]),
                spec.room_id,
                spec.worker_ids,
                spec.class_ids,
            )
        out.append((fields["title"], preview))
    return out


def spec_for(program: Program, count: int | None = None) -> Spec:
    """The placement spec of a saved program (for bumping and moving)."""
    rules = [
        # a period's times are read now, not as saved: a bell change moves the series
        Rule(r.weekday, r.period.start, r.period.end, r.period_id, r.every_weeks)
        if r.period_id
        else Rule(r.weekday, r.start, r.end, None, r.every_weeks)
        for r in program.slot_rules.select(SlotRule, BellPeriod).join(BellPeriod, JOIN.LEFT_OUTER)
    ]
    return Spec(
        program.school_id,
        program.term,
        program.room_id,
        [link.worker_id for link in program.worker_links],
        [link.school_class_id for link in program.class_links],
        rules,
        count or 0,
        program.start_week,
        program.min_gap_days,
        exclude_program_id=program.id,
    )


SNAPSHOT = (
    "date",
    "start",
    "end",
    "period_id",
    "room_id",
    "status",
    "cancel_reason",
    "teaching_week",
)


def _snapshot(sessions):
    return [
        {
            "id": s.id,
            **{k: str(getattr(s, k)) if getattr(s, k) is not None else None for k in SNAPSHOT},
        }
        for s in sessions
    ]


def _record(program, user, kind, description, sessions):
    ScheduleChange.create(
        program=program.id,
        user=user.id,
        kind=kind,
        description=description,
        before=_snapshot(sessions),
    )


def _changed(program):
    """Fields every schedule change sets: a new SEQUENCE, and the after-export mark."""
    return {
        "sequence": Session.sequence + 1,
        "updated_at": now(),
        "changed_after_export": teachers_copy_at(program.id) is not None,
    }


def check_changeable(session):
    """A held session (its record made) or one dated before today (Beijing time) is part
    of the service record (clause 10.2.1): it is not moved, bumped or cancelled."""
    [session] = mark_held([session])
    if session.held:
        raise PlannerError(
            _l("第 %(n)s 节已完成（已有活动记录），不能再调整、顺延或取消。", n=session.seq),
            kind=CONFLICT,
        )
    if session.past:
        raise PlannerError(
            _l("第 %(n)s 节的日期已经过去，不能再调整、顺延或取消。", n=session.seq),
            kind=CONFLICT,
        )


def move_session(
    session, program, user, day: dt.date, start: dt.time, end: dt.time, period_id=None, room_id=None
):
    """Move one session to a teaching day and time with no clash."""
    check_changeable(session)
    info = day_map(program.school_id, day, day)[day]
    if info.timetable_weekday is None:
        reason = info.blocked_by.name if info.blocked_by else _l("周末")
        raise PlannerError(
            _l(
                "%(day)s 不是教学日（%(reason)s）。",
                day=format_day(day, with_weekday=False),
                reason=reason,
            )
        )
    if not (program.term.start <= day <= program.term.end):
        raise PlannerError(_l("日期不在本学期内。"))
    if end <= start:
        raise PlannerError(_l("结束时间必须晚于开始时间。"))
    spec = spec_for(program)
    spec.room_id = room_id or session.room_id
    with write_tx():
        clashes = find_conflicts(busy_sessions(spec, day, day), day, start, end)
        if clashes:
            raise PlannerError(describe(clashes[0]))
        _record(
            program,
            user,
            "move",
            _l("第 %(n)s 节调整到 %(day)s", n=session.seq, day=format_day(day, with_weekday=False)),
            [session],
        )
        Session.update(
            date=day,
            start=start,
            end=end,
            period=period_id,
            room=spec.room_id,
            status="moved",
            teaching_week=teaching_week(program.term, day),
            **_changed(program),
        ).where(Session.id == session.id).execute()


def bump_from(session, program, user):
    """Push this session and every later one to the next free slots, keeping the order."""
    check_changeable(session)
    later = list(
        Session.select()
        .where(
            (Session.program == program.id)
            & (Session.seq >= session.seq)
            & (Session.status != "cancelled")
        )
        .order_by(Session.seq)
    )
    spec = spec_for(program, count=len(later))
    with write_tx():
        preview = place(
            spec, after=dt.datetime.combine(session.date, session.start), first_seq=session.seq
        )
        if preview.shortfall:
            raise PlannerError(shortfall_message(preview, len(later)), preview=preview)
        if preview.conflicts:
            raise PlannerError(describe(preview.conflicts[0]), preview=preview)
        _record(program, user, "bump", _l("第 %(n)s 节及之后顺延", n=session.seq), later)
        for s, p in zip(later, preview.placed):
            Session.update(
                date=p.date,
                start=p.start,
                end=p.end,
                period=p.period_id,
                teaching_week=p.week,
                status="moved",
                **_changed(program),
            ).where(Session.id == s.id).execute()


def cancel_session(session, program, user, reason: str):
    """Cancel with a reason; feeds show STATUS:CANCELLED. The reason is shown to teachers,
    so a student's name in it is refused (PRIVACY §3)."""
    check_changeable(session)
    check_no_names({"reason": reason}, {"reason": _l("取消原因")}, school_ids=[program.school_id])
    with write_tx():
        _record(
            program,
            user,
            "cancel",
            _l("取消第 %(n)s 节：%(r)s", n=session.seq, r=reason),
            [session],
        )
        Session.update(status="cancelled", cancel_reason=reason, **_changed(program)).where(
            Session.id == session.id
        ).execute()


def _check_undoable(change):
    """An undo moves sessions like any change: not one held or dated before today since
    (check_changeable's rule), and not one back to a day that has gone by."""
    for session in Session.select().where(Session.id.in_([r["id"] for r in change.before])):
        check_changeable(session)
    today = held_rule.local_today()  # the day the held and past rule counts from
    for row in change.before:
        if row["status"] != "cancelled" and dt.date.fromisoformat(row["date"]) < today:
            raise PlannerError(
                _l(
                    "撤销后，这节活动会回到已经过去的 %(day)s，不能撤销；请改用调整。",
                    day=format_day(dt.date.fromisoformat(row["date"])),
                ),
                kind=CONFLICT,
            )


def undo_last(program, user):
    """Restore the sessions as they were before the last change that isn't undone yet."""
    with write_tx():
        change = (
            ScheduleChange.select()
            .where((ScheduleChange.program == program.id) & ~ScheduleChange.undone)
            .order_by(ScheduleChange.id.desc())
            .first()
        )
        if change is None:
            raise PlannerError(_l("没有可以撤销的调整。"))
        _check_undoable(change)
        for row in change.before:
            values = {k: row[k] for k in SNAPSHOT}
            values["period"] = values.pop("period_id")
            values["room"] = values.pop("room_id")
            Session.update(**values, **_changed(program)).where(Session.id == row["id"]).execute()
        ScheduleChange.update(undone=True).where(ScheduleChange.id == change.id).execute()
        if change.kind == "end":  # the program runs on (sessions/manage.py's end_program)
            Program.update(ended_at=None).where(Program.id == program.id).execute()
    return change
