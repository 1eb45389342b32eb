"""The summary documents: group evaluation report and term statistics."""

from planner.exports.docx_base import (
    TEXT_WIDTH,
    Sections,
    bold_row,
    bullets,
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

BAR = "█"
BAR_LENGTH = 20
STATS = (  # term_stats keys and their column labels; "classes" is covered/total
    ("lessons", "课堂节数"),
    ("lesson_participants", "课堂人次"),
    ("groups", "小组数"),
    ("meetings", "小组节数"),
    ("meeting_participants", "小组人次"),
    ("participants", "服务总人次"),
    ("attendance_rate", "小组出勤率"),
    ("classes", "覆盖班级"),
    ("coverage", "班级覆盖率"),
)

ADULTS = (  # reports/stats.ADULT_KEYS: 家长课堂 and 教师工作坊, counted apart from students
    ("parent_sessions", "家长课堂次数"),
    ("parent_participants", "家长课堂人次"),
    ("teacher_sessions", "教师工作坊次数"),
    ("teacher_participants", "教师工作坊人次"),
)

PYRAMID = (  # the pyramid's keys (reports/pyramid.py) and their labels
    ("screened", "筛查人数"),
    ("share_screened", "筛查覆盖率"),
    ("classes_screened", "筛查班级"),
    ("normal", "一般"),
    ("concern", "关注"),
    ("high", "高危"),
    ("recruited", "招募入组"),
    ("cases_opened", "新开个案"),
    ("cases_open", "在案个案"),
    ("cases_closed", "结案"),
    ("referrals", "转介"),
    ("crisis", "危机名单"),
    ("overdue", "逾期复核"),
)


def _bars(pre: str, post: str):
    """Text bars for a pre/post pair, the longer one BAR_LENGTH long; None if not numbers."""
    try:
        values = float(pre), float(post)
    except (TypeError, ValueError):
        return None
    top = max(values)
    if top <= 0:
        return None
    return [BAR * max(1, round(v / top * BAR_LENGTH)) if v > 0 else "" for v in values]


def _attendance(document, attendance) -> None:
    """Members × meetings with the symbols, a rate per member and a rate row per meeting."""
    columns = attendance.get("columns") or []
    rows = attendance.get("rows") or []
    if not rows:
        text(document, "")
        return
    size = 9 if len(columns) <= 10 else 7.5
    width = (TEXT_WIDTH - 3.0 - 1.7) / max(len(columns), 1)
    n = len(columns)
    body = [
        [r.get("code"), *(list(r.get("cells") or []) + [""] * n)[:n], r.get("rate")] for r in rows
    ]  # a short or long cell list must not shift the rate column
    rates = (list(attendance.get("session_rates") or []) + [""] * n)[:n]
    body.append(["各节出勤率", *rates, attendance.get("overall")])
    table = grid_table(
        document,
        ["档案编号", *columns, "出勤率"],
        body,
        [3.0, *[width] * len(columns), 1.7],
        size=size,
        centre=range(1, n + 2),
        tight=True,
        nowrap=(0,),
    )
    bold_row(table.rows[-1])
    text(document, attendance.get("legend"), label="图例")
    text(document, attendance.get("overall"), label="整体出勤率")


def _outcomes(document, ctx) -> None:
    """Pre/post means per instrument, then the GAS T scores; all native tables."""
    sub = Sections(document, level=2)
    for outcome in ctx.get("outcomes") or []:
        sub(f"{dash(outcome.get('instrument'))}（n = {dash(outcome.get('n'))}）")
        rows = [["总均分", outcome.get("pre"), outcome.get("post"), outcome.get("change")]]
        rows += [
            [i.get("text"), i.get("pre"), i.get("post"), i.get("change")]
            for i in outcome.get("items") or []
        ]
        table = grid_table(
            document,
            ["项目", "前测", "后测", "变化"],
            rows,
            [8.06, 2.2, 2.2, 2.2],
            centre=(1, 2, 3),
        )
        bold_row(table.rows[1])
        bars = _bars(outcome.get("pre"), outcome.get("post"))
        if bars:
            document.add_paragraph()
            grid_table(
                document,
                ["测量", "均值", "对比"],
                [["前测", outcome.get("pre"), bars[0]], ["后测", outcome.get("post"), bars[1]]],
                [2.0, 2.0, 10.66],
                centre=(0, 1),
            )
    sub("目标达成量表（GAS）")
    gas = ctx.get("gas") or []
    if gas:
        grid_table(
            document,
            ["档案编号", "目标数", "结束时 T 分数", "跟进时 T 分数"],
            [[g.get("code"), g.get("goals"), g.get("post"), g.get("followup")] for g in gas],
            [4.66, 2.5, 3.75, 3.75],
            centre=(1, 2, 3),
            nowrap=(0,),
        )
    text(document, ctx.get("gas_summary"), label="小结")


def evaluation_report(ctx) -> bytes:
    """小组总结评估报告."""
    document = new_document(ctx)
    title(document, ctx)
    info_table(
        document,
        [
            ("小组名称", ctx.get("group_name")),
            ("服务学校", ctx.get("school")),
            ("学期", ctx.get("term")),
            ("服务期间", ctx.get("period")),
            ("活动节数", ctx.get("meetings")),
            ("组员人数", ctx.get("members")),
            ("负责社工", dash(ctx.get("workers"))),
            ("执行机构", ctx.get("agency")),
            ("报告日期", ctx.get("generated_on")),
        ],
    )
    sections = Sections(document)
    sections("背景")
    text(document, ctx.get("background"))
    text(document, ctx.get("overall_goal"), label="小组总目标")
    sections("目标及达成情况")
    grid_table(
        document,
        ["序号", "目标", "达成情况", "依据"],
        [
            [str(n), g.get("goal"), g.get("status"), g.get("evidence")]
            for n, g in enumerate(ctx.get("goals") or [], 1)
        ],
        [1.2, 5.4, 2.0, 6.06],
        centre=(0, 2),
    )
    sections("出勤情况")
    _attendance(document, ctx.get("attendance") or {})
    sections("成效评估")
    _outcomes(document, ctx)
    sections("满意度")
    satisfaction = ctx.get("satisfaction") or {}
    text(
        document,
        f"共回收问卷 {dash(satisfaction.get('n'))} 份，总体平均分 "
        f"{dash(satisfaction.get('mean'))}，认同率 {dash(satisfaction.get('agree'))}。",
    )
    items = satisfaction.get("items") or []
    if items:
        grid_table(
            document,
            ["题目", "平均分", "认同率"],
            [[i.get("text"), i.get("mean"), i.get("agree")] for i in items],
            [9.66, 2.5, 2.5],
            centre=(1, 2),
        )
    heading(document, "组员意见", 3)
    bullets(document, satisfaction.get("comments"))
    sections("过程评估")
    process = ctx.get("process") or {}
    text(document, process.get("summary"))
    sub = Sections(document, level=2)
    sub("小组发展阶段")
    grid_table(
        document,
        ["节次", "计划阶段", "观察到的阶段"],
        [[s.get("seq"), s.get("planned"), s.get("observed")] for s in ctx.get("stages") or []],
        [2.0, 6.33, 6.33],
        centre=(0,),
    )
    sub("执行情况")
    grid_table(
        document,
        ["项目", "情况"],
        [[r.get("label"), r.get("value")] for r in process.get("rows") or []],
        [5.0, 9.66],
    )
    sub("特殊事件")
    bullets(document, process.get("incidents"))
    sections("建议")
    text(document, ctx.get("recommendations"))
    signature_line(document, ("撰写社工", "督导签名", "日期"))
    return to_bytes(document)


def _stat(values, key) -> str:
    if key == "classes":
        covered, total = values.get("classes_covered"), values.get("classes_total")
        return f"{covered}/{total}" if covered or total else ""
    return values.get(key)


def _rows_and_total(document, ctx, rows_label, columns) -> None:
    """One row per school or worker and the bold 合计 row, for these (key, label) columns."""
    totals = ctx.get("totals") or {}
    rows = [[r.get("name"), *[_stat(r, key) for key, _ in columns]] for r in ctx.get("rows") or []]
    rows.append(["合计", *[_stat(totals, key) for key, _ in columns]])
    table = grid_table(
        document,
        [rows_label, *[label for _, label in columns]],
        rows,
        [2.66, *[12.0 / len(columns)] * len(columns)],
        size=9,
        centre=range(1, len(columns) + 1),
        tight=True,
    )
    bold_row(table.rows[-1])


def _adults(document, ctx, sections, rows_label) -> None:
    """家长课堂 and 教师工作坊 (standard 7.4 and 7.2): sessions and 人次, not part of the
    students' 服务总人次 or the classes covered; a row per school or worker when any."""
    totals = ctx.get("totals") or {}
    if not any(str(totals.get(key) or "0") != "0" for key, _ in ADULTS):
        return
    sections("家长课堂与教师工作坊")
    _rows_and_total(document, ctx, rows_label, ADULTS)


def term_stats(ctx) -> bytes:
    """学期工作统计: the totals, then one row per school or worker."""
    document = new_document(ctx)
    title(document, ctx)
    info_table(
        document,
        [
            ("统计范围", "：".join(v for v in (ctx.get("scope"), ctx.get("scope_name")) if v)),
            ("学期", ctx.get("term")),
            ("执行机构", ctx.get("agency")),
            ("统计截至", ctx.get("as_of")),
            ("制表日期", ctx.get("generated_on")),
        ],
    )
    totals = ctx.get("totals") or {}
    sections = Sections(document)
    sections("总体情况")
    info_table(document, [(label, _stat(totals, key)) for key, label in STATS])
    rows_label = ctx.get("rows_label") or "名称"
    sections(f"分{rows_label}统计")
    _rows_and_total(document, ctx, rows_label, STATS)
    _adults(document, ctx, sections, rows_label)
    pyramid = ctx.get("pyramid")
    if pyramid:
        sections("三级服务金字塔（全面筛查—积极预防—个案干预）")
        info_table(
            document, [(label, (pyramid.get("totals") or {}).get(key)) for key, label in PYRAMID]
        )
        if pyramid.get("rows"):
            rows = [[r.get("name"), *[r.get(key) for key, _ in PYRAMID]] for r in pyramid["rows"]]
            grid_table(
                document,
                ["学校", *[label for _, label in PYRAMID]],
                rows,
                [2.2, *[12.46 / len(PYRAMID)] * len(PYRAMID)],
                size=8,
                centre=range(1, len(PYRAMID) + 1),
                tight=True,
            )
    return to_bytes(document)


WORK_STATS = (  # the work report's figures of reports/stats.py (no rates of classes)
    ("lessons", "课堂节数"),
    ("lesson_participants", "课堂人次"),
    ("groups", "小组数"),
    ("meetings", "小组节数"),
    ("meeting_participants", "小组人次"),
    ("participants", "服务总人次"),
    ("attendance_rate", "小组出勤率"),
    ("coverage", "班级覆盖率"),
)
SERVICE = (  # reports/stats.SERVICE_KEYS and their labels
    ("letters", "社工信箱来信"),
    ("urgent_letters", "其中紧急来信"),
    ("consult_student", "学生咨询人次"),
    ("consult_teacher", "教师咨询人次"),
    ("consult_parent", "家长咨询人次"),
    ("consultations", "咨询总人次"),
    ("supervision_individual", "个别督导次数"),
    ("supervision_group", "团体督导次数"),
    ("training_hours", "培训学时"),
)


def _figures(document, values, labels) -> None:
    """A two-column table of figures: 项目, 数量 (— for a figure that does not apply)."""
    grid_table(
        document,
        ["项目", "数量"],
        [[label, dash((values or {}).get(key))] for key, label in labels],
        [TEXT_WIDTH * 0.6, TEXT_WIDTH * 0.4],
        centre=(1,),
    )


def work_report(ctx) -> bytes:
    """学期工作总结 (issue 18): one worker's or one school's term in figures, the groups'
    evaluated goals and the safeguarding count. Numbers and goals only, no child named."""
    document = new_document(ctx)
    title(document, ctx)
    info_table(
        document,
        [
            ("总结范围", "：".join(v for v in (ctx.get("scope"), ctx.get("scope_name")) if v)),
            ("学期", ctx.get("term")),
            ("执行机构", ctx.get("agency")),
            ("统计截至", ctx.get("as_of")),
            ("制表日期", ctx.get("generated_on")),
        ],
    )
    sections = Sections(document)
    sections("课堂与小组服务")
    _figures(document, ctx.get("totals"), WORK_STATS + ADULTS)
    sections("三级服务金字塔（全面筛查—积极预防—个案干预）")
    _figures(document, ctx.get("pyramid"), PYRAMID)
    sections("社工信箱、咨询与专业支持")
    _figures(document, ctx.get("service"), SERVICE)
    sections("小组成效亮点")
    highlights = ctx.get("highlights") or []
    if not highlights:
        text(document, "")
    for item in highlights:
        text(
            document,
            f"评估目标 {item.get('judged')} 项，已达成 {item.get('met')} 项。",
            label=item.get("group"),
        )
        if item.get("goals"):
            bullets(document, item["goals"])
    sections("安全保护")
    text(
        document,
        f"本学期提出安全保护关注 {dash(ctx.get('safeguarding'))} 项（仅计数，详情见督导记录）。",
    )
    signature_line(document)
    return to_bytes(document)
