"""The context of the 小组总结评估报告 (planner.exports.summaries draws it): the group's summary
as display text, members by archive code."""

from planner.evaluation import compute
from planner.evaluation.charts import SYMBOLS
from planner.evaluation.models import GOAL_STATUSES
from planner.evaluation.summary import summary
from planner.exports.gather import common
from planner.i18n import chinese_day
from planner.runs.models import ATTENDANCE


def legend() -> str:
    return "  ".join(f"{SYMBOLS[k]} {ATTENDANCE[k]}" for k in ATTENDANCE)


def _attendance(s) -> dict:
    att = s.attendance
    return {
        "columns": [str(x.seq) for x in s.sessions],
        "rows": [
            {
                "code": m.archive_code,
                "cells": [SYMBOLS.get(s.marks.get((x.id, m.id)), "") for x in s.sessions],
                "rate": compute.fmt_pct(att["members"][m.id]["rate"]),
            }
            for m in s.members
        ],
        "session_rates": [compute.fmt_pct(att["sessions"][x.id]["rate"]) for x in s.sessions],
        "overall": compute.fmt_pct(att["overall"]["rate"]),
        "legend": legend(),
    }


def _outcomes(s) -> list:
    out = []
    for o in s.outcomes:
        m = o["summary"]
        out.append(
            {
                "instrument": o["instrument"].name,
                "n": str(m["n"]),
                "pre": compute.fmt_num(m["pre"]),
                "post": compute.fmt_num(m["post"]),
                "change": compute.fmt_change(m["change"]),
                "items": [
                    {
                        "text": i["text"],
                        "pre": compute.fmt_num(i["pre"]),
                        "post": compute.fmt_num(i["post"]),
                        "change": compute.fmt_change(i["change"]),
                    }
                    for i in o["items"]
                ],
            }
        )
    return out


def _gas(s) -> tuple[list, str]:
    codes = {m.id: m.archive_code for m in s.members}
    rows = [
        {
            "code": codes[g["student_id"]],
            "goals": str(g["goals"]),
            "post": compute.fmt_num(g["post"], 1),
            "followup": compute.fmt_num(g["followup"], 1),
        }
        for g in s.gas
    ]
    scored = [g["post"] for g in s.gas if g["post"] is not None]
    line = (
        f"{len(scored)} 名组员结束时平均 T 分数 {sum(scored) / len(scored):.1f}"
        "（50 表示恰好达到预期，高于 50 表示超出预期）"
        if scored
        else ""
    )
    return rows, line


def _satisfaction(s) -> dict:
    if not s.satisfaction:
        return {"n": "0", "mean": "—", "agree": "—", "items": [], "comments": []}
    sat = s.satisfaction[0]
    texts = {i["key"]: i["text"] for i in sat["instrument"].items}
    return {
        "n": str(sat["n"]),
        "mean": compute.fmt_num(sat["mean"]),
        "agree": compute.fmt_pct(sat["agree"]),
        "items": [
            {
                "text": texts.get(i["key"], i["key"]),
                "mean": compute.fmt_num(i["mean"]),
                "agree": compute.fmt_pct(i["agree"]),
            }
            for i in sat["items"]
        ],
        "comments": sat["comments"],
    }


def _process(s) -> dict:
    p = s.process
    rows = [
        {"label": "活动次数（未取消）", "value": str(p["sessions"])},
        {"label": "已写反思", "value": f"{p['reflections']} / {p['sessions']}"},
        {"label": "督导已签阅", "value": str(p["signed_off"])},
        {"label": "观察阶段与计划一致", "value": f"{p['stage_matches']} / {p['stage_recorded']}"},
        {"label": "运用的技巧", "value": "、".join(f"{k}（{n}）" for k, n in p["skills"]) or "—"},
        {"label": "跟进标记", "value": f"{p['follow_ups']}（其中安全相关 {p['safeguarding']}）"},
    ]
    summary_line = (
        f"共开展 {p['sessions']} 次活动，完成反思 {p['reflections']} 份，"
        f"其中 {p['signed_off']} 份已经督导签阅；记录了观察阶段的 {p['stage_recorded']} "
        f"次中，有 {p['stage_matches']} 次与计划阶段一致。"
    )
    return {"summary": summary_line, "rows": rows, "incidents": p["incidents"]}


def evaluation_report(program) -> dict:
    """小组总结评估报告: background, goals met, attendance, outcomes, satisfaction, process."""
    s = summary(program)
    plan = program.curriculum.plan or {}
    judged = {g["goal"]: g for g in (s.judgement.goals if s.judgement else [])}
    goals = [
        {
            "goal": g,
            "status": str(GOAL_STATUSES[judged.get(g, {}).get("status", "unknown")]),
            "evidence": judged.get(g, {}).get("evidence", ""),
        }
        for g in plan.get("specific_goals") or []
    ]
    gas_rows, gas_line = _gas(s)
    period = (
        f"{chinese_day(s.sessions[0].date)} 至 {chinese_day(s.sessions[-1].date)}"
        if s.sessions
        else ""
    )
    return dict(
        common(program, "evaluation_report", "小组总结评估报告"),
        group_name=program.group_name,
        period=period,
        meetings=str(len(s.sessions)),
        members=str(len(s.members)),
        background=plan.get("background", ""),
        overall_goal=plan.get("overall_goal", ""),
        goals=goals,
        attendance=_attendance(s),
        stages=[
            {
                "seq": str(x.seq),
                "planned": x.template.stage or "",
                "observed": (s.reflections[x.id].observed_stage or "")
                if x.id in s.reflections
                else "",
            }
            for x in s.sessions
        ],
        outcomes=_outcomes(s),
        gas=gas_rows,
        gas_summary=gas_line,
        satisfaction=_satisfaction(s),
        process=_process(s),
        recommendations=s.judgement.recommendations if s.judgement else "",
    )
