"""The plan and record documents: group plan, session plan, lesson plan, meeting record."""

from docx.enum.text import WD_BREAK
from docx.shared import Cm

from planner.exports.docx_base import (
    BLANK,
    TEXT_WIDTH,
    Sections,
    _bottom_border,
    bold_row,
    bullets,
    cn_number,
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

ACTIVITY_HEADER = ["环节", "活动名称", "分钟", "目的、步骤与物资"]
# The steps take nearly all the width: in a 5.8 cm column (and 小四 around it) a library
# 45-minute lesson's 单节活动计划 ran to four pages; at 10.76 cm, in 小五, it fits two.
ACTIVITY_WIDTHS = [1.1, 1.9, 0.9, 10.76]
ACTIVITY_SIZE = 9  # 小五
GROUP_ONLY = ("小组名称", "小组阶段")  # rows a classroom lesson has no value for
SESSION_LABELS = ("本节目标", "活动流程", "重点信息", "物资及准备", "家校联系")
LESSON_LABELS = ("教学目标", "教学流程", "核心信息", "教学物资及准备", "家校联系")


def _total_minutes(session) -> str:
    if session.get("total_minutes"):
        return session["total_minutes"]
    try:
        return str(sum(int(a.get("minutes") or 0) for a in session.get("activities") or []))
    except ValueError:
        return ""


def _when(session) -> str:
    return " ".join(session[key] for key in ("date", "weekday", "time") if session.get(key))


def _objectives(document, session) -> None:
    bullets(
        document,
        [
            f"{o.get('label') or '目标'}：{o.get('text') or ''}"
            for o in session.get("objectives") or []
        ],
    )


def _activity_table(document, session) -> None:
    """The session flow: one row per activity and a total row (the form agencies hand in)."""
    rows = []
    for activity in session.get("activities") or []:
        lines = [f"目的：{activity['purpose']}"] if activity.get("purpose") else []
        lines += [f"{n}. {step}" for n, step in enumerate(activity.get("steps") or [], 1)]
        lines += [f"讨论：{question}" for question in activity.get("debrief") or []]
        if activity.get("materials"):
            lines.append(f"物资：{dash(activity['materials'])}")
        rows.append([activity.get("phase"), activity.get("title"), activity.get("minutes"), lines])
    rows.append(["合计", BLANK, _total_minutes(session), BLANK])
    table = grid_table(
        document,
        ACTIVITY_HEADER,
        rows,
        ACTIVITY_WIDTHS,
        size=ACTIVITY_SIZE,
        centre=(0, 2),
        tight=True,
        nowrap=(2,),
    )
    bold_row(table.rows[-1])


def _session_design(document, session, sections, labels=SESSION_LABELS) -> None:
    """Objectives, flow, key messages, materials and home link of one session or lesson."""
    goals, flow, messages, materials, home = labels
    sections(goals)
    _objectives(document, session)
    sections(flow)
    _activity_table(document, session)
    sections(messages)
    bullets(document, session.get("key_messages"))
    sections(materials)
    text(document, dash(session.get("materials")), label="物资")
    text(document, session.get("preparation"), label="事前准备")
    sections(home)
    text(document, session.get("home_link"))


def group_plan(ctx) -> bytes:
    """小组计划书."""
    document = new_document(ctx)
    title(document, ctx)
    sessions = ctx.get("sessions") or []
    info_table(
        document,
        [
            ("小组名称", ctx.get("group_name")),
            ("服务学校", ctx.get("school")),
            ("学期", ctx.get("term")),
            ("负责社工", dash(ctx.get("workers"))),
            ("课程方案", ctx.get("curriculum_title")),
            ("小组主题", ctx.get("theme")),
            ("服务对象", ctx.get("grade_band")),
            ("活动地点", ctx.get("room")),
            ("活动节数", f"{len(sessions)} 节" if sessions else ""),
            ("每节时长", f"{ctx['period_minutes']} 分钟" if ctx.get("period_minutes") else ""),
            ("执行机构", ctx.get("agency")),
            ("编制日期", ctx.get("generated_on")),
        ],
    )
    sections = Sections(document)
    sections("小组概述")
    text(document, ctx.get("summary"))
    sections("小组计划")
    plan = ctx.get("plan") or []
    if not plan:
        text(document, "")
    for n, item in enumerate(plan, 1):
        heading(document, f"（{cn_number(n)}）{dash(item.get('label'))}", 2)
        value = item.get("value")
        if isinstance(value, list):
            bullets(document, value)
        else:
            text(document, value)
    sections("活动安排")
    grid_table(
        document,
        ["节次", "日期", "时间", "主题", "阶段", "目标"],
        [
            [
                f"第 {s.get('seq') or n} 节",
                s.get("date"),
                s.get("time"),
                s.get("title"),
                s.get("stage"),
                s.get("objectives") or [],
            ]
            for n, s in enumerate(sessions, 1)
        ],
        [1.6, 2.2, 2.2, 3.0, 1.6, 4.06],
        centre=(0, 4),
    )
    sections("审批意见")
    text(document, "督导意见：")
    signature_line(document, ("编写社工", "督导签名", "日期"))
    return to_bytes(document)


def session_plan(ctx) -> bytes:
    """单节活动计划."""
    document = new_document(ctx, compact=True)
    session = ctx.get("session") or {}
    title(document, ctx)
    classroom = ctx.get("program_kind") == "classroom"
    pairs = [
        ("小组名称", ctx.get("group_name")),
        ("节次", f"第 {session['seq']} 节" if session.get("seq") else ""),
        ("本节主题", session.get("title")),
        ("小组阶段", session.get("stage")),
        ("活动时间", _when(session)),
        ("活动地点", session.get("venue")),
        ("服务学校", ctx.get("school")),
        ("学期", ctx.get("term")),
        (
            "计划时长",
            f"{session['period_minutes']} 分钟" if session.get("period_minutes") else "",
        ),
        ("负责社工", dash(ctx.get("workers"))),
    ]
    info_table(document, [pair for pair in pairs if not (classroom and pair[0] in GROUP_ONLY)])
    sections = Sections(document)
    _session_design(document, session, sections)
    sections("人员分工")
    text(document, dash(session.get("staffing")))
    signature_line(document, ("带领社工", "督导签名", "日期"))
    return to_bytes(document)


def lesson_plan(ctx) -> bytes:
    """社工课堂教案: for the teacher; it reads no student-level keys at all."""
    document = new_document(ctx, compact=True)
    lessons = ctx.get("lessons") or []
    title(document, ctx)
    info_table(
        document,
        [
            ("课程名称", ctx.get("curriculum_title")),
            ("课程主题", ctx.get("theme")),
            ("适用年级", ctx.get("grade_band")),
            ("授课班级", dash(ctx.get("classes"))),
            ("服务学校", ctx.get("school")),
            ("学期", ctx.get("term")),
            ("授课社工", dash(ctx.get("workers"))),
            ("课时", f"{len(lessons)} 课" if lessons else ""),
            ("执行机构", ctx.get("agency")),
            ("编制日期", ctx.get("generated_on")),
        ],
    )
    sections = Sections(document)
    sections("课程总目标")
    text(document, ctx.get("overall_goal"))
    sections("课程安排")
    grid_table(
        document,
        ["课次", "日期", "时间", "课题", "地点"],
        [
            [
                f"第 {s.get('seq') or n} 课",
                s.get("date"),
                s.get("time"),
                s.get("title"),
                s.get("venue"),
            ]
            for n, s in enumerate(lessons, 1)
        ],
        [1.6, 2.4, 2.6, 4.66, 3.4],
        centre=(0,),
    )
    for n, lesson in enumerate(lessons, 1):
        label = f"第 {lesson.get('seq') or n} 课　{dash(lesson.get('title'))}"
        lesson_heading = heading(document, label)
        lesson_heading.paragraph_format.page_break_before = True  # a teacher can print one lesson
        info_table(
            document,
            [
                ("上课时间", _when(lesson)),
                ("上课地点", lesson.get("venue")),
                (
                    "课时长度",
                    f"{lesson['period_minutes']} 分钟" if lesson.get("period_minutes") else "",
                ),
                ("授课社工", dash(lesson.get("staffing"))),
            ],
        )
        _session_design(document, lesson, Sections(document, level=2), LESSON_LABELS)
    return to_bytes(document)


def _attendance(document, attendance) -> None:
    """Archive codes only, three to a row to keep the form short."""
    if not attendance:
        text(document, "")
        return
    rows = []
    for start in range(0, len(attendance), 3):
        row = []
        for entry in attendance[start : start + 3]:
            row += [entry.get("code"), entry.get("status")]
        rows.append(row + [BLANK] * (6 - len(row)))
    grid_table(
        document,
        ["档案编号", "出勤"] * 3,
        rows,
        [3.2, 1.69] * 3,
        centre=(1, 3, 5),
        tight=True,
        nowrap=(0, 2, 4),
    )


def meeting_record(ctx) -> bytes:
    """小组活动记录表."""
    document = new_document(ctx)
    session = ctx.get("session") or {}
    supervision = ctx.get("supervision") or {}
    title(document, ctx)
    info_table(
        document,
        [
            ("小组名称", ctx.get("group_name")),
            ("节次", f"第 {session['seq']} 节" if session.get("seq") else ""),
            ("本节主题", session.get("title")),
            ("活动地点", session.get("venue")),
            ("活动时间", _when(session)),
            ("服务学校", ctx.get("school")),
            ("带领社工", dash(session.get("staffing") or ctx.get("workers"))),
            ("出席情况", ctx.get("attendance_summary")),
        ],
    )
    sections = Sections(document)
    sections("出勤情况")
    _attendance(document, ctx.get("attendance") or [])
    text(document, ctx.get("attendance_summary"), label="小结")
    sections("本节目标")
    _objectives(document, session)
    sections("活动过程")
    activities = session.get("activities") or []
    if activities:
        grid_table(
            document,
            ["环节", "活动名称", "计划时长（分钟）"],
            [[a.get("phase"), a.get("title"), a.get("minutes")] for a in activities],
            [2.4, 8.66, 3.6],
            centre=(0, 2),
        )
    text(document, ctx.get("process"), label="实际进行情况")
    text(document, ctx.get("incident"), label="突发事件")
    text(document, ctx.get("adjustments"), label="调整")
    grid_table(
        document,
        ["计划阶段", "观察到的阶段"],
        [[ctx.get("planned_stage"), ctx.get("observed_stage")]],
        [7.33, 7.33],
    )
    sections("观察")
    text(document, ctx.get("observation"), label="小组动力")
    text(document, dash(ctx.get("skills")), label="运用技巧")
    sections("反思")
    reflection = ctx.get("reflection") or []
    if not reflection:
        text(document, "")
    for item in reflection:
        text(document, item.get("answer"), label=dash(item.get("prompt")))
    sections("跟进")
    follow_ups = ctx.get("follow_ups") or []
    if follow_ups:
        grid_table(
            document,
            ["对象", "跟进事项", "保护关注"],
            [
                [
                    f.get("who"),
                    f.get("note"),
                    "是，按保护流程处理" if f.get("safeguarding") else "否",
                ]
                for f in follow_ups
            ],
            [3.4, 8.26, 3.0],
            centre=(2,),
            nowrap=(0,),
        )
    else:
        text(document, "")
    sections("督导意见")
    info_table(
        document,
        [
            ("签阅状态", supervision.get("status")),
            ("督导", supervision.get("by")),
            ("签阅日期", supervision.get("on")),
            ("意见", supervision.get("comment")),
        ],
    )
    signature_line(document, ("记录社工", "督导签名", "日期"))
    return to_bytes(document)


# ---- 本节材料: the printable materials a session references (issue 15) ------------------

CARD_COLUMNS = 2
CHECKBOX = "□"


def _numbered(document, items) -> None:
    for n, item in enumerate(items, 1):
        document.add_paragraph(f"{n}. {item}").paragraph_format.left_indent = Cm(0.74)


def _writing_lines(document, count) -> None:
    for _ in range(count):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Cm(0.4)
        _bottom_border(paragraph)


def _fill_in_table(document, table) -> None:
    columns = table["columns"]
    rows = table.get("data") or [[BLANK] * len(columns) for _ in range(table.get("rows") or 1)]
    grid_table(document, columns, rows, [TEXT_WIDTH / len(columns)] * len(columns))
    document.add_paragraph()


def _cards(document, cards) -> None:
    """Cut-out cards in a bordered grid, CARD_COLUMNS to a row."""
    grid = document.add_table(rows=0, cols=CARD_COLUMNS)
    grid.style = "Table Grid"
    for start in range(0, len(cards), CARD_COLUMNS):
        for cell, card in zip(grid.add_row().cells, cards[start : start + CARD_COLUMNS]):
            cell.text = card
            cell.paragraphs[0].paragraph_format.space_before = Cm(0.5)
            cell.paragraphs[0].paragraph_format.space_after = Cm(0.5)
    document.add_paragraph()


BLOCK_WRITERS = {  # one per block kind of planner.curricula.schemas.BlockSchema
    "heading": lambda document, value: heading(document, value, 2),
    "text": text,
    "items": bullets,
    "numbered": _numbered,
    "lines": _writing_lines,
    "table": _fill_in_table,
    "cards": _cards,
    "checklist": lambda document, items: [
        document.add_paragraph(f"{CHECKBOX} {item}") for item in items
    ],
}


def _material_block(document, block) -> None:
    """One block of a content/materials file: a mapping of one key."""
    for key, value in block.items():
        if key in BLOCK_WRITERS:
            BLOCK_WRITERS[key](document, value)


def session_materials(ctx) -> bytes:
    """本节材料: the worksheets, cards, scripts, role-play cards, handouts and letters a
    session references, in the order it references them, each from a new page. Library
    content only: no student data."""
    document = new_document(ctx)
    title(document, ctx)
    text(document, dash(ctx.get("curriculum_title")), label="课程")
    materials = ctx.get("materials") or []
    if not materials:
        text(document, "本节没有需要打印的材料。")
    for n, material in enumerate(materials):
        if n:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        heading(document, dash(material.get("title")), 1)
        if material.get("kind_label"):
            text(document, f"{material['kind_label']}　{material.get('audience_label') or ''}")
        for block in material.get("blocks") or []:
            _material_block(document, block)
    return to_bytes(document)
