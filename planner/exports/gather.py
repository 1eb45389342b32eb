"""The context dicts of the Word documents (see docx_contexts in planner/exports/documents),
built from the database. Documents are in Chinese, the language agencies hand them in,
whatever the UI language. Student-level data appears only as archive codes (standard
9.4), and never at all in a teacher's lesson plan."""

from peewee import prefetch

from planner.accounts.models import User
from planner.curricula.models import Activity, SessionTemplate
from planner.curricula.plan_fields import PLAN_LABELS
from planner.curricula.services import material_names, materials_for
from planner.i18n import WEEKDAYS_ZH, chinese_day, local_date, local_today
from planner.reflections.models import REFLECTION_STATUSES
from planner.runs.models import ATTENDANCE, SessionRecord
from planner.schools.models import SchoolClass
from planner.sessions.models import ProgramClass, ProgramWorker, Session
from planner.students.models import Student

OBJECTIVE_LABELS = (("knowledge", "知识目标"), ("skill", "技能目标"), ("attitude", "态度目标"))


def _text(value) -> str:
    return "" if value is None else str(value)


def archive_code(program) -> str:
    """The program's archive code, issued when the program was created (standard 9.4;
    sessions/archive.py): a download only reads it."""
    return program.archive_code or ""


def workers_of(program) -> list[str]:
    return [
        u.display_name
        for u in User.select(User.display_name)
        .join(ProgramWorker, on=(ProgramWorker.worker == User.id))
        .where(ProgramWorker.program == program.id)
        .order_by(User.id)
    ]


def common(program, kind: str, doc_title: str, workers=None) -> dict:
    return {
        "kind": kind,
        "doc_title": doc_title,
        "title": program.title,
        "school": program.school.name,
        "agency": program.school.agency.name,
        "archive_code": archive_code(program),
        "term": program.term.name,
        "workers": workers if workers is not None else workers_of(program),
        "generated_on": chinese_day(local_today()),
    }


def _templates(program) -> dict:
    """The program's frozen curriculum sessions with activities, by id (3 queries)."""
    query = SessionTemplate.select().where(SessionTemplate.curriculum == program.curriculum_id)
    rows = prefetch(query, Activity.select().order_by(Activity.order))
    return {t.id: t for t in rows}


def _time(session) -> str:
    return f"{session.start:%H:%M}–{session.end:%H:%M}"


def session_dict(session, template, program, workers) -> dict:
    """One lesson or meeting as the documents print it."""
    activities = sorted(template.activities, key=lambda a: a.order)
    return {
        "seq": str(session.seq if session else template.seq),
        "title": template.title,
        "date": chinese_day(session.date) if session else "",
        "weekday": f"周{WEEKDAYS_ZH[session.date.weekday()]}" if session else "",
        "time": _time(session) if session else "",
        "venue": program.room.name,
        "stage": template.stage or "",
        "objectives": [
            {"label": label, "text": (template.objectives or {}).get(key, "")}
            for key, label in OBJECTIVE_LABELS
            if (template.objectives or {}).get(key)
        ],
        "key_messages": list(template.key_messages or []),
        "materials": material_names(template.materials),
        "preparation": template.preparation or "",
        "home_link": template.home_link or "",
        "staffing": workers,
        "period_minutes": str(program.curriculum.period_minutes),
        "total_minutes": str(sum(a.minutes for a in activities)),
        "activities": [
            {
                "phase": a.phase,
                "title": a.title,
                "minutes": str(a.minutes),
                "purpose": a.purpose or "",
                "steps": list(a.steps or []),
                "materials": material_names(a.materials),
                "debrief": list(a.debrief or []),
            }
            for a in activities
        ],
    }


def sessions_of(program) -> list:
    return list(Session.select().where(Session.program == program.id).order_by(Session.seq))


def group_plan(program) -> dict:
    """小组计划书: every plan field and the meeting outline."""
    cur = program.curriculum
    plan = cur.plan or {}
    fields = []
    for key, label in PLAN_LABELS.items():
        value = plan.get(key)
        if key == "risks" and value:
            value = [f"{r['risk']}——{r['response']}" for r in value]
        if value:
            fields.append({"label": str(label), "value": value})
    templates = _templates(program)
    outline = []
    for s in sessions_of(program):
        t = templates[s.template_id]
        outline.append(
            {
                "seq": str(s.seq),
                "date": chinese_day(s.date),
                "time": _time(s),
                "title": t.title,
                "stage": t.stage or "",
                "objectives": [v for _, v in sorted((t.objectives or {}).items()) if v],
            }
        )
    return dict(
        common(program, "group_plan", "小组计划书"),
        group_name=program.group_name,
        curriculum_title=cur.title,
        theme=cur.theme,
        grade_band=cur.grade_band,
        period_minutes=str(cur.period_minutes),
        room=program.room.name,
        summary=cur.summary or "",
        plan=fields,
        sessions=outline,
    )


def session_plan(program, session) -> dict:
    """单节活动计划 of one meeting or lesson."""
    meta = common(program, "session_plan", "单节活动计划")
    template = _templates(program)[session.template_id]
    return dict(
        meta,
        program_kind=program.curriculum.kind,
        group_name=program.group_name,
        session=session_dict(session, template, program, meta["workers"]),
    )


def lesson_plan(program) -> dict:
    """社工课堂教案 for the class teachers: the design and the dates, no student data."""
    meta = common(program, "lesson_plan", "社工课堂教案")
    templates = _templates(program)
    classes = [
        c.name
        for c in SchoolClass.select(SchoolClass.name)
        .join(ProgramClass)
        .where(ProgramClass.program == program.id)
        .order_by(SchoolClass.grade, SchoolClass.name)
    ]
    cur = program.curriculum
    lessons = [
        session_dict(s, templates[s.template_id], program, meta["workers"])
        for s in sessions_of(program)
        if s.status != "cancelled"
    ]
    return dict(
        meta,
        curriculum_title=cur.title,
        theme=cur.theme,
        grade_band=cur.grade_band,
        classes=classes,
        overall_goal=(cur.plan or {}).get("overall_goal", ""),
        lessons=lessons,
    )


def _count_line(counts: dict, total: int) -> str:
    parts = [f"{ATTENDANCE[k]} {n} 人" for k, n in counts.items() if n]
    return "，".join(parts) + f"（共 {total} 人）" if parts else "未记录出勤"


def meeting_record(program, session) -> dict:
    """小组活动记录表 of one meeting: attendance by archive code, what happened, the
    reflection and the supervisor's comment."""
    from planner.reflections.services import reflection_of
    from planner.runs.models import Attendance

    meta = common(program, "meeting_record", "小组活动记录表")
    template = _templates(program)[session.template_id]
    marks = list(
        Attendance.select(Attendance.status, Student.archive_code)
        .join(Student)
        .where(Attendance.session == session.id)
        .order_by(Student.archive_code)
    )
    counts = {k: sum(1 for m in marks if m.status == k) for k in ATTENDANCE}
    record = SessionRecord.get_or_none(SessionRecord.session == session.id)
    refl = reflection_of(session.id)
    details = (refl.details or {}) if refl else {}
    process = "\n".join(
        t for t in (details.get("planned_vs_actual", ""), record.notes if record else "") if t
    )
    signer = (
        User.get_or_none(User.id == refl.signed_off_by_id)
        if refl and refl.signed_off_by_id
        else None
    )
    return dict(
        meta,
        group_name=program.group_name,
        session=session_dict(session, template, program, meta["workers"]),
        attendance=[
            {"code": m.student.archive_code, "status": str(ATTENDANCE[m.status])} for m in marks
        ],
        attendance_summary=_count_line(counts, len(marks)),
        process=process,
        planned_stage=template.stage or "",
        observed_stage=(refl.observed_stage or "") if refl else "",
        observation=details.get("dynamics", ""),
        reflection=[{"prompt": p, "answer": a} for p, a in (refl.answers or {}).items()]
        if refl
        else [],
        skills=list(details.get("skills") or [])
        + ([details["skills_other"]] if details.get("skills_other") else []),
        incident=details.get("incident", ""),
        adjustments="\n".join(t for t in (details.get("redo", ""), details.get("adjust", "")) if t),
        follow_ups=[
            {
                "who": f.student.archive_code if f.student_id else "全体",
                "note": f.note,
                "safeguarding": bool(f.safeguarding),
            }
            for f in (refl.items if refl else [])
        ],
        supervision={
            "status": str(REFLECTION_STATUSES.get(refl.status, "")) if refl else "未填写",
            "comment": refl.supervisor_comment if refl else "",
            "by": signer.display_name if signer else "",
            "on": chinese_day(local_date(refl.signed_off_at))
            if refl and refl.signed_off_at
            else "",
        },
    )


# the documents are in Chinese whatever the page language (ARCHITECTURE, Word documents)
MATERIAL_KIND_NAMES = {
    "worksheet": "练习单",
    "cards": "卡片",
    "script": "讲稿/脚本",
    "roleplay": "情景卡",
    "handout": "资料页",
    "letter": "家长信/告知书",
}
MATERIAL_AUDIENCE_NAMES = {
    "students": "学生用",
    "parents": "家长用",
    "teachers": "教师用",
    "worker": "社工用",
}


def session_template(session):
    """A session's curriculum session with its activities and curriculum (3 queries)."""
    from planner.curricula.models import Curriculum

    template = (
        SessionTemplate.select(SessionTemplate, Curriculum)
        .join(Curriculum)
        .where(SessionTemplate.id == session.template_id)
        .get()
    )
    template.activities = list(
        Activity.select().where(Activity.session == template.id).order_by(Activity.order)
    )
    return template


def session_materials(template, program=None, agency_name: str = "") -> dict:
    """本节材料 of one curriculum session (a SessionTemplate with its activities and
    curriculum): the materials it references, in order. From run mode the program gives
    the header its school and archive code; from the library the agency's name heads it.
    Library content only: no student, member or worker is named."""
    curriculum = template.curriculum
    return {
        "kind": "session_materials",
        "doc_title": "本节材料",
        "title": f"{curriculum.title}　第 {template.seq} 节　{template.title}",
        "school": program.school.name if program else agency_name,
        "agency": program.school.agency.name if program else agency_name,
        "archive_code": archive_code(program) if program else "",
        "term": program.term.name if program else "",
        "workers": [],
        "generated_on": chinese_day(local_today()),
        "curriculum_title": curriculum.title,
        "session_title": template.title,
        "materials": [
            {
                "slug": m.slug,
                "title": m.title,
                "kind_label": MATERIAL_KIND_NAMES.get(m.kind, m.kind),
                "audience_label": MATERIAL_AUDIENCE_NAMES.get(m.audience, m.audience),
                "blocks": m.blocks,
            }
            for m in materials_for(template)
        ],
    }
