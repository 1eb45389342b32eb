"""A group's roster changed in one go: students added by archive code (a row each, with its
screening note) or ticked from the school's list, members ticked to leave. Checked whole
under the rules of planner.students.groups.add_member (this school, not archived, consent
to take part, not already in) and saved all or nothing, each change audited; a roster
changed by someone else since the page was drawn refuses the save (CONFLICT)."""

import hashlib

from planner.audit.models import record
from planner.db import write_tx
from planner.errors import CONFLICT, PlannerError
from planner.i18n import lazy_gettext as _l
from planner.students.consent import missing_text, standings
from planner.students.groups import member_detail
from planner.students.models import GroupMember, Student


def invalid(n):
    return _l("有 %(n)s 处需要修改，全部改好后才会保存（本次未保存任何改动）。", n=n)


def active_members(program_id) -> list:
    return list(
        GroupMember.select()
        .where((GroupMember.program == program_id) & GroupMember.active)
        .order_by(GroupMember.id)
    )


def roster_stamp(members) -> str:
    """What the page was drawn on: the active members' ids."""
    text = ",".join(str(m.id) for m in sorted(members, key=lambda m: m.id))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _why_not(program, student, standing, current) -> str | None:
    if student.school_id != program.school_id:
        return _l("该学生不属于本小组所在的学校，不能加入。")
    if student.archived:
        return _l("该学生档案已归档，不能加入小组。")
    missing = standing.missing("participation") if standing else ("participation",)
    if missing:
        return _l(
            "该学生参加小组的知情同意不完整（%(missing)s），不能加入小组。",
            missing=missing_text(missing),
        )
    if student.id in current:
        return _l("该学生已在小组中。")
    return None


def apply_roster(program, data: dict, user) -> tuple[int, int]:
    """data: rows [(key, archive code, note)], add (student ids), remove (member ids),
    stamp. Returns (added, removed). Refused whole with errors keyed by the row
    (code_<i>), the ticked student (add_<id>) or member (remove_<id>)."""
    rows, add, remove = data["rows"], data["add"], data["remove"]
    with write_tx():
        members = active_members(program.id)
        if roster_stamp(members) != data["stamp"]:
            raise PlannerError(
                _l("你打开本页后，名册已被他人修改。以下为最新名册，请重新选择（本次未保存）。"),
                kind=CONFLICT,
            )
        current = {m.student_id: m for m in members}
        codes = {code for _, code, _ in rows}
        by_code = {
            s.archive_code: s
            for s in Student.select().where(
                (Student.school == program.school_id) & Student.archive_code.in_(codes or [""])
            )
        }
        ticked = {s.id: s for s in Student.select().where(Student.id.in_(add or [0]))}
        wanted = [s.id for s in by_code.values()] + list(ticked)
        found = standings(wanted, purpose="participation")
        errors, adding = {}, {}
        for key, code, note in rows:
            student = by_code.get(code)
            reason = (
                _l("本校没有档案编码为 %(code)s 的学生。", code=code)
                if student is None
                else _l("档案编码 %(code)s 重复填写。", code=code)
                if student.id in adding
                else _why_not(program, student, found.get(student.id), current)
            )
            if reason:
                errors[key] = reason
            else:
                adding[student.id] = (student, note)
        for sid in add:
            student = ticked.get(sid)
            reason = (
                _l("该学生不属于本小组所在的学校，不能加入。")
                if student is None
                else None
                if student.id in adding  # also typed as a code: once is enough
                else _why_not(program, student, found.get(student.id), current)
            )
            if reason:
                errors[f"add_{sid}"] = reason
            elif student.id not in adding:
                adding[student.id] = (student, "")
        members_by_id = {m.id: m for m in members}
        for member_id in remove:
            if member_id not in members_by_id:
                errors[f"remove_{member_id}"] = _l("该组员已不在小组中。")
        if errors:
            raise PlannerError(invalid(len(errors)), errors=errors)
        _write(program, adding, [members_by_id[i] for i in remove], user)
    return len(adding), len(remove)


def _write(program, adding: dict, leaving: list, user) -> None:
    earlier = {
        m.student_id: m
        for m in GroupMember.select().where(
            (GroupMember.program == program.id) & GroupMember.student.in_(list(adding) or [0])
        )
    }
    for sid, (student, note) in adding.items():
        record(user, "member_add", "student", sid, member_detail(program, student))
        if sid in earlier:
            GroupMember.update(active=True, screening_note=note).where(
                GroupMember.id == earlier[sid].id
            ).execute()
        else:
            GroupMember.create(program=program.id, student=sid, screening_note=note)
    if leaving:
        students = {
            s.id: s for s in Student.select().where(Student.id.in_([m.student_id for m in leaving]))
        }
        for member in leaving:
            GroupMember.update(active=False).where(GroupMember.id == member.id).execute()
            record(
                user,
                "member_remove",
                "student",
                member.student_id,
                member_detail(program, students[member.student_id]),
            )
