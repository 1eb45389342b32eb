"""The copy of everything held about one student, for a guardian's or the student's
request (PIPL Art. 45): one zip holding the data as JSON and a readable Word summary.
The file names carry the archive code, never the name."""

import datetime as dt
import io
import json
import zipfile

from planner.cases.models import STEPS
from planner.exports import docx_base as d
from planner.i18n import chinese_day, local_now
from planner.privacy import requests
from planner.runs.models import ATTENDANCE
from planner.students.models import GIVERS, PURPOSES


def summary_docx(data: dict, agency: str) -> bytes:
    """The readable summary: the same fonts and header as every other export."""
    student = data["student"]
    ctx = {
        "doc_title": "个人信息副本",
        "title": student["archive_code"],
        "school": student["school"],
        "archive_code": student["archive_code"],
        "agency": agency,
        "generated_on": chinese_day(local_now().date()),
    }
    document = d.new_document(ctx)
    d.title(document, ctx)
    d.text(
        document,
        "本文件按监护人或学生本人的请求，列出本机构在驻校社工服务系统中保存的该学生的全部信息；"
        "同一压缩包中的 data.json 是相同内容的机读版本。",
    )
    section = d.Sections(document)
    section("基本信息")
    d.info_table(
        document,
        [
            ("姓名", student["name"]),
            ("档案编码", student["archive_code"]),
            ("学号", student["student_no"]),
            ("性别", student["gender"]),
            ("出生日期", student["birth_date"]),
            ("学校", student["school"]),
            ("班级", student["class"]),
            ("监护人", student["guardian_name"]),
            ("监护人电话", student["guardian_phone"]),
        ],
    )
    section("知情同意")
    d.grid_table(
        document,
        ["用途", "同意方", "签署人", "日期", "撤回"],
        [
            [
                str(PURPOSES.get(c["purpose"], c["purpose"])),
                str(GIVERS.get(c["given_by"], c["given_by"])),
                c["giver_name"],
                c["given_on"],
                c["withdrawn_on"] or "—",
            ]
            for c in data["consents"]
        ]
        or [["—"] * 5],
    )
    section("参加的小组")
    d.grid_table(
        document,
        ["小组", "加入时间", "状态", "筛选记录"],
        [
            [
                m["program"] + (f" · {m['group_name']}" if m["group_name"] else ""),
                m["joined_at"][:10],
                "在组" if m["active"] else "已退出",
                m["screening_note"] or "—",
            ]
            for m in data["memberships"]
        ]
        or [["—"] * 4],
    )
    section("出勤")
    d.grid_table(
        document,
        ["日期", "活动", "节次", "出勤"],
        [
            [a["date"], a["program"], str(a["seq"]), str(ATTENDANCE.get(a["status"], a["status"]))]
            for a in data["attendance"]
        ]
        or [["—"] * 4],
    )
    section("测量与目标")
    d.bullets(
        document,
        [
            f"{s['program']} · {s['instrument']} · {s['timepoint']}：{s['score']}"
            for s in data["scores"]
        ]
        + [f"{g['program']} · 目标：{g['text']}" for g in data["goals"]],
    )
    section("跟进事项")
    d.bullets(
        document,
        [
            ("【安全】" if f["safeguarding"] else "") + (f["note"] or "—")
            for f in data["follow_ups"]
        ],
    )
    section("个案服务")
    d.bullets(
        document,
        [
            f"{c['archive_code']} · 开案 {chinese_day(dt.date.fromisoformat(c['opened_on']))}"
            + f" · {STEPS.get(c['step'], c['step'])} · 记录 {len(c['notes'])} 条"
            + (f" · 转介 {len(c['referrals'])} 次" if c["referrals"] else "")
            + (f" · 个案会谈 {len(c['appointments'])} 次" if c.get("appointments") else "")
            for c in data.get("cases", [])
        ]
        or ["—"],
    )
    section("提到该学生的反思记录")
    d.bullets(
        document, [f"{r['date']} {r['program']}（{r['status']}）" for r in data["reflections"]]
    )
    section("社工信箱来信与咨询会谈")
    d.bullets(
        document,
        [
            f"{lt['received_on']} 来信"
            + ("【紧急】" if lt["urgent"] else "")
            + f"：{lt['text'] or '—'}"
            for lt in data.get("letters", [])
        ]
        + [
            f"{c['held_on']} 会谈（{c['minutes']} 分钟）：{c['purpose']}"
            + (f"；{c['note']}" if c["note"] else "")
            for c in data.get("consultations", [])
        ],
    )
    section("数据请求")
    d.bullets(
        document,
        [
            f"{r['asked_on']} {r['kind']} {r['status']}：{r['outcome']}"
            for r in data["data_requests"]
        ],
    )
    section("查阅与处理记录")
    d.grid_table(
        document,
        ["时间", "人员", "操作"],
        [[a["at"].replace("T", " "), a["who"] or "系统", a["action"]] for a in data["audit"]]
        or [["—"] * 3],
    )
    return d.to_bytes(document)


def export_student(user, student, request_data: dict) -> tuple[bytes, str]:
    """Record the request, gather the data (audited) and pack the zip. Returns the zip's
    bytes and its file name."""
    requests.create_request(user, student, request_data)
    data = requests.student_data(user, student)
    code = student.archive_code
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{code}/data.json", json.dumps(data, ensure_ascii=False, indent=2))
        zf.writestr(f"{code}/个人信息副本.docx", summary_docx(data, user.agency.name))
    return buffer.getvalue(), f"{code}-个人信息副本.zip"
