"""What the evaluation page draws: the group's summary, three inline SVG charts, the score
grid (which member has which instrument at which time point) and the judgement form."""

from planner.audit.models import record
from planner.curricula.stages import default_model
from planner.db import write_tx
from planner.evaluation import charts
from planner.evaluation.models import GOAL_STATUSES, TIMEPOINTS
from planner.evaluation.services import instruments_for
from planner.evaluation.summary import summary
from planner.i18n import gettext as _
from planner.reflections.queries import timeline
from planner.runs.models import ATTENDANCE
from planner.students.consent import consenting_ids


def _charts(program, s) -> dict:
    heat = charts.attendance_heatmap(
        [str(x.seq) for x in s.sessions],
        [(m.archive_code, [s.marks.get((x.id, m.id)) for x in s.sessions]) for m in s.members],
        {k: str(v) for k, v in ATTENDANCE.items()},
        _("出勤热力图（组员 × 活动）"),
    )
    rows = timeline(program)
    stages = [st["name"] for st in default_model()["stages"]]
    stage = charts.stage_timeline(
        [_(n) for n in stages],
        [
            (
                str(r.seq),
                _(r.template.stage) if r.template.stage else None,
                _(r.observed) if r.observed else None,
            )
            for r in rows
            if r.status != "cancelled"
        ],
        _("阶段时间线：计划与观察"),
        _("计划阶段"),
        _("观察阶段"),
    )
    bars = [
        charts.prepost_bars(
            [(i["text"], i["pre"], i["post"]) for i in o["items"]],
            o["instrument"].scale_min,
            o["instrument"].scale_max,
            _("%(name)s：前测与后测（各题平均分）", name=o["instrument"].name),
            _("前测"),
            _("后测"),
        )
        for o in s.outcomes
        if o["summary"]["n"]
    ]
    return {"heatmap": heat, "stage_chart": stage, "prepost": bars}


def _grid(program, s) -> list:
    """Per instrument and time point: the members with and without a score. The
    instruments the program's curriculum links (its `instruments`) come first, marked."""
    linked = list(program.curriculum.instruments or [])
    rank = {slug: i for i, slug in enumerate(linked)}
    instruments = sorted(
        instruments_for(program.school.agency_id),
        key=lambda inst: rank.get(inst.slug, len(rank)),
    )
    out = []
    for inst in instruments:
        if inst.kind != "likert":
            continue
        for tp in inst.applies_at:
            out.append(
                {
                    "inst": inst,
                    "timepoint": tp,
                    "label": TIMEPOINTS[tp],
                    "linked": inst.slug in rank,
                    "done": {m.id for m in s.members if (m.id, inst.id, tp) in s.scores},
                }
            )
    return out


def _judgement_values(program, s, form) -> dict:
    goals = (program.curriculum.plan or {}).get("specific_goals") or []
    saved = {g["goal"]: g for g in (s.judgement.goals if s.judgement else [])}
    rows = []
    for i, goal in enumerate(goals):
        if form is not None:
            status, evidence = (
                form.get(f"goal_{i}_status", "unknown"),
                form.get(f"goal_{i}_evidence", ""),
            )
        else:
            status = saved.get(goal, {}).get("status", "unknown")
            evidence = saved.get(goal, {}).get("evidence", "")
        rows.append({"i": i, "goal": goal, "status": status, "evidence": evidence})
    return {
        "goals": rows,
        "version": s.judgement.version if s.judgement else 0,
        "recommendations": form.get("recommendations", "")
        if form is not None
        else (s.judgement.recommendations if s.judgement else ""),
    }


def page_context(program, user, errors: dict, form=None) -> dict:
    """The evaluation page's data; reading it is an audit row naming the members by archive
    code (their attendance, scores and goals are children's records)."""
    s = summary(program)
    with write_tx():
        record(
            user,
            "view_evaluation",
            "program",
            program.id,
            f"program={program.id} members={','.join(m.archive_code for m in s.members)}",
        )
    may = consenting_ids([m.id for m in s.members], "observation")
    return dict(
        program=program,
        summary=s,
        grid=_grid(program, s),
        statuses=GOAL_STATUSES,
        judgement=_judgement_values(program, s, form),
        errors=errors,
        may_record=may,
        gas_by_member={g["student_id"]: g for g in s.gas},
        **_charts(program, s),
    )
