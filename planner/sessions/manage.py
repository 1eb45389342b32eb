"""Programs a worker manages: the list (开展计划), editing a saved program, deleting a
mistaken one and ending one that has records. No request here.

Editing keeps the service record: held sessions and those dated before today are never
touched, nor cancelled ones. A change of slot rules, start week or gap re-places the
sessions still to come on the new rules (after the later of now and the last kept
session); a change of room moves the sessions still to come to the new room; workers,
classes, title and group name change in place. Every change is checked for clashes as at
creation, previewed first, and the sessions that move are one ScheduleChange (kind
"edit"), so the house's undo puts their dates and rooms back."""

import datetime as dt

from peewee import JOIN, Case, fn

from planner.audit.models import record as audit
from planner.curricula.models import Curriculum, SessionTemplate
from planner.db import now, save_versioned, write_tx
from planner.errors import CONFLICT, PlannerError
from planner.evaluation.models import GasGoal, ProgramEvaluation, Score
from planner.i18n import lazy_gettext as _l
from planner.reflections.models import Reflection
from planner.runs.held import held_condition, mark_held
from planner.runs.models import Attendance, SessionRecord
from planner.schools.models import School, Term
from planner.screening.models import ScreeningRound
from planner.sessions.models import (
    Program,
    ProgramClass,
    ProgramWorker,
    Session,
    SlotRule,
)
from planner.sessions.placement import Placed, Preview, busy_sessions, find_conflicts, place
from planner.sessions.services import (
    _changed,
    _record,
    save_links,
    shortfall_message,
    spec_for,
)
from planner.students.models import GroupMember, GroupRoster

KIND_FILTERS = ("classroom", "group")


# ---- the list -----------------------------------------------------------------------


def program_list(query, school_id=None, term_name=None, kind=None, today=None):
    """The programs of `query` (access.programs_joined) narrowed by school, term name and
    curriculum kind, each with .planned (sessions not cancelled), .held_count and
    .next_session (the first date still to come). Three queries, however many programs."""
    if school_id:
        query = query.where(Program.school == school_id)
    if term_name:
        query = query.where(Term.name == term_name)
    if kind in KIND_FILTERS:
        query = query.where(Curriculum.kind == kind)
    programs = list(query.order_by(Term.start.desc(), School.name, Program.title, Program.id))
    ids = [p.id for p in programs]
    live = Session.status != "cancelled"
    counts = {
        pid: (planned, upcoming)
        for pid, planned, upcoming in Session.select(
            Session.program,
            fn.COUNT(Session.id),
            fn.MIN(Case(None, [(Session.date >= today, Session.date)], None)),
        )
        .where(Session.program.in_(ids) & live)
        .group_by(Session.program)
        .tuples()
    }
    held = dict(
        Session.select(Session.program, fn.COUNT(Session.id))
        .join(SessionTemplate)
        .join(Curriculum)
        .join_from(
            Session, SessionRecord, JOIN.LEFT_OUTER, on=(SessionRecord.session == Session.id)
        )
        .where(Session.program.in_(ids) & held_condition(today))
        .group_by(Session.program)
        .tuples()
    )
    for p in programs:
        planned, upcoming = counts.get(p.id, (0, None))
        if isinstance(upcoming, str):  # SQLite answers MIN over a CASE as text
            upcoming = dt.date.fromisoformat(upcoming)
        p.planned, p.held_count, p.next_session = planned, held.get(p.id, 0), upcoming
    return programs


# ---- edit ---------------------------------------------------------------------------


def _rules_key(rules):
    return sorted((r.weekday, r.start, r.end, r.period_id, r.every_weeks) for r in rules)


def _kept_and_ahead(program, today):
    """(sessions kept as they are, sessions still to come), by seq: a held, past or
    cancelled session is kept."""
    sessions = mark_held(
        Session.select().where(Session.program == program.id).order_by(Session.seq), today
    )
    ahead = [s for s in sessions if not s.settled and s.status != "cancelled"]
    kept = [s for s in sessions if s not in ahead]
    return kept, ahead


def edit_plan(program, spec, at: dt.datetime):
    """(preview of the sessions still to come under the new spec, re-placed?) — nothing
    written. `spec` is the form's (planning.build); its count is ignored."""
    spec.exclude_program_id = program.id
    old = spec_for(program)
    kept, ahead = _kept_and_ahead(program, at.date())
    replace = (
        _rules_key(spec.rules) != _rules_key(old.rules)
        or spec.start_week != program.start_week
        or spec.min_gap_days != program.min_gap_days
    )
    if not ahead:
        return Preview([], [], 0), replace
    if replace:
        done = [dt.datetime.combine(s.date, s.end) for s in kept if s.status != "cancelled"] + [at]
        spec.count = len(ahead)
        preview = place(spec, after=max(done), first_seq=ahead[0].seq)
        for s, p in zip(ahead, preview.placed):
            p.seq = s.seq
        return preview, True
    busy = busy_sessions(spec, ahead[0].date, ahead[-1].date)
    placed = [
        Placed(
            s.seq,
            s.date,
            s.start,
            s.end,
            s.period_id,
            s.teaching_week,
            conflicts=find_conflicts(busy, s.date, s.start, s.end),
        )
        for s in ahead
    ]
    return Preview(placed, [], 0), False


def update_program(program, version: int, spec, fields: dict, user, at: dt.datetime):
    """Save the edit, re-checking the plan inside the transaction; a stale version is a
    ConflictError (planner.db), a clash or shortfall a PlannerError with the preview."""
    with write_tx():
        preview, replace = edit_plan(program, spec, at)
        if preview.shortfall:
            raise PlannerError(shortfall_message(preview, spec.count), preview=preview)
        if preview.conflicts:
            raise PlannerError(_l("存在时间冲突，请先解决后再保存。"), preview=preview)
        _, ahead = _kept_and_ahead(program, at.date())
        room_moves = spec.room_id != program.room_id
        save_versioned(
            program,
            version,
            dict(
                title=fields["title"],
                group_name=fields["group_name"],
                room=spec.room_id,
                start_week=spec.start_week,
                min_gap_days=spec.min_gap_days,
            ),
        )
        _replace_links(program, spec)
        if ahead and (replace or room_moves):
            _record(program, user, "edit", _l("修改计划：%(n)s 节随之调整", n=len(ahead)), ahead)
            for s, p in zip(ahead, preview.placed):
                values = dict(room=spec.room_id, **_changed(program))
                if replace:
                    values.update(
                        date=p.date,
                        start=p.start,
                        end=p.end,
                        period=p.period_id,
                        teaching_week=p.week,
                    )
                    if (p.date, p.start) != (s.date, s.start):
                        values["status"] = "moved"
                Session.update(**values).where(Session.id == s.id).execute()
    return program


def _replace_links(program, spec):
    for model in (ProgramWorker, ProgramClass, SlotRule):
        model.delete().where(model.program == program.id).execute()
    save_links(program, spec)


# ---- delete or end ------------------------------------------------------------------


def records_of(program) -> list:
    """What the program already holds, in words: anything here means it is not deleted."""
    sessions = Session.select(Session.id).where(Session.program == program.id)
    checks = (
        (Attendance.select().where(Attendance.session.in_(sessions)), _l("出勤记录")),
        (SessionRecord.select().where(SessionRecord.session.in_(sessions)), _l("活动记录")),
        (Reflection.select().where(Reflection.session.in_(sessions)), _l("反思记录")),
        (GroupMember.select().where(GroupMember.program == program.id), _l("小组成员")),
        (GroupRoster.select().where(GroupRoster.program == program.id), _l("小组名单")),
        (Score.select().where(Score.program == program.id), _l("评估分数")),
        (GasGoal.select().where(GasGoal.program == program.id), _l("目标达成评估")),
        (
            ProgramEvaluation.select().where(ProgramEvaluation.program == program.id),
            _l("小组评估"),
        ),
        (ScreeningRound.select().where(ScreeningRound.program == program.id), _l("筛查")),
    )
    return [label for query, label in checks if query.exists()]


def delete_program(program, user):
    """Delete a program planned by mistake, with its sessions; one with records is refused
    (it can only be ended)."""
    with write_tx():
        found = records_of(program)
        if found:
            raise PlannerError(
                _l(
                    "该计划已有%(what)s，不能删除；如不再开展，请使用“结束计划”。",
                    what="、".join(str(w) for w in found),
                ),
                kind=CONFLICT,
            )
        audit(user, "program.delete", "program", program.id, program.archive_code or "")
        Program.delete().where(Program.id == program.id).execute()


def end_program(program, user, today: dt.date, reason: str):
    """End a program: its sessions still to come are cancelled (one ScheduleChange, so it
    can be undone), held and past ones are kept, and the program is marked ended."""
    if program.ended_at is not None:
        raise PlannerError(_l("该计划已经结束。"), kind=CONFLICT)
    with write_tx():
        _, ahead = _kept_and_ahead(program, today)
        if ahead:
            _record(program, user, "end", _l("结束计划：取消 %(n)s 节", n=len(ahead)), ahead)
            Session.update(status="cancelled", cancel_reason=reason, **_changed(program)).where(
                Session.id.in_([s.id for s in ahead])
            ).execute()
        Program.update(ended_at=now()).where(Program.id == program.id).execute()
        audit(user, "program.end", "program", program.id, program.archive_code or "")
