"""The casework documents (standard T/JHSX 001—2026 8.3.1–8.3.6): 个案接案登记表, 个案服务计划书,
个案服务记录 and 结案报告. Context dict in (planner.exports.case_context), bytes out; the same
A4 page, fonts and header (school and the case's GA archive code) as every other export."""

from planner.exports.docx_base import (
    Sections,
    dash,
    grid_table,
    heading,
    info_table,
    new_document,
    signature_line,
    text,
    title,
    to_bytes,
)

CODE_WIDTH = 3.6  # cm: an archive code on one line (the cell's w:noWrap)


def _case_table(document, ctx, *extra) -> None:
    """The case at the head of every casework document: who, where, since when."""
    case = ctx.get("case") or {}
    source = case.get("source") or ""
    if case.get("source_note"):
        source = f"{source}（{case['source_note']}）"
    info_table(
        document,
        [
            ("个案编号", ctx.get("archive_code")),
            ("学生编号", case.get("student_code")),
            ("班级", case.get("class_name")),
            ("服务学校", ctx.get("school")),
            ("个案社工", case.get("worker")),
            ("协同社工", case.get("co_worker")),
            ("开案日期", case.get("opened_on")),
            ("风险等级", case.get("risk")),
            ("个案来源", source),
            *extra,
        ],
    )


def _start(ctx):
    document = new_document(ctx)
    title(document, ctx)
    return document


def _fields(document, items) -> None:
    """A step's record: each field as a bold label and its text."""
    if not items:
        text(document, "")
    for item in items:
        text(document, item.get("value"), label=dash(item.get("label")))


def _referrals(document, referrals) -> None:
    if not referrals:
        text(document, "未转介")
        return
    grid_table(
        document,
        ["转介日期", "接收机构", "转介原因", "同意", "结果"],
        [
            [
                r.get("date"),
                "：".join(v for v in (r.get("target"), r.get("organisation")) if v),
                r.get("reason"),
                r.get("consent"),
                "（".join(v for v in (r.get("outcome"), r.get("outcome_on")) if v)
                + ("）" if r.get("outcome") and r.get("outcome_on") else ""),
            ]
            for r in referrals
        ],
        [3.0, 3.0, 3.2, 2.6, 2.86],
    )


def case_intake(ctx) -> bytes:
    """个案接案登记表 (8.3.1)."""
    document = _start(ctx)
    case = ctx.get("case") or {}
    _case_table(document, ctx, ("同意情况", case.get("consent")))
    sections = Sections(document)
    fields = {item.get("label"): item for item in ctx.get("intake") or []}
    sections("接案过程")
    _fields(document, [v for k, v in fields.items() if k not in ("接案决定", "决定理由")])
    sections("接案决定")
    _fields(document, [v for k, v in fields.items() if k in ("接案决定", "决定理由")])
    sections("转介")
    _referrals(document, ctx.get("referrals") or [])
    signature_line(document, ("接案社工", "督导签名", "日期"))
    return to_bytes(document)


def case_plan(ctx) -> bytes:
    """个案服务计划书: 预估 (8.3.2) and 计划 (8.3.3)."""
    document = _start(ctx)
    case = ctx.get("case") or {}
    _case_table(document, ctx, ("当前步骤", case.get("step")))
    sections = Sections(document)
    sections("预估")
    _fields(document, ctx.get("assessment") or [])
    sections("服务计划")
    plan = ctx.get("plan") or []
    if not plan:
        text(document, "")
    sub = Sections(document, level=2)
    for item in plan:
        sub(dash(item.get("label")))
        text(document, item.get("value"))
    sections("审批意见")
    text(document, "督导意见：")
    signature_line(document, ("编写社工", "督导签名", "日期"))
    return to_bytes(document)


def case_record(ctx) -> bytes:
    """个案服务记录 (8.3.4): the notes' list, then each note with its supervision."""
    document = _start(ctx)
    _case_table(document, ctx, ("服务小结", ctx.get("totals")))
    notes = ctx.get("notes") or []
    sections = Sections(document)
    sections("服务记录一览")
    if notes:
        grid_table(
            document,
            ["序号", "日期", "服务方式", "时长（分钟）", "记录社工", "督导"],
            [
                [
                    str(n),
                    i.get("date"),
                    i.get("kind"),
                    i.get("minutes"),
                    i.get("author"),
                    i.get("status"),
                ]
                for n, i in enumerate(notes, 1)
            ],
            [1.2, 3.4, 2.4, 2.2, 2.6, 2.86],
            centre=(0, 3),
        )
    else:
        text(document, "")
    sections("服务记录内容")
    if not notes:
        text(document, "")
    sub = Sections(document, level=2)
    for item in notes:
        sub(f"{dash(item.get('date'))}　{dash(item.get('kind'))}")
        text(document, item.get("note"), label="记录")
        if item.get("safeguarding"):
            text(document, "是，按保护流程处理", label="保护关注")
        sign = "，".join(v for v in (item.get("by"), item.get("on")) if v)
        text(
            document,
            f"{dash(item.get('status'))}" + (f"（{sign}）" if sign else ""),
            label="督导签阅",
        )
        if item.get("comment"):
            text(document, item.get("comment"), label="督导意见")
    sections("转介")
    _referrals(document, ctx.get("referrals") or [])
    signature_line(document, ("记录社工", "督导签名", "日期"))
    return to_bytes(document)


def _gas(document, ctx) -> None:
    goals = ctx.get("gas") or []
    if not goals:
        text(document, "")
        return
    for n, goal in enumerate(goals, 1):
        grid_table(
            document,
            [f"目标 {n}", f"{dash(goal.get('text'))}（权重 {dash(goal.get('weight'))}）"],
            [[level.get("value"), level.get("text")] for level in goal.get("levels") or []]
            + [["评估时", goal.get("post")], ["回访时", goal.get("followup")]],
            [2.6, 12.06],
            centre=(0,),
        )
        document.add_paragraph()
    text(document, ctx.get("gas_t"), label="综合 T 分数（评估时）")
    text(document, ctx.get("gas_followup"), label="综合 T 分数（回访时）")


def case_closure(ctx) -> bytes:
    """结案报告: 评估 with the GAS goals (8.3.5) and 结案 (8.3.6)."""
    document = _start(ctx)
    case = ctx.get("case") or {}
    _case_table(
        document,
        ctx,
        ("结案日期", case.get("closed_on")),
        ("跟进回访", case.get("follow_up_on")),
        ("服务小结", ctx.get("services")),
    )
    sections = Sections(document)
    sections("评估")
    _fields(document, ctx.get("evaluation") or [])
    heading(document, "目标达成量表（GAS）", 2)
    _gas(document, ctx)
    sections("结案")
    _fields(document, ctx.get("closure") or [])
    sections("转介")
    _referrals(document, ctx.get("referrals") or [])
    signature_line(document, ("撰写社工", "督导签名", "日期"))
    return to_bytes(document)
