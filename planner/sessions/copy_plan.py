"""Copy last year's plan (issue 16): a term's programs copied into the same term (first or
second) of the next school year, by weekday and period, for the next-year classes (one grade
up, SchoolClass.previous, made by the rollover). The placement is the planning form's
(placement.place with one BusyIndex, so the copies see each other): the same conflicts and
skips are shown, and the save is create_programs, all or nothing."""

import dataclasses
from dataclasses import dataclass, field

from planner.accounts.models import User, WorkerSchool
from planner.calendars.services import day_map, term_weeks
from planner.curricula.editor import full
from planner.curricula.models import Curriculum
from planner.db import write_tx
from planner.errors import FORBIDDEN, PlannerError
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Room, SchoolClass, SchoolYear, Term
from planner.sessions.models import Program
from planner.sessions.placement import Busy, BusyIndex, place
from planner.sessions.services import create_programs, spec_for

NO_NEXT_TERM = _l("下一学年还没有对应的学期：请先完成学年升级或新建学期。")


@dataclass
class Item:
    source: Program
    spec: object = None
    fields: dict = field(default_factory=dict)
    templates: list = field(default_factory=list)
    preview: object = None
    problem: str = ""  # why it is not copied
    class_names: list = field(default_factory=list)  # the next-year classes

    @property
    def ok(self):
        return not self.problem and self.preview is not None and self.preview.ok


@dataclass
class CopyPlan:
    source: Term
    target: Term
    items: list

    @property
    def savable(self):
        return [i for i in self.items if i.ok]

    @property
    def blocked(self):
        return [i for i in self.items if not i.problem and not i.ok]


def target_term(term: Term) -> Term:
    """The term in the same place (first, second…) of the next school year."""
    if term.school_year_id is None:
        raise PlannerError(NO_NEXT_TERM, "term")
    year = SchoolYear.get_by_id(term.school_year_id)
    nxt = SchoolYear.get_or_none(
        (SchoolYear.school == term.school_id) & (SchoolYear.start_year == year.start_year + 1)
    )
    if nxt is None:
        raise PlannerError(NO_NEXT_TERM, "term")

    def ordered(year_id):
        return list(
            Term.select().where((Term.school_year == year_id) & ~Term.archived).order_by(Term.start)
        )

    mine = [t.id for t in ordered(year.id)]
    theirs = ordered(nxt.id)
    position = mine.index(term.id) if term.id in mine else len(theirs)
    if position >= len(theirs):
        raise PlannerError(NO_NEXT_TERM, "term")
    return theirs[position]


def preview(user, term: Term) -> CopyPlan:
    """What copying would plan. Reads only."""
    if not user.is_editor:
        raise PlannerError(_l("只有社工和管理员可以安排计划。"), kind=FORBIDDEN)
    target = target_term(term)
    programs = list(Program.select().where(Program.term == term.id).order_by(Program.id))
    done = {
        (p.curriculum_id, p.title)
        for p in Program.select(Program.curriculum, Program.title).where(Program.term == target.id)
    }
    nexts = {
        c.previous_id: c
        for c in SchoolClass.select().where(
            (SchoolClass.school_year == target.school_year_id) & ~SchoolClass.archived
        )
    }
    rooms = {
        r.id for r in Room.select(Room.id).where((Room.school == term.school_id) & ~Room.archived)
    }
    workers = {
        u.id
        for u in User.select(User.id)
        .join(WorkerSchool, on=(WorkerSchool.worker == User.id))
        .where((WorkerSchool.school == term.school_id) & User.active)
    }
    published = {
        c.id for c in Curriculum.select(Curriculum.id).where(Curriculum.status == "published")
    }
    index = BusyIndex.load(target.start, target.end, {term.school_id}, workers)
    days = day_map(term.school_id, target.start, target.end)
    items = []
    for program in programs:
        item = Item(program)
        items.append(item)
        if (program.curriculum_id, program.title) in done:
            item.problem = _l("下一学年的该学期已有同名计划，不再复制。")
            continue
        if program.curriculum_id not in published:
            item.problem = _l("课程方案已不再发布。")
            continue
        if program.room_id not in rooms:
            item.problem = _l("场地已归档。")
            continue
        source = spec_for(program)
        classes = [nexts[c] for c in source.class_ids if c in nexts]
        if source.class_ids and not classes:
            item.problem = _l("原班级已毕业，没有下一学年的班级。")
            continue
        staff = [w for w in source.worker_ids if w in workers]
        if not staff:
            item.problem = _l("原负责社工已不再负责本校。")
            continue
        curriculum = full(program.curriculum_id)
        item.templates = list(curriculum.sessions)
        item.class_names = [c.name for c in classes]
        start_week = min(program.start_week, term_weeks(target))
        item.spec = dataclasses.replace(
            source,
            term=target,
            worker_ids=staff,
            class_ids=[c.id for c in classes],
            count=len(item.templates),
            start_week=start_week,
            exclude_program_id=None,
            days=days,
        )
        item.fields = {
            "curriculum": program.curriculum_id,
            "title": program.title,
            "group_name": program.group_name,
        }
        item.preview = place(item.spec, busy=index.for_spec(item.spec))
        for p in item.preview.placed:
            index.add(
                Busy(None, p.date, p.start, p.end, p.seq, program.title),
                item.spec.room_id,
                item.spec.worker_ids,
                item.spec.class_ids,
            )
    return CopyPlan(term, target, items)


def commit(user, term: Term) -> list:
    """Save every copy that places without a clash or shortfall, all in one transaction
    (create_programs checks again inside it). Returns the new programs."""
    with write_tx():  # the "already copied" check and the save see the same data
        plan = preview(user, term)
        items = [(i.spec, i.fields, i.templates) for i in plan.savable]
        if not items:
            raise PlannerError(_l("没有可以复制的计划。"), "term")
        return create_programs(items, user)
