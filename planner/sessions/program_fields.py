"""The program form's fields (FieldSpecs), drawn by the planning and the edit pages."""

from planner.forms import FieldSpec
from planner.i18n import lazy_gettext as _l
from planner.sessions.placement import WEEKDAYS


def period_label(period) -> str:
    times = f"{period.start:%H:%M}–{period.end:%H:%M}"
    section = f"（{period.section}）" if period.section != "all" else ""
    return f"{period.label} {times}{section}"


def program_fields(offered, user) -> dict:
    """The program form's fields, by name, with what this school offers."""
    curricula = {
        c.id: f"{c.title}（{c.kind_label} · {_l('第 %(v)s 版', v=c.version)}）"
        for c in offered["curricula"]
    }
    return {
        spec.name: spec
        for spec in (
            FieldSpec("curriculum_id", _l("课程方案"), "select", curricula),
            FieldSpec(
                "term_id",
                _l("学期"),
                "select",
                {t.id: t.name for t in offered["terms"]},
                blank=False,
            ),
            FieldSpec("title", _l("计划名称（可选）"), maxlength=80),
            FieldSpec("group_name", _l("小组名称（成长小组填写）"), maxlength=60),
            FieldSpec(
                "class_ids",
                _l("班级（社工课堂）"),
                "checks",
                {c.id: c.name for c in offered["classes"]},
            ),
            FieldSpec(
                "worker_ids",
                _l("负责社工"),
                "checks",
                {w.id: w.display_name for w in offered["workers"]},
                default=[user.id],
            ),
            FieldSpec(
                "room_id",
                _l("场地"),
                "select",
                {r.id: r.name for r in offered["rooms"]},
                blank=False,
            ),
            FieldSpec("start_week", _l("从第几周开始"), "number", min=1, max=30, default="1"),
            FieldSpec(
                "min_gap_days", _l("两次活动至少间隔（天）"), "number", min=0, max=60, default="1"
            ),
        )
    }


def rule_fields(periods, classes=()) -> list:
    """One weekly slot row's fields (posted as r_<name>[], one per row). A row may name one
    of the chosen classes: that class then gets its own series on its own slots."""
    return [
        FieldSpec(
            "weekday", _l("星期"), "select", {n: WEEKDAYS[n] for n in range(1, 6)}, blank="—"
        ),
        FieldSpec(
            "period",
            _l("课节"),
            "select",
            {p.id: period_label(p) for p in periods},
            blank=_l("按时间"),
        ),
        FieldSpec("start", _l("开始"), "time"),
        FieldSpec("end", _l("结束"), "time"),
        FieldSpec(
            "every", _l("每隔几周"), "select", {n: n for n in range(1, 5)}, blank=False, default="1"
        ),
        FieldSpec(
            "class",
            _l("班级"),
            "select",
            {c.id: c.name for c in classes},
            blank=_l("所选全部班级"),
        ),
    ]
