"""Issue 7's Word figures (BENCHMARKS.md figure 4): the evaluation report and a term's zip.

1. The 小组总结评估报告 of a 10-meeting, 10-member group (DOCS["evaluation_report"].sample
   grown to that size) built by planner.exports.summaries.evaluation_report, divided by the
   floor: bare_report() below, the same headings, paragraphs and 'Table Grid' tables (same
   rows and columns, merged info-table rows too), A4, a header line and a PAGE/NUMPAGES
   footer, written with plain python-docx calls as a developer would by hand. The floor
   leaves out what the project adds on top: Chinese fonts, sizes and alignment, its own
   styles, shading, column widths, cell margins, the repeating header row, the header's
   rule and the file properties.
2. The demo's finished group (8 meetings) from the database: gathering and building.
3. The demo junior school's current term as one zip, for the admin and for the worker.
"""

import copy
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from docx import Document  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Twips  # noqa: E402

from planner import create_app, demo, demo_finished, migrations  # noqa: E402
from planner.accounts.models import User  # noqa: E402
from planner.calendars.services import import_statutory, load_years  # noqa: E402
from planner.curricula.content import load_library  # noqa: E402
from planner.curricula.services import import_library  # noqa: E402
from planner.db import database  # noqa: E402
from planner.evaluation.services import import_instruments, load_instruments  # noqa: E402
from planner.exports import jobs  # noqa: E402
from planner.exports.kinds import KINDS as DOCS  # noqa: E402
from planner.exports.summaries import evaluation_report  # noqa: E402
from planner.schools.models import School, Term  # noqa: E402
from planner.sessions.models import Program  # noqa: E402

N, ITEMS, GOAL = 10, 9, 1.5
SYMBOLS = ["✓", "✓", "迟", "✓", "假", "✓", "✗", "✓", "退", "✓"]


def big_context():
    """DOCS["evaluation_report"].sample grown to 10 meetings × 10 members."""
    ctx = copy.deepcopy(DOCS["evaluation_report"].sample)
    codes = [f"SF-ST-2026-{n:04d}" for n in range(1, N + 1)]
    ctx.update(meetings=str(N), members=str(N))
    rows = [
        {"code": c, "cells": SYMBOLS[i:] + SYMBOLS[:i], "rate": "80.0%"}
        for i, c in enumerate(codes)
    ]
    ctx["attendance"].update(
        columns=[str(n) for n in range(1, N + 1)],
        rows=rows,
        session_rates=["80.0%"] * N,
        overall="80.0%",
    )
    ctx["stages"] = [
        {"seq": str(n), "planned": "工作期", "observed": "形成期向工作期过渡"}
        for n in range(1, N + 1)
    ]
    for outcome in ctx["outcomes"]:
        outcome["items"] = [
            {
                "text": f"第 {k} 题：我能适应初中的学习节奏",
                "pre": "2.57",
                "post": "3.57",
                "change": "+1.00",
            }
            for k in range(1, ITEMS + 1)
        ]
    ctx["gas"] = [{"code": c, "goals": "3", "post": "59.1", "followup": "—"} for c in codes]
    ctx["satisfaction"]["items"] = [
        {"text": f"第 {k} 题：我喜欢小组的活动", "mean": "4.57", "agree": "100.0%"}
        for k in range(1, ITEMS + 1)
    ]
    return ctx


def _field(paragraph, instruction):
    """A PAGE or NUMPAGES field: begin, instruction, separate, the shown "1", end."""
    for tag, value in (
        ("w:fldChar", "begin"),
        ("w:instrText", f" {instruction} "),
        ("w:fldChar", "separate"),
        (None, "1"),
        ("w:fldChar", "end"),
    ):
        run = paragraph.add_run(value if tag is None else None)
        if tag == "w:fldChar":
            run._r.append(OxmlElement(tag, {qn("w:fldCharType"): value}))
        elif tag:
            run._r.append(OxmlElement(tag, {qn("xml:space"): "preserve"}))
            run._r[-1].text = value


def _table(document, header, rows):
    """A 'Table Grid' table: the header row, then one row per list of values."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, value in zip(table.rows[0].cells, header):
        cell.text = value
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = str(value or "—")
    return table


def _labelled(document, label, value):
    """A paragraph with a bold label, as the project's text(…, label=…) writes it."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}：").bold = True
    paragraph.add_run(value or "—")


def bare_report(c):
    """The floor: the same document with plain python-docx calls."""
    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.header.paragraphs[0].text = f"{c['school']}　档案编号：{c['archive_code']}"
    footer = section.footer.paragraphs[0]
    for part in ("第 ", "PAGE", " 页 / 共 ", "NUMPAGES", " 页"):
        _field(footer, part) if part.isupper() else footer.add_run(part)
    d.add_heading(c["doc_title"], 0)
    d.add_paragraph().add_run(c["title"]).bold = True
    info = d.add_table(rows=0, cols=4)
    info.style = "Table Grid"
    pairs = [
        ("小组名称", c["group_name"]),
        ("服务学校", c["school"]),
        ("学期", c["term"]),
        ("服务期间", c["period"]),
        ("活动节数", c["meetings"]),
        ("组员人数", c["members"]),
        ("负责社工", "、".join(c["workers"])),
        ("执行机构", c["agency"]),
        ("报告日期", c["generated_on"]),
    ]
    rows, row = [], []
    for pair in pairs:  # two short pairs to a row; a long value has a row of its own
        if sum(1 if ord(ch) >= 0x2E80 else 0.55 for ch in pair[1]) > 11:
            rows, row = rows + [row] * bool(row) + [[pair]], []
        elif len(row := row + [pair]) == 2:
            rows, row = rows + [row], []
    for line in rows + [row] * bool(row):
        cells = info.add_row().cells
        cells = cells if len(line) == 2 else [cells[0], cells[1].merge(cells[3])]
        for k, (label, value) in enumerate(line):
            cells[2 * k].text, cells[2 * k + 1].text = label, value
    d.add_paragraph()
    d.add_heading("一、背景", 1)
    d.add_paragraph(c["background"])
    _labelled(d, "小组总目标", c["overall_goal"])
    d.add_heading("二、目标及达成情况", 1)
    _table(
        d,
        ["序号", "目标", "达成情况", "依据"],
        [[str(n), g["goal"], g["status"], g["evidence"]] for n, g in enumerate(c["goals"], 1)],
    )
    d.add_heading("三、出勤情况", 1)
    a = c["attendance"]
    _table(
        d,
        ["档案编号", *a["columns"], "出勤率"],
        [[r["code"], *r["cells"], r["rate"]] for r in a["rows"]]
        + [["各节出勤率", *a["session_rates"], a["overall"]]],
    )
    _labelled(d, "图例", a["legend"])
    _labelled(d, "整体出勤率", a["overall"])
    d.add_heading("四、成效评估", 1)
    for n, o in enumerate(c["outcomes"]):
        d.add_heading(f"（{'一二三'[n]}）{o['instrument']}（n = {o['n']}）", 2)
        _table(
            d,
            ["项目", "前测", "后测", "变化"],
            [["总均分", o["pre"], o["post"], o["change"]]]
            + [[i["text"], i["pre"], i["post"], i["change"]] for i in o["items"]],
        )
        top = max(float(o["pre"]), float(o["post"]))  # text bars, the longer one 20 long
        bars = ["█" * max(1, round(float(v) / top * 20)) for v in (o["pre"], o["post"])]
        d.add_paragraph()
        _table(
            d, ["测量", "均值", "对比"], [["前测", o["pre"], bars[0]], ["后测", o["post"], bars[1]]]
        )
    d.add_heading("（三）目标达成量表（GAS）", 2)
    _table(
        d,
        ["档案编号", "目标数", "结束时 T 分数", "跟进时 T 分数"],
        [[g["code"], g["goals"], g["post"], g["followup"]] for g in c["gas"]],
    )
    _labelled(d, "小结", c["gas_summary"])
    d.add_heading("五、满意度", 1)
    s = c["satisfaction"]
    d.add_paragraph(f"共回收问卷 {s['n']} 份，总体平均分 {s['mean']}，认同率 {s['agree']}。")
    _table(
        d, ["题目", "平均分", "认同率"], [[i["text"], i["mean"], i["agree"]] for i in s["items"]]
    )
    d.add_heading("组员意见", 3)
    for comment in s["comments"]:
        d.add_paragraph(comment, style="List Bullet")
    d.add_heading("六、过程评估", 1)
    p = c["process"]
    d.add_paragraph(p["summary"])
    d.add_heading("（一）小组发展阶段", 2)
    _table(
        d,
        ["节次", "计划阶段", "观察到的阶段"],
        [[x["seq"], x["planned"], x["observed"]] for x in c["stages"]],
    )
    d.add_heading("（二）执行情况", 2)
    _table(d, ["项目", "情况"], [[r["label"], r["value"]] for r in p["rows"]])
    d.add_heading("（三）特殊事件", 2)
    for incident in p["incidents"]:
        d.add_paragraph(incident, style="List Bullet")
    d.add_heading("七、建议", 1)
    for line in c["recommendations"].splitlines():
        d.add_paragraph(line)
    d.add_paragraph("撰写社工：＿＿＿＿＿　　督导签名：＿＿＿＿＿　　日期：＿＿＿＿＿")
    d.save(buffer := io.BytesIO())
    return buffer.getvalue()


def paired(*fns, runs=7, warm=True):
    """Median seconds of each function, calls interleaved so a neighbour's load hits all alike."""
    samples = [[] for _ in fns]
    for fn in fns if warm else ():
        fn()
    for _ in range(runs):
        for fn, times in zip(fns, samples):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return [statistics.median(times) for times in samples]


def load_all(content):
    """Everything `make run` loads: library, calendar, instruments and the whole demo."""
    import_library(load_library(os.path.join(content, "curricula"))[0])
    import_statutory(load_years(os.path.join(content, "calendar")))
    import_instruments(load_instruments(os.path.join(content, "instruments"))[0])
    demo.load_demo()
    demo.plan_demo_programs()
    demo.load_demo_group()
    demo_finished.load_finished_group()
    demo_finished.load_demo_headcounts()


def main():
    """Print the three figures, one line each."""
    ctx = big_context()
    floor, ours = paired(lambda: bare_report(ctx), lambda: evaluation_report(ctx), runs=11)
    verdict = "goal met" if ours / floor <= GOAL else "GOAL MISSED"
    print(
        f"word: evaluation report ({N} meetings × {N} members): {ours * 1000:.1f} ms vs bare "
        f"python-docx {floor * 1000:.1f} ms = {ours / floor:.2f}× (goal ≤ {GOAL}×: {verdict})"
    )
    tmp = tempfile.mkdtemp()
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/word.db", "SECRET_KEY": "bench"})
    with app.app_context(), database.connection_context():
        migrations.migrate()
        load_all(app.config["CONTENT_DIR"])
        group = Program.get(Program.title == demo_finished.TITLE)
        agency = group.school.agency_id
        built = jobs.context("evaluation_report", group)
        gather, render = paired(
            lambda: jobs.context("evaluation_report", group), lambda: jobs.render(built, agency)
        )
        print(
            f"word: finished group's report from the database ({built['meetings']} meetings × "
            f"{built['members']} members): gathering {gather * 1000:.1f} ms, building "
            f"{render * 1000:.1f} ms"
        )
        school = School.get(School.code == "CDZX")
        term = Term.get(
            (Term.school == school) & (Term.name == demo.current_term_dates(dt.date.today())[0])
        )
        programs = list(Program.select().where(Program.term == term).order_by(Program.id))
        for username in ("admin", "worker"):  # what jobs.plan gives each, program by program
            user = User.get(User.username == username)
            items = [d for p in programs if jobs.gather.sessions_of(p) for d in jobs.plan(user, p)]
            seconds = paired(lambda items=items: jobs.zip_bytes(items, agency), runs=3, warm=False)[
                0
            ]
            print(
                f"word: {school.code} current term zip as {username} ({len(programs)} "
                f"programs): {len(items)} documents in {seconds:.2f} s "
                f"({seconds / len(items) * 1000:.1f} ms/document)"
            )


if __name__ == "__main__":
    main()
