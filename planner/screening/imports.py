"""Results imported from the sheet a school psychology platform exports: one row per
student, the student number and one column per item. The reading (size limits, zip-bomb
guard, .csv/.xlsx), the server-side upload and the upload → map → preview → commit steps
are the roster import's (students/roster.py, students/uploads.py); what a row must hold is
the screening's. The commit is all or nothing.
"""

import re
from dataclasses import dataclass, field

from peewee import IntegrityError

from planner.audit.models import record
from planner.db import write_tx
from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l
from planner.screening.models import ScreeningResult
from planner.screening.scoring import score
from planner.screening.services import PURPOSE, roster
from planner.students.consent import consenting_ids
from planner.students.roster import GUESS
from planner.students.roster import _norm as norm

STUDENT_WORDS = dict(GUESS)["student_no"]
BATCH = 100


@dataclass
class Row:
    n: int
    student_no: str
    cells: dict  # item key → text
    errors: list = field(default_factory=list)
    student: object = None
    answers: dict = field(default_factory=dict)
    outcome: object = None


def fields_of(instrument) -> list:
    """[(key, label)]: the student number, then each item ("第3题")."""
    return [("student_no", _l("学号"))] + [
        (item["key"], _l("第%(n)s题", n=i)) for i, item in enumerate(instrument.items, 1)
    ]


def guess(instrument, headers: list) -> dict:
    """{field key: column} from the header words: 学号…; an item by its key (q3), its
    number (3, 第3题, 题3, Q3) or its text."""
    out, taken = {}, set()
    normalised = [norm(h) for h in headers]

    def pick(words):
        for i, h in enumerate(normalised):
            if i not in taken and h in words:
                taken.add(i)
                return i
        return None

    out["student_no"] = pick({norm(w) for w in STUDENT_WORDS})
    for n, item in enumerate(instrument.items, 1):
        words = {item["key"], str(n), f"第{n}题", f"题{n}", f"q{n}", norm(item["text"])}
        out[item["key"]] = pick({norm(w) for w in words})
    return out


def check_mapping(instrument, mapping: dict, width: int) -> dict:
    errors, seen = {}, {}
    for key, label in fields_of(instrument):
        index = mapping.get(key)
        if index is None:
            errors[key] = _l("请为“%(f)s”选择文件中对应的列。", f=label)
        elif not 0 <= index < width:
            errors[key] = _l("请选择有效的选项。")
        elif index in seen:
            errors[key] = _l("这一列已用于“%(f)s”。", f=seen[index])
        else:
            seen[index] = label
    return errors


INT = re.compile(r"^-?\d{1,6}$")


def validate(user, rnd, table: dict, mapping: dict) -> tuple[list, list]:
    """(rows with their problems, students lacking consent), in four queries: reading
    the round's students against the sheet is a read of their records, so it is audited."""
    inst = rnd.instrument
    students = {s.student_no: s for s in roster(rnd)}
    consenting = consenting_ids([s.id for s in students.values()], PURPOSE)
    done = {
        sid
        for (sid,) in ScreeningResult.select(ScreeningResult.student)
        .where(ScreeningResult.round == rnd.id)
        .tuples()
    }
    rows, lacking, first_seen = [], [], {}
    for n, cells in table["rows"]:
        number = cells[mapping["student_no"]]
        row = Row(n, number, {i["key"]: cells[mapping[i["key"]]] for i in inst.items})
        student = students.get(number)
        if not number:
            row.errors.append(_l("缺少学号。"))
        elif number in first_seen:
            row.errors.append(_l("学号与第 %(n)s 行重复。", n=first_seen[number]))
        elif student is None:
            row.errors.append(_l("这次筛查覆盖的班级中没有学号为 %(no)s 的学生。", no=number[:30]))
        elif student.id in done:
            row.errors.append(_l("该学生在这次筛查中已有结果。"))
        elif student.id not in consenting:
            row.errors.append(_l("缺少“心理筛查”同意。"))
            lacking.append(student)
        first_seen.setdefault(number, n)
        for i, item in enumerate(inst.items, 1):
            text = row.cells[item["key"]]
            if not INT.match(text) or not inst.scale_min <= int(text) <= inst.scale_max:
                row.errors.append(
                    _l(
                        "第%(n)s题的得分应为 %(lo)s 到 %(hi)s 的整数。",
                        n=i,
                        lo=inst.scale_min,
                        hi=inst.scale_max,
                    )
                )
            else:
                row.answers[item["key"]] = int(text)
        if not row.errors:
            row.student = student
            row.outcome = score(inst, row.answers)
        rows.append(row)
    record(
        user,
        "screening_read",
        "screening_round",
        rnd.id,
        f"import rows={len(rows)} lacking={','.join(s.archive_code for s in lacking[:50])}",
    )
    return rows, lacking


def commit(user, rnd, rows: list) -> int:
    """Insert every row's result, or none."""
    if not rows or any(row.errors for row in rows):
        raise PlannerError(_l("还有需要修改的行，未导入任何筛查结果。"))
    records = [
        {
            "round": rnd.id,
            "student": row.student.id,
            "answers": row.answers,
            "total": row.outcome.total,
            "critical": row.outcome.critical,
            "tier": row.outcome.tier,
            "recorded_by": user.id,
        }
        for row in rows
    ]
    try:
        with write_tx():
            for start in range(0, len(records), BATCH):
                ScreeningResult.insert_many(records[start : start + BATCH]).execute()
            record(user, "screening_import", "screening_round", rnd.id, f"count={len(records)}")
    except IntegrityError as exc:
        raise PlannerError(
            _l("导入时发现有学生已有结果（可能有人刚刚录入），未导入任何结果。请重新预览。")
        ) from exc
    return len(records)
