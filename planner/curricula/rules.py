"""Library rules beyond types: minutes fit the period, 8.3.3 fields, group stages.

check(data) returns [(path, message)]; the schema raises them, `content check` prints them
with the file and line, and the editor's compliance panel lists them.
"""

from planner.curricula.models import GRADE_BANDS
from planner.curricula.plan_fields import PLAN_833, PLAN_DESIGN, PLAN_GROUP
from planner.curricula.stages import meeting_stages
from planner.i18n import lazy_gettext as _l

PRIMARY_BANDS = ("小学低段", "小学中段", "小学高段")


def _empty(value) -> bool:
    return value is None or (isinstance(value, (str, list)) and not value)


def check_plan(data) -> list:
    """Missing plan fields: 8.3.3 and design fields, plus the group fields for groups."""
    plan = data.get("plan") or {}
    required = {**PLAN_DESIGN, **PLAN_833}
    if data.get("kind") == "group":
        required.update(PLAN_GROUP)
    return [
        (("plan", key), _l("缺少必填的计划内容：%(field)s", field=label))
        for key, label in required.items()
        if _empty(plan.get(key))
    ]


def check_period(data) -> list:
    """A lesson is one period: 40 minutes in primary school; 45 in secondary school, where
    some schools (九年一贯制 among them) keep 40, so 40 is allowed there too."""
    band, minutes = data.get("grade_band"), data.get("period_minutes")
    if data.get("kind") != "classroom" or band not in GRADE_BANDS or minutes is None:
        return []
    if band in PRIMARY_BANDS and minutes != 40:
        return [(("period_minutes",), _l("%(band)s的课时为 40 分钟。", band=band))]
    if band not in PRIMARY_BANDS and minutes not in (40, 45):
        return [
            (("period_minutes",), _l("%(band)s的课时为 45 分钟（部分学校为 40 分钟）。", band=band))
        ]
    return []


def check_grades(data) -> list:
    low, high = GRADE_BANDS.get(data.get("grade_band"), (1, 12))
    grades = data.get("grades") or []
    if not grades:
        return [(("grades",), _l("请至少选择一个年级。"))]
    if any(g < low or g > high for g in grades) or len(set(grades)) != len(grades):
        return [(("grades",), _l("年级须在学段范围 %(a)s–%(b)s 之内且不重复。", a=low, b=high))]
    return []


def check_sessions(data) -> list:
    """Sessions numbered 1..N, each with activities that fit the period."""
    sessions = data.get("sessions") or []
    period = data.get("period_minutes") or 0
    if not sessions:
        return [(("sessions",), _l("至少需要一节。"))]
    problems = []
    for i, session in enumerate(sessions):
        if session.get("seq") != i + 1:
            problems.append((("sessions", i, "seq"), _l("节次应依次为 1、2、3……")))
        activities = session.get("activities") or []
        if not activities:
            problems.append((("sessions", i, "activities"), _l("每节至少需要一个活动环节。")))
        total = sum(a.get("minutes") or 0 for a in activities)
        if total > period:
            problems.append(
                (
                    ("sessions", i, "activities"),
                    _l(
                        "第 %(seq)s 节活动合计 %(total)s 分钟，超过单节时长 %(period)s 分钟。",
                        seq=i + 1,
                        total=total,
                        period=period,
                    ),
                )
            )
    return problems


def check_stages(data) -> list:
    """Groups: planned stages from the stage model, never backwards, 形成期 … 结束期."""
    sessions = data.get("sessions") or []
    if data.get("kind") != "group":
        return [
            (("sessions", i, "stage"), _l("社工课堂不设小组阶段。"))
            for i, s in enumerate(sessions)
            if s.get("stage")
        ]
    order = meeting_stages()
    problems, last = [], -1
    for i, session in enumerate(sessions):
        stage = session.get("stage")
        if stage not in order:
            problems.append(
                (("sessions", i, "stage"), _l("小组阶段须为：%(names)s", names="、".join(order)))
            )
            continue
        if order.index(stage) < last:
            problems.append((("sessions", i, "stage"), _l("小组阶段不能倒退。")))
        last = max(last, order.index(stage))
    stages = [s.get("stage") for s in sessions]
    if sessions and not problems and (stages[0] != order[0] or stages[-1] != order[-1]):
        problems.append(
            (
                ("sessions",),
                _l("小组活动应从%(first)s开始、以%(last)s结束。", first=order[0], last=order[-1]),
            )
        )
    return problems


def check(data) -> list:
    """All rules."""
    return (
        check_grades(data)
        + check_period(data)
        + check_plan(data)
        + check_sessions(data)
        + check_stages(data)
    )
