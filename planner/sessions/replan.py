"""Plans follow the calendar (issue 16): the sessions a calendar or bell change displaced,
and their re-plan, previewed and then saved whole, undone like a move.

A session is displaced when it is still to come (today or later), neither held ("done")
nor cancelled, and either
- its day now has no teaching: the very rule placement and moves use,
  DayInfo.timetable_weekday (planner/calendars/services.py) is None — a national holiday,
  a school's exam day or closure, or a weekend whose 调休 make-up day was taken away; or
- its bell period's times changed since it was placed (sessions keep their own times, so a
  new bell schedule is a change to re-plan, not something the page reads afresh).
Past sessions that were never recorded are not listed: they cannot be moved into the past,
and the missing record is the run and reflection pages' business.
"""

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass

from peewee import JOIN, fn

from planner.calendars.models import BellPeriod
from planner.calendars.services import day_map, day_maps, teaching_week
from planner.db import database, is_sqlite, write_tx
from planner.errors import CONFLICT, PlannerError
from planner.i18n import lazy_gettext as _l
from planner.sessions.models import Program, ProgramWorker, Session, display_title
from planner.sessions.placement import (
    busy_sessions,
    candidate_slots,
    describe,
    find_conflicts,
    place,
)
from planner.sessions.services import _changed, _record, shortfall_message, spec_for

LIVE = ("planned", "moved")
MODES = {"next": _l("移到下一个空闲时段"), "bump": _l("顺延之后各节")}
NOTHING = _l("没有受日历变动影响的活动，无需重新安排。")
STALE = _l(
    "预览之后日程或校历已有变动（可能有人同时修改了），本次未保存。请核对下面的新预览后再保存。"
)


@dataclass
class Displaced:
    session: Session
    kind: str  # "calendar" (no teaching that day) or "bells" (the period's times changed)
    reason: str


@dataclass
class Move:
    session: Session
    reason: str
    date: dt.date | None  # None: no free slot was found
    start: dt.time | None = None
    end: dt.time | None = None
    period_id: int | None = None
    conflicts: tuple = ()


@dataclass
class Replan:
    mode: str
    displaced: list
    moves: list
    problem: str | None
    token: str


def displacement(session, info, period) -> tuple | None:
    """(kind, reason) when this session can't stay where it is, else None."""
    if info.timetable_weekday is None:
        entry = info.blocked_by
        reason = f"{entry.name}（{entry.kind_label}）" if entry else str(_l("周末，不上课"))
        return "calendar", reason
    if period is not None and (period.start, period.end) != (session.start, session.end):
        return "bells", str(
            _l(
                "作息时间调整：%(label)s 现为 %(start)s–%(end)s",
                label=period.label,
                start=period.start.strftime("%H:%M"),
                end=period.end.strftime("%H:%M"),
            )
        )
    return None


def _period(session):
    """The session's bell period as joined (no query), or None."""
    return session.period if session.period_id else None


def live_sessions(programs, today: dt.date):
    """Sessions still to come and not held or cancelled, their bell period joined.
    programs: a list of ids or a subquery of them."""
    return (
        Session.select(Session, BellPeriod)
        .join(BellPeriod, JOIN.LEFT_OUTER)
        .where(Session.program.in_(programs) & (Session.date >= today) & Session.status.in_(LIVE))
        .order_by(Session.program, Session.seq)
    )


def find_displaced(sessions, days: dict, today: dt.date) -> list:
    """The displaced among these sessions (their periods joined), given the school's days."""
    out = []
    for s in sessions:
        if s.status not in LIVE or s.date < today:
            continue
        found = displacement(s, days[s.date], _period(s))
        if found:
            out.append(Displaced(s, *found))
    return out


def program_displaced(program, sessions, today: dt.date) -> list:
    """For the program page: from the sessions it has already loaded, one calendar query."""
    ahead = [s for s in sessions if s.status in LIVE and s.date >= today]
    # queried even with nothing ahead: the page's query count stays the same
    first = min((s.date for s in ahead), default=today)
    days = day_map(program.school_id, first, max((s.date for s in ahead), default=today))
    return find_displaced(ahead, days, today)


def worker_due(user, today: dt.date) -> list:
    """For the worker's home page: [(program id, title, count)] of her programs with
    displaced sessions. Two queries, however many programs and schools."""
    rows = list(
        live_sessions(
            ProgramWorker.select(ProgramWorker.program).where(ProgramWorker.worker == user.id),
            today,
        )
        .select_extend(Program.id, Program.school, Program.title, Program.group_name)
        .switch(Session)
        .join(Program)
    )
    # run even when she has nothing ahead, so the page's query count stays fixed
    maps = day_maps(
        {s.program.school_id for s in rows},
        min((s.date for s in rows), default=today),
        max((s.date for s in rows), default=today),
    )
    counts, titles = {}, {}
    for s in rows:
        if displacement(s, maps[s.program.school_id][s.date], _period(s)):
            counts[s.program_id] = counts.get(s.program_id, 0) + 1
            titles[s.program_id] = s.program.full_title
    return [(pid, titles[pid], counts[pid]) for pid in sorted(counts)]


def bell_affected(school_id: int, today: dt.date) -> list:
    """After a bell change: [(program id, title, count)] of the school's programs whose
    sessions still to come no longer match their period's times. One query."""
    changed = (Session.start != BellPeriod.start) | (Session.end != BellPeriod.end)
    query = (
        Session.select(Program.id, Program.title, Program.group_name, fn.COUNT(Session.id))
        .join(BellPeriod)
        .switch(Session)
        .join(Program)
        .where(
            (Program.school == school_id)
            & (Session.date >= today)
            & Session.status.in_(LIVE)
            & changed
        )
        .group_by(Program.id, Program.title, Program.group_name)
        .order_by(Program.id)
    )
    return [(pid, display_title(title, group), n) for pid, title, group, n in query.tuples()]


# ---- the re-plan -----------------------------------------------------------------------


def _own_clash(day, start, end, where: dict, session_id, gap: int) -> bool:
    """Would this slot sit too close to (or on top of) another session of the series?"""
    for other_id, (o_day, o_start, o_end) in where.items():
        if other_id == session_id:
            continue
        if abs((day - o_day).days) < gap:
            return True
        if day == o_day and start < o_end and o_start < end:
            return True
    return False


def _next_free(program, spec, live, displaced, now: dt.datetime) -> list:
    """Each displaced session to the first free slot of the weekly pattern after it, before
    the series' next session (the lessons keep their order); a bell change keeps its day."""
    busy = busy_sessions(spec, now.date(), spec.term.end)
    # the pattern's weekdays and times, every week: a fortnightly series' off week is free
    spec = dataclasses.replace(
        spec, rules=[dataclasses.replace(r, every_weeks=1) for r in spec.rules]
    )
    where = {s.id: (s.date, s.start, s.end) for s in live}
    after_of = {a.id: b for a, b in zip(live, live[1:])}
    moves = []
    for item in displaced:
        s, target = item.session, None
        if item.kind == "bells":
            p = _period(s)
            clashes = find_conflicts(busy, s.date, p.start, p.end)
            target = Move(s, item.reason, s.date, p.start, p.end, p.id, tuple(clashes))
        else:
            following = after_of.get(s.id)
            limit = where[following.id][0] if following else None
            start_from = max(dt.datetime.combine(s.date, s.start), now)
            for entry in candidate_slots(spec, after=start_from):
                if entry[0] != "slot":
                    continue
                _, day, rule, _makeup = entry
                if limit and day >= limit:
                    break
                if _own_clash(day, rule.start, rule.end, where, s.id, spec.min_gap_days):
                    continue
                if find_conflicts(busy, day, rule.start, rule.end):
                    continue
                target = Move(s, item.reason, day, rule.start, rule.end, rule.period_id)
                break
        if target is None:
            moves.append(Move(s, item.reason, None))
            continue
        where[s.id] = (target.date, target.start, target.end)
        moves.append(target)
    return moves


def _bump(program, spec, live, displaced, now: dt.datetime):
    """The first displaced session and every later one re-placed on the next free slots."""
    first = displaced[0].session
    later = [s for s in live if s.seq >= first.seq]
    reasons = {d.session.id: d.reason for d in displaced}
    spec.count = len(later)
    after = max(dt.datetime.combine(first.date, dt.time.min), now)
    preview = place(spec, after=after, first_seq=first.seq)
    moves = []
    for s, p in zip(later, preview.placed):
        if (p.date, p.start, p.end) != (s.date, s.start, s.end):
            moves.append(
                Move(s, reasons.get(s.id, ""), p.date, p.start, p.end, p.period_id, p.conflicts)
            )
    moves += [Move(s, reasons.get(s.id, ""), None) for s in later[len(preview.placed) :]]
    return moves, preview


def _token(mode, live, moves) -> str:
    """A fingerprint of the series as read and of the plan made from it: a preview whose
    series, calendar or neighbours changed since no longer matches and is refused."""
    parts = [mode]
    parts += [f"{s.id}|{s.date}|{s.start}|{s.end}|{s.status}|{s.sequence}" for s in live]
    parts += [f"{m.session.id}>{m.date}|{m.start}|{m.end}|{m.period_id}" for m in moves]
    return hashlib.sha1(";".join(parts).encode()).hexdigest()[:20]


def plan(program, mode: str, now: dt.datetime) -> Replan:
    """The re-plan preview. Nothing here writes."""
    if mode not in MODES:
        raise PlannerError(_l("请选择重新安排的方式。"), "mode")
    today = now.date()
    live = list(live_sessions([program.id], today))
    days = day_map(program.school_id, program.term.start, program.term.end)
    displaced = find_displaced([s for s in live if s.date in days], days, today)
    if not displaced:
        raise PlannerError(NOTHING)
    spec = spec_for(program)
    spec.days = days
    problem = None
    if mode == "next":
        moves = _next_free(program, spec, live, displaced, now)
        stuck = next((m for m in moves if m.date is None), None)
        if stuck:
            problem = _l(
                "第 %(n)s 节在下一节之前（本学期内）找不到空闲时段。"
                "可改用“顺延之后各节”，或在节次上逐一调整。",
                n=stuck.session.seq,
            )
    else:
        moves, preview = _bump(program, spec, live, displaced, now)
        if preview.shortfall:
            problem = shortfall_message(preview, spec.count)
    clash = next((c for m in moves for c in m.conflicts), None)
    if clash and not problem:
        problem = describe(clash)
    return Replan(mode, displaced, moves, problem, _token(mode, live, moves))


def preview(program, mode: str | None, now: dt.datetime) -> Replan:
    """The page's preview: the mode asked for, else moving each session on its own when
    that works, else bumping the series."""
    if mode:
        return plan(program, mode, now)
    first = plan(program, "next", now)
    if not first.problem:
        return first
    other = plan(program, "bump", now)
    return first if other.problem else other


def save(program, user, mode: str, token: str, now: dt.datetime) -> Replan:
    """Save the previewed re-plan, all or nothing; refused if anything changed since the
    preview (CONFLICT) or it can't be saved. One ScheduleChange: one undo restores it."""
    with write_tx():
        if not is_sqlite():  # two saves of one series wait for each other
            database.execute_sql("SELECT id FROM program WHERE id = %s FOR UPDATE", (program.id,))
        fresh = plan(program, mode, now)
        if fresh.token != token:
            raise PlannerError(STALE, kind=CONFLICT, replan=fresh)
        if fresh.problem:
            raise PlannerError(fresh.problem, replan=fresh)
        moved = [m for m in fresh.moves if m.date is not None]
        _record(
            program,
            user,
            "replan",
            _l("按校历变动重新安排 %(n)s 节", n=len(moved)),
            [m.session for m in moved],
        )
        for m in moved:
            Session.update(
                date=m.date,
                start=m.start,
                end=m.end,
                period=m.period_id,
                teaching_week=teaching_week(program.term, m.date),
                status="moved",
                **_changed(program),
            ).where(Session.id == m.session.id).execute()
    return fresh
