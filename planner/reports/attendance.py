"""出勤报表: attendance a school can read, for one term name, over the programs the term
statistics show this user (planner.reports.stats.programs_in_view).

- Per class (社工课堂): lessons delivered, the headcounts recorded, the class size (students
  of the program's classes, not archived) and the attendance rate = headcounts ÷ (lessons ×
  class size). A lesson is delivered by the statistics' rule (stats.per_program).
- Per student (成长小组): the meetings the group held (the statistics' rule: not cancelled,
  dated up to today, with attendance marks) and the student's marks among them: attended
  (出席、迟到、早退), 请假, 缺席, and 未记录 for a held meeting without a mark of theirs.
  Only the groups whose records this user may read (access.records_programs_query) and the
  students in their scope (access.students_scope) have rows (standard 4.5 confidentiality).

Students are named by archive code. Names appear only in a worker's own export, when she
asks for them; every view of the rows and every export leaves an audit row (ids only).
Eight queries for the page, however many programs and students.
"""

import io
import re
from types import SimpleNamespace

from peewee import JOIN, fn

from planner.access import records_programs_query, students_scope
from planner.audit.models import record
from planner.curricula.models import Curriculum
from planner.db import write_tx
from planner.errors import FORBIDDEN, PlannerError
from planner.evaluation.compute import ATTENDED
from planner.i18n import gettext as _
from planner.i18n import lazy_gettext as _l
from planner.reports.stats import counted_sessions, per_program, programs_in_view
from planner.runs.models import ATTENDANCE, Attendance
from planner.schools.models import SchoolClass
from planner.sessions.models import Program, ProgramClass, Session
from planner.students.models import GroupMember, Student

NAMES_REFUSED = _l("只有社工本人小组的导出可以含姓名。")
TEACHERS_REFUSED = _l("出勤报表只供社工、督导和管理员查看。")
UNSAFE = re.compile(r"[^\w\-—.]+")


def _rate(part, whole):
    return part / whole if whole else None


def _classes(user, term_name, as_of):
    """The classroom programs in view, one row each with its classes, lessons delivered,
    headcounts, class size and rate."""
    programs = programs_in_view(user, term_name)
    ids = programs.select(Program.id)
    counts = {r["program"]: r for r in per_program(ids, as_of) if r["kind"] == "classroom"}
    shown = list(
        programs.select(Program.id, Program.title, Program.archive_code)
        .switch(Program)
        .join(Curriculum)
        .where(Curriculum.kind == "classroom")
        .order_by(Program.title, Program.id)
        .tuples()
    )
    links = {}
    for program_id, class_id, name in (
        ProgramClass.select(ProgramClass.program, SchoolClass.id, SchoolClass.name)
        .join(SchoolClass)
        .where(ProgramClass.program.in_(ids))
        .order_by(SchoolClass.name)
        .tuples()
    ):
        links.setdefault(program_id, []).append((class_id, name))
    class_ids = {cid for pairs in links.values() for cid, _name in pairs}
    sizes = dict(
        Student.select(Student.school_class, fn.COUNT(Student.id))
        .where(Student.school_class.in_(list(class_ids) or [0]) & ~Student.archived)
        .group_by(Student.school_class)
        .tuples()
    )
    rows = []
    for program_id, title, code in shown:
        row = counts.get(program_id, {})
        lessons = int(row.get("recorded") or 0)
        headcount = int(row.get("headcount") or 0)
        size = sum(sizes.get(cid, 0) for cid, _name in links.get(program_id, []))
        rows.append(
            dict(
                program=program_id,
                title=title,
                code=code or "",
                classes="、".join(name for _cid, name in links.get(program_id, [])),
                lessons=lessons,
                headcount=headcount,
                size=size,
                rate=_rate(headcount, lessons * size),
            )
        )
    return rows


def _students(user, term_name, as_of):
    """The members of the groups in view whose records this user may read, one row each
    with the group's held meetings and the member's marks among them."""
    groups = (
        programs_in_view(user, term_name)
        .select(Program.id, Program.title, Program.group_name, Program.archive_code)
        .switch(Program)
        .join(Curriculum)
        .where(
            (Curriculum.kind == "group")
            & Program.id.in_(records_programs_query(user).select(Program.id))
        )
    )
    info = {pid: (title, group_name, code) for pid, title, group_name, code in groups.tuples()}
    ids = groups.select(Program.id)
    held = {r["program"]: int(r["meetings"] or 0) for r in per_program(ids, as_of)}
    marks = {}
    for program_id, student_id, status, n in (
        Attendance.select(Session.program, Attendance.student, Attendance.status, fn.COUNT(1))
        .join(Session)
        .where(counted_sessions(ids, as_of))
        .group_by(Session.program, Attendance.student, Attendance.status)
        .tuples()
    ):
        marks.setdefault((program_id, student_id), {})[status] = n
    members = (
        GroupMember.select(
            GroupMember.program,
            Student.id,
            Student.archive_code,
            Student.name,
            SchoolClass.name,
        )
        .join(Student)
        .join(SchoolClass, JOIN.LEFT_OUTER)
        .where(
            GroupMember.program.in_(ids) & Student.id.in_(students_scope(user).select(Student.id))
        )
        .order_by(GroupMember.program, Student.archive_code)
        .tuples()
    )
    rows = []
    for program_id, student_id, code, name, class_name in members:
        mine = marks.get((program_id, student_id), {})
        n_held = held.get(program_id, 0)
        attended = sum(n for status, n in mine.items() if status in ATTENDED)
        title, group_name, program_code = info[program_id]
        rows.append(
            dict(
                program=program_id,
                group=group_name or title,
                program_code=program_code or "",
                student=student_id,
                code=code,
                name=name,
                class_name=class_name or "",
                held=n_held,
                attended=attended,
                excused=mine.get("excused", 0),
                absent=mine.get("absent", 0),
                unmarked=max(n_held - sum(mine.values()), 0),
                rate=_rate(attended, n_held),
            )
        )
    rows.sort(key=lambda r: (r["group"], r["program"], r["code"]))
    return rows


def _check(user):
    """Teachers never see attendance by student (PRIVACY §2): the report is for staff."""
    if not (user.is_worker or user.is_supervisor or user.is_admin):
        raise PlannerError(TEACHERS_REFUSED, kind=FORBIDDEN)


def attendance_report(user, term_name, as_of) -> SimpleNamespace:
    """The page's report. Reading the per-student rows leaves one audit row (their ids)."""
    _check(user)
    classes, students = _classes(user, term_name, as_of), _students(user, term_name, as_of)
    if students:
        ids = ",".join(str(r["student"]) for r in students)
        with write_tx():
            record(
                user, "view_student_list", "term", None, f"attendance {term_name} students={ids}"
            )
    return SimpleNamespace(term=term_name, as_of=as_of, classes=classes, students=students)


def file_name(term_name, as_of) -> str:
    """The export's file name: the term and the day, never a person's name."""
    return UNSAFE.sub("_", f"出勤报表_{term_name}_{as_of.isoformat()}") + ".xlsx"


def attendance_export(user, term_name, as_of, names=False) -> tuple[bytes, str]:
    """The report as an xlsx workbook (sheets 班级 and 学生) and its file name. Names only
    for a worker, whose view holds only her own groups; anyone else asking is refused.
    The export leaves an audit row whatever it holds."""
    _check(user)
    if names and not user.is_worker:
        raise PlannerError(NAMES_REFUSED, "names", kind=FORBIDDEN)
    classes, students = _classes(user, term_name, as_of), _students(user, term_name, as_of)
    data = _workbook(classes, students, names)
    ids = ",".join(str(r["student"]) for r in students)
    with write_tx():
        record(
            user,
            "export",
            "attendance",
            None,
            f"attendance xlsx {term_name} names={int(bool(names))} students={ids}",
        )
    return data, file_name(term_name, as_of)


def _workbook(classes, students, names) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("班级")
    sheet.append(
        [
            _("课程编号"),
            _("课程"),
            _("班级"),
            _("已上课节数"),
            _("人次"),
            _("班级人数"),
            _("出勤率"),
        ]
    )
    for r in classes:
        sheet.append(
            [
                r["code"],
                r["title"],
                r["classes"],
                r["lessons"],
                r["headcount"],
                r["size"],
                round(r["rate"], 4) if r["rate"] is not None else None,
            ]
        )
    sheet = book.create_sheet(_("学生"))
    head = [_("小组编号"), _("小组"), _("档案编号")]
    if names:
        head.append(_("姓名"))
    head += [
        _("班级"),
        _("已开展次数"),
        _("出勤次数"),
        str(ATTENDANCE["excused"]),
        str(ATTENDANCE["absent"]),
        _("未记录"),
        _("出勤率"),
    ]
    sheet.append(head)
    for r in students:
        cells = [r["program_code"], r["group"], r["code"]]
        if names:
            cells.append(r["name"])
        cells += [
            r["class_name"],
            r["held"],
            r["attended"],
            r["excused"],
            r["absent"],
            r["unmarked"],
            round(r["rate"], 4) if r["rate"] is not None else None,
        ]
        sheet.append(cells)
    for sheet in book.worksheets:
        _literal(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _literal(sheet) -> None:
    """Text stays text: openpyxl stores a string that starts with "=" as a formula, so a
    group named "=HYPERLINK(…)" would run when the school opens the file."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
