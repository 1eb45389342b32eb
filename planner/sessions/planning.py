"""Turn a validated program form into a placement spec, checking every reference is the
school's own (a room, class, term or worker from elsewhere is refused, not trusted)."""

from planner.accounts.models import User, WorkerSchool
from planner.calendars.services import term_weeks
from planner.curricula.editor import full
from planner.curricula.models import Curriculum
from planner.curricula.services import visible
from planner.i18n import lazy_gettext as _l
from planner.schools.models import Room, SchoolClass, Term
from planner.sessions.placement import Spec
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
