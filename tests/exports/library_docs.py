"""Word contexts built straight from a library curriculum (content/curricula), without a
database: the real lessons, long steps and all, that page-count checks need."""

import copy
import functools
import os

import yaml

from planner.curricula.content import load_materials
from planner.curricula.services import material_names
from planner.exports import samples
from planner.exports.gather import OBJECTIVE_LABELS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CURRICULA = os.path.join(ROOT, "content", "curricula")


@functools.cache
def _titles() -> dict:
    """slug → title of content/materials, as the database gives gather.material_names."""
    return {
        m["slug"]: m["title"] for m in load_materials(os.path.join(ROOT, "content", "materials"))[0]
    }


def _names(items) -> list[str]:
    return material_names(items, _titles())


def load(slug: str) -> dict:
    with open(os.path.join(CURRICULA, f"{slug}.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def lesson(curriculum: dict, template: dict, date: str = "2026年3月11日") -> dict:
    """One lesson as gather.session_dict shapes it."""
    activities = template.get("activities") or []
    objectives = template.get("objectives") or {}
    return {
        "seq": str(template["seq"]),
        "title": template["title"],
        "date": date,
        "weekday": "周三",
        "time": "14:30–15:15",
        "venue": "7(1)班教室",
        "stage": template.get("stage") or "",
        "objectives": [
            {"label": label, "text": objectives[key]}
            for key, label in OBJECTIVE_LABELS
            if objectives.get(key)
        ],
        "key_messages": list(template.get("key_messages") or []),
        "materials": _names(template.get("materials")),
        "preparation": template.get("preparation") or "",
        "home_link": template.get("home_link") or "",
        "staffing": ["李社工"],
        "period_minutes": str(curriculum["period_minutes"]),
        "total_minutes": str(sum(a["minutes"] for a in activities)),
        "activities": [
            {
                "phase": a["phase"],
                "title": a["title"],
                "minutes": str(a["minutes"]),
                "purpose": a.get("purpose") or "",
                "steps": list(a.get("steps") or []),
                "materials": _names(a.get("materials")),
                "debrief": list(a.get("debrief") or []),
            }
            for a in activities
        ],
    }


def session_plan(slug: str, seq: int = 1) -> dict:
    """The 单节活动计划 of one classroom lesson of a library curriculum."""
    curriculum = load(slug)
    template = next(t for t in curriculum["sessions"] if t["seq"] == seq)
    ctx = copy.deepcopy(samples.SESSION_PLAN)
    ctx.update(
        title=curriculum["title"],
        program_kind=curriculum["kind"],
        group_name="",
        session=lesson(curriculum, template),
    )
    return ctx


def lesson_plan(slug: str) -> dict:
    """The 社工课堂教案 of a library curriculum, every lesson in it."""
    curriculum = load(slug)
    ctx = copy.deepcopy(samples.LESSON_PLAN)
    ctx.update(
        title=curriculum["title"],
        curriculum_title=curriculum["title"],
        overall_goal=(curriculum.get("plan") or {}).get("overall_goal", ""),
        lessons=[lesson(curriculum, t) for t in curriculum["sessions"]],
    )
    return ctx
