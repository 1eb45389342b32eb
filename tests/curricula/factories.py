"""Curriculum factory: a complete, valid curriculum built through the app's own service."""

import copy

from planner.curricula.editor import full
from planner.curricula.services import create_from_data

ACTIVITY = {
    "phase": "主体",
    "title": "讨论",
    "minutes": 10,
    "purpose": "目的",
    "steps": ["第一步"],
    "materials": [],
    "debrief": ["你想到了什么？"],
}
PLAN = {
    "background": "背景",
    "theory": "社会学习理论",
    "overall_goal": "总目标",
    "specific_goals": ["目标一"],
    "content": "内容",
    "methods": "体验式活动",
    "action_steps": ["步骤一"],
    "schedule": "每周一次",
    "evaluators": "学生、社工",
    "evaluation_methods": "问卷",
}
GROUP_PLAN = {
    "group_nature": "成长小组",
    "group_size": "8–10人",
    "recruitment": "自愿报名",
    "contract": ["守时"],
    "resources": "小组工作室",
    "risks": [{"risk": "情绪波动", "response": "个别跟进"}],
    "evaluation_plan": "前后测",
}


def curriculum_data(kind="classroom", sessions=4, **kw):
    """Valid content data: 45-minute 初中 lessons, or 60-minute group meetings."""
    group = kind == "group"
    stages = ["形成期", "转折期", "成熟期", "结束期"]
    data = {
        "slug": kw.pop("slug", f"test-{kind}"),
        "version": 1,
        "status": "published",
        "kind": kind,
        "audience": "students",
        "tier": "拓展类" if group else "基础类",
        "title": "测试课程",
        "theme": "青春期教育",
        "grade_band": "初中",
        "grades": [7, 8],
        "period_minutes": 60 if group else 45,
        "summary": "简介",
        "plan": dict(PLAN, **(GROUP_PLAN if group else {})),
        "sessions": [],
    }
    for n in range(1, sessions + 1):
        session = {
            "seq": n,
            "title": f"第{n}课",
            "objectives": {"knowledge": "知", "skill": "技", "attitude": "态"},
            "key_messages": [],
            "materials": [],
            "preparation": "",
            "home_link": "",
            "sensitivity": [],
            "activities": [
                dict(ACTIVITY, phase="导入", minutes=5),
                dict(ACTIVITY, minutes=30 if not group else 45),
                dict(ACTIVITY, phase="总结", minutes=10),
            ],
        }
        if group:
            session["stage"] = stages[min(len(stages) - 1, (n - 1) * len(stages) // sessions)]
            session["stage"] = stages[-1] if n == sessions else session["stage"]
        data["sessions"].append(session)
    data.update(kw)
    return copy.deepcopy(data)


def curriculum(agency=None, kind="classroom", user=None, **kw):
    """Insert a curriculum (shared when agency is None) and return it with sessions loaded."""
    data = curriculum_data(kind, **kw)
    agency_id = agency.id if agency is not None else None
    created = create_from_data(data, agency_id=agency_id, user_id=user.id if user else None)
    return full(created.id)
