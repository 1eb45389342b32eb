"""The fields of a curriculum's plan, with their labels: those standard T/JHSX 001—2026
clause 8.3.3 requires of every plan, the design fields every plan needs, and those a
growth group adds. The schemas, the library rules, the editor and the Word exports all
read them from here."""

from planner.i18n import lazy_gettext as _l

# Plan fields required by standard 8.3.3 (goals, content, methods, action steps, schedule,
# who evaluates and how), plus the design fields every plan needs.
PLAN_833 = {
    "overall_goal": _l("服务目标（总目标）"),
    "specific_goals": _l("服务目标（具体目标）"),
    "content": _l("服务内容"),
    "methods": _l("服务方法"),
    "action_steps": _l("行动步骤"),
    "schedule": _l("进度安排"),
    "evaluators": _l("评估参与者"),
    "evaluation_methods": _l("评估方式方法"),
}
PLAN_DESIGN = {"background": _l("背景与需求分析"), "theory": _l("理论框架")}
PLAN_GROUP = {
    "group_nature": _l("小组性质"),
    "group_size": _l("小组规模"),
    "recruitment": _l("招募与筛选"),
    "contract": _l("小组契约"),
    "resources": _l("所需资源"),
    "risks": _l("风险与应急预案"),
    "evaluation_plan": _l("评估计划"),
}
PLAN_LABELS = {**PLAN_DESIGN, **PLAN_833, **PLAN_GROUP}
