"""Turn a validated program form into a placement spec, checking every reference is the
school's own (a room, class, term or worker from elsewhere is refused, not trusted)."""

import dataclasses

from peewee import fn

from planner.accounts.models import User, WorkerSchool
from planner.calendars.services import term_weeks
from planner.curricula.editor import full
from planner.curricula.models import Curriculum
from planner.curricula.services import visible
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Room, SchoolClass, Term
from planner.sessions.placement import Spec
from planner.students.models import Student
from planner.students.names import name_errors


def choices(school, user) -> dict:
    """What the program form offers for this school."""
    from planner.calendars.services import periods

    return {
        "curricula": list(
            visible(user)
            .where(Curriculum.status == "published")
            .order_by(Curriculum.kind, Curriculum.title, Curriculum.version.desc())
        ),
        "terms": list(
            Term.select()
            .where((Term.school == school.id) & ~Term.archived)
            .order_by(Term.start.desc())
        ),
        "classes": list(
            SchoolClass.select()
            .where((SchoolClass.school == school.id) & ~SchoolClass.archived)
            .order_by(SchoolClass.grade, SchoolClass.name)
        ),
        "rooms": list(
            Room.select().where((Room.school == school.id) & ~Room.archived).order_by(Room.name)
        ),
        "workers": list(
            User.select()
            .join(WorkerSchool, on=(WorkerSchool.worker == User.id))
            .where((WorkerSchool.school == school.id) & User.active)
        ),
        "periods": periods(school.id),
    }


def build(values: dict, rules: list, school, user, offered: dict):
    """(spec, fields, templates, errors) from validated form values."""
    errors = {}
    by_id = {
        k: {row.id: row for row in offered[k]}
        for k in ("curricula", "terms", "rooms", "classes", "workers")
    }
    curriculum = by_id["curricula"].get(values["curriculum_id"])
    term = by_id["terms"].get(values["term_id"])
    if curriculum is None:
        errors["curriculum_id"] = _l("请选择一个已发布的课程方案。")
    if term is None:
        errors["term_id"] = _l("请选择本校的学期。")
    if values["room_id"] not in by_id["rooms"]:
        errors["room_id"] = _l("该场地不属于本校，请从本校场地中选择。")
    if any(c not in by_id["classes"] for c in values["class_ids"]):
        errors["class_ids"] = _l("请选择本校的班级。")
    workers = values["worker_ids"] or ([user.id] if user.is_worker else [])
    if not workers or any(w not in by_id["workers"] for w in workers):
        errors["worker_ids"] = _l("请选择负责本校的社工。")
    if curriculum is not None:
        if curriculum.kind == "classroom" and not values["class_ids"]:
            errors["class_ids"] = _l("社工课堂请至少选择一个班级。")
        if curriculum.kind == "group" and not values.get("group_name"):
            errors["group_name"] = _l("请填写小组名称。")
    if term is not None and values["start_week"] > term_weeks(term):
        errors["start_week"] = _l("开始周次晚于学期结束（本学期共 %(n)s 周）。", n=term_weeks(term))
    errors.update(
        name_errors(
            {"title": values.get("title"), "group_name": values.get("group_name")},
            {"title": _l("计划名称"), "group_name": _l("小组名称")},
            school_ids=[school.id],
        )
    )
    if not errors:
        errors.update(
            class_rule_errors(values, rules, curriculum, by_id["classes"])
            or sanity_errors(values, rules, curriculum, by_id["rooms"][values["room_id"]])
        )
    if errors:
        return None, None, None, errors
    curriculum = full(curriculum.id)
    spec = Spec(
        school.id,
        term,
        values["room_id"],
        workers,
        values["class_ids"],
        rules,
        len(curriculum.sessions),
        values["start_week"],
        values["min_gap_days"],
    )
    title = values.get("title") or curriculum.title
    fields = {
        "curriculum": curriculum.id,
        "title": title,
        "group_name": values.get("group_name") or "",
    }
    return spec, fields, list(curriculum.sessions), {}


SLACK_MINUTES = 30  # a clock-time slot may run this much longer than the meeting


def _minutes(start, end) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def sanity_errors(values: dict, rules: list, curriculum, room) -> dict:
    """Plans that cannot work, per field: a classroom series in a 个案工作室, classes whose
    students outnumber the room's seats, a clock-time slot shorter than a meeting or far
    longer than it (16:10–23:59 for a 60-minute group). One query (the class sizes)."""
    errors = {}
    if curriculum.kind == "classroom" and room.kind == "case_room":
        errors["room_id"] = _l(
            "「%(room)s」是个案工作室，不能用于社工课堂，请选择教室或多功能室。", room=room.name
        )
    elif curriculum.kind == "classroom" and room.capacity and values["class_ids"]:
        sizes = dict(
            Student.select(Student.school_class, fn.COUNT(Student.id))
            .where(Student.school_class.in_(values["class_ids"]) & ~Student.archived)
            .group_by(Student.school_class)
            .tuples()
        )
        # classes on slots of their own meet apart: the largest must fit, else all together
        split = any(r.class_id is not None for r in rules)
        students = max(sizes.values(), default=0) if split else sum(sizes.values())
        if students > room.capacity:
            errors["room_id"] = _l(
                "所选班级共 %(n)s 名学生，「%(room)s」只有 %(cap)s 个座位，请换更大的场地、减少班级或为各班设置各自的时段。",
                n=students,
                room=room.name,
                cap=room.capacity,
            )
    length = curriculum.period_minutes
    for i, rule in enumerate(rules):
        if rule.period_id is not None:
            continue
        minutes = _minutes(rule.start, rule.end)
        if minutes < length:
            errors[f"r{i}_start"] = _l(
                "该时段只有 %(m)s 分钟，短于每次活动的 %(n)s 分钟。", m=minutes, n=length
            )
        elif minutes > length + SLACK_MINUTES:
            errors[f"r{i}_start"] = _l(
                "该时段长 %(m)s 分钟，与每次活动的 %(n)s 分钟不符，请按活动时长填写结束时间。",
                m=minutes,
                n=length,
            )
    return errors


def class_rule_errors(values: dict, rules: list, curriculum, classes: dict) -> dict:
    """Slot rows that name a class: a classroom series only, every row naming one of the
    chosen classes, and every chosen class given a slot."""
    named = [r.class_id for r in rules if r.class_id is not None]
    if not named:
        return {}
    if curriculum.kind != "classroom":
        return {"rules": _l("只有社工课堂可以为各班设置各自的时段。")}
    if len(named) != len(rules):
        return {"rules": _l("为各班设置时段时，每个时段都要选择班级。")}
    errors = {
        f"r{i}_class": _l("该班级不在所选班级中。")
        for i, r in enumerate(rules)
        if r.class_id not in values["class_ids"]
    }
    missing = [classes[c].name for c in values["class_ids"] if c not in named and c in classes]
    if missing:
        errors["class_ids"] = _l("%(names)s 还没有时段。", names="、".join(missing))
    return errors


def per_class(spec, fields: dict, templates: list, offered: dict) -> list:
    """A series whose slot rows name classes, as one program per class on its own slots:
    [(spec, fields, templates)] for services.create_programs. Each title names its class."""
    names = {c.id: c.name for c in offered["classes"]}
    out = []
    for class_id in spec.class_ids:
        rules = [
            dataclasses.replace(r, class_id=None) for r in spec.rules if r.class_id == class_id
        ]
        one = dataclasses.replace(spec, class_ids=[class_id], rules=rules)
        title = f"{fields['title']}·{names[class_id]}"[:80]
        out.append((one, dict(fields, title=title), templates))
    return out
